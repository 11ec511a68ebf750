import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './fixtures/child.ts';
import { startPlant } from './fixtures/plant.ts';
import { generateReleasedOrders, resourceCode } from './fixtures/released-orders.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * The station side's resident memory with a full line in its replica (100,000 orders,
 * 1,000,000 resource codes): a fresh process opens the replica (integrity check included),
 * the replica store, the outbox and a started sync client (live channel up), looks up
 * 1,000 resource codes as scans would, collects garbage and reports its RSS. The replica
 * was bootstrapped by another process first, so nothing of the download stays resident;
 * that process's high-water RSS is `bootstrap_peak_rss_mb` (both under 200 MB, issue 14).
 */
export async function measureStationMemory(orders: number): Promise<Record<string, number>> {
  const plant = await startPlant('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-bench-memory-'));
  try {
    const data = await generateReleasedOrders(plant, { orders });
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
      rss_mb: round(result.rss_mb ?? NaN, 1),
      heap_used_mb: round(result.heap_used_mb ?? NaN, 1),
      baseline_rss_mb: round(result.baseline_rss_mb ?? NaN, 1),
      replica_mb: round(result.replica_mb ?? NaN, 1),
      live: result.live ?? 0,
      bootstrap_peak_rss_mb: round(bootstrap.peak_rss_mb ?? NaN, 1),
      bootstrap_baseline_rss_mb: round(bootstrap.rss_before_mb ?? NaN, 1),
      bootstrap_seconds: round(bootstrap.seconds ?? NaN, 2),
    };
  } finally {
    await plant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const stationMemoryBenchmark: Benchmark = {
  name: 'station_memory',
  description:
    'Station-side RSS with the whole line in its replica: replica open, store, outbox, sync client live',
  async run({ quick }) {
    return {
      metrics: await measureStationMemory(quick ? 200 : 100_000),
      targets: { rss_mb: 200, bootstrap_peak_rss_mb: 200 },
    };
  },
};
