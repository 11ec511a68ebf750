/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { CANCEL_UNDO_MS } from '#core/orders/cancel-undo.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import {
  consume,
  enrollStation,
  progress,
  pushAccepted,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/*
 * Undoing a cancel (issue 16): within the grace period the order goes back where it was,
 * with nothing released or handed out again; after it the cancel is final.
 */
describe.each(STORAGES)('undoing an order cancel on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let otherCustomer: ApiClient;
  let planner: ApiClient;
  let service: ApiClient;
  let production: TestStation;
  let oak: string;
  // The server's clock: tests move it past the grace period.
  let ahead = 0;

  const place = async (client = customer) => {
    const placed = await client.post('/api/v1/orders', {
      lines: [{ product: oak, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(placed.status).toBe(200);
    return placed.body;
  };
  const cancel = (client: ApiClient, id: string) =>
    client.post(`/api/v1/orders/${id}/cancel`, { reason: 'Ordered by mistake' });

  beforeAll(async () => {
    server = await startTestServer(storage, { now: () => new Date(Date.now() + ahead) });
    let admin: ApiClient;
    [customer, otherCustomer, planner, service, admin] = await server.userClients(
      'customer',
      'customer',
      'planner',
      'customer_service',
      'admin',
    );
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    production = await enrollStation(server, admin, 'production', 'L1');
    oak = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
  });
  afterAll(() => server?.stop());

  it('a customer undoes their own cancel within the grace: the order is confirmed again, with its code', async () => {
    const order = await place();
    const cancelled = await cancel(customer, order.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(cancelled.body.cancellation).toMatchObject({
      reason: 'Ordered by mistake',
      byCustomer: true,
    });
    const until = Date.parse(cancelled.body.cancellation.undoUntil);
    expect(until - Date.parse(cancelled.body.cancellation.at)).toBe(CANCEL_UNDO_MS);

    const undone = await customer.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body).toMatchObject({ state: 'confirmed', code: order.code, cancellation: null });
    // Undoing twice: nothing is cancelled any more.
    const again = await customer.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/not cancelled/);
    const history = (await planner.get(`/api/v1/audit?entityId=${order.id}&sort=oldest`)).body
      .entries;
    expect(history.map((e: any) => e.action)).toEqual([
      'order.submitted',
      'order.confirm',
      'order.cancel',
      'order.cancel_undone',
    ]);
    expect(history[3].detail).toMatchObject({ from: 'cancelled', to: 'confirmed' });
  });

  it('staff undo a cancel in production: consumed resources stay consumed, nothing is released again, progress is kept', async () => {
    const order = await releasedOrder(customer, planner, oak, 1);
    const [first, ...rest] = order.resources;
    await pushAccepted(production, [
      consume(production, order.code, first!.code),
      progress(production, order.code, 0, 1, 'assembly'),
    ]);
    const before = (await planner.get(`/api/v1/trace/${order.code}`)).body;
    expect(before.order.state).toBe('in_production');
    const progressBefore = (await planner.get(`/api/v1/orders/${order.id}`)).body.progress;
    expect(progressBefore).toHaveLength(1);
    expect((await cancel(planner, order.id)).body.state).toBe('cancelled');
    // A customer may not cancel in production, nor undo staff's cancel.
    const notTheirs = await customer.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(notTheirs.status).toBe(409);
    expect(notTheirs.body.error.message).toMatch(/Customer service cancelled/);

    const undone = await service.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(undone.status).toBe(200);
    expect(undone.body.state).toBe('in_production');
    expect(undone.body.progress).toEqual(progressBefore);
    const after = (await planner.get(`/api/v1/trace/${order.code}`)).body;
    // The same resources, the same consumption, no new codes.
    expect(after.resources.map((r: any) => [r.code, r.consumedAt])).toEqual(
      before.resources.map((r: any) => [r.code, r.consumedAt]),
    );
    expect(after.resources).toHaveLength(order.resources.length);
    // The line goes on: the next resource is taken, a consumed one is not taken again.
    await pushAccepted(production, [consume(production, order.code, rest[0]!.code)]);
    // The line's stations hear the order is back: its latest row says in_production.
    const pulled = await production.api.get(
      `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=0`,
    );
    const rows = pulled.body.changes.filter(
      (c: any) => c.entity === 'order' && c.key === order.code,
    );
    expect(rows.at(-2)?.data?.state).toBe('cancelled');
    expect(rows.at(-1)?.data?.state).toBe('in_production');
  });

  it('a held order cancelled and undone is held again, from where it was held', async () => {
    const order = await releasedOrder(customer, planner, oak, 1);
    await planner.post(`/api/v1/orders/${order.id}/hold`, { reason: 'Wood check' });
    await cancel(service, order.id);
    const undone = await service.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(undone.body).toMatchObject({
      state: 'on_hold',
      heldFrom: 'released',
      holdReason: 'Wood check',
    });
  });

  it('after the grace period the cancel is final', async () => {
    const order = await place();
    await cancel(customer, order.id);
    ahead = CANCEL_UNDO_MS + 1000;
    try {
      const late = await customer.post(`/api/v1/orders/${order.id}/undo-cancel`);
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('OT_ERR_CONFLICT');
      expect(late.body.error.message).toMatch(/10 minutes.*final now/);
      expect((await customer.get(`/api/v1/orders/${order.id}`)).body.state).toBe('cancelled');
    } finally {
      ahead = 0;
    }
  });

  it('refuses what is not there or not theirs', async () => {
    const order = await place();
    const open = await customer.post(`/api/v1/orders/${order.id}/undo-cancel`);
    expect(open.status).toBe(409);
    await cancel(customer, order.id);
    // Another customer's order does not exist for them.
    expect((await otherCustomer.post(`/api/v1/orders/${order.id}/undo-cancel`)).status).toBe(404);
    expect((await customer.post('/api/v1/orders/nothing-here/undo-cancel')).status).toBe(404);
    expect((await server.client().post(`/api/v1/orders/${order.id}/undo-cancel`)).status).toBe(401);
    expect((await customer.get(`/api/v1/orders/${order.id}`)).body.state).toBe('cancelled');
  });
});
