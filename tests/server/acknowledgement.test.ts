/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderCode } from '#core/codes/formats.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import { backfillStationAcks } from '#server/storage/migrations/0007-station-acks.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { enrollStation, type TestStation } from './station-flow.ts';

const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 8);

/** What a station may rely on: the highest n with 1..n all among what it pushed. */
const contiguousThrough = (pushed: ReadonlySet<number>) => {
  let n = 0;
  while (pushed.has(n + 1)) n++;
  return n;
};

/*
 * The acknowledgement comes from a row ingest keeps in the events' transaction
 * (migration 0007), not from a scan of the station's history: whatever order and grouping
 * a station's events arrive in — gaps, resends, batches out of order — it must equal the
 * contiguous prefix of what the server holds.
 */
describe.each(STORAGES)('acknowledgement row on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(storage);
    admin = await server.userClient('admin');
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  });
  afterAll(() => server?.stop());

  /** `count` events of a fresh station, made up front (pushing them is the test). */
  async function stationWith(
    count: number,
  ): Promise<{ station: TestStation; events: StationEvent[] }> {
    const station = await enrollStation(server, admin, 'production', 'L1');
    const events = Array.from({ length: count }, () =>
      // An order the server never heard of: stored, refused and acknowledged all the same.
      station.event({ type: 'order.loaded', order: mintOrderCode() }),
    );
    return { station, events };
  }

  it('answers the contiguous prefix of what it holds, whatever the order and grouping of pushes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 14 })
          .chain((count) =>
            fc.tuple(
              fc.constant(count),
              fc.array(
                fc.array(fc.integer({ min: 1, max: count }), { minLength: 1, maxLength: 6 }),
                { minLength: 1, maxLength: 8 },
              ),
            ),
          ),
        async ([count, batches]) => {
          const { station, events } = await stationWith(count);
          const pushed = new Set<number>();
          for (const batch of batches) {
            const seqs = [...new Set(batch)];
            const answer = await station.push(seqs.map((seq) => events[seq - 1]!));
            expect(answer.status).toBe(200);
            for (const seq of seqs) pushed.add(seq);
            expect(answer.body.ackedThrough).toBe(contiguousThrough(pushed));
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('acknowledges past a gap filled later, and past events held beyond it by earlier pushes', async () => {
    const { station, events } = await stationWith(6);
    const at = (...seqs: number[]) => seqs.map((seq) => events[seq - 1]!);
    expect((await station.push(at(1, 2))).body.ackedThrough).toBe(2);
    expect((await station.push(at(5, 6))).body.ackedThrough).toBe(2);
    expect((await station.push(at(4))).body.ackedThrough).toBe(2);
    // 3 fills the gap: 4, 5 and 6 were stored by earlier pushes, not in this batch.
    expect((await station.push(at(3))).body.ackedThrough).toBe(6);
  });

  it('backfills the row from the events held (the migration on an existing database)', async () => {
    const gapped = await stationWith(5);
    await gapped.station.push([gapped.events[0]!, gapped.events[1]!, gapped.events[3]!]);
    const whole = await stationWith(3);
    await whole.station.push(whole.events);
    const noFirst = await stationWith(3);
    await noFirst.station.push([noFirst.events[1]!, noFirst.events[2]!]);
    const db = server.context.storage.db as unknown as Kysely<any>;
    const ids = [gapped.station.id, whole.station.id, noFirst.station.id];
    const read = async () =>
      (
        await db
          .selectFrom('station_acks')
          .select(['station_id', 'acked_through', 'highest_seq'])
          .where('station_id', 'in', ids)
          .orderBy('station_id')
          .execute()
      ).map((row: any) => [row.station_id, Number(row.acked_through), Number(row.highest_seq)]);
    const kept = await read();
    expect(new Map(kept.map(([id, acked, highest]) => [id, [acked, highest]]))).toEqual(
      new Map([
        [gapped.station.id, [2, 4]],
        [whole.station.id, [3, 3]],
        [noFirst.station.id, [0, 3]],
      ]),
    );
    await db.deleteFrom('station_acks').execute();
    await backfillStationAcks(db);
    expect(await read()).toEqual(kept);
  });
});
