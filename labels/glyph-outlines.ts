import type { PathCommand } from 'fontkit';
import type { LabelFont } from './font.ts';

/*
 * Text is drawn as glyph outlines (docs/decisions/0003-label-text-as-outlines.md). This
 * walks a line's glyphs and hands every path command, already placed in label
 * millimetres (y down), to a sink that writes PDF operators or SVG path data.
 */
export interface OutlineSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void;
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void;
  closePath(): void;
}

function emit(
  sink: OutlineSink,
  command: PathCommand,
  px: (v: number) => number,
  py: (v: number) => number,
) {
  const a = command.args;
  switch (command.command) {
    case 'moveTo':
      return sink.moveTo(px(a[0] ?? 0), py(a[1] ?? 0));
    case 'lineTo':
      return sink.lineTo(px(a[0] ?? 0), py(a[1] ?? 0));
    case 'quadraticCurveTo':
      return sink.quadraticCurveTo(px(a[0] ?? 0), py(a[1] ?? 0), px(a[2] ?? 0), py(a[3] ?? 0));
    case 'bezierCurveTo':
      return sink.bezierCurveTo(
        px(a[0] ?? 0),
        py(a[1] ?? 0),
        px(a[2] ?? 0),
        py(a[3] ?? 0),
        px(a[4] ?? 0),
        py(a[5] ?? 0),
      );
    case 'closePath':
      return sink.closePath();
  }
}

/** Outline `text` at (x, baseline), `size` mm high, into `sink`. */
export function outlineText(
  text: string,
  x: number,
  baseline: number,
  size: number,
  font: LabelFont,
  sink: OutlineSink,
): void {
  let pen = x;
  for (const char of text) {
    const glyph = font.glyph(char.codePointAt(0) ?? 0);
    const origin = pen;
    const px = (v: number) => origin + v * size;
    const py = (v: number) => baseline - v * size;
    for (const command of glyph.commands) emit(sink, command, px, py);
    pen += glyph.advance * size;
  }
}

/** Where each glyph of `text` starts, in mm from `x`, at `size` mm. */
export function placeGlyphs(
  text: string,
  x: number,
  size: number,
  font: LabelFont,
): { codePoint: number; x: number }[] {
  const placed: { codePoint: number; x: number }[] = [];
  let pen = x;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    placed.push({ codePoint, x: pen });
    pen += font.glyph(codePoint).advance * size;
  }
  return placed;
}
