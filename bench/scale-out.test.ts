import { describe, expect, it } from 'vitest';
import { runBenchmark } from './harness.ts';
import { scaleOutBenchmark } from './scale-out.ts';

/* Quick mode: the benchmark still runs and reports what it should. Speed is measured, not tested. */
describe('the scale_out benchmark', () => {
  it('loads one server process, then two on one PostgreSQL database, and reports the ratio', async () => {
    const result = await runBenchmark(scaleOutBenchmark, { quick: true });
    const m = result.metrics;
    expect(m.stations).toBe(4);
    for (const phase of ['one', 'two']) {
      expect(m[`${phase}_events_per_s`], phase).toBeGreaterThan(0);
      expect(m[`${phase}_p99_ms`], phase).toBeGreaterThan(0);
      expect(m[`${phase}_errors`], phase).toBe(0);
      expect(m[`${phase}_rejected`], phase).toBe(0);
      expect(m[`${phase}_cpu_busy`], phase).toBeGreaterThan(0);
    }
    expect(m.scale_out_ratio).toBeCloseTo((m.two_events_per_s ?? 0) / (m.one_events_per_s ?? 1), 1);
  }, 180_000);
});
