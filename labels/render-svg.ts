import { labelFont } from './font.ts';
import { outlineText } from './glyph-outlines.ts';
import type { LabelLayout, Rect } from './layout.ts';

/*
 * SVG in millimetres, self-contained (text as outlines, so the back office's browser
 * shows exactly what prints without having the font). Rasterised to PNG by render-png.
 */
const n = (value: number) => String(Math.round(value * 1000) / 1000);
const rectPath = ([x, y, width, height]: Rect) =>
  `M${n(x)} ${n(y)}h${n(width)}v${n(height)}h${n(-width)}z`;

export function renderSvg(layout: LabelLayout): string {
  const font = labelFont();
  const parts: string[] = [];
  for (const item of layout.items) {
    if (item.type === 'rule') parts.push(rectPath(item.box));
    else if (item.type === 'barcode') parts.push(item.bars.map(rectPath).join(''));
    else {
      for (const line of item.lines) {
        const d: string[] = [];
        outlineText(line.text, line.x, line.baseline, item.fontSizeMm, font, {
          moveTo: (x, y) => d.push(`M${n(x)} ${n(y)}`),
          lineTo: (x, y) => d.push(`L${n(x)} ${n(y)}`),
          quadraticCurveTo: (cx, cy, x, y) => d.push(`Q${n(cx)} ${n(cy)} ${n(x)} ${n(y)}`),
          bezierCurveTo: (c1x, c1y, c2x, c2y, x, y) =>
            d.push(`C${n(c1x)} ${n(c1y)} ${n(c2x)} ${n(c2y)} ${n(x)} ${n(y)}`),
          closePath: () => d.push('Z'),
        });
        parts.push(d.join(''));
      }
    }
  }
  const { widthMm: w, heightMm: h } = layout;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(w)}mm" height="${n(h)}mm" viewBox="0 0 ${n(w)} ${n(h)}">` +
    `<rect width="${n(w)}" height="${n(h)}" fill="#fff"/>` +
    `<path fill="#000" fill-rule="nonzero" d="${parts.join('')}"/></svg>`
  );
}
