import { GS } from '#core/gs1/element-string.ts';
import { mmToDots } from '#core/labels/label-sizes.ts';
import type { LabelLayout, LaidBarcode, LaidText, Rect } from './layout.ts';

/*
 * ZPL II for Zebra printers, from the same layout as the PDF, in printer dots.
 * ^CI28: field data is UTF-8. ^FH: '^', '~' and '_' in data are written as _5E, _7E, _5F
 * so customer text can never end a field or inject a command.
 */
export interface ZplOptions {
  /**
   * Printer-resident font for lines with characters outside Latin (Chinese addresses).
   * Zebra's built-in font 0 has no CJK glyphs; printers with the Asian font option carry
   * one (Andale Mono Simplified Chinese is E:ANMDS.TTF); others need one downloaded.
   */
  cjkFont?: string;
  copies?: number;
}

export const DEFAULT_ZPL_CJK_FONT = 'E:ANMDS.TTF';

const escapeField = (text: string) =>
  text.replace(/[_^~]/g, (char) => `_${char.charCodeAt(0).toString(16).toUpperCase()}`);
const NEEDS_CJK_FONT = /[^\u0020-\u024f\u2000-\u206f\u20ac]/u;

function textFields(item: LaidText, dpi: number, cjkFont: string): string[] {
  const dots = (mm: number) => mmToDots(mm, dpi);
  const [x, , width] = item.box;
  const height = dots(item.fontSizeMm);
  const justify = item.align === 'center' ? 'C' : item.align === 'right' ? 'R' : 'L';
  return item.lines.map((line) => {
    // ^FO places the top of the character cell; ZPL fonts put the baseline near 80 % of it.
    const top = dots(line.baseline - item.fontSizeMm * 0.8);
    const font = NEEDS_CJK_FONT.test(line.text)
      ? `^A@N,${height},${height},${cjkFont}`
      : `^A0N,${height},${height}`;
    return `^FO${dots(x)},${top}${font}^FB${dots(width)},1,0,${justify}^FH^FD${escapeField(line.text)}^FS`;
  });
}

function barcodeField(item: LaidBarcode, dpi: number): string {
  const at = `^FO${mmToDots(item.x, dpi)},${mmToDots(item.y, dpi)}`;
  switch (item.symbology) {
    case 'qrcode':
      // Model 2, magnification = module in dots (1–10); "MA,": error correction M, automatic mode.
      return `${at}^BQN,2,${Math.min(10, item.moduleDots)}^FH^FDMA,${escapeField(item.data)}^FS`;
    case 'code128':
      // Mode A: the printer picks subsets B/C as bwip-js did; no interpretation line
      // (the template places the human-readable text).
      return `${at}^BY${item.moduleDots}^BCN,${mmToDots(item.height, dpi)},N,N,N,A^FH^FD${escapeField(item.data)}^FS`;
    case 'gs1-128': {
      // FNC1 (>8) first marks GS1-128; a GS between fields is FNC1 again (GS1 GenSpecs §5.4.7.5).
      const start = /^[0-9]*$/.test(item.data) && item.data.length % 2 === 0 ? '>;' : '>:';
      const body = item.data.split(GS).join('>8');
      return `${at}^BY${item.moduleDots}^BCN,${mmToDots(item.height, dpi)},N,N,N,N^FD${start}>8${body}^FS`;
    }
  }
}

function boxField([x, y, width, height]: Rect, dpi: number): string {
  const w = Math.max(1, mmToDots(width, dpi));
  const h = Math.max(1, mmToDots(height, dpi));
  return `^FO${mmToDots(x, dpi)},${mmToDots(y, dpi)}^GB${w},${h},${Math.min(w, h)}^FS`;
}

export function renderZpl(layout: LabelLayout, options: ZplOptions = {}): string {
  const { dpi } = layout;
  const cjkFont = options.cjkFont ?? DEFAULT_ZPL_CJK_FONT;
  const lines = [
    '^XA',
    '^CI28',
    `^PW${mmToDots(layout.widthMm, dpi)}`,
    `^LL${mmToDots(layout.heightMm, dpi)}`,
    '^LH0,0',
  ];
  for (const item of layout.items) {
    if (item.type === 'rule') lines.push(boxField(item.box, dpi));
    else if (item.type === 'barcode') lines.push(barcodeField(item, dpi));
    else lines.push(...textFields(item, dpi, cjkFont));
  }
  lines.push(`^PQ${options.copies ?? 1}`, '^XZ');
  return `${lines.join('\n')}\n`;
}
