/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from '../server/fixtures.ts';
import { STORAGES, type ApiClient } from '../server/harness.ts';
import { releasedOrder } from '../server/station-flow.ts';
import { RestartableServer, eventually } from '../sync/sync-harness.ts';
import { startReceiver } from './receiver.ts';

describe.each(STORAGES)('webhooks on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let secret = '';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  let hookId: string;

  beforeAll(async () => {
    receiver = await startReceiver(() => secret);
    await plant.start();
    [admin, planner, customer] = await plant.userClients('admin', 'planner', 'customer');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  }, 60_000);
  afterAll(async () => {
    await plant.destroy();
    await receiver.close();
  });

  it('refuses a subscription that is not https (but loopback http), names an unknown kind, or is not an admin’s', async () => {
    for (const url of [
      'http://example.com/hook',
      'ftp://127.0.0.1/x',
      'https://u:p@example.com/',
      'not a url',
    ]) {
      const answer = await admin.post('/api/v1/webhooks', { url, events: ['order.state_changed'] });
      expect(answer.status, url).toBe(400);
    }
    const unknownKind = await admin.post('/api/v1/webhooks', {
      url: 'https://erp.example.com/hook',
      events: ['order.exploded'],
    });
    expect(unknownKind.status).toBe(400);
    const notAdmin = await planner.post('/api/v1/webhooks', {
      url: 'https://erp.example.com/hook',
      events: ['order.state_changed'],
    });
    expect(notAdmin.status).toBe(403);
  });

  it('delivers a signed order change with its event kind and idempotency id', async () => {
    const created = await admin.post('/api/v1/webhooks', {
      url: receiver.url,
      events: ['order.state_changed', 'line.stopped'],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.any(String),
      secret: expect.stringMatching(/^whsec_/),
    });
    ({ id: hookId, secret } = created.body);
    const listed = await admin.get('/api/v1/webhooks');
    expect(listed.body.webhooks[0]).toMatchObject({ id: hookId, url: receiver.url });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const order = await releasedOrder(customer, planner, product, 1);
    const released = await eventually(
      () =>
        receiver.received.find(
          (r) => r.json.order === order.code && (r.json.data as any).to === 'released',
        ),
      10_000,
      'the release delivered',
    );
    if (!released) throw new Error('unreachable');
    expect(receiver.refused).toEqual([]);
    expect(released.headers['ordertrace-event']).toBe('order.state_changed');
    expect(released.headers['ordertrace-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(released.json).toMatchObject({
      kind: 'order.state_changed',
      order: order.code,
      plant: 'main',
      line: 'L1',
      data: { to: 'released', action: 'release' },
    });
  });

  it('keeps what a receiver missed across a server restart and delivers it once the receiver is back; replays on request', async () => {
    receiver.state.down = true;
    const order = await releasedOrder(customer, planner, product, 1);
    const held = await planner.post(`/api/v1/orders/${order.id}/hold`, {
      reason: 'customer asked to wait',
    });
    expect(held.status).toBe(200);
    // The receiver answered 503 at least once: the log says so.
    const failing = await eventually(
      async () => {
        const log = await admin.get(`/api/v1/webhooks/${hookId}/deliveries`);
        return log.body.deliveries.find(
          (d: any) => d.status === 'pending' && d.attempts >= 1 && d.lastStatus === 503,
        );
      },
      10_000,
      'a failed attempt in the log',
    );
    expect(failing.lastError).toBe('HTTP 503');

    await plant.stop();
    receiver.state.down = false;
    await plant.start();
    const back = await plant.userClient('admin');
    const missed = await eventually(
      () => {
        const states = receiver.received
          .filter((r) => r.json.order === order.code)
          .map((r) => (r.json.data as any).to);
        return states.includes('released') && states.includes('on_hold') ? states : undefined;
      },
      15_000,
      'both missed changes',
    );
    expect(missed).toEqual(expect.arrayContaining(['released', 'on_hold']));
    // The receiver has it; the log says so once the dispatcher has written its answer down.
    const delivered = await eventually(
      async () => {
        const log = await back.get(`/api/v1/webhooks/${hookId}/deliveries`);
        const entry = log.body.deliveries.find((d: any) => d.id === failing.id);
        return entry?.status === 'delivered' ? entry : undefined;
      },
      15_000,
      'the missed delivery marked delivered',
    );
    expect(delivered).toMatchObject({ status: 'delivered' });
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);

    const before = receiver.received.filter(
      (r) => r.headers['ordertrace-delivery'] === failing.id,
    ).length;
    const replay = await back.post(`/api/v1/webhook-deliveries/${failing.id}/replay`);
    expect(replay.status).toBe(200);
    await eventually(
      () =>
        receiver.received.filter((r) => r.headers['ordertrace-delivery'] === failing.id).length >
        before,
      10_000,
      'the replay',
    );
    expect((await back.post('/api/v1/webhook-deliveries/nope/replay')).status).toBe(404);
  });
});
