/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from '../server/fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from '../server/harness.ts';

describe.each(STORAGES)('order intake and the change feed on %s', (storage) => {
  let server: TestServer;
  let erp: ApiClient;
  let customer: ApiClient & { email: string };
  let product: string;

  beforeAll(async () => {
    server = await startTestServer(storage);
    const planner = await server.userClient('planner');
    erp = await server.userClient('customer_service', 'ERP connector');
    customer = await server.userClient('customer', 'Li Na');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
  }, 60_000);
  afterAll(() => server?.stop());

  const order = (externalId: string, extra: Record<string, unknown> = {}) => ({
    externalId,
    customer: customer.email,
    lines: [{ product, quantity: 2 }],
    shipTo: 'Hangzhou, 8 Wensan Road',
    customerReference: `PO-${externalId}`,
    ...extra,
  });

  it('creates many orders in one call with one result each, and creates nothing twice when sent again', async () => {
    const batch = [
      order('SO-1001'),
      order('SO-1002'),
      order('SO-1003', { lines: [{ product: 'NO-SUCH-PRODUCT', quantity: 1 }] }),
      order('SO-1004', { customer: 'nobody@example.com' }),
      order('SO-1005', { shipTo: '' }),
    ];
    const first = await erp.post('/api/v1/intake/orders', { orders: batch });
    expect(first.status).toBe(200);
    const statuses = first.body.results.map((r: any) => [r.externalId, r.status]);
    expect(statuses).toEqual([
      ['SO-1001', 'created'],
      ['SO-1002', 'created'],
      ['SO-1003', 'rejected'],
      ['SO-1004', 'rejected'],
      ['SO-1005', 'rejected'],
    ]);
    expect(first.body.results[0].order).toMatchObject({
      state: 'confirmed',
      code: expect.stringMatching(/^RD/),
    });
    expect(first.body.results[2].error.message).toMatch(/^lines\.0\.product: /);
    expect(first.body.results[3].error.message).toMatch(
      /nobody@example.com is not an active customer/,
    );
    expect(first.body.results[4].error.message).toMatch(/^shipTo:/);

    const again = await erp.post('/api/v1/intake/orders', { orders: batch });
    expect(again.body.results.map((r: any) => r.status)).toEqual([
      'existing',
      'existing',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(again.body.results[0].order.id).toBe(first.body.results[0].order.id);
    // The customer sees their orders as if they had placed them.
    const mine = await customer.get('/api/v1/orders');
    expect(mine.body.orders.map((o: any) => o.customerReference).sort()).toEqual([
      'PO-SO-1001',
      'PO-SO-1002',
    ]);
  });

  it('refuses a batch that is not one, and people who may not take orders in', async () => {
    expect((await erp.post('/api/v1/intake/orders', { orders: [] })).status).toBe(400);
    expect((await erp.post('/api/v1/intake/orders', { orders: [{ customer: 'x' }] })).status).toBe(
      400,
    );
    expect((await customer.post('/api/v1/intake/orders', { orders: [order('SO-9')] })).status).toBe(
      403,
    );
    expect(
      (await server.client().post('/api/v1/intake/orders', { orders: [order('SO-9')] })).status,
    ).toBe(401);
  });

  it('reads the changes since a cursor, page by page, and nothing twice', async () => {
    const all = await erp.get('/api/v1/changes?after=0&limit=1000');
    expect(all.status).toBe(200);
    const confirmations = all.body.events.filter((e: any) => e.kind === 'order.state_changed');
    expect(confirmations).toHaveLength(2);
    expect(confirmations[0]).toMatchObject({ data: { from: 'submitted', to: 'confirmed' } });
    const seqs = all.body.events.map((e: any) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));

    const firstPage = await erp.get('/api/v1/changes?after=0&limit=1');
    expect(firstPage.body).toMatchObject({ more: true, cursor: seqs[0] });
    const rest = await erp.get(`/api/v1/changes?after=${firstPage.body.cursor}&limit=1000`);
    expect(rest.body.events.map((e: any) => e.seq)).toEqual(seqs.slice(1));
    const nothing = await erp.get(`/api/v1/changes?after=${all.body.cursor}`);
    expect(nothing.body).toEqual({ events: [], cursor: all.body.cursor, more: false });

    expect((await erp.get('/api/v1/changes?after=-1')).status).toBe(400);
    expect((await customer.get('/api/v1/changes?after=0')).status).toBe(403);
  });
});
