import bwipjs from 'bwip-js';
import { parseElementString } from '#core/gs1/element-string.ts';
import type { Symbology } from '#core/labels/template-schema.ts';

/*
 * Barcode symbols as modules, from bwip-js's encoder (`raw`): bar/space widths for linear
 * symbols, a dark-module matrix for QR. The renderers draw those modules themselves at a
 * whole number of printer dots, so PDF, PNG and ZPL agree and every bar edge falls on
 * the printer's dot grid.
 */
export type EncodedSymbol =
  | {
      type: 'linear';
      /** Bar, space, bar, … widths in modules, starting and ending with a bar. */
      widths: number[];
      modules: number;
      /** Quiet zone each side, in modules (ISO/IEC 15417: 10 X for Code 128). */
      quietZone: number;
    }
  | {
      type: 'matrix';
      columns: number;
      rows: number;
      /** Row-major, 1 = dark. */
      dark: ArrayLike<number>;
      /** ISO/IEC 18004: 4 modules around a QR code. */
      quietZone: number;
    };

type RawSymbol = { sbs: number[] } | { pixs: number[]; pixx: number; pixy: number };

export class SymbolError extends Error {
  override name = 'SymbolError';
}

/** bwip-js writes GS1 data in the human-readable form "(00)…". */
function bwipGs1Text(elementString: string): string {
  const parsed = parseElementString(elementString);
  if (!parsed.valid) throw new SymbolError(`GS1 data cannot be encoded: ${parsed.error}`);
  return parsed.elements.map(({ ai, value }) => `(${ai})${value}`).join('');
}

export function encodeSymbol(symbology: Symbology, data: string): EncodedSymbol {
  if (data.length === 0) throw new SymbolError(`A ${symbology} symbol needs data; it is empty`);
  const text = symbology === 'gs1-128' ? bwipGs1Text(data) : data;
  let raw: RawSymbol[];
  try {
    // QR error correction M (15 %): the customer's phone reads a scuffed box.
    const options = symbology === 'qrcode' ? { eclevel: 'M' } : {};
    raw = bwipjs.raw({ bcid: symbology, text, ...options } as bwipjs.RawOptions);
  } catch (error) {
    throw new SymbolError(
      `'${data}' cannot be encoded as ${symbology}: ${(error as Error).message}`,
    );
  }
  const first = raw[0];
  if (first && 'sbs' in first) {
    return {
      type: 'linear',
      widths: first.sbs,
      modules: first.sbs.reduce((sum, width) => sum + width, 0),
      quietZone: 10,
    };
  }
  if (first && 'pixs' in first) {
    return {
      type: 'matrix',
      columns: first.pixx,
      rows: first.pixy,
      dark: first.pixs,
      quietZone: 4,
    };
  }
  throw new SymbolError(`bwip-js returned no ${symbology} symbol for '${data}'`);
}
