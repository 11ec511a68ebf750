import type { Symbology, TextElement } from '#core/labels/template-schema.ts';

/*
 * A template plus field values becomes a layout: absolute boxes in millimetres, text as
 * fitted lines, barcodes as modules snapped to whole printer dots. Every renderer (PDF,
 * SVG/PNG, ZPL) draws the same layout, so the preview is the print.
 */
export type Rect = readonly [x: number, y: number, width: number, height: number];

export interface LaidLine {
  text: string;
  x: number;
  baseline: number;
  width: number;
}
export interface LaidText {
  type: 'text';
  box: Rect;
  align: TextElement['align'];
  fontSizeMm: number;
  lines: LaidLine[];
  truncated: boolean;
}
export interface LaidBarcode {
  type: 'barcode';
  symbology: Symbology;
  data: string;
  /** The symbol without quiet zones. */
  x: number;
  y: number;
  width: number;
  height: number;
  moduleMm: number;
  moduleDots: number;
  /** Dark rectangles, in mm. */
  bars: Rect[];
}
export interface LaidRule {
  type: 'rule';
  box: Rect;
}
export type LaidItem = LaidText | LaidBarcode | LaidRule;

export interface LabelLayout {
  templateId: string;
  widthMm: number;
  heightMm: number;
  dpi: number;
  items: LaidItem[];
  /** Field names whose text was cut or had characters replaced to fit. */
  truncated: string[];
}
