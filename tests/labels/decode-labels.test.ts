import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '#core/labels/default-templates.ts';
import type { LabelDataInput } from '#core/labels/label-data.ts';
import { LABEL_SIZES, type LabelSizeId } from '#core/labels/label-sizes.ts';
import type { LabelLayout } from '#labels/layout.ts';
import { layoutFor, renderLabel } from '#labels/render-label.ts';
import { sampleLabel, worstCaseLabel } from '#core/labels/sample-data.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { hasValidGs1CheckDigit } from '#core/gs1/check-digit.ts';
import { byTypeAndData, decodeImage, rasterise, withTempDir, type Decoded } from './zbar.ts';

/*
 * Every kind and size, rendered to PDF, rasterised by poppler and decoded by zbar: what
 * the scanner reads must be exactly what the label meant to encode.
 */
function expectedSymbols(layout: LabelLayout): Decoded[] {
  return layout.items
    .flatMap((item) => (item.type === 'barcode' ? [item] : []))
    .map((item) => ({
      type: item.symbology === 'qrcode' ? 'QR-Code' : 'CODE-128',
      data: item.data,
      gs1: item.symbology === 'gs1-128',
    }))
    .sort(byTypeAndData);
}

const cases = DEFAULT_TEMPLATES.flatMap((template) => {
  const size = template.id.slice(template.kind.length + 1) as LabelSizeId;
  return [
    [template.id, 'typical', sampleLabel(template.kind), size] as const,
    [template.id, 'worst-case', worstCaseLabel(template.kind), size] as const,
  ];
});

describe('labels scan back to what they encode', () => {
  it.each(cases)('%s (%s data): PDF → pdftoppm → zbarimg', async (_id, _which, input, size) => {
    expect(LABEL_SIZES[size]).toBeDefined();
    const layout = layoutFor(input, { size });
    const expected = expectedSymbols(layout);
    expect(expected.length).toBeGreaterThan(0);
    const pdf = await renderLabel(input, 'pdf', { size });
    const decoded = await withTempDir(async (dir) => {
      const [page] = await rasterise(pdf, dir, { dpi: 300 });
      return decodeImage(page ?? '');
    });
    expect(decoded.sort(byTypeAndData)).toEqual(expected);
  });

  it('decodes the PNG preview too', async () => {
    const input = sampleLabel('package');
    const png = await renderLabel(input, 'png', { pngDpi: 300 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const decoded = await withTempDir(async (dir) => {
      const path = `${dir}/label.png`;
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path, png);
      return decodeImage(path);
    });
    expect(decoded.sort(byTypeAndData)).toEqual(expectedSymbols(layoutFor(input)));
  });

  it('decodes the SSCC as GS1: FNC1 first, AI 00, the 18 digits', async () => {
    const input = sampleLabel('package');
    const data = input.data as { sscc: string };
    const pdf = await renderLabel(input, 'pdf');
    const decoded = await withTempDir(async (dir) =>
      decodeImage((await rasterise(pdf, dir))[0] ?? ''),
    );
    expect(decoded.filter((symbol) => symbol.gs1)).toEqual([
      { type: 'CODE-128', data: `00${data.sscc}`, gs1: true },
    ]);
  });

  it('gives a 1D dock scanner the SSCC (valid check digit) and the package code', async () => {
    const input = sampleLabel('package');
    const data = input.data as { orderCode: string; packageNumber: number };
    const pdf = await renderLabel(input, 'pdf');
    const linear = await withTempDir(async (dir) =>
      (await decodeImage((await rasterise(pdf, dir, { dpi: 300 }))[0] ?? '')).filter(
        (symbol) => symbol.type === 'CODE-128',
      ),
    );
    const sscc = linear.find((symbol) => symbol.gs1)?.data.slice(2) ?? '';
    expect(sscc).toMatch(/^[0-9]{18}$/);
    expect(hasValidGs1CheckDigit(sscc)).toBe(true);
    expect(linear.filter((symbol) => !symbol.gs1).map((symbol) => symbol.data)).toEqual([
      mintOrderScopedCode('package', data.orderCode, data.packageNumber),
    ]);
  });

  it('gives a handheld scanner a unit label’s code in Code 128 beside the QR code', async () => {
    const input = sampleLabel('unit');
    const { code } = input.data as { code: string };
    const layout = layoutFor(input);
    const linear = layout.items.find(
      (item) => item.type === 'barcode' && item.symbology === 'code128',
    );
    // 15 mil: what a general-purpose handheld imager reads from arm's length.
    expect(linear?.type === 'barcode' && linear.moduleMm).toBeGreaterThanOrEqual(0.375);
    const pdf = await renderLabel(input, 'pdf');
    const decoded = await withTempDir(async (dir) =>
      decodeImage((await rasterise(pdf, dir, { dpi: 300 }))[0] ?? ''),
    );
    expect(decoded.sort(byTypeAndData)).toEqual([
      { type: 'CODE-128', data: code, gs1: false },
      { type: 'QR-Code', data: code, gs1: false },
    ]);
  });
});

describe('bad data gives a clear error or a visible cut, never a broken label', () => {
  const pkg = (changes: Record<string, unknown>): LabelDataInput => {
    const input = sampleLabel('package');
    return { kind: 'package', data: { ...(input.data as Record<string, unknown>), ...changes } };
  };

  it('refuses an empty order code', async () => {
    await expect(renderLabel(pkg({ orderCode: '' }), 'pdf')).rejects.toThrow(
      'The order code is empty',
    );
  });

  it('refuses an SSCC whose check digit is wrong', async () => {
    await expect(renderLabel(pkg({ sscc: '006141411234567891' }), 'zpl')).rejects.toThrow(
      /SSCC 006141411234567891 fails its GS1 check digit/,
    );
  });

  it('cuts a 2,000-character address with an ellipsis and the barcodes still scan', async () => {
    const input = pkg({ shipTo: 'Industriestraße 12, '.repeat(100) });
    const layout = layoutFor(input);
    expect(layout.truncated).toContain('{shipTo}');
    const shipTo = layout.items.find(
      (item) => item.type === 'text' && item.lines[0]?.text.startsWith('Industrie'),
    );
    expect(shipTo?.type === 'text' && shipTo.lines.at(-1)?.text.endsWith('…')).toBe(true);
    const pdf = await renderLabel(input, 'pdf');
    const decoded = await withTempDir(async (dir) =>
      decodeImage((await rasterise(pdf, dir))[0] ?? ''),
    );
    expect(decoded.sort(byTypeAndData)).toEqual(expectedSymbols(layout));
  });

  it('prints ? for emoji and keeps the label whole', async () => {
    const input = pkg({ shipTo: 'Acme 😀 GmbH\nTor 4 👍🏽', contents: '🎁🎁' });
    const layout = layoutFor(input);
    const texts = layout.items.flatMap((item) =>
      item.type === 'text' ? item.lines.map((l) => l.text) : [],
    );
    expect(texts).toEqual(expect.arrayContaining(['Acme ? GmbH', 'Tor 4 ?', '??']));
    const zpl = (await renderLabel(input, 'zpl')).toString('utf8');
    expect(zpl).toContain('^FDAcme ? GmbH^FS');
    expect(zpl).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('refuses an emoji inside a code, naming the character', async () => {
    await expect(renderLabel({ kind: 'unit', data: { code: 'PC😀' } }, 'pdf')).rejects.toThrow(
      /The unit code is not valid: .*U\+1F600/,
    );
  });
});
