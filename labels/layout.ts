import { fillText, type LabelFieldValues } from '#core/labels/label-fields.ts';
import { dotsToMm, pointsToMm } from '#core/labels/label-sizes.ts';
import type {
  BarcodeElement,
  LabelTemplate,
  Symbology,
  TextElement,
} from '#core/labels/template-schema.ts';
import { fitText, textWidthEm } from './fit-text.ts';
import { labelFont, type LabelFont } from './font.ts';
import { encodeSymbol, SymbolError, type EncodedSymbol } from './symbols.ts';

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

const SHRINK_STEP_PT = 0.25;

function fitAtSize(element: TextElement, text: string, fontSizePt: number, font: LabelFont) {
  const size = pointsToMm(fontSizePt);
  const lineMm = size * element.lineHeight;
  const maxLines = Math.max(1, Math.floor((element.height + 1e-6) / lineMm));
  return { size, lineMm, fitted: fitText(text, element.width / size, maxLines, font) };
}

function layoutText(element: TextElement, text: string, font: LabelFont): LaidText {
  let fit = fitAtSize(element, text, element.fontSizePt, font);
  const smallest = element.minFontSizePt ?? element.fontSizePt;
  for (
    let pt = element.fontSizePt - SHRINK_STEP_PT;
    fit.fitted.truncated && pt >= smallest;
    pt -= SHRINK_STEP_PT
  ) {
    fit = fitAtSize(element, text, pt, font);
  }
  const { size, lineMm, fitted } = fit;
  // Centre the line's ascent+descent inside its line box.
  const halfLeading = (lineMm - size * (font.ascent + font.descent)) / 2;
  const lines = fitted.lines.map((line, index) => {
    const width = textWidthEm(line, font) * size;
    const free = element.width - width;
    const x =
      element.x + (element.align === 'center' ? free / 2 : element.align === 'right' ? free : 0);
    return {
      text: line,
      x,
      baseline: element.y + index * lineMm + halfLeading + font.ascent * size,
      width,
    };
  });
  return {
    type: 'text',
    box: [element.x, element.y, element.width, element.height],
    align: element.align,
    fontSizeMm: size,
    lines,
    truncated: fitted.truncated || fitted.replaced,
  };
}

function barRects(
  symbol: EncodedSymbol,
  x: number,
  y: number,
  module: number,
  height: number,
): Rect[] {
  const rects: Rect[] = [];
  if (symbol.type === 'linear') {
    let position = x;
    symbol.widths.forEach((width, index) => {
      if (index % 2 === 0) rects.push([position, y, width * module, height]);
      position += width * module;
    });
    return rects;
  }
  for (let row = 0; row < symbol.rows; row++) {
    // One rectangle per horizontal run of dark modules keeps the output small.
    let runStart = -1;
    for (let column = 0; column <= symbol.columns; column++) {
      const dark = column < symbol.columns && symbol.dark[row * symbol.columns + column] === 1;
      if (dark && runStart < 0) runStart = column;
      if (!dark && runStart >= 0) {
        rects.push([x + runStart * module, y + row * module, (column - runStart) * module, module]);
        runStart = -1;
      }
    }
  }
  return rects;
}

export class LabelLayoutError extends Error {
  override name = 'LabelLayoutError';
}

function layoutBarcode(element: BarcodeElement, data: string, dpi: number): LaidBarcode {
  let symbol: EncodedSymbol;
  try {
    symbol = encodeSymbol(element.symbology, data);
  } catch (error) {
    if (error instanceof SymbolError) throw new LabelLayoutError(error.message);
    throw error;
  }
  const dot = dotsToMm(1, dpi);
  const across = symbol.type === 'linear' ? symbol.modules : symbol.columns;
  const total = across + 2 * symbol.quietZone;
  const fitsWidth = element.width / total;
  const fits =
    symbol.type === 'linear'
      ? fitsWidth
      : Math.min(fitsWidth, element.height / (symbol.rows + 2 * symbol.quietZone));
  const moduleDots = Math.min(
    Math.floor(fits / dot + 1e-9),
    Math.floor(element.maxModuleMm / dot + 1e-9),
  );
  const module = moduleDots * dot;
  if (moduleDots < 1 || module + 1e-9 < element.minModuleMm) {
    throw new LabelLayoutError(
      `'${data}' as ${element.symbology} needs ${total} modules with quiet zones: at the ` +
        `smallest module of ${element.minModuleMm} mm that is ${(total * element.minModuleMm).toFixed(1)} mm, ` +
        `but its box on the label is ${element.width} mm wide. Use a wider template.`,
    );
  }
  const width = across * module;
  const height = symbol.type === 'linear' ? element.height : symbol.rows * module;
  // Centre in the box, on the dot grid, so the printer draws every module the same width.
  const snap = (mm: number) => Math.round(mm / dot) * dot;
  const x = snap(element.x + (element.width - width) / 2);
  // A matrix sits at the top of its box (inside its quiet zone), next to the text under it.
  const y = symbol.type === 'linear' ? element.y : snap(element.y + symbol.quietZone * module);
  return {
    type: 'barcode',
    symbology: element.symbology,
    data,
    x,
    y,
    width,
    height,
    moduleMm: module,
    moduleDots,
    bars: barRects(symbol, x, y, module, height),
  };
}

/** Lay out one label. Throws LabelLayoutError when a symbol cannot fit its box. */
export function layoutLabel(template: LabelTemplate, values: LabelFieldValues): LabelLayout {
  const font = labelFont();
  const items: LaidItem[] = [];
  const truncated: string[] = [];
  for (const element of template.elements) {
    if (element.when && !values[element.when as keyof LabelFieldValues]) continue;
    if (element.type === 'rule') {
      items.push({ type: 'rule', box: [element.x, element.y, element.width, element.height] });
    } else if (element.type === 'text') {
      const text = fillText(element.text, values);
      if (text === undefined) continue;
      const laid = layoutText(element, text, font);
      if (laid.truncated) truncated.push(element.text);
      items.push(laid);
    } else {
      const data = values[element.field as keyof LabelFieldValues];
      if (data) items.push(layoutBarcode(element, data, template.dpi));
    }
  }
  return {
    templateId: template.id,
    widthMm: template.widthMm,
    heightMm: template.heightMm,
    dpi: template.dpi,
    items,
    truncated,
  };
}
