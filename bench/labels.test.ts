import { describe, expect, it } from 'vitest';
import { formatResult, runBenchmark } from './harness.ts';
import { labelsBenchmark } from './labels.ts';

describe('the labels benchmark', () => {
  it('runs in quick mode and reports per-label times, sizes and the machine', async () => {
    const result = await runBenchmark(labelsBenchmark, { quick: true });
    expect(result).toMatchObject({ name: 'labels', quick: true, node: process.version });
    expect(result.machine.cpus).toBeGreaterThan(0);
    for (const metric of ['pdf_ms_median', 'zpl_ms_median', 'png_ms_median', 'batch_pdf_ms']) {
      expect(result.metrics[metric], metric).toBeGreaterThan(0);
    }
    expect(result.metrics.pdf_bytes).toBeGreaterThan(1000);
    expect(result.metrics.batch_labels).toBe(20);
    expect(result.targets).toEqual({ pdf_ms_median: 10, zpl_ms_median: 0.5 });
    expect(formatResult(result)).toMatch(/pdf_ms_median\s+[\d.]+\s+< 10/);
  });
});
