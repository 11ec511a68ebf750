/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICATED_ENTITIES, type ReplicatedEntity } from '#core/api/sync.ts';
import { mintBadgeCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { replicatedRowSchemas } from '#core/sync/replicated-rows.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import {
  consume,
  enrollStation,
  packageCode,
  produceWhole,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/*
 * The server is the authority (docs/sync.md "The server's checks"): each claim a station
 * pushes is checked, and one that fails is stored, not applied, raised as an exception
 * naming the kind, station, sequence number and reason, and acknowledged past so the
 * station's outbox moves on. One test per check, on SQLite and PostgreSQL.
 */
describe.each(STORAGES)("the server checks every station's claim on %s", (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let admin: ApiClient;
  let product: string;
  let production: TestStation;
  let packing: TestStation;
  let shipping: TestStation;
  let otherLine: TestStation;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    await admin.post('/api/v1/lines', { name: 'L2', plant: 'main' });
    [production, packing, shipping, otherLine] = await Promise.all([
      enrollStation(server, admin, 'production', 'L1'),
      enrollStation(server, admin, 'packing', 'L1'),
      enrollStation(server, admin, 'shipping', 'L1'),
      enrollStation(server, admin, 'production', 'L2'),
    ]);
    supervisor = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' })).body
      .code;
  });
  afterAll(() => server?.stop());

  const state = async (id: string) => (await customer.get(`/api/v1/orders/${id}`)).body.state;
  /** Package n of the order closed at the packing station, holding `units`, last when `of`. */
  const closerOf = (order: string) => (n: number, units: string[], of: number | null) =>
    packing.event({
      type: 'package.closed',
      order,
      package: packageCode(order, n),
      sscc: null,
      units,
      number: n,
      of,
    });

  /** Push one event; it must be stored, not applied, raised with `kind`, and acknowledged. */
  async function refused(station: TestStation, event: any, kind: string, reason: RegExp) {
    const pushed = await station.push([event]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.results[0]).toMatchObject({ status: 'rejected', kind });
    expect(pushed.body.results[0].reason).toMatch(reason);
    expect(pushed.body.ackedThrough).toBe(event.seq);
    const raised = (await admin.get('/api/v1/exceptions?status=open')).body.exceptions.find(
      (e: any) => e.event === event.id,
    );
    expect(raised).toMatchObject({ kind, station: station.id, seq: event.seq });
    const row = await server.context.storage.db
      .selectFrom('events')
      .select(['outcome', 'rejection'])
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.outcome).toBe('rejected');
    return raised;
  }

  it("refuses another line's station moving this line's order", async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    await refused(
      otherLine,
      consume(otherLine, order.code, order.resources[0]!.code),
      'out_of_scope',
      /not released to this station's line/,
    );
    await refused(
      otherLine,
      otherLine.event({
        type: 'progress.reported',
        order: order.code,
        step: 'finished',
        unitsDone: 1,
        unitsOrdered: 1,
      }),
      'out_of_scope',
      /line/,
    );
    expect(await state(order.id)).toBe('released');
  });

  it("refuses events beyond the station's role", async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    await refused(
      production,
      production.event({
        type: 'package.dispatched',
        order: order.code,
        package: packageCode(order.code, 1),
        carrier: null,
      }),
      'out_of_scope',
      /production station does not record package.dispatched/,
    );
    // A shipping station's consumption.
    const claimed = consume(shipping, order.code, order.resources[0]!.code);
    await refused(
      shipping,
      { ...claimed, body: { ...claimed.body, role: 'shipping' } },
      'out_of_scope',
      /shipping station cannot consume/,
    );
    expect(await state(order.id)).toBe('released');
  });

  it('refuses badges never issued, revoked or without the role, and anonymous events', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const stranger = {
      ...consume(production, order.code, order.resources[0]!.code),
      operator: mintBadgeCode(),
    };
    await refused(production, stranger, 'unknown_badge', /never issued/);
    const anonymous = {
      ...consume(production, order.code, order.resources[0]!.code),
      operator: null,
    };
    await refused(production, anonymous, 'unknown_badge', /No operator was logged in/);
    const byOperator = production.event({
      type: 'line.cleared',
      supervisor: production.operator,
      reason: 'moved back',
    });
    await refused(production, byOperator, 'unknown_badge', /not a supervisor's/);
    const revoked = (await admin.post('/api/v1/badges', { name: 'Left', role: 'operator' })).body
      .code;
    await admin.post(`/api/v1/badges/${revoked}/revoke`);
    const late = {
      ...consume(production, order.code, order.resources[0]!.code),
      operator: revoked,
    };
    await refused(production, late, 'unknown_badge', /revoked/);
    expect(await state(order.id)).toBe('released');
  });

  it('refuses an event dated in the future', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const future = {
      ...consume(production, order.code, order.resources[0]!.code),
      stationTime: '2099-01-01T00:00:00.000Z',
    };
    await refused(production, future, 'clock_skew', /ahead of the server/);
    expect(await state(order.id)).toBe('released');
  });

  it('refuses finished without materials, and applies it with a supervisor override on record', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    await production.push([consume(production, order.code, order.resources[0]!.code)]);
    const finished = {
      type: 'progress.reported' as const,
      order: order.code,
      step: 'finished',
      unitsDone: 1,
      unitsOrdered: 1,
    };
    await refused(
      production,
      production.event(finished),
      'event_rejected',
      /materials missing: Oak leg 72 cm 0\/4/,
    );
    expect(await state(order.id)).toBe('in_production');
    const overridden = production.event({
      ...finished,
      override: { supervisor, reason: 'Two legs scrapped, replaced from stock' },
    });
    expect((await production.push([overridden])).body.results[0].status).toBe('accepted');
    expect(await state(order.id)).toBe('produced');
    const exceptions = (await admin.get('/api/v1/exceptions?status=open')).body.exceptions;
    expect(exceptions.find((e: any) => e.event === overridden.id)).toMatchObject({
      kind: 'override',
      order: order.code,
      description: expect.stringContaining('Two legs scrapped'),
    });
    const trace = (await admin.get(`/api/v1/trace/${order.code}`)).body;
    expect(trace.exceptions.some((e: any) => e.kind === 'override')).toBe(true);
    expect(trace.events.filter((e: any) => e.outcome === 'rejected')).toHaveLength(1);
  });

  it('refuses a resource consumed twice or never issued, and consumption beyond the bill', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const resource = order.resources[0]!.code;
    await production.push([consume(production, order.code, resource)]);
    await refused(
      production,
      consume(production, order.code, resource),
      'event_rejected',
      /consumed already/,
    );
    const forged = mintOrderScopedCode('resource', order.code, 999);
    await refused(
      production,
      consume(production, order.code, forged),
      'event_rejected',
      /never issued/,
    );
  });

  it('refuses a last package "n of n" while packages before it were never closed', async () => {
    const order = await releasedOrder(customer, planner, product, 2);
    await produceWhole(production, order);
    const close = closerOf(order.code);
    expect(
      (await packing.push([close(1, order.units.slice(1), null)])).body.results[0].status,
    ).toBe('accepted');
    // Its units are the order's last unpacked one, but packages 2 to 6 do not exist: the
    // dock would wait for seven packages that can never all come (or ship short of them).
    await refused(
      packing,
      close(7, order.units.slice(0, 1), 7),
      'event_rejected',
      /last of 7, but 1 of the 6 before it are closed/,
    );
    expect(await state(order.id)).toBe('produced');
    expect(
      (await packing.push([close(2, order.units.slice(0, 1), 2)])).body.results[0].status,
    ).toBe('accepted');
    expect(await state(order.id)).toBe('packed');
  });

  it('refuses the last package with units missing, and packs partial packages until the last', async () => {
    const order = await releasedOrder(customer, planner, product, 3);
    await produceWhole(production, order);
    const close = closerOf(order.code);
    await refused(
      packing,
      close(1, order.units.slice(0, 1), 1),
      'event_rejected',
      /2 unit\(s\) of the order not packed/,
    );
    expect(await state(order.id)).toBe('produced');
    expect(
      (await packing.push([close(1, order.units.slice(0, 1), null)])).body.results[0].status,
    ).toBe('accepted');
    expect(await state(order.id)).toBe('produced');
    expect((await customer.get(`/api/v1/orders/${order.id}`)).body.completeness).toMatchObject({
      units: { expected: 3, packed: 1, remaining: 2 },
      packages: { expected: null, closed: 1, remaining: null },
    });
    expect((await packing.push([close(2, order.units.slice(1), 2)])).body.results[0].status).toBe(
      'accepted',
    );
    const view = (await customer.get(`/api/v1/orders/${order.id}`)).body;
    expect(view.state).toBe('packed');
    expect(view.packages.map((p: any) => [p.number, p.of])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(view.completeness).toMatchObject({
      materialsComplete: true,
      units: { expected: 3, packed: 3, remaining: 0 },
      packages: { expected: 2, closed: 2, dispatched: 0, remaining: 2 },
    });
    // Shipped only when every package has left.
    const dispatch = (n: number) =>
      shipping.event({
        type: 'package.dispatched',
        order: order.code,
        package: packageCode(order.code, n),
        carrier: null,
      });
    expect((await shipping.push([dispatch(1)])).body.results[0].status).toBe('accepted');
    expect(await state(order.id)).toBe('packed');
    await refused(shipping, dispatch(3), 'event_rejected', /not a closed package/);
    expect((await shipping.push([dispatch(2)])).body.results[0].status).toBe('accepted');
    expect(await state(order.id)).toBe('shipped');
  });

  it('refuses control characters and unbounded claims with a clear 400, and an event that fails to apply never jams the outbox', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const nul = production.event({ type: 'line.cleared', supervisor, reason: 'moved\u0000back' });
    const withNul = await production.api.post('/api/v1/sync/push', {
      protocol: 1,
      outboxDepth: 0,
      events: [nul],
    });
    expect(withNul.status).toBe(400);
    expect(JSON.stringify(withNul.body.error)).toMatch(/control character U\+0000/);
    const depth = await production.api.post('/api/v1/sync/push', {
      protocol: 1,
      outboxDepth: 2 ** 53 - 1,
      events: [production.event({ type: 'order.loaded', order: order.code })],
    });
    expect(depth.status).toBe(400);
    production.seq -= 2; // neither was taken
    // The next good event goes through: nothing is stuck.
    const next = production.event({ type: 'order.loaded', order: order.code });
    const pushed = await production.push([next]);
    expect(pushed.body).toMatchObject({
      ackedThrough: next.seq,
      results: [{ status: 'accepted' }],
    });
  });

  it("writes every replicated row as core's schema for its entity says (the station reads them so)", async () => {
    const rows = await server.context.storage.db
      .selectFrom('change_log')
      .select(['entity', 'entity_key', 'data'])
      .where('data', 'is not', null)
      .execute();
    const entities = new Set(rows.map((row) => row.entity));
    // This suite wrote every kind: lines, badges, orders, resources, units, packages.
    expect([...entities].sort()).toEqual([...REPLICATED_ENTITIES].sort());
    for (const row of rows) {
      const schema = replicatedRowSchemas[row.entity as ReplicatedEntity];
      const parsed = schema.safeParse(JSON.parse(row.data!));
      expect(parsed.success, `${row.entity} ${row.entity_key}: ${parsed.error?.message}`).toBe(
        true,
      );
    }
  });
});
