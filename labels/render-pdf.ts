import PDFDocument from 'pdfkit';
import { mmToPoints } from '#core/labels/label-sizes.ts';
import { labelFont } from './font.ts';
import { placeGlyphs } from './glyph-outlines.ts';
import type { LabelLayout, Rect } from './layout.ts';
import { GLYPH_UNITS_PER_EM, glyphForm } from './pdf-glyph-forms.ts';

/*
 * PDF: one page per label, the page exactly the label media (thermal printers print a
 * page of another size blank or cropped), no margins. Barcodes are filled vector
 * rectangles; text is vector glyph outlines, each glyph a form XObject placed where it
 * occurs (docs/decisions/0003-label-text-as-outlines.md). Nothing is a bitmap.
 */
export interface PdfOptions {
  title?: string;
}

const n = (points: number) => String(Math.round(points * 100) / 100);
const pt = (mm: number) => n(mmToPoints(mm));

interface GlyphForms {
  /** The XObject name of a code point's glyph in this document, creating it on first use. */
  nameOf(codePoint: number): string | undefined;
  refOf(name: string): PDFKit.PDFKitReference;
}

function documentGlyphForms(doc: PDFKit.PDFDocument): GlyphForms {
  const font = labelFont();
  const names = new Map<number, string | undefined>();
  const refs = new Map<string, PDFKit.PDFKitReference>();
  return {
    nameOf(codePoint) {
      if (names.has(codePoint)) return names.get(codePoint);
      const form = glyphForm(codePoint, font);
      let name: string | undefined;
      if (form.stream) {
        name = `G${codePoint.toString(16)}`;
        // Filter set: pdfkit writes the cached, already deflated bytes as they are.
        const ref = doc.ref({
          Type: 'XObject',
          Subtype: 'Form',
          BBox: form.bbox,
          Filter: 'FlateDecode',
        });
        ref.end(form.stream);
        refs.set(name, ref);
      }
      names.set(codePoint, name);
      return name;
    },
    refOf: (name) => {
      const ref = refs.get(name);
      if (!ref) throw new Error(`glyph form ${name} was never made`);
      return ref;
    },
  };
}

/** The content stream of one label (y grows downward: pdfkit's page transform). */
function pageContent(layout: LabelLayout, forms: GlyphForms, used: Set<string>): string {
  const font = labelFont();
  const ops: string[] = [];
  const rect = ([x, y, width, height]: Rect) =>
    ops.push(`${pt(x)} ${pt(y)} ${pt(width)} ${pt(height)} re`);
  for (const item of layout.items) {
    if (item.type === 'rule') rect(item.box);
    else if (item.type === 'barcode') item.bars.forEach(rect);
  }
  ops.push('0 g', 'f');
  for (const item of layout.items) {
    if (item.type !== 'text') continue;
    // Full precision: the scale multiplies every outline coordinate (up to 1000 units).
    const scale = String(
      Math.round((mmToPoints(item.fontSizeMm) / GLYPH_UNITS_PER_EM) * 1e7) / 1e7,
    );
    for (const line of item.lines) {
      for (const { codePoint, x } of placeGlyphs(line.text, line.x, item.fontSizeMm, font)) {
        const name = forms.nameOf(codePoint);
        if (!name) continue;
        used.add(name);
        // Flip y back up for the font's outline, at the glyph's origin on the baseline.
        ops.push(`q ${scale} 0 0 -${scale} ${pt(x)} ${pt(line.baseline)} cm /${name} Do Q`);
      }
    }
  }
  return ops.join('\n');
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
    // No default font: text is outlines, and loading Helvetica's metrics costs 0.5 ms.
    font: '',
    info: { Title: options.title ?? 'Ordertrace label', Producer: 'Ordertrace' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const forms = documentGlyphForms(doc);
  for (const layout of layouts) {
    doc.addPage({ size: [mmToPoints(layout.widthMm), mmToPoints(layout.heightMm)], margin: 0 });
    const used = new Set<string>();
    doc.addContent(pageContent(layout, forms, used));
    const xobjects = doc.page.xobjects as Record<string, PDFKit.PDFKitReference>;
    for (const name of used) xobjects[name] = forms.refOf(name);
  }
  doc.end();
  return done;
}
