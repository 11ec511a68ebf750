import { describe, expect, it } from 'vitest';
import { runBenchmark } from './harness.ts';
import { ingestLoadBenchmark } from './ingest-load.ts';
import { livePropagationBenchmark } from './live-propagation.ts';
import { stationMemoryBenchmark } from './station-memory.ts';

/* Quick mode: the benchmarks still run and report what they should. Speed is measured, not tested. */
describe('the live_propagation benchmark', () => {
  it('sees every connected station apply each change', async () => {
    const result = await runBenchmark(livePropagationBenchmark, { quick: true });
    const m = result.metrics;
    expect(m.stations).toBe(6);
    expect(m.live_connected).toBe(6);
    expect(m.p50_ms).toBeGreaterThan(0);
    expect(m.p95_ms).toBeGreaterThanOrEqual(m.p50_ms ?? 0);
    expect(m.p95_ms).toBeLessThan(10_000);
    expect(m.s3_live_connected).toBe(3);
    expect(result.targets).toEqual({ p95_ms: 100 });
  }, 90_000);
});

describe('the ingest_load benchmark', () => {
  it('loads SQLite and PostgreSQL with simulated stations, without errors', async () => {
    const result = await runBenchmark(ingestLoadBenchmark, { quick: true });
    const m = result.metrics;
    for (const storage of ['sqlite', 'postgres']) {
      expect(m[`${storage}_stations`], storage).toBe(10);
      expect(m[`${storage}_events_per_s`], storage).toBeGreaterThan(0);
      expect(m[`${storage}_p99_ms`], storage).toBeGreaterThan(0);
      expect(m[`${storage}_errors`], storage).toBe(0);
      expect(m[`${storage}_rejected`], storage).toBe(0);
      expect(m[`${storage}_events_held`], storage).toBeGreaterThan(0);
    }
  }, 90_000);
});

describe('the station_memory benchmark', () => {
  it('reports the station side’s resident memory with its replica open', async () => {
    const result = await runBenchmark(stationMemoryBenchmark, { quick: true });
    const m = result.metrics;
    expect(m.rows).toBe(200 * 12);
    // ordertrace station itself, ready and at its bootstrap's high-water mark, and the same
    // parts in a benchmark child beside it: megabytes a Node process cannot go below.
    for (const name of ['rss_mb', 'bootstrap_peak_rss_mb', 'harness_bootstrap_peak_rss_mb'])
      expect(m[name], name).toBeGreaterThan(20);
    for (const name of ['bootstrap_seconds', 'ready_seconds', 'replica_mb'])
      expect(m[name], name).toBeGreaterThan(0);
    expect(m.harness_rss_mb).toBeGreaterThanOrEqual(m.heap_used_mb ?? 0);
    expect(m.live).toBe(1);
    expect(result.targets).toEqual({ rss_mb: 200, bootstrap_peak_rss_mb: 200 });
  }, 90_000);
});
