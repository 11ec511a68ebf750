import { defaultTemplate } from '#core/labels/default-templates.ts';
import {
  labelFieldValues,
  LabelDataError,
  parseLabelRequest,
  type LabelDataInput,
  type ResourceLabelData,
  type UnitLabelData,
} from '#core/labels/label-data.ts';
import type { LabelSizeId } from '#core/labels/label-sizes.ts';
import { labelTemplateSchema, type LabelTemplate } from '#core/labels/template-schema.ts';
import { parseCode } from '#core/codes/formats.ts';
import { layoutLabel, type LabelLayout } from './layout.ts';
import { renderPdf } from './render-pdf.ts';
import { renderPng } from './render-png.ts';
import { renderSvg } from './render-svg.ts';
import { renderZpl, type ZplOptions } from './render-zpl.ts';

/*
 * The one entry point the station, the server and the CLI use: validated data + a
 * template (a default one for the kind and size unless given) → bytes in a format.
 */
export const LABEL_FORMATS = ['pdf', 'zpl', 'png', 'svg'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

export interface LabelOptions {
  /** A plant's own template; it must be of the label's kind. */
  template?: unknown;
  size?: LabelSizeId;
  zpl?: ZplOptions;
  /** PNG resolution; the template's printer resolution by default. */
  pngDpi?: number;
  /**
   * The label's language, 'en' (the default) or 'zh-CN': which captions a template's text
   * elements print (their `textZh` on a Chinese label). docs/labels.md "Language".
   */
  language?: string;
}

function chooseTemplate(kind: LabelDataInput['kind'], options: LabelOptions): LabelTemplate {
  if (options.template === undefined) return defaultTemplate(kind, options.size);
  const parsed = labelTemplateSchema.safeParse(options.template);
  if (!parsed.success) {
    throw new LabelDataError(parsed.error.issues.map((issue) => `Template: ${issue.message}`));
  }
  if (parsed.data.kind !== kind) {
    throw new LabelDataError([
      `Template ${parsed.data.id} is for ${parsed.data.kind} labels, not ${kind} labels`,
    ]);
  }
  return parsed.data;
}

/** Validate and lay out one label. */
export function layoutFor(input: LabelDataInput, options: LabelOptions = {}): LabelLayout {
  const request = parseLabelRequest(input);
  return layoutLabel(
    chooseTemplate(input.kind, options),
    labelFieldValues(request),
    options.language,
  );
}

export async function renderLabel(
  input: LabelDataInput,
  format: LabelFormat,
  options: LabelOptions = {},
): Promise<Buffer> {
  return renderLayout(layoutFor(input, options), input.kind, format, options);
}

async function renderLayout(
  layout: LabelLayout,
  kind: LabelDataInput['kind'],
  format: LabelFormat,
  options: LabelOptions,
): Promise<Buffer> {
  switch (format) {
    case 'pdf':
      return renderPdf([layout], { title: `Ordertrace ${kind} label` });
    case 'zpl':
      return Buffer.from(renderZpl(layout, options.zpl), 'utf8');
    case 'png':
      return renderPng(layout, options.pngDpi);
    case 'svg':
      return Buffer.from(renderSvg(layout), 'utf8');
  }
}

/**
 * A label for a printer and its on-screen preview from one layout: the preview (SVG, text
 * as outlines, so the screen needs no font) shows exactly what was sent, symbol for symbol.
 */
export async function renderWithPreview(
  input: LabelDataInput,
  format: 'pdf' | 'zpl',
  options: LabelOptions = {},
): Promise<{ document: Buffer; svg: string }> {
  const layout = layoutFor(input, options);
  return {
    document: await renderLayout(layout, input.kind, format, options),
    svg: renderSvg(layout),
  };
}

/**
 * All resource or unit labels of one released order in one PDF, one label per page. A
 * code of another order in the batch is refused: it would label this order's material or
 * product with the wrong barcode.
 */
export async function renderOrderBatch(
  kind: 'resource' | 'unit',
  orderCode: string,
  items: readonly (ResourceLabelData | UnitLabelData)[],
  options: LabelOptions = {},
): Promise<Buffer> {
  if (items.length === 0) throw new LabelDataError([`The batch has no ${kind} labels`]);
  const template = chooseTemplate(kind, options);
  const what = kind === 'resource' ? 'Resource' : 'Unit';
  const layouts = items.map((data, index) => {
    const request = parseLabelRequest({ kind, data });
    const parsed = parseCode(request.kind === kind ? request.data.code : '');
    if (!parsed.valid || parsed.order !== orderCode) {
      throw new LabelDataError([
        `${what} ${index + 1} (${String(data.code)}) does not belong to order ${orderCode}`,
      ]);
    }
    return layoutLabel(template, labelFieldValues(request), options.language);
  });
  return renderPdf(layouts, { title: `Ordertrace ${kind} labels of ${orderCode}` });
}

/** All resource labels of one released order in one PDF (see renderOrderBatch). */
export const renderResourceBatch = (
  orderCode: string,
  resources: readonly ResourceLabelData[],
  options: LabelOptions = {},
): Promise<Buffer> => renderOrderBatch('resource', orderCode, resources, options);
