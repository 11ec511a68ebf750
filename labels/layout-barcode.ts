import { dotsToMm } from '#core/labels/label-sizes.ts';
import type { BarcodeElement } from '#core/labels/template-schema.ts';
import type { LaidBarcode, Rect } from './layout-types.ts';
import { encodeSymbol, SymbolError, type EncodedSymbol } from './symbols.ts';

/** A barcode element's symbol, at the largest whole-dot module its box allows. */
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

export function layoutBarcode(element: BarcodeElement, data: string, dpi: number): LaidBarcode {
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
