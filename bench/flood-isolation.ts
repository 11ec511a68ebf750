import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MAX_PUSH_BYTES } from '#core/api/sync.ts';
import { runChild } from './fixtures/child.ts';
import { startPlant, type BenchPlant, type BenchStorage } from './fixtures/plant.ts';
import { enrollLoadStations, LOAD_RESOURCES_PER_ORDER } from './fixtures/load-stations.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * One station floods the server with the largest pushes it takes (1 MiB), back to back and deaf to 429, for
 * `seconds`, while `stations` others push their decisions as usual (NORMAL_RATE a second
 * each) and a monitor asks for /api/v1/health every 50 ms; each from a child process of its
 * own. What the others see (health p99, their push p99), what the flooder got through, and
 * how much the database grew. On SQLite and PostgreSQL, with the default push quota.
 */
const NORMAL_RATE = 2;
// The largest push the server takes: an 8 MiB one (issue 13's flood) is refused with 413
// before its body is read (tests/server/push-limits.test.ts), which costs the server nothing.
const FLOOD_BODY_BYTES = MAX_PUSH_BYTES - 4 * 1024;
const HEALTH_EVERY_MS = 50;

const FULL = { stations: 100, seconds: 30 };
const QUICK = { stations: 10, seconds: 3 };

/** Bytes the plant's database takes now: the SQLite file and its WAL, or the schema's relations. */
async function databaseBytes(plant: BenchPlant): Promise<number> {
  if (plant.storage === 'sqlite') {
    const file = join(plant.dataDir, 'ordertrace.sqlite');
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    return size(file) + size(`${file}-wal`);
  }
  const result = await sql<{ bytes: number | null }>`
    SELECT SUM(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`.execute(
    plant.context.storage.db,
  );
  return Number(result.rows[0]?.bytes ?? 0);
}

export async function measureFlood(
  storage: BenchStorage,
  size: { stations: number; seconds: number },
  /** Called as the load starts (bench/flood-profile.ts watches the server from here). */
  onStart?: (plant: BenchPlant) => void,
): Promise<Record<string, number>> {
  const plant = await startPlant(storage);
  try {
    const { stations, spareOrders } = await enrollLoadStations(plant, {
      ...size,
      ratePerStation: NORMAL_RATE,
      spareOrders: 1,
    });
    const flooder = await plant.station('production');
    const link = {
      url: plant.url,
      certPem: plant.server.tls.cert,
      fingerprint: plant.context.fingerprint,
    };
    const before = await databaseBytes(plant);
    const durationMs = size.seconds * 1000;
    onStart?.(plant);
    const [normal, flood, health] = await Promise.all([
      runChild('load', {
        ...link,
        stations,
        resourcesPerOrder: LOAD_RESOURCES_PER_ORDER,
        ratePerStation: NORMAL_RATE,
        durationMs,
      }),
      runChild('flood', {
        ...link,
        station: {
          id: flooder.stationId,
          token: flooder.token,
          orderCode: spareOrders[0],
        },
        durationMs,
        bodyBytes: FLOOD_BODY_BYTES,
      }),
      runChild('probeHealth', { ...link, durationMs, everyMs: HEALTH_EVERY_MS }),
    ]);
    const after = await databaseBytes(plant);
    return {
      stations: size.stations,
      seconds: size.seconds,
      health_p50_ms: round(health.p50_ms ?? NaN, 1),
      health_p99_ms: round(health.p99_ms ?? NaN, 1),
      health_max_ms: round(health.max_ms ?? NaN, 1),
      health_errors: health.errors ?? 0,
      normal_push_p50_ms: round(normal.p50_ms ?? NaN, 1),
      normal_push_p99_ms: round(normal.p99_ms ?? NaN, 1),
      normal_events_per_s: Math.round((normal.accepted ?? 0) / (normal.seconds ?? NaN)),
      normal_errors: normal.errors ?? 0,
      flood_pushes_accepted: flood.accepted ?? 0,
      flood_pushes_refused: flood.refused ?? 0,
      flood_offered_mb: round(flood.sent_mb ?? 0, 0),
      db_before_mb: round(before / 1024 / 1024, 1),
      db_growth_mb: round((after - before) / 1024 / 1024, 1),
    };
  } finally {
    await plant.close();
  }
}

export const floodIsolationBenchmark: Benchmark = {
  name: 'flood_isolation',
  description: `One station pushing 1 MiB batches (the largest taken) back to back while ${FULL.stations} others push ${NORMAL_RATE} decisions/s each and health is probed every ${HEALTH_EVERY_MS} ms, on SQLite and PostgreSQL`,
  async run({ quick }) {
    const metrics: Record<string, number> = {};
    for (const storage of ['sqlite', 'postgres'] as const) {
      const result = await measureFlood(storage, quick ? QUICK : FULL);
      for (const [key, value] of Object.entries(result)) metrics[`${storage}_${key}`] = value;
    }
    // The headline figures: the worse engine's.
    metrics.health_p99_ms = Math.max(
      metrics.sqlite_health_p99_ms ?? NaN,
      metrics.postgres_health_p99_ms ?? NaN,
    );
    metrics.normal_push_p99_ms = Math.max(
      metrics.sqlite_normal_push_p99_ms ?? NaN,
      metrics.postgres_normal_push_p99_ms ?? NaN,
    );
    return { metrics, targets: { health_p99_ms: 50, normal_push_p99_ms: 100 } };
  },
};
