import { pointsToMm } from '#core/labels/label-sizes.ts';
import type { TextElement } from '#core/labels/template-schema.ts';
import { fitText, textWidthEm } from './fit-text.ts';
import type { LabelFont } from './font.ts';
import type { LaidText } from './layout-types.ts';

/** A text element's lines, shrunk down to its minimum size before anything is cut. */
const SHRINK_STEP_PT = 0.25;

function fitAtSize(element: TextElement, text: string, fontSizePt: number, font: LabelFont) {
  const size = pointsToMm(fontSizePt);
  const lineMm = size * element.lineHeight;
  const maxLines = Math.max(1, Math.floor((element.height + 1e-6) / lineMm));
  return { size, lineMm, fitted: fitText(text, element.width / size, maxLines, font) };
}

export function layoutText(element: TextElement, text: string, font: LabelFont): LaidText {
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
