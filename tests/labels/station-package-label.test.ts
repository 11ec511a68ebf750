import { describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { ssccOfReference } from '#core/gs1/sscc-blocks.ts';
import type { OrderRecord } from '#station/rules/replica-lookup.ts';
import { renderWithPreview } from '#labels/render-label.ts';
import type { LabelJob } from '#station/service/label-desk.ts';
import { packageLabelJob } from '#station/service/package-label.ts';

/* What the packing station sends a Zebra printer: the GS1 logistic label's fields in ZPL. */
describe('the packing station’s package label in ZPL', () => {
  const code = mintOrderCode();
  const order: OrderRecord = {
    code,
    state: 'produced',
    lineId: 'L1',
    shipTo: 'Suzhou, 1 Xinghu Street',
    carrier: 'SF',
    customerReference: 'PO-7',
    unitsOrdered: 2,
    packageCount: 2,
    lines: [
      { position: 1, product: 'PD1', nameEn: 'Oak table', nameZh: '橡木桌', quantity: 2, bom: [] },
    ],
  };
  const sscc = ssccOfReference('9521234', 1001);
  /** The ZPL the station's LabelDesk sends a Zebra printer for this job. */
  const zplOf = async (job: LabelJob) =>
    (await renderWithPreview(job.input, 'zpl')).document.toString('utf8');

  it('has the SSCC as GS1-128 (start C, FNC1, AI 00), its (00) text, the package code and n of m', async () => {
    const pkg = mintOrderScopedCode('package', code, 2);
    const zpl = await zplOf(packageLabelJob(order, 2, 2, pkg, sscc));
    expect(zpl).toMatch(new RegExp(`\\^BY4\\^BCN,\\d+,N,N,N,N\\^FD>;>800${sscc}\\^FS`));
    expect(zpl).toContain(`^FD(00) ${sscc}^FS`);
    expect(zpl).toContain(`N,N,N,A^FH^FD${pkg}^FS`);
    expect(zpl).toContain(`^FDMA,${pkg}^FS`);
    expect(zpl).toContain('^FD2 of 2^FS');
    expect(zpl).toContain('^FD2 × 橡木桌 Oak table^FS');
    expect(zpl).toContain('^FDSuzhou, 1 Xinghu Street^FS');
  });

  it('leaves the SSCC section out when the station has none', async () => {
    const zpl = await zplOf(packageLabelJob(order, 1, 2, mintOrderScopedCode('package', code, 1)));
    expect(zpl).not.toContain('>8');
    expect(zpl).not.toContain('(00)');
  });
});
