import { runChild } from './fixtures/child.ts';
import { startPlant, type BenchStorage } from './fixtures/plant.ts';
import { enrollLoadStations, LOAD_RESOURCES_PER_ORDER } from './fixtures/load-stations.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * `stations` simulated production stations post their events over HTTPS for `seconds`
 * (from a child process, so the load does not share the server's event loop). Each makes
 * `ratePerStation` decisions a second (an order loaded, its resources scanned and consumed)
 * and, like the SyncClient, pushes whatever its outbox holds whenever no push of its own is
 * in flight: under overload batches grow instead of requests piling up. Sustained events
 * per second, request latency, errors; on SQLite and on PostgreSQL. Loopback only, bounded
 * in time, stops by itself.
 */
export const RATE_PER_STATION = 25;

interface LoadSize {
  stations: number;
  seconds: number;
  label: string;
}

const FULL: readonly LoadSize[] = [
  { stations: 20, seconds: 30, label: 's20' },
  { stations: 100, seconds: 30, label: 's100' },
  { stations: 200, seconds: 60, label: 's200' },
];
const QUICK: readonly LoadSize[] = [{ stations: 10, seconds: 2, label: 's10' }];

export async function measureIngestLoad(
  storage: BenchStorage,
  size: { stations: number; seconds: number },
  ratePerStation = RATE_PER_STATION,
): Promise<Record<string, number>> {
  const plant = await startPlant(storage);
  try {
    const { stations } = await enrollLoadStations(plant, { ...size, ratePerStation });
    const result = await runChild('load', {
      url: plant.url,
      certPem: plant.server.tls.cert,
      fingerprint: plant.context.fingerprint,
      stations,
      resourcesPerOrder: LOAD_RESOURCES_PER_ORDER,
      ratePerStation,
      durationMs: size.seconds * 1000,
    });
    const held = await plant.context.storage.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const seconds = result.seconds ?? NaN;
    const accepted = result.accepted ?? 0;
    return {
      stations: size.stations,
      duration_s: round(seconds, 1),
      offered_events_per_s: size.stations * ratePerStation,
      events_per_s: Math.round(accepted / seconds),
      requests_per_s: Math.round((result.requests ?? 0) / seconds),
      mean_batch: round(accepted / Math.max(1, result.requests ?? 0), 1),
      p50_ms: round(result.p50_ms ?? NaN, 1),
      p99_ms: round(result.p99_ms ?? NaN, 1),
      max_ms: round(result.max_ms ?? NaN, 1),
      errors: result.errors ?? 0,
      rejected: result.rejected ?? 0,
      events_held: Number(held.n),
    };
  } finally {
    await plant.close();
  }
}

export const ingestLoadBenchmark: Benchmark = {
  name: 'ingest_load',
  description: `Simulated stations posting events over HTTPS (${RATE_PER_STATION} decisions/s each), on SQLite and PostgreSQL`,
  async run({ quick }) {
    const metrics: Record<string, number> = {};
    for (const storage of ['sqlite', 'postgres'] as const) {
      let last: Record<string, number> = {};
      for (const size of quick ? QUICK : FULL) {
        last = await measureIngestLoad(storage, size);
        for (const [key, value] of Object.entries(last))
          metrics[`${storage}_${size.label}_${key}`] = value;
      }
      for (const [key, value] of Object.entries(last)) metrics[`${storage}_${key}`] = value;
    }
    return {
      metrics,
      targets: { sqlite_p99_ms: 50, sqlite_errors: 1 },
      floors: { sqlite_events_per_s: quick ? 1 : 5000 },
    };
  },
};
