import { describe, expect, it } from 'vitest';
import { defaultTemplate } from '#core/labels/default-templates.ts';
import {
  labelFieldValues,
  parseLabelRequest,
  type LabelDataInput,
} from '#core/labels/label-data.ts';
import { mmToDots, type LabelSizeId } from '#core/labels/label-sizes.ts';
import { layoutLabel } from './layout.ts';
import { DEFAULT_ZPL_CJK_FONT, renderZpl } from './render-zpl.ts';
import { ORDER, SSCC, sampleLabel } from '#core/labels/sample-data.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';

const zplOf = (input: LabelDataInput, options = {}, size?: LabelSizeId) => {
  const request = parseLabelRequest(input);
  const layout = layoutLabel(defaultTemplate(input.kind, size), labelFieldValues(request));
  return { layout, zpl: renderZpl(layout, options) };
};

/** The ^FO…^FS fields of a ZPL label, each as its command string. */
const fields = (zpl: string) => zpl.split('\n').filter((line) => line.startsWith('^FO'));
const dataOf = (field: string) => /\^FD(.*)\^FS$/.exec(field)?.[1];

describe('renderZpl, field by field', () => {
  const { layout, zpl } = zplOf(sampleLabel('package'));
  const lines = zpl.trimEnd().split('\n');

  it('frames the label: UTF-8, exact media width and length in dots', () => {
    expect(lines.slice(0, 5)).toEqual([
      '^XA',
      '^CI28',
      `^PW${mmToDots(100, 203)}`,
      `^LL${mmToDots(150, 203)}`,
      '^LH0,0',
    ]);
    expect(lines.slice(-2)).toEqual(['^PQ1', '^XZ']);
  });

  it('prints the package code as a QR code with error correction M', () => {
    const qr = fields(zpl).filter((field) => field.includes('^BQ'));
    expect(qr).toHaveLength(1);
    expect(qr[0]).toMatch(/^\^FO\d+,\d+\^BQN,2,\d+\^FH\^FDMA,/);
    expect(dataOf(qr[0] ?? '')).toBe(`MA,${mintOrderScopedCode('package', ORDER, 2)}`);
  });

  it('prints the package code (not the order code) as Code 128 at the layout module', () => {
    const packageCode = mintOrderScopedCode('package', ORDER, 2);
    const barcode = layout.items.find(
      (item) => item.type === 'barcode' && item.symbology === 'code128',
    );
    const field = fields(zpl).find((f) => f.includes('^BC') && f.includes('N,N,N,A'));
    expect(barcode?.type).toBe('barcode');
    if (barcode?.type !== 'barcode') return;
    expect(barcode.data).toBe(packageCode);
    expect(field).toBe(
      `^FO${mmToDots(barcode.x, 203)},${mmToDots(barcode.y, 203)}^BY${barcode.moduleDots}` +
        `^BCN,${mmToDots(barcode.height, 203)},N,N,N,A^FH^FD${packageCode}^FS`,
    );
  });

  it('prints the SSCC as GS1-128: subset C, FNC1, AI 00, the 18 digits', () => {
    const field = fields(zpl).find((f) => f.includes('>8'));
    expect(dataOf(field ?? '')).toBe(`>;>800${SSCC}`);
    expect(field).toMatch(/\^BY4\^BCN,\d+,N,N,N,N\^FD/);
  });

  it('prints the human-readable lines, Chinese ones in the CJK font', () => {
    const texts = fields(zpl).filter((f) => f.includes('^FB'));
    const shown = texts.map(dataOf);
    expect(shown).toEqual(
      expect.arrayContaining([
        ORDER,
        mintOrderScopedCode('package', ORDER, 2),
        `(00) ${SSCC}`,
        'SHIP TO',
        '2 of 3',
        '张伟 收',
      ]),
    );
    const chinese = texts.find((f) => f.includes('张伟'));
    expect(chinese).toContain(`^A@N,`);
    expect(chinese).toContain(DEFAULT_ZPL_CJK_FONT);
    expect(texts.find((f) => dataOf(f) === ORDER)).toMatch(/\^A0N,\d+,\d+/);
  });

  it('uses the CJK font the plant configured', () => {
    const { zpl: custom } = zplOf(sampleLabel('package'), { cjkFont: 'E:NOTOSANSCJK.TTF' });
    expect(custom).toContain('E:NOTOSANSCJK.TTF');
    expect(custom).not.toContain(DEFAULT_ZPL_CJK_FONT);
  });

  it('escapes ^, ~ and _ so customer text cannot end a field or inject a command', () => {
    const input = sampleLabel('package');
    const data = { ...(input.data as Record<string, unknown>), shipTo: 'A^XZ^XA~JR_b' };
    const { zpl: hostile } = zplOf({ kind: 'package', data });
    expect(hostile.match(/\^XZ/g)).toHaveLength(1);
    expect(hostile).not.toContain('~JR');
    expect(hostile).toContain('^FH^FDA_5EXZ_5EXA_7EJR_5Fb^FS');
  });

  it('draws a rule as a filled box', () => {
    expect(fields(zpl).filter((f) => f.includes('^GB')).length).toBeGreaterThan(0);
    for (const rule of fields(zpl).filter((f) => f.includes('^GB'))) {
      const [, w, h, t] = /\^GB(\d+),(\d+),(\d+)/.exec(rule) ?? [];
      expect(Number(t)).toBe(Math.min(Number(w), Number(h)));
    }
  });
});

describe('renderZpl for resource and unit labels', () => {
  it('prints a unit label with its code as Code 128, as a QR code and as text', () => {
    const { layout, zpl } = zplOf(sampleLabel('unit'));
    const code = mintOrderScopedCode('unit', ORDER, 7);
    const linear = layout.items.find((i) => i.type === 'barcode' && i.symbology === 'code128');
    expect(linear?.type === 'barcode' && linear.moduleDots).toBe(3);
    expect(fields(zpl).map(dataOf)).toEqual(
      expect.arrayContaining([code, `MA,${code}`, `Order ${ORDER}`]),
    );
    expect(fields(zpl).find((f) => f.includes('^BC'))).toMatch(
      new RegExp(`\\^BY3\\^BCN,144,N,N,N,A\\^FH\\^FD${code}\\^FS$`),
    );
    expect(zpl).toContain(`^PW${mmToDots(100, 203)}`);
  });

  it('prints a small resource label with its code in a QR code and as text', () => {
    const { zpl } = zplOf(sampleLabel('resource'), {}, '50x30mm');
    const code = mintOrderScopedCode('resource', ORDER, 125);
    expect(fields(zpl).map(dataOf)).toEqual(
      expect.arrayContaining([`MA,${code}`, code, `Order ${ORDER}`, 'Step Cutting']),
    );
    // The material wraps onto two lines on a 50 mm label.
    expect(fields(zpl).map(dataOf).join(' ')).toContain('Oak board 18 mm, planed');
    expect(zpl).toContain(`^PW${mmToDots(50, 203)}`);
    expect(zpl).toContain(`^LL${mmToDots(30, 203)}`);
  });
});
