import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './fixtures/child.ts';
import { startPlant } from './fixtures/plant.ts';
import { enrolledStationProcess } from './fixtures/station-process.ts';
import { generateReleasedOrders, resourceCode } from './fixtures/released-orders.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * The station's resident memory with a full line in its replica (100,000 orders, 1,000,000
 * resource codes), measured on `ordertrace station` itself, as a line runs it (the compiled
 * command): its first start enrolls and bootstraps the whole line, and its high-water RSS by
 * the time it is ready is `bootstrap_peak_rss_mb`; started again, its RSS once ready is
 * `rss_mb` (both under 200 MB, issue 14). Beside it, the same station parts in a benchmark
 * child process run through tsx (the `harness_` figures: its TypeScript loader alone is
 * most of its baseline): the replica opened (integrity check included), store, outbox and a
 * started sync client with its live channel, 1,000 codes looked up as scans would, after a GC.
 */
export async function measureStationMemory(orders: number): Promise<Record<string, number>> {
  const plant = await startPlant('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-bench-memory-'));
  try {
    const data = await generateReleasedOrders(plant, { orders });
    const station = await enrolledStationProcess(plant, join(dir, 'station-process'), {
      timeoutMs: 900_000,
    });
    const again = await station.again({ settleMs: 2000 });
    const enrollment = await plant.station('production');
    const file = join(dir, 'station.sqlite');
    const bootstrap = await runChild('bootstrap', { enrollment, file });
    const codes = Array.from({ length: 1000 }, (_, i) =>
      resourceCode(data.orderCodes[(i * 7919) % orders] as string, (i % 10) + 1),
    );
    const result = await runChild('memory', { enrollment, file, codes });
    if (result.lookups_found !== codes.length)
      throw new Error(`${result.lookups_found} of ${codes.length} codes found in the replica`);
    return {
      orders,
      rows: result.rows ?? NaN,
      rss_mb: round(again.rssMb, 1),
      bootstrap_peak_rss_mb: round(station.first.peakRssMb, 1),
      bootstrap_seconds: round(station.first.readyMs / 1000, 2),
      ready_seconds: round(again.readyMs / 1000, 2),
      replica_mb: round(result.replica_mb ?? NaN, 1),
      harness_rss_mb: round(result.rss_mb ?? NaN, 1),
      heap_used_mb: round(result.heap_used_mb ?? NaN, 1),
      harness_baseline_rss_mb: round(result.baseline_rss_mb ?? NaN, 1),
      live: result.live ?? 0,
      harness_bootstrap_peak_rss_mb: round(bootstrap.peak_rss_mb ?? NaN, 1),
      harness_bootstrap_seconds: round(bootstrap.seconds ?? NaN, 2),
    };
  } finally {
    await plant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const stationMemoryBenchmark: Benchmark = {
  name: 'station_memory',
  description:
    'RSS of ordertrace station with the whole line in its replica, ready and while it bootstraps; the same parts in a tsx child beside it',
  async run({ quick }) {
    return {
      metrics: await measureStationMemory(quick ? 200 : 100_000),
      targets: { rss_mb: 200, bootstrap_peak_rss_mb: 200 },
    };
  },
};
