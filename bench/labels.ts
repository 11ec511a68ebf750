import { mintOrderScopedCode } from '#core/codes/formats.ts';
import type { LabelDataInput } from '#core/labels/label-data.ts';
import { renderLabel, renderResourceBatch } from '#labels/render-label.ts';
import { ORDER, sampleLabel } from '#core/labels/sample-data.ts';
import { median, percentile, round, timeEach, type Benchmark } from './harness.ts';

/*
 * Label rendering: one package label (100×150 mm, Chinese ship-to, QR, Code 128,
 * GS1-128) from validated data to bytes, as PDF, ZPL and PNG preview; and a batch of
 * resource labels of one order in one PDF. Each label gets its own package number, so
 * every QR code is encoded afresh.
 */
function packageLabel(index: number): LabelDataInput {
  const typical = sampleLabel('package');
  return {
    kind: 'package',
    data: {
      ...(typical.data as Record<string, unknown>),
      packageNumber: (index % 9999) + 1,
      packageCount: 9999,
    },
  };
}

export const labelsBenchmark: Benchmark = {
  name: 'labels',
  description: 'Package label to PDF / ZPL / PNG per label; resource labels of an order in one PDF',
  async run({ quick }) {
    const coldStart = performance.now();
    const firstPdf = await renderLabel(packageLabel(0), 'pdf');
    const firstMs = performance.now() - coldStart;

    const pdf = await timeEach(quick ? 20 : 500, (i) => renderLabel(packageLabel(i), 'pdf'));
    const zpl = await timeEach(quick ? 50 : 5000, (i) => renderLabel(packageLabel(i), 'zpl'));
    const png = await timeEach(quick ? 3 : 50, (i) => renderLabel(packageLabel(i), 'png'), 2);
    const zplBytes = (await renderLabel(packageLabel(0), 'zpl')).length;
    const pngBytes = (await renderLabel(packageLabel(0), 'png')).length;

    const batchSize = quick ? 20 : 500;
    const resources = Array.from({ length: batchSize }, (_, index) => ({
      code: mintOrderScopedCode('resource', ORDER, index + 1),
      material: 'Oak board 18 mm, planed',
      step: 'Cutting',
    }));
    const batchStart = performance.now();
    const batchPdf = await renderResourceBatch(ORDER, resources);
    const batchMs = performance.now() - batchStart;

    return {
      metrics: {
        pdf_ms_median: round(median(pdf)),
        pdf_ms_p95: round(percentile(pdf, 0.95)),
        zpl_ms_median: round(median(zpl)),
        zpl_ms_p95: round(percentile(zpl, 0.95)),
        png_ms_median: round(median(png)),
        first_pdf_ms: round(firstMs, 1),
        pdf_bytes: firstPdf.length,
        zpl_bytes: zplBytes,
        png_bytes: pngBytes,
        batch_labels: batchSize,
        batch_pdf_ms: round(batchMs, 1),
        batch_ms_per_label: round(batchMs / batchSize),
        batch_pdf_bytes: batchPdf.length,
      },
      targets: { pdf_ms_median: 10, zpl_ms_median: 0.5 },
    };
  },
};
