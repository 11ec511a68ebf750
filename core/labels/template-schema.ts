import { z } from 'zod';
import { isLabelField, LABEL_KINDS, placeholdersOf } from './label-fields.ts';
import { pointsToMm } from './label-sizes.ts';

/*
 * A label template is data: page size, margins, printer resolution and a list of elements
 * placed in millimetres from the top-left corner of the media. The schema refuses a
 * template that would print a broken label: an element outside the printable area, two
 * elements overlapping, a text box too short for one line, or a field the kind lacks.
 */
export const SYMBOLOGIES = ['code128', 'gs1-128', 'qrcode'] as const;
export type Symbology = (typeof SYMBOLOGIES)[number];

/** Thermal printers come in these resolutions; barcode modules snap to whole dots. */
export const PRINTER_DPIS = [203, 300, 600] as const;

const millimetres = z.number().min(0).max(1000);
const box = {
  x: millimetres,
  y: millimetres,
  width: z.number().positive().max(1000),
  height: z.number().positive().max(1000),
  /** Print the element only when this field has a value (captions, rules). */
  when: z.string().optional(),
};

export const textElementSchema = z.strictObject({
  type: z.literal('text'),
  ...box,
  /** Literal text with `{field}` placeholders. */
  text: z.string().min(1).max(500),
  /**
   * The same on a label printed in Chinese (its captions: "收货地址" for "SHIP TO"); absent,
   * `text` serves every language. The label's language: docs/labels.md "Language".
   */
  textZh: z.string().min(1).max(500).optional(),
  fontSizePt: z.number().min(4).max(96),
  /**
   * Shrink the text down to this size before cutting it: for human-readable codes, which
   * must never be cut.
   */
  minFontSizePt: z.number().min(4).max(96).optional(),
  align: z.enum(['left', 'center', 'right']).default('left'),
  lineHeight: z.number().min(1).max(2).default(1.2),
});

export const barcodeElementSchema = z.strictObject({
  type: z.literal('barcode'),
  ...box,
  symbology: z.enum(SYMBOLOGIES),
  field: z.string(),
  /** The narrowest module (X-dimension) allowed; below it the symbol does not fit. */
  minModuleMm: z.number().positive().max(5).default(0.25),
  /** The widest module wanted; a short code is not blown up beyond it. */
  maxModuleMm: z.number().positive().max(10).default(1),
});

/** A filled bar, for separating sections. */
export const ruleElementSchema = z.strictObject({ type: z.literal('rule'), ...box });

export const labelElementSchema = z.discriminatedUnion('type', [
  textElementSchema,
  barcodeElementSchema,
  ruleElementSchema,
]);

const EPSILON_MM = 1e-6;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Box, b: Box): boolean =>
  a.x + a.width > b.x + EPSILON_MM &&
  b.x + b.width > a.x + EPSILON_MM &&
  a.y + a.height > b.y + EPSILON_MM &&
  b.y + b.height > a.y + EPSILON_MM;

export const labelTemplateSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'id is lowercase letters, digits and -'),
    name: z.string().min(1).max(100),
    kind: z.enum(LABEL_KINDS),
    widthMm: z.number().min(10).max(300),
    heightMm: z.number().min(10).max(1000),
    /** The strip along each edge where nothing prints: printers cannot print to the edge. */
    marginMm: z.number().min(0).max(20),
    dpi: z.union(PRINTER_DPIS.map((dpi) => z.literal(dpi))),
    elements: z.array(labelElementSchema).min(1).max(60),
  })
  .superRefine((template, ctx) => {
    const { kind, marginMm: m } = template;
    template.elements.forEach((element, index) => {
      const path = ['elements', index];
      const name = `element ${index + 1} (${element.type})`;
      const outside =
        element.x < m - EPSILON_MM ||
        element.y < m - EPSILON_MM ||
        element.x + element.width > template.widthMm - m + EPSILON_MM ||
        element.y + element.height > template.heightMm - m + EPSILON_MM;
      if (outside) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${name} reaches outside the printable area (${m} mm margin on a ${template.widthMm}×${template.heightMm} mm label)`,
        });
      }
      const fields = [
        ...(element.when ? [element.when] : []),
        ...(element.type === 'text' ? placeholdersOf(element.text) : []),
        ...(element.type === 'text' && element.textZh ? placeholdersOf(element.textZh) : []),
        ...(element.type === 'barcode' ? [element.field] : []),
      ];
      for (const field of fields.filter((field) => !isLabelField(kind, field))) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${name} uses '${field}', which ${kind} labels do not have`,
        });
      }
      if (element.type === 'text') {
        if (element.minFontSizePt !== undefined && element.minFontSizePt > element.fontSizePt) {
          ctx.addIssue({ code: 'custom', path, message: `${name}: minFontSizePt > fontSizePt` });
        }
        const lineMm = pointsToMm(element.fontSizePt * element.lineHeight);
        if (element.height + EPSILON_MM < lineMm) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${name} is ${element.height} mm high; one line of ${element.fontSizePt} pt text needs ${lineMm.toFixed(2)} mm`,
          });
        }
      }
      if (element.type === 'barcode') {
        const gs1Field = element.field === 'ssccElementString';
        if (gs1Field !== (element.symbology === 'gs1-128')) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${name}: a GS1-128 symbol carries the GS1 element string (ssccElementString), and only it does`,
          });
        }
        if (element.minModuleMm > element.maxModuleMm) {
          ctx.addIssue({ code: 'custom', path, message: `${name}: minModuleMm > maxModuleMm` });
        }
      }
      template.elements.slice(0, index).forEach((other, otherIndex) => {
        if (overlaps(element, other)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${name} overlaps element ${otherIndex + 1} (${other.type})`,
          });
        }
      });
    });
  });

/** A template as written (defaults may be left out). */
export type LabelTemplateInput = z.input<typeof labelTemplateSchema>;
export type LabelTemplate = z.output<typeof labelTemplateSchema>;
export type LabelElement = LabelTemplate['elements'][number];
export type TextElement = z.output<typeof textElementSchema>;
export type BarcodeElement = z.output<typeof barcodeElementSchema>;
