import type { LabelKind } from './label-fields.ts';
import { LABEL_SIZES, type LabelSizeId } from './label-sizes.ts';
import {
  labelTemplateSchema,
  type LabelTemplate,
  type LabelTemplateInput,
} from './template-schema.ts';

/*
 * The labels a plant gets before it designs its own. Positions are millimetres from the
 * top-left corner of the media. The package label follows the GS1 logistic label
 * (GS1 General Specifications §6.6): ship-to and carrier information on top, the SSCC in
 * GS1-128 lowest, human-readable text under every symbol.
 */
type Element = LabelTemplateInput['elements'][number];
type Align = 'left' | 'center' | 'right';

const text = (
  x: number,
  y: number,
  width: number,
  height: number,
  content: string,
  fontSizePt: number,
  options: { align?: Align; when?: string; minFontSizePt?: number; textZh?: string } = {},
): Element => ({ type: 'text', x, y, width, height, text: content, fontSizePt, ...options });

const rule = (y: number, x = 4, width = 92, when?: string): Element => ({
  type: 'rule',
  x,
  y,
  width,
  height: 0.4,
  ...(when ? { when } : {}),
});

const PACKAGE_100X150: LabelTemplateInput = {
  id: 'package-100x150mm',
  name: 'Package label 100×150 mm',
  kind: 'package',
  ...LABEL_SIZES['100x150mm'],
  marginMm: 3,
  dpi: 203,
  elements: [
    text(4, 4, 56, 3.5, 'SHIP TO', 7, { when: 'shipTo', textZh: '收货地址' }),
    text(4, 8, 56, 28, '{shipTo}', 11),
    {
      type: 'barcode',
      x: 61,
      y: 4,
      width: 35,
      height: 27,
      symbology: 'qrcode',
      field: 'packageCode',
    },
    text(61, 31.5, 35, 3.5, '{packageCode}', 7, { align: 'center', minFontSizePt: 5 }),
    rule(37),
    text(4, 39, 56, 3.5, 'ORDER', 7, { textZh: '订单' }),
    text(4, 43, 56, 7.5, '{orderCode}', 16, { minFontSizePt: 10 }),
    text(4, 51, 56, 4.5, 'Customer ref. {customerReference}', 9, {
      textZh: '客户参考号 {customerReference}',
    }),
    text(61, 39, 35, 3.5, 'PACKAGE', 7, { align: 'center', textZh: '箱号' }),
    text(61, 43, 35, 8, '{packageNumber} of {packageCount}', 18, {
      align: 'center',
      minFontSizePt: 10,
      textZh: '第 {packageNumber} / {packageCount} 箱',
    }),
    text(4, 57, 92, 3.5, 'CONTENTS', 7, { when: 'contents', textZh: '内容' }),
    text(4, 61, 92, 12, '{contents}', 9),
    rule(74),
    // The package code in Code 128 too: a dock's 1D scanner reads the package, not the order.
    {
      type: 'barcode',
      x: 4,
      y: 76,
      width: 92,
      height: 17,
      symbology: 'code128',
      field: 'packageCode',
    },
    text(4, 93.5, 92, 5, '{packageCode}', 10, { align: 'center', minFontSizePt: 6 }),
    rule(100, 4, 92, 'sscc'),
    text(4, 102, 92, 3.5, 'SSCC', 7, { when: 'sscc' }),
    {
      type: 'barcode',
      x: 4,
      y: 106,
      width: 92,
      height: 32,
      symbology: 'gs1-128',
      field: 'ssccElementString',
      // GS1 logistic labels: X-dimension at least 0.495 mm (§5.12.3.1, table 5).
      minModuleMm: 0.495,
    },
    text(4, 138.5, 92, 5, '(00) {sscc}', 11, { align: 'center', minFontSizePt: 6 }),
  ],
};

/** The same layout on slightly different media, centred: 4×6 in is 101.6×152.4 mm. */
function recentred(template: LabelTemplateInput, size: LabelSizeId, id: string, name: string) {
  const { widthMm, heightMm } = LABEL_SIZES[size];
  const dx = (widthMm - template.widthMm) / 2;
  const dy = (heightMm - template.heightMm) / 2;
  return {
    ...template,
    id,
    name,
    widthMm,
    heightMm,
    elements: template.elements.map((element) => ({
      ...element,
      x: element.x + dx,
      y: element.y + dy,
    })),
  };
}

/**
 * 50×30 mm carries a QR code only: a Code 128 of an 18–22 character code needs 70 mm at a
 * 0.25 mm module. For 1D scanners use 100×50 mm, the default.
 */
const smallLabel = (kind: 'resource' | 'unit'): LabelTemplateInput => ({
  id: `${kind}-50x30mm`,
  name: `${kind === 'resource' ? 'Resource' : 'Unit'} label 50×30 mm (QR only)`,
  kind,
  ...LABEL_SIZES['50x30mm'],
  marginMm: 1.5,
  dpi: 203,
  elements: [
    { type: 'barcode', x: 2, y: 2, width: 18, height: 18, symbology: 'qrcode', field: 'code' },
    ...(kind === 'resource'
      ? [
          text(21, 2, 27, 7.8, '{material}', 9),
          text(21, 10.5, 27, 3.2, 'Order {orderCode}', 7, {
            minFontSizePt: 5,
            textZh: '订单 {orderCode}',
          }),
          text(21, 14.5, 27, 3.2, 'Step {step}', 7, { textZh: '工序 {step}' }),
        ]
      : [
          text(21, 2, 27, 11.6, '{product}', 9),
          text(21, 14.5, 27, 3.2, 'Order {orderCode}', 7, {
            minFontSizePt: 5,
            textZh: '订单 {orderCode}',
          }),
        ]),
    text(2, 21, 46, 4.5, '{code}', 10, { align: 'center', minFontSizePt: 6 }),
  ],
});

/**
 * The code as Code 128 across the whole label, for a handheld 1D scanner at arm's length,
 * with the QR code beside the text below it. The module is as wide as the box allows: 3
 * dots (0.375 mm, 15 mil) for codes of up to four-digit serials, 2 dots (0.25 mm) for the
 * longest codes, never narrower; 18 mm bars.
 */
const wideLabel = (kind: 'resource' | 'unit'): LabelTemplateInput => ({
  id: `${kind}-100x50mm`,
  name: `${kind === 'resource' ? 'Resource' : 'Unit'} label 100×50 mm`,
  kind,
  ...LABEL_SIZES['100x50mm'],
  marginMm: 2,
  dpi: 203,
  elements: [
    {
      type: 'barcode',
      x: 2,
      y: 2.5,
      width: 96,
      height: 18,
      symbology: 'code128',
      field: 'code',
      minModuleMm: 0.25,
    },
    text(3, 21, 94, 4.5, '{code}', 10, { align: 'center', minFontSizePt: 6 }),
    ...(kind === 'resource'
      ? [
          text(3, 27, 72, 9, '{material}', 11),
          text(3, 37, 72, 4.3, 'Order {orderCode}', 10, { textZh: '订单 {orderCode}' }),
          text(3, 42.5, 72, 4.3, 'Step {step}', 10, { textZh: '工序 {step}' }),
        ]
      : [
          text(3, 27, 72, 14, '{product}', 11),
          text(3, 42.5, 72, 4.3, 'Order {orderCode}', 10, { textZh: '订单 {orderCode}' }),
        ]),
    { type: 'barcode', x: 77, y: 27, width: 20, height: 20, symbology: 'qrcode', field: 'code' },
  ],
});

const DEFAULTS: readonly LabelTemplateInput[] = [
  PACKAGE_100X150,
  recentred(PACKAGE_100X150, '4x6in', 'package-4x6in', 'Package label 4×6 in'),
  smallLabel('resource'),
  wideLabel('resource'),
  smallLabel('unit'),
  wideLabel('unit'),
];

export const DEFAULT_TEMPLATES: readonly LabelTemplate[] = DEFAULTS.map((template) =>
  labelTemplateSchema.parse(template),
);

/** Which sizes each kind has a default template for, first the usual one. */
export const DEFAULT_SIZES: Readonly<Record<LabelKind, readonly LabelSizeId[]>> = {
  package: ['100x150mm', '4x6in'],
  resource: ['100x50mm', '50x30mm'],
  unit: ['100x50mm', '50x30mm'],
};

export function defaultTemplate(kind: LabelKind, size?: LabelSizeId): LabelTemplate {
  const chosen = size ?? DEFAULT_SIZES[kind][0];
  const template = DEFAULT_TEMPLATES.find((t) => t.id === `${kind}-${chosen}`);
  if (!template) {
    throw new RangeError(
      `there is no default ${kind} label of ${chosen}; sizes: ${DEFAULT_SIZES[kind].join(', ')}`,
    );
  }
  return template;
}
