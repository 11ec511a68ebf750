import { deflateSync } from 'node:zlib';
import type { LabelFont } from './font.ts';

/*
 * Each glyph is drawn in a PDF as a form XObject holding its outline, placed wherever the
 * glyph occurs. The outline is formatted and deflated once per process and cached: the
 * same bytes serve every label, so a label costs only its placements. Units are 1/1000 em,
 * y up, as in the font.
 */
export const GLYPH_UNITS_PER_EM = 1000;

export interface GlyphForm {
  /** Deflated content stream; undefined for a glyph with no outline (a space). */
  stream: Uint8Array | undefined;
  bbox: [number, number, number, number];
}

const forms = new Map<number, GlyphForm>();
const u = (em: number) => String(Math.round(em * GLYPH_UNITS_PER_EM * 10) / 10);

export function glyphForm(codePoint: number, font: LabelFont): GlyphForm {
  const cached = forms.get(codePoint);
  if (cached) return cached;
  const glyph = font.glyph(codePoint);
  const ops: string[] = [];
  let pen: [number, number] = [0, 0];
  let minX = 0;
  let minY = 0;
  let maxX = 0;
  let maxY = 0;
  for (const { command, args } of glyph.commands) {
    for (let i = 0; i + 1 < args.length; i += 2) {
      const x = args[i] ?? 0;
      const y = args[i + 1] ?? 0;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    const a = args.map(u);
    const end: [number, number] = [args.at(-2) ?? pen[0], args.at(-1) ?? pen[1]];
    switch (command) {
      case 'moveTo':
        ops.push(`${a[0]} ${a[1]} m`);
        break;
      case 'lineTo':
        ops.push(`${a[0]} ${a[1]} l`);
        break;
      case 'bezierCurveTo':
        ops.push(`${a.join(' ')} c`);
        break;
      case 'quadraticCurveTo': {
        // PDF has only cubic Béziers; a quadratic (TrueType fonts) is raised to one.
        const [cx = 0, cy = 0] = args;
        const c1 = [pen[0] + (2 / 3) * (cx - pen[0]), pen[1] + (2 / 3) * (cy - pen[1])];
        const c2 = [end[0] + (2 / 3) * (cx - end[0]), end[1] + (2 / 3) * (cy - end[1])];
        ops.push(`${[...c1, ...c2, ...end].map(u).join(' ')} c`);
        break;
      }
      case 'closePath':
        ops.push('h');
        break;
    }
    if (command !== 'closePath') pen = end;
  }
  const form: GlyphForm = {
    stream: ops.length > 0 ? deflateSync(`${ops.join('\n')}\nf\n`) : undefined,
    bbox: [minX, minY, maxX, maxY].map((v) =>
      Math.round(v * GLYPH_UNITS_PER_EM),
    ) as GlyphForm['bbox'],
  };
  forms.set(codePoint, form);
  return form;
}
