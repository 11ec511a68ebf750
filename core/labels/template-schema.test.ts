import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZES, DEFAULT_TEMPLATES, defaultTemplate } from './default-templates.ts';
import { LABEL_KINDS } from './label-fields.ts';
import { LABEL_SIZES } from './label-sizes.ts';
import { labelTemplateSchema, type LabelTemplateInput } from './template-schema.ts';

const small: LabelTemplateInput = {
  id: 'test-small',
  name: 'Test',
  kind: 'resource',
  widthMm: 50,
  heightMm: 30,
  marginMm: 2,
  dpi: 203,
  elements: [
    { type: 'barcode', x: 2, y: 2, width: 18, height: 18, symbology: 'qrcode', field: 'code' },
    { type: 'text', x: 22, y: 2, width: 26, height: 8, text: '{material}', fontSizePt: 9 },
  ],
};

const messages = (input: unknown) => {
  const result = labelTemplateSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('label template schema', () => {
  it('accepts every default template, one per kind and size', () => {
    for (const kind of LABEL_KINDS) {
      for (const size of DEFAULT_SIZES[kind]) {
        const template = defaultTemplate(kind, size);
        expect(template.kind).toBe(kind);
        expect(template.widthMm).toBeCloseTo(LABEL_SIZES[size].widthMm, 6);
        expect(template.heightMm).toBeCloseTo(LABEL_SIZES[size].heightMm, 6);
      }
    }
    expect(DEFAULT_TEMPLATES).toHaveLength(6);
  });

  it('accepts a small valid template and fills in defaults', () => {
    const parsed = labelTemplateSchema.parse(small);
    expect(parsed.elements[1]).toMatchObject({ align: 'left', lineHeight: 1.2 });
  });

  it('refuses an element that reaches into the margin or off the label', () => {
    const input = {
      ...small,
      elements: [{ ...small.elements[0], x: 40 }],
    };
    expect(messages(input)).toEqual([expect.stringMatching(/outside the printable area/)]);
  });

  it('refuses overlapping elements', () => {
    const input = {
      ...small,
      elements: [...small.elements, { type: 'rule', x: 10, y: 10, width: 20, height: 1 }],
    };
    expect(messages(input).join()).toMatch(/element 3 \(rule\) overlaps element 1 \(barcode\)/);
  });

  it('refuses fields the kind does not have', () => {
    const input = {
      ...small,
      elements: [
        { ...small.elements[0], field: 'sscc' },
        { ...small.elements[1], text: 'To {shipTo}' },
      ],
    };
    expect(messages(input)).toEqual([
      "element 1 (barcode) uses 'sscc', which resource labels do not have",
      "element 2 (text) uses 'shipTo', which resource labels do not have",
    ]);
  });

  it('refuses a text box too short for one line of its font', () => {
    const input = { ...small, elements: [{ ...small.elements[1], height: 2 }] };
    expect(messages(input).join()).toMatch(/one line of 9 pt text needs 3\.81 mm/);
  });

  it('keeps GS1-128 for the GS1 element string only', () => {
    const input = {
      ...defaultTemplate('package'),
      elements: [
        {
          type: 'barcode',
          x: 4,
          y: 4,
          width: 90,
          height: 20,
          symbology: 'gs1-128',
          field: 'orderCode',
        },
      ],
    };
    expect(messages(input).join()).toMatch(/GS1-128 symbol carries the GS1 element string/);
  });

  it('refuses an unknown printer resolution and a malformed id', () => {
    expect(messages({ ...small, dpi: 250 }).length).toBeGreaterThan(0);
    expect(messages({ ...small, id: 'Bad Id' }).join()).toMatch(/id is lowercase/);
  });

  it('names the sizes it has when asked for one it has not', () => {
    expect(() => defaultTemplate('package', '50x30mm')).toThrow(/sizes: 100x150mm, 4x6in/);
  });
});
