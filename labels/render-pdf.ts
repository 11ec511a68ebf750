import PDFDocument from 'pdfkit';
import { mmToPoints } from '#core/labels/label-sizes.ts';
import { labelFont } from './font.ts';
import { outlineText } from './glyph-outlines.ts';
import type { LabelLayout } from './layout.ts';

/*
 * PDF: one page per label, the page exactly the label media (thermal printers print a
 * page of another size blank or cropped), no margins added by pdfkit. Barcodes are filled
 * vector rectangles, text is vector glyph outlines: nothing is a bitmap.
 */
export interface PdfOptions {
  title?: string;
}

function drawLayout(doc: PDFKit.PDFDocument, layout: LabelLayout): void {
  const pt = mmToPoints;
  doc.addPage({ size: [pt(layout.widthMm), pt(layout.heightMm)], margin: 0 });
  const font = labelFont();
  for (const item of layout.items) {
    if (item.type === 'rule') {
      const [x, y, width, height] = item.box;
      doc.rect(pt(x), pt(y), pt(width), pt(height));
    } else if (item.type === 'barcode') {
      for (const [x, y, width, height] of item.bars) doc.rect(pt(x), pt(y), pt(width), pt(height));
    } else {
      for (const line of item.lines) {
        outlineText(line.text, line.x, line.baseline, item.fontSizeMm, font, {
          moveTo: (x, y) => doc.moveTo(pt(x), pt(y)),
          lineTo: (x, y) => doc.lineTo(pt(x), pt(y)),
          quadraticCurveTo: (cx, cy, x, y) => doc.quadraticCurveTo(pt(cx), pt(cy), pt(x), pt(y)),
          bezierCurveTo: (c1x, c1y, c2x, c2y, x, y) =>
            doc.bezierCurveTo(pt(c1x), pt(c1y), pt(c2x), pt(c2y), pt(x), pt(y)),
          closePath: () => doc.closePath(),
        });
      }
    }
  }
  // One fill for the whole page; glyph counters (the hole in 'O') need the nonzero rule
  // the font was designed for.
  doc.fill('black', 'nonzero');
}

/** Render labels into one PDF, one label per page. */
export function renderPdf(
  layouts: readonly LabelLayout[],
  options: PdfOptions = {},
): Promise<Buffer> {
  if (layouts.length === 0) return Promise.reject(new RangeError('a PDF needs at least one label'));
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    compress: true,
    info: { Title: options.title ?? 'Ordertrace label', Producer: 'Ordertrace' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const layout of layouts) drawLayout(doc, layout);
  doc.end();
  return done;
}
