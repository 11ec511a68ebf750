import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { ServerContext, StationCaller } from '#server/context.ts';
import { ingestEvents } from '#server/station-events/ingest.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import {
  consume,
  dispatched,
  enrollStation,
  foreignScan,
  packageCode,
  progress,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/*
 * Set-based ingest (issue 13): a push of any mix of station events — an order loaded, its
 * resources scanned and consumed, a line stopped and cleared, progress reported, packages
 * closed and dispatched, refused events among them — costs the same number of statements
 * with a few events as with hundreds. Counted at the database connection of the real
 * server's storage, on both engines.
 */
describe.each(STORAGES)('statements per push on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let station: TestStation;
  let caller: StationCaller;
  let product: string;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(storage);
    admin = await server.userClient('admin');
    [customer, planner] = await server.userClients('customer', 'planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    station = await enrollStation(server, admin, 'production', 'L1');
    caller = await callerOf(station);
  });
  afterAll(() => server?.stop());

  const callerOf = async (of: TestStation): Promise<StationCaller> => {
    const row = await server.context.storage.db
      .selectFrom('stations')
      .select(['id', 'name', 'role', 'line_id'])
      .where('id', '=', of.id)
      .executeTakeFirstOrThrow();
    return {
      kind: 'station',
      id: row.id,
      name: row.name,
      role: row.role as StationCaller['role'],
      lineId: row.line_id,
    };
  };

  /** Push `events` through ingest on a connection that counts what it executes. */
  const countedPush = async (events: StationEvent[], as: StationCaller = caller) => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const context: ServerContext = {
      ...server.context,
      storage: { ...server.context.storage, db: server.context.storage.db.withPlugin(counter) },
    };
    const answer = await ingestEvents(context, as, {
      protocol: PROTOCOL_VERSION,
      outboxDepth: 0,
      events,
    });
    return { answer, statements };
  };

  /** An order loaded, `size - 2` of its resources consumed, and the first consumed again (refused). */
  const productionPush = async (size: number) => {
    const order = await releasedOrder(customer, planner, product, Math.ceil(size / 2));
    expect(order.resources.length).toBeGreaterThanOrEqual(size - 2);
    return [
      station.event({ type: 'order.loaded', order: order.code }),
      ...order.resources.slice(0, size - 2).map((r) => consume(station, order.code, r.code)),
      // Refused: consumed earlier in the same push.
      consume(station, order.code, order.resources[0]!.code),
    ];
  };

  it('is the same for a push of 10 events and of 200', async () => {
    const small = await countedPush(await productionPush(10));
    const large = await countedPush(await productionPush(200));
    for (const { answer } of [small, large]) {
      const statuses = answer.results.map((r) => r.status);
      expect(statuses.at(-1)).toBe('rejected');
      expect(statuses.slice(0, -1).every((s) => s === 'accepted')).toBe(true);
    }
    expect(large.answer.results).toHaveLength(200);
    expect(large.statements).toBe(small.statements);
    // What the batch wrote is what one-by-one would have: every consumption, the order
    // started, one exception for the refused scan.
    const consumed = await server.context.storage.db
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consumed_by', '=', caller.name)
      .executeTakeFirstOrThrow();
    expect(Number(consumed.n)).toBe(8 + 198);
  }, 120_000);

  it('is the same for mixed pushes of every event type, small and large', async () => {
    const supervisor = (await admin.post('/api/v1/badges', { name: 'Lin', role: 'supervisor' }))
      .body.code as string;
    const packing = await enrollStation(server, admin, 'packing', 'L1');
    const dock = await enrollStation(server, admin, 'shipping', 'L1');
    const [packer, shipper] = [await callerOf(packing), await callerOf(dock)];

    /** `orders` orders of `units` units each, produced, packed two units a package, shipped. */
    const flow = async (orders: number, units: number) => {
      const made = [];
      for (let i = 0; i < orders; i++)
        made.push(await releasedOrder(customer, planner, product, units));
      const first = made[0]!;
      const produce = [
        ...made.flatMap((order) => [
          station.event({ type: 'order.loaded', order: order.code }),
          progress(station, order.code, 0, units, 'assembly'),
          ...order.resources.map((r) => consume(station, order.code, r.code)),
          progress(station, order.code, units, units),
        ]),
        // The line stops, a supervisor clears it, it stops again (that one stays open).
        foreignScan(station, first.code, mintOrderScopedCode('resource', mintOrderCode(), 1)),
        station.event({ type: 'line.cleared', supervisor, reason: 'Moved back.' }),
        foreignScan(station, first.code, mintOrderScopedCode('resource', mintOrderCode(), 2)),
        // Refused: consumed earlier in the same push; an order the server never made.
        consume(station, first.code, first.resources[0]!.code),
        progress(station, mintOrderCode(), 1, 1),
      ];
      const packs = Math.ceil(units / 2);
      const pack = [
        ...made.flatMap((order) =>
          Array.from({ length: packs }, (_, i) =>
            packing.event({
              type: 'package.closed',
              order: order.code,
              package: packageCode(order.code, i + 1),
              sscc: null,
              units: order.units.slice(i * 2, i * 2 + 2),
              number: i + 1,
              of: i + 1 === packs ? packs : null,
            }),
          ),
        ),
        // Refused: closed already in this push.
        packing.event({
          type: 'package.closed',
          order: first.code,
          package: packageCode(first.code, 1),
          sscc: null,
          units: first.units.slice(0, 2),
          number: 1,
          of: null,
        }),
      ];
      const ship = [
        ...made.flatMap((order) =>
          Array.from({ length: packs }, (_, i) =>
            dispatched(dock, order.code, packageCode(order.code, i + 1)),
          ),
        ),
        // Refused: dispatched already in this push.
        dispatched(dock, first.code, packageCode(first.code, 1)),
      ];
      const pushes = [
        await countedPush(produce),
        await countedPush(pack, packer),
        await countedPush(ship, shipper),
      ];
      for (const { answer } of pushes) {
        const refused = answer.results.filter((r) => r.status !== 'accepted');
        expect(refused.every((r) => r.status === 'rejected')).toBe(true);
      }
      expect(
        pushes.map((p) => p.answer.results.filter((r) => r.status !== 'accepted').length),
      ).toEqual([2, 1, 1]);
      const states = await server.context.storage.db
        .selectFrom('orders')
        .select('state')
        .where(
          'code',
          'in',
          made.map((order) => order.code),
        )
        .execute();
      expect(states.map((o) => o.state)).toEqual(made.map(() => 'shipped'));
      const stops = await server.context.storage.db
        .selectFrom('exceptions')
        .select(['status', 'resolution_note'])
        .where('kind', '=', 'line_stop')
        .where(
          'event_id',
          'in',
          [produce.at(-5)!, produce.at(-3)!].map((event) => event.id),
        )
        .orderBy('station_seq')
        .execute();
      expect(stops).toEqual([
        { status: 'cleared', resolution_note: 'Moved back.' },
        { status: 'open', resolution_note: null },
      ]);
      return { pushes, events: produce.length + pack.length + ship.length };
    };

    const small = await flow(1, 2);
    const large = await flow(6, 12);
    expect(large.events).toBeGreaterThan(5 * small.events);
    expect(large.pushes.map((p) => p.statements)).toEqual(small.pushes.map((p) => p.statements));
  }, 240_000);
});
