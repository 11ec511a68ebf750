import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { ServerContext, StationCaller } from '#server/context.ts';
import { ingestEvents } from '#server/station-events/ingest.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { consume, enrollStation, releasedOrder, type TestStation } from './station-flow.ts';

/*
 * Set-based ingest (issue 13): a push of a production line's events — an order loaded, its
 * resources scanned and consumed, a refused scan among them — costs the same number of
 * statements with 10 events as with 200. Counted at the database connection of the real
 * server's storage, on both engines.
 */
describe.each(STORAGES)('statements per push on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let station: TestStation;
  let caller: StationCaller;
  let product: string;

  beforeAll(async () => {
    server = await startTestServer(storage);
    const admin = await server.userClient('admin');
    [customer, planner] = await server.userClients('customer', 'planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    station = await enrollStation(server, admin, 'production', 'L1');
    const row = await server.context.storage.db
      .selectFrom('stations')
      .select(['id', 'name', 'role', 'line_id'])
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    caller = {
      kind: 'station',
      id: row.id,
      name: row.name,
      role: 'production',
      lineId: row.line_id,
    };
  });
  afterAll(() => server?.stop());

  /** Push `events` through ingest on a connection that counts what it executes. */
  const countedPush = async (events: StationEvent[]) => {
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
    const answer = await ingestEvents(context, caller, {
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
});
