import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, defaultTemplate } from '#core/labels/default-templates.ts';
import { labelFieldValues, parseLabelRequest } from '#core/labels/label-data.ts';
import { dotsToMm } from '#core/labels/label-sizes.ts';
import { labelTemplateSchema } from '#core/labels/template-schema.ts';
import { labelFont } from './font.ts';
import { layoutLabel, LabelLayoutError, type LabelLayout, type Rect } from './layout.ts';
import { sampleLabel, worstCaseLabel } from '#core/labels/sample-data.ts';

const font = labelFont();

/** The ink of every item: text lines by their glyph box, barcodes with quiet zones. */
function inkBoxes(layout: LabelLayout): { name: string; rect: Rect }[] {
  return layout.items.flatMap((item, index) => {
    if (item.type === 'rule') return [{ name: `rule ${index}`, rect: item.box }];
    if (item.type === 'barcode') {
      const quiet = (item.symbology === 'qrcode' ? 4 : 10) * item.moduleMm;
      const rect: Rect =
        item.symbology === 'qrcode'
          ? [item.x - quiet, item.y - quiet, item.width + 2 * quiet, item.height + 2 * quiet]
          : [item.x - quiet, item.y, item.width + 2 * quiet, item.height];
      return [{ name: `${item.symbology} ${index}`, rect }];
    }
    return item.lines.map((line) => ({
      name: `text ${index} '${line.text.slice(0, 20)}'`,
      rect: [
        line.x,
        line.baseline - font.ascent * item.fontSizeMm,
        line.width,
        (font.ascent + font.descent) * item.fontSizeMm,
      ] as Rect,
    }));
  });
}

const intersects = (a: Rect, b: Rect) =>
  a[0] + a[2] > b[0] + 1e-6 &&
  b[0] + b[2] > a[0] + 1e-6 &&
  a[1] + a[3] > b[1] + 1e-6 &&
  b[1] + b[3] > a[1] + 1e-6;

describe.each(DEFAULT_TEMPLATES.map((template) => [template.id, template] as const))(
  'default template %s',
  (_id, template) => {
    for (const [name, input] of [
      ['typical', sampleLabel(template.kind)],
      ['worst case', worstCaseLabel(template.kind)],
    ] as const) {
      it(`lays out the ${name} label with nothing overlapping and nothing off the label`, () => {
        const layout = layoutLabel(template, labelFieldValues(parseLabelRequest(input)));
        const boxes = inkBoxes(layout);
        for (const [i, a] of boxes.entries()) {
          const [x, y, width, height] = a.rect;
          expect(x, a.name).toBeGreaterThanOrEqual(0);
          expect(y, a.name).toBeGreaterThanOrEqual(0);
          expect(x + width, a.name).toBeLessThanOrEqual(template.widthMm);
          expect(y + height, a.name).toBeLessThanOrEqual(template.heightMm);
          for (const b of boxes.slice(i + 1)) {
            expect(intersects(a.rect, b.rect), `${a.name} overlaps ${b.name}`).toBe(false);
          }
        }
      });
    }

    it('never cuts a human-readable code, even the widest one', () => {
      const layout = layoutLabel(
        template,
        labelFieldValues(parseLabelRequest(worstCaseLabel(template.kind))),
      );
      for (const item of layout.items) {
        if (item.type !== 'text') continue;
        const codeLike =
          item.lines.length === 1 && /^(\(00\) )?[0-9A-Z]{11,22}$/.test(item.lines[0]?.text ?? '');
        if (codeLike) expect(item.truncated).toBe(false);
      }
      const values = labelFieldValues(parseLabelRequest(worstCaseLabel(template.kind)));
      const printed = layout.items.flatMap((item) =>
        item.type === 'text' ? item.lines.map((l) => l.text) : [],
      );
      const code = values.packageCode ?? values.code;
      expect(printed).toContain(code);
    });

    it('puts every barcode module on whole printer dots', () => {
      const layout = layoutLabel(
        template,
        labelFieldValues(parseLabelRequest(sampleLabel(template.kind))),
      );
      const dot = dotsToMm(1, template.dpi);
      for (const item of layout.items) {
        if (item.type !== 'barcode') continue;
        expect(item.moduleMm).toBeCloseTo(item.moduleDots * dot, 9);
        expect((item.x / dot) % 1).toBeCloseTo(0, 6);
      }
    });
  },
);

describe('layoutLabel', () => {
  it('lays the SSCC lowest on a package label, with its text under it', () => {
    const template = defaultTemplate('package');
    const layout = layoutLabel(
      template,
      labelFieldValues(parseLabelRequest(sampleLabel('package'))),
    );
    const barcodes = layout.items.filter((item) => item.type === 'barcode');
    const lowest = barcodes.reduce((a, b) => (a.y > b.y ? a : b));
    expect(lowest.symbology).toBe('gs1-128');
    expect(lowest.moduleMm).toBeGreaterThanOrEqual(0.495);
  });

  it('leaves out the SSCC, its caption and rule when there is none', () => {
    const input = sampleLabel('package');
    const data = { ...(input.data as Record<string, unknown>), sscc: undefined };
    const layout = layoutLabel(
      defaultTemplate('package'),
      labelFieldValues(parseLabelRequest({ kind: 'package', data })),
    );
    expect(
      layout.items
        .filter((item) => item.type === 'barcode')
        .map((item) => item.type === 'barcode' && item.symbology),
    ).toEqual(['qrcode', 'code128']);
    const texts = layout.items.flatMap((item) =>
      item.type === 'text' ? item.lines.map((l) => l.text) : [],
    );
    expect(texts).not.toContain('SSCC');
    expect(texts.some((text) => text.startsWith('(00)'))).toBe(false);
  });

  it('says which symbol does not fit a box too narrow for it', () => {
    const template = labelTemplateSchema.parse({
      id: 'narrow',
      name: 'Narrow',
      kind: 'unit',
      widthMm: 40,
      heightMm: 20,
      marginMm: 1,
      dpi: 203,
      elements: [
        { type: 'barcode', x: 1, y: 1, width: 38, height: 10, symbology: 'code128', field: 'code' },
      ],
    });
    const values = labelFieldValues(parseLabelRequest(sampleLabel('unit')));
    expect(() => layoutLabel(template, values)).toThrow(LabelLayoutError);
    expect(() => layoutLabel(template, values)).toThrow(/needs \d+ modules.*38 mm wide/);
  });
});
