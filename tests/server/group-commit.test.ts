import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationEvent } from '#core/events/station-events.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type TestServer } from './harness.ts';
import {
  consume,
  enrollStation,
  eventsHeldFrom,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/*
 * Many stations pushing at once (docs/decisions/0012-group-commit.md): on SQLite their
 * pushes share transactions, on PostgreSQL they run side by side. Either way nothing is
 * lost, nothing is held twice, every answer names exactly what was sent, and each station's
 * acknowledgement is exactly its last event. Resent events are answered as duplicates, and
 * a push refused whole (an event of another station) fails alone: the pushes it arrived
 * with are taken as if it had not been sent.
 */
const STATIONS = 6;

/** One push of a station: new events, the previous push resent with them, or refused whole. */
const pushPlan = fc.record({
  fresh: fc.integer({ min: 1, max: 5 }),
  resendPrevious: fc.boolean(),
  foreign: fc.boolean(),
});

describe.each(STORAGES)('concurrent pushes of many stations on %s', (storage) => {
  let server: TestServer;
  let stations: TestStation[];
  let resources: { order: string; code: string }[];
  const held = new Map<string, number>();

  beforeAll(async () => {
    server = await startTestServer(storage);
    const admin = await server.userClient('admin');
    const [customer, planner] = await server.userClients('customer', 'planner');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    stations = [];
    for (let i = 0; i < STATIONS; i++)
      stations.push(await enrollStation(server, admin, 'production', 'L1'));
    const order = await releasedOrder(customer, planner, product, 2);
    resources = order.resources.map((resource) => ({ order: order.code, code: resource.code }));
    for (const station of stations) held.set(station.id, 0);
  }, 120_000);
  afterAll(() => server?.stop());

  it('loses nothing, holds nothing twice and acknowledges each station exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pushPlan, { minLength: 1, maxLength: 5 }), {
          minLength: STATIONS,
          maxLength: STATIONS,
        }),
        async (plans) => {
          // Every station pushes its plan in turn, as its sync client does; all at once.
          await Promise.all(
            stations.map(async (station, index) => {
              let previous: StationEvent[] = [];
              for (const plan of plans[index]!) {
                const fresh = Array.from({ length: plan.fresh }, (_, n) => {
                  const resource = resources[(station.seq + n) % resources.length]!;
                  return consume(station, resource.order, resource.code);
                });
                if (plan.foreign) {
                  // An event of another station in it: the push is refused whole.
                  const other = stations[(index + 1) % stations.length]!;
                  const stranger = { ...fresh[0]!, stationId: other.id };
                  const refused = await station.push([...fresh, stranger]);
                  expect(refused.status).toBe(403);
                  // Its events were never taken; the station sends them again below.
                }
                const sent = plan.resendPrevious ? [...previous, ...fresh] : fresh;
                const answer = await station.push(sent);
                expect(answer.status).toBe(200);
                expect(
                  answer.body.results.map((r: { id: string; seq: number }) => [r.id, r.seq]),
                ).toEqual(sent.map((event) => [event.id, event.seq]));
                const resent = sent.length - fresh.length;
                for (const [i, result] of answer.body.results.entries())
                  expect(result.status).toMatch(
                    i < resent ? /^duplicate$/ : /^(accepted|rejected)$/,
                  );
                expect(answer.body.ackedThrough).toBe(station.seq);
                held.set(station.id, held.get(station.id)! + fresh.length);
                previous = fresh;
              }
            }),
          );
          for (const station of stations)
            expect(await eventsHeldFrom(server, station.id)).toBe(held.get(station.id));
        },
      ),
      { numRuns: 5 },
    );
  }, 300_000);
});
