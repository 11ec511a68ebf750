import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '#core/labels/default-templates.ts';
import type { LabelSizeId } from '#core/labels/label-sizes.ts';
import { layoutFor, renderLabel } from '#labels/render-label.ts';
import { renderSvg } from '#labels/render-svg.ts';
import { sampleLabel } from '#core/labels/sample-data.ts';
import { withTempDir } from './zbar.ts';

/*
 * The back office previews the PNG; the printer gets the PDF. They are drawn by different
 * code (SVG paths through resvg, PDF glyph forms through poppler), so compare their
 * pixels: a glyph drawn at the wrong scale in one of them shows up here.
 */
const run = promisify(execFile);
const DPI = 200;

/** Binary PGM (P5) as written by pdftoppm -gray. */
function parsePgm(bytes: Buffer): { width: number; height: number; gray: Uint8Array } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const [whole = '', width = '0', height = '0'] = header;
  return { width: Number(width), height: Number(height), gray: bytes.subarray(whole.length) };
}

describe('the PNG preview matches the printed PDF', () => {
  it.each(DEFAULT_TEMPLATES.map((t) => [t.id, t] as const))('%s', async (_id, template) => {
    const size = template.id.slice(template.kind.length + 1) as LabelSizeId;
    const input = sampleLabel(template.kind);
    const pdf = await renderLabel(input, 'pdf', { size });
    const printed = await withTempDir(async (dir) => {
      const path = join(dir, 'label.pdf');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path, pdf);
      await run('pdftoppm', ['-r', String(DPI), '-gray', path, join(dir, 'page')]);
      const [page] = (await readdir(dir)).filter((name) => name.endsWith('.pgm'));
      return parsePgm(await readFile(join(dir, page ?? '')));
    });
    const svg = renderSvg(layoutFor(input, { size }));
    const preview = new Resvg(svg, {
      fitTo: { mode: 'width', value: printed.width },
    }).render();
    // `pixels` copies the whole image on every access: take it once.
    const pixels = preview.pixels;
    // Two rasterisers put edges on different pixels, so compare ink per 2 mm cell: a glyph
    // drawn at the wrong size or place changes the ink of the cells it covers.
    const cell = Math.round((2 / 25.4) * DPI);
    const height = Math.min(printed.height, preview.height);
    const differences: number[] = [];
    for (let top = 0; top + cell <= height; top += cell) {
      for (let left = 0; left + cell <= printed.width; left += cell) {
        let printedInk = 0;
        let previewInk = 0;
        for (let y = top; y < top + cell; y++) {
          for (let x = left; x < left + cell; x++) {
            // Anti-aliased in both: a pixel's darkness is how much of it is ink.
            printedInk += 1 - (printed.gray[y * printed.width + x] ?? 255) / 255;
            previewInk += 1 - (pixels[(y * preview.width + x) * 4] ?? 255) / 255;
          }
        }
        if (printedInk + previewInk > 0)
          differences.push(Math.abs(printedInk - previewInk) / cell ** 2);
      }
    }
    expect(differences.length).toBeGreaterThan(20);
    const mean = differences.reduce((sum, d) => sum + d, 0) / differences.length;
    expect(mean).toBeLessThan(0.03);
    expect(Math.max(...differences)).toBeLessThan(0.15);
  });
});
