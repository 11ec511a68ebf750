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
  // Issue 13: where each engine's knee is (25,000 events/s offered).
  { stations: 1000, seconds: 30, label: 's1000' },
];

/**
 * Stations per load-generator process: one process drives at most this many, so that at
 * 1,000 stations the generator (TLS, JSON, timers for every station) is spread over several
 * event loops rather than being the bottleneck itself. Each reports its CPU (`cpu_ms`).
 */
export const STATIONS_PER_GENERATOR = 250;

/** A size sustains its load when at least this share of the offered events is answered, without errors. */
const SUSTAINED_SHARE = 0.95;
const QUICK: readonly LoadSize[] = [{ stations: 10, seconds: 2, label: 's10' }];

export async function measureIngestLoad(
  storage: BenchStorage,
  size: { stations: number; seconds: number },
  ratePerStation = RATE_PER_STATION,
): Promise<Record<string, number>> {
  const plant = await startPlant(storage);
  try {
    const { stations } = await enrollLoadStations(plant, { ...size, ratePerStation });
    const generators = Math.ceil(stations.length / STATIONS_PER_GENERATOR);
    const serverCpu = process.cpuUsage();
    const results = await Promise.all(
      Array.from({ length: generators }, (_, g) =>
        runChild('load', {
          url: plant.url,
          certPem: plant.server.tls.cert,
          fingerprint: plant.context.fingerprint,
          stations: stations.filter((_, i) => i % generators === g),
          resourcesPerOrder: LOAD_RESOURCES_PER_ORDER,
          ratePerStation,
          durationMs: size.seconds * 1000,
          keepLatencies: true,
        }),
      ),
    );
    const serverUsage = process.cpuUsage(serverCpu);
    const held = await plant.context.storage.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const sum = (key: string) => results.reduce((total, result) => total + (result[key] ?? 0), 0);
    const latencies = results
      .flatMap((result) => result.latencies as unknown as number[])
      .sort((a, b) => a - b);
    const at = (fraction: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? NaN;
    const seconds = Math.max(...results.map((result) => result.seconds ?? NaN));
    const accepted = sum('accepted');
    const requests = sum('requests');
    const generatorCpuMs = results.map((result) => result.cpu_ms ?? 0);
    return {
      stations: size.stations,
      duration_s: round(seconds, 1),
      offered_events_per_s: size.stations * ratePerStation,
      events_per_s: Math.round(accepted / seconds),
      requests_per_s: Math.round(requests / seconds),
      mean_batch: round(accepted / Math.max(1, requests), 1),
      p50_ms: round(at(0.5), 1),
      p99_ms: round(at(0.99), 1),
      max_ms: round(latencies.at(-1) ?? NaN, 1),
      errors: sum('errors'),
      rejected: sum('rejected'),
      events_held: Number(held.n),
      // Where the time went: the server's process (its event loop and SQLite, not
      // PostgreSQL's backends) and each load generator, as a share of one core.
      server_cpu_busy: round((serverUsage.user + serverUsage.system) / 1000 / (seconds * 1000), 2),
      generators,
      generator_max_cpu_busy: round(Math.max(...generatorCpuMs) / (seconds * 1000), 2),
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
      // The unprefixed figures (and the targets) are the 200-station size's, issue 13's.
      let headline: Record<string, number> = {};
      for (const size of quick ? QUICK : FULL) {
        const result = await measureIngestLoad(storage, size);
        if (quick || size.label === 's200') headline = result;
        for (const [key, value] of Object.entries(result))
          metrics[`${storage}_${size.label}_${key}`] = value;
      }
      for (const [key, value] of Object.entries(headline)) metrics[`${storage}_${key}`] = value;
      // The knee: the largest size that still answered its offered load (95 %, no errors).
      const sustained = (quick ? QUICK : FULL).filter(
        (size) =>
          (metrics[`${storage}_${size.label}_events_per_s`] ?? 0) >=
            SUSTAINED_SHARE * size.stations * RATE_PER_STATION &&
          metrics[`${storage}_${size.label}_errors`] === 0,
      );
      metrics[`${storage}_knee_stations`] = Math.max(0, ...sustained.map((size) => size.stations));
      metrics[`${storage}_max_events_per_s`] = Math.max(
        ...(quick ? QUICK : FULL).map(
          (size) => metrics[`${storage}_${size.label}_events_per_s`] ?? 0,
        ),
      );
    }
    return {
      metrics,
      targets: { sqlite_p99_ms: 50, sqlite_errors: 1 },
      floors: { sqlite_events_per_s: quick ? 1 : 5000 },
    };
  },
};
