/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_LIFETIME_MS } from '#server/idempotency/idempotency-keys.ts';
import { deleteExpiredIdempotencyKeys } from '#server/idempotency/idempotency-keys.ts';
import { OAK_TABLE, WALNUT_TABLE } from './fixtures.ts';
import {
  STORAGES,
  startTestServer,
  type ApiClient,
  type ApiResponse,
  type TestServer,
} from './harness.ts';

const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 10);

/*
 * Idempotency-Key on the creating POSTs (docs/api.md, "Retrying safely"), through the real
 * HTTPS server on both storages: a retry answers what the first request answered and
 * creates nothing; the same key with another body is refused; keys are each caller's own;
 * the same key sent many times at once makes one order; bad keys are refused; answers
 * expire after a day and are swept.
 */
describe.each(STORAGES)('Idempotency-Key, on %s', (storage) => {
  let server: TestServer;
  let planner: ApiClient;
  let product: string;
  /** How far the server's clock runs ahead of the real one. */
  let ahead = 0;

  beforeAll(async () => {
    // Sessions outlast the days the expiry test moves the clock by.
    server = await startTestServer(storage, {
      env: { SESSION_IDLE_MINUTES: '20160' },
      now: () => new Date(Date.now() + ahead),
    });
    planner = await server.userClient('planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
  });
  afterAll(() => server?.stop());

  const order = (shipTo = 'Hangzhou, 8 Wensan Road') => ({
    lines: [{ product, quantity: 2 }],
    shipTo,
  });
  const send = (client: ApiClient, path: string, body: unknown, key?: string) =>
    client.request(
      'POST',
      path,
      body,
      key === undefined ? {} : { headers: { 'idempotency-key': key } },
    );
  const ordersOf = async (customer: ApiClient) =>
    ((await customer.get('/api/v1/orders?limit=200')).body.orders as any[]).length;
  const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed');

  it('answers a retry with the first answer, marked replayed, and creates nothing more', async () => {
    const customer = await server.userClient('customer');
    const first = await send(customer, '/api/v1/orders', order(), 'order-1');
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('confirmed');
    expect(replayed(first)).toBeNull();
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);

    const again = await send(customer, '/api/v1/orders', order(), 'order-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(replayed(again)).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ordersOf(customer)).toBe(1);

    // Without a key every POST is a new order, as before.
    await send(customer, '/api/v1/orders', order());
    await send(customer, '/api/v1/orders', order());
    expect(await ordersOf(customer)).toBe(3);
  });

  it('documents the header and the 422 in the OpenAPI description of each keyed route', async () => {
    const paths = (await server.client().get('/api/v1/openapi.json')).body.paths;
    for (const path of [
      '/api/v1/orders',
      '/api/v1/intake/orders',
      '/api/v1/products',
      '/api/v1/webhooks',
    ]) {
      const post = paths[path].post;
      const header = post.parameters.find(
        (p: any) => p.in === 'header' && p.name === 'idempotency-key',
      );
      expect(header, path).toMatchObject({ required: false, schema: { maxLength: 255 } });
      expect(Object.keys(post.responses), path).toContain('422');
    }
  });

  it('refuses the same key with another body (422), and creates nothing', async () => {
    const customer = await server.userClient('customer');
    expect((await send(customer, '/api/v1/orders', order(), 'k')).status).toBe(200);
    const other = await send(customer, '/api/v1/orders', order('Suzhou, 1 Xinghu Street'), 'k');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('OT_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(other.body.error.message).toMatch(/Idempotency-Key k was used for a different request/);
    expect(await ordersOf(customer)).toBe(1);
    // The planner's k is the planner's own; used again for another product, it is refused.
    expect((await send(planner, '/api/v1/products', WALNUT_TABLE, 'k')).status).toBe(200);
    const otherProduct = await send(planner, '/api/v1/products', OAK_TABLE, 'k');
    expect(otherProduct.status).toBe(422);
    expect(otherProduct.body.error.code).toBe('OT_ERR_IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps each caller’s keys apart: two customers with one key get two orders', async () => {
    const [ana, bo] = await server.userClients('customer', 'customer');
    const a = await send(ana, '/api/v1/orders', order(), 'shared-key');
    const b = await send(bo, '/api/v1/orders', order(), 'shared-key');
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(replayed(b)).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
    expect(await ordersOf(ana)).toBe(1);
    expect(await ordersOf(bo)).toBe(1);
    // Bo's retry answers Bo's order, never Ana's.
    const retry = await send(bo, '/api/v1/orders', order(), 'shared-key');
    expect(retry.body.id).toBe(b.body.id);
  });

  it('makes one order of the same key sent eight times at once; every answer is that order', async () => {
    const customer = await server.userClient('customer');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(customer, '/api/v1/orders', order(), 'at-once')),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => replayed(answer) === null)).toHaveLength(1);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect(await ordersOf(customer)).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'two words'],
    ['over 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'cl\u00e9'],
  ])('refuses a key %s with 400 naming the header, and creates nothing', async (_name, key) => {
    const customer = await server.userClient('customer');
    const refused = await send(customer, '/api/v1/orders', order(), key);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('OT_ERR_VALIDATION');
    expect(refused.body.error.message).toMatch(/^headers\.idempotency-key: /);
    expect(refused.body.error.message).toMatch(/Idempotency-Key/);
    expect(await ordersOf(customer)).toBe(0);
  });

  it('accepts a key of exactly 255 printable characters', async () => {
    const customer = await server.userClient('customer');
    const key = `${'~!'.repeat(127)}z`;
    expect((await send(customer, '/api/v1/orders', order(), key)).status).toBe(200);
    expect(
      (await send(customer, '/api/v1/orders', order(), key)).headers.get('idempotent-replayed'),
    ).toBe('true');
    expect(await ordersOf(customer)).toBe(1);
  });

  it('stores nothing for a refused request: the retry with the key, corrected, creates the order', async () => {
    const customer = await server.userClient('customer');
    const unknownProduct = {
      lines: [{ product: 'PD0000000000', quantity: 1 }],
      shipTo: 'Hangzhou, 8 Wensan Road',
    };
    expect((await send(customer, '/api/v1/orders', unknownProduct, 'fix-me')).status).toBe(400);
    // The same key and the same (bad) body: refused again, not replayed.
    const badAgain = await send(customer, '/api/v1/orders', unknownProduct, 'fix-me');
    expect(badAgain.status).toBe(400);
    expect(replayed(badAgain)).toBeNull();
    expect((await send(customer, '/api/v1/orders', order(), 'fix-me')).status).toBe(200);
    expect(await ordersOf(customer)).toBe(1);
  });

  it('replays products, webhooks and intake batches the same way', async () => {
    const admin = await server.userClient('admin');
    const made = await send(planner, '/api/v1/products', WALNUT_TABLE, 'walnut-1');
    const madeAgain = await send(planner, '/api/v1/products', WALNUT_TABLE, 'walnut-1');
    expect(madeAgain.body).toEqual(made.body);
    expect(replayed(madeAgain)).toBe('true');

    const hook = { url: 'https://erp.example.com/hooks/ordertrace', events: ['line.stopped'] };
    const subscribed = await send(admin, '/api/v1/webhooks', hook, 'hook-1');
    const subscribedAgain = await send(admin, '/api/v1/webhooks', hook, 'hook-1');
    expect(subscribed.status).toBe(200);
    expect(subscribedAgain.body).toEqual(subscribed.body);
    const hooks = (await admin.get('/api/v1/webhooks')).body.webhooks as any[];
    expect(hooks.filter((h) => h.url === hook.url)).toHaveLength(1);

    const customer = await server.userClient('customer');
    const batch = {
      orders: [{ externalId: `SO-${storage}-1`, customer: customer.email, ...order() }],
    };
    const taken = await send(planner, '/api/v1/intake/orders', batch, 'batch-1');
    expect(taken.body.results[0].status).toBe('created');
    const takenAgain = await send(planner, '/api/v1/intake/orders', batch, 'batch-1');
    // Without the key the retry would say "existing"; with it, the answer is the first one.
    expect(takenAgain.body).toEqual(taken.body);
    expect(replayed(takenAgain)).toBe('true');
    expect(await ordersOf(customer)).toBe(1);
  });

  it('forgets a key after a day: the sweep deletes it and the key may name a new request', async () => {
    const customer = await server.userClient('customer');
    expect((await send(customer, '/api/v1/orders', order(), 'daily')).status).toBe(200);
    ahead += IDEMPOTENCY_KEY_LIFETIME_MS - 60_000;
    expect(replayed(await send(customer, '/api/v1/orders', order(), 'daily'))).toBe('true');
    ahead += 120_000;
    // Expired but not yet swept: a new request under the key is new, not refused.
    const next = await send(customer, '/api/v1/orders', order('Suzhou, 1 Xinghu Street'), 'daily');
    expect(next.status).toBe(200);
    expect(replayed(next)).toBeNull();
    expect(await ordersOf(customer)).toBe(2);
    ahead += IDEMPOTENCY_KEY_LIFETIME_MS + 60_000;
    expect(await deleteExpiredIdempotencyKeys(server.context)).toBeGreaterThanOrEqual(1);
    const left = await server.context.storage.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('expires_at', '<=', server.context.now().toISOString())
      .execute();
    expect(left).toEqual([]);
  });

  /*
   * Any sequence of sends, some at once, with a few keys and two bodies per key: every
   * key makes exactly one order, every 200 for a key is the same order, exactly one of
   * them is not a replay, and a 422 answers only a body other than the one that won.
   */
  it('keeps orders equal to distinct keys over any interleaving of sends and retries', async () => {
    const send1 = fc.record({
      key: fc.integer({ min: 0, max: 3 }),
      body: fc.integer({ min: 0, max: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(send1, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        async (groups) => {
          const customer = await server.userClient('customer');
          const bodies = [order(), order('Suzhou, 1 Xinghu Street')];
          const answers = new Map<number, { body: number; response: ApiResponse }[]>();
          for (const group of groups) {
            const responses = await Promise.all(
              group.map((s) => send(customer, '/api/v1/orders', bodies[s.body], `key-${s.key}`)),
            );
            group.forEach((s, i) => {
              const list = answers.get(s.key) ?? [];
              list.push({ body: s.body, response: responses[i]! });
              answers.set(s.key, list);
            });
          }
          for (const list of answers.values()) {
            const ok = list.filter((a) => a.response.status === 200);
            expect(list.every((a) => [200, 422].includes(a.response.status))).toBe(true);
            expect(ok.length).toBeGreaterThanOrEqual(1);
            const winner = ok[0]!;
            for (const a of ok) {
              expect(a.body).toBe(winner.body);
              expect(a.response.body).toEqual(winner.response.body);
            }
            expect(ok.filter((a) => replayed(a.response) === null)).toHaveLength(1);
            for (const a of list.filter((x) => x.response.status === 422))
              expect(a.body).not.toBe(winner.body);
          }
          expect(await ordersOf(customer)).toBe(answers.size);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
