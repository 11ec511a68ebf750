import { describe, expect, it } from 'vitest';
import { cliStartBenchmark } from './cli-start.ts';
import { runBenchmark } from './harness.ts';

/* Quick mode: the benchmark still runs and reports what it should. Speed is measured, not tested. */
describe('the cli_start benchmark', () => {
  it('times parse, --help, the server and the station against node -e 0', async () => {
    const result = await runBenchmark(cliStartBenchmark, { quick: true });
    const m = result.metrics;
    for (const command of [
      'parse',
      'help',
      'parse_from_source',
      'server_health',
      'station_ready',
    ]) {
      expect(m[`${command}_ms`], command).toBeGreaterThan(0);
      expect(m[`${command}_over_node`], command).toBeGreaterThan(0);
      expect(Number.isFinite(m[`${command}_over_node`]), command).toBe(true);
    }
    expect(m.node_ms).toBeGreaterThan(0);
    expect(result.targets).toEqual({ parse_over_node: 3 });
  }, 240_000);
});
