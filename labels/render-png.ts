import { Resvg } from '@resvg/resvg-js';
import type { LabelLayout } from './layout.ts';
import { renderSvg } from './render-svg.ts';

/** A PNG preview at `dpi` (default: the template's printer resolution). */
export function renderPng(layout: LabelLayout, dpi: number = layout.dpi): Buffer {
  const widthPx = Math.round((layout.widthMm / 25.4) * dpi);
  // Text is outlines already, so resvg needs no fonts at all.
  const resvg = new Resvg(renderSvg(layout), {
    fitTo: { mode: 'width', value: widthPx },
    font: { loadSystemFonts: false },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
