import { describe, expect, it } from 'vitest';
import { formatResult, runBenchmark } from './harness.ts';
import { initialSyncBenchmark, QUICK_FLEET_STATIONS } from './initial-sync.ts';
import { pushBenchmark } from './push.ts';

/* Quick mode: the benchmarks still run and report what they should. Speed is measured, not tested. */
describe('the initial_sync benchmark', () => {
  it('bootstraps a station, replicates PouchDB and inserts locally, at two sizes', async () => {
    const result = await runBenchmark(initialSyncBenchmark, { quick: true });
    const m = result.metrics;
    expect(m.orders).toBe(60);
    expect(m.rows).toBe(60 * 12);
    for (const metric of [
      'seconds',
      'rows_per_s',
      'pouchdb_seconds',
      'ratio_vs_pouchdb',
      'local_insert_seconds',
      'overhead_vs_local_insert',
      // The scope's file, built at enrolment before the station starts.
      'build_seconds',
      'file_mb',
      'file_gz_mb',
      'ratio_vs_pouchdb_with_build',
    ]) {
      expect(m[metric], metric).toBeGreaterThan(0);
      expect(Number.isFinite(m[metric]), metric).toBe(true);
    }
    // The station bootstraps from the scope's gzipped replica file (decision 0007): tens of
    // bytes a row on the wire, TLS included; row-by-row JSON would be a few hundred.
    expect(m.bytes_per_row).toBeGreaterThan(10);
    expect(m.bytes_per_row).toBeLessThan(2000);
    expect(m.peak_rss_mb).toBeGreaterThan(20);
    expect(m.r200_rows).toBe(240);
    // Stations of the line at once (5 quick, 20 full): every one from the file, one build.
    expect(m.fleet_stations).toBe(QUICK_FLEET_STATIONS);
    expect(m.fleet_from_file).toBe(QUICK_FLEET_STATIONS);
    expect(m.server_builds).toBe(1);
    expect(m.fleet_bootstrap_seconds).toBeGreaterThan(0);
    expect(m.fleet_station_peak_rss_mb).toBeGreaterThan(20);
    expect(m.fleet_retries).toBeGreaterThanOrEqual(0);
    expect(result.floors).toEqual({ ratio_vs_pouchdb: 10 });
    expect(formatResult(result)).toMatch(/ratio_vs_pouchdb\s+[\d.]+\s+≥ 10/);
  }, 180_000);
});

describe('the push benchmark', () => {
  it('pushes an offline outbox with nothing lost or duplicated, beside PouchDB', async () => {
    const result = await runBenchmark(pushBenchmark, { quick: true });
    const m = result.metrics;
    expect(m.events).toBe(400);
    expect(m.lost).toBe(0);
    expect(m.duplicated).toBe(0);
    // 400 events = 37 orders loaded and their resources consumed, the rest misread scans.
    expect(m.consumed).toBeGreaterThan(300);
    for (const metric of ['seconds', 'events_per_s', 'pouchdb_seconds', 'ratio_vs_pouchdb'])
      expect(m[metric], metric).toBeGreaterThan(0);
    expect(m.e120_lost).toBe(0);
  }, 90_000);
});
