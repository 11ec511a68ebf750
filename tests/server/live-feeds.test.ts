import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { hashToken, newToken } from '#server/auth/tokens.ts';
import { FEED_LIMITS } from '#server/live/live-feeds.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { enrollStation } from './station-flow.ts';
import { openFeed, type OpenFeed } from './live-feed-client.ts';

/*
 * Live feeds end with what opened them: a revoked or re-enrolled station's, a logged-out
 * or expired session's, a person's whose role changed, each within a second; and no person or station holds more than its limit
 * (429 with Retry-After). Real HTTPS, both storages (PostgreSQL carries the ends over
 * LISTEN/NOTIFY).
 */
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(check()).toBe(true);
};

describe.each(STORAGES)('live feeds end with their credentials, on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let planner: ApiClient;
  let product: string;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [admin, planner] = await server.userClients('admin', 'planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  });
  afterAll(() => server?.stop());

  const placeOrder = async (customer: ApiClient) =>
    (
      await customer.post('/api/v1/orders', {
        lines: [{ product, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      })
    ).body.id as string;

  it('a logged-out customer’s order feed ends within a second', async () => {
    const customer = await server.userClient('customer');
    const order = await placeOrder(customer);
    const feed = await openFeed(customer, `/api/v1/orders/${order}/live`);
    expect(feed.status).toBe(200);
    await until(() => feed.text().includes('event: order'));
    expect((await customer.post('/api/v1/auth/logout')).status).toBe(200);
    const loggedOutAt = Date.now();
    expect(await feed.ended(() => loggedOutAt)).toBeLessThan(1000);
  });

  /** An enrolled station with its sync feed open and flowing. */
  const stationWithFeed = async () => {
    const station = await enrollStation(server, admin, 'production', 'L1');
    const feed = await openFeed(station.api, `/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`);
    expect(feed.status).toBe(200);
    await until(() => feed.text().includes('event: changes'));
    return { station, feed };
  };

  it('a revoked station’s live feed ends within a second', async () => {
    const { station, feed } = await stationWithFeed();
    expect((await admin.post(`/api/v1/stations/${station.id}/revoke`)).status).toBe(200);
    const revokedAt = Date.now();
    expect(await feed.ended(() => revokedAt)).toBeLessThan(1000);
    const again = await openFeed(station.api, `/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`);
    expect(again.status).toBe(401);
  });

  it('a station’s live feed ends within a second when a new enrollment code replaces its token', async () => {
    const { station, feed } = await stationWithFeed();
    expect((await admin.post(`/api/v1/stations/${station.id}/enrollment`)).status).toBe(200);
    const reissuedAt = Date.now();
    expect(await feed.ended(() => reissuedAt)).toBeLessThan(1000);
  });

  it('a person’s feed ends within a second when an admin changes their role', async () => {
    const customer = await server.userClient('customer');
    const order = await placeOrder(customer);
    const me = (await customer.get('/api/v1/auth/me')).body.id as string;
    const feed = await openFeed(customer, `/api/v1/orders/${order}/live`);
    expect(feed.status).toBe(200);
    await until(() => feed.text().includes('event: order'));
    const changed = await admin.request('PATCH', `/api/v1/users/${me}`, { role: 'planner' });
    expect(changed.status).toBe(200);
    const changedAt = Date.now();
    expect(await feed.ended(() => changedAt)).toBeLessThan(1000);
  });

  it('a feed ends when its session expires', async () => {
    const customer = await server.userClient('customer');
    const order = await placeOrder(customer);
    const me = (await customer.get('/api/v1/auth/me')).body.id as string;
    const token = newToken();
    const expiresAt = new Date(Date.now() + 1500);
    await server.context.storage.db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: me,
        created_at: new Date().toISOString(),
        expires_at: expiresAt.toISOString(),
        last_seen_at: new Date().toISOString(),
      })
      .execute();
    const short = server.client();
    short.cookie = `ot_session=${token}`;
    const feed = await openFeed(short, `/api/v1/orders/${order}/live`);
    expect(feed.status).toBe(200);
    expect(await feed.ended(() => expiresAt.getTime())).toBeLessThan(1000);
  });

  it('caps the feeds one person holds, with 429 and Retry-After', async () => {
    const customer = await server.userClient('customer');
    const order = await placeOrder(customer);
    const feeds: OpenFeed[] = [];
    for (let i = 0; i < FEED_LIMITS.user; i++) {
      const feed = await openFeed(customer, `/api/v1/orders/${order}/live`);
      expect(feed.status).toBe(200);
      feeds.push(feed);
    }
    const refused = await openFeed(customer, `/api/v1/orders/${order}/live`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await refused.ended(() => 0);
    expect(JSON.parse(refused.text())).toMatchObject({ error: { code: 'OT_ERR_RATE_LIMITED' } });
    // Another person is not held back by this one.
    const other = await server.userClient('customer');
    const theirs = await openFeed(other, `/api/v1/orders/${await placeOrder(other)}/live`);
    expect(theirs.status).toBe(200);
    // A closed feed frees its place.
    await feeds.pop()!.cancel();
    let reopened: OpenFeed | undefined;
    for (let i = 0; i < 20 && reopened?.status !== 200; i++) {
      await reopened?.cancel();
      await new Promise((r) => setTimeout(r, 50));
      reopened = await openFeed(customer, `/api/v1/orders/${order}/live`);
    }
    expect(reopened?.status).toBe(200);
    for (const feed of [...feeds, theirs, reopened!]) await feed.cancel();
  });

  it('caps the feeds one station holds, with 429 and Retry-After', async () => {
    const station = await enrollStation(server, admin, 'production', 'L1');
    const path = `/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`;
    const feeds: OpenFeed[] = [];
    for (let i = 0; i < FEED_LIMITS.station; i++) {
      const feed = await openFeed(station.api, path);
      expect(feed.status).toBe(200);
      feeds.push(feed);
    }
    const refused = await openFeed(station.api, path);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await refused.ended(() => 0);
    expect(JSON.parse(refused.text())).toMatchObject({ error: { code: 'OT_ERR_RATE_LIMITED' } });
    // Another station is not held back by this one.
    const other = await enrollStation(server, admin, 'production', 'L1');
    const theirs = await openFeed(other.api, path);
    expect(theirs.status).toBe(200);
    for (const feed of [...feeds, theirs]) await feed.cancel();
  });
});
