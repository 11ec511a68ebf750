import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { renderResourceBatch } from '#labels/render-label.ts';
import { ORDER, WIDEST_ORDER } from '#core/labels/sample-data.ts';
import { decodeImage, rasterise, withTempDir } from './zbar.ts';

const run = promisify(execFile);
const resources = (count: number, order = ORDER) =>
  Array.from({ length: count }, (_, index) => ({
    code: mintOrderScopedCode('resource', order, index + 1),
    material: 'Oak board 18 mm',
    step: 'Cutting',
  }));

describe('all resource labels of a released order in one PDF', () => {
  // Its speed is measured in bench/labels.ts (npm run bench -- labels), not here.
  it('renders 300 labels, one per page, the last one scanning', async () => {
    const pdf = await renderResourceBatch(ORDER, resources(300));
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'batch.pdf'), pdf);
      const { stdout } = await run('pdfinfo', [join(dir, 'batch.pdf')]);
      expect(stdout).toMatch(/Pages:\s+300\n/);
      expect(stdout).toMatch(/Page size:\s+283.46\d* x 141.73\d* pts/);
      const [last] = await rasterise(pdf, dir, { first: 300, last: 300 });
      const code = mintOrderScopedCode('resource', ORDER, 300);
      expect((await decodeImage(last ?? '')).map((s) => `${s.type} ${s.data}`).sort()).toEqual([
        `CODE-128 ${code}`,
        `QR-Code ${code}`,
      ]);
    });
  });

  it('refuses a batch with a resource of another order', async () => {
    const mixed = [...resources(2), ...resources(1, WIDEST_ORDER)];
    await expect(renderResourceBatch(ORDER, mixed)).rejects.toThrow(
      /Resource 3 \(RSRDW+9.*\) does not belong to order RDWREKC0W9S/,
    );
  });

  it('refuses an empty batch', async () => {
    await expect(renderResourceBatch(ORDER, [])).rejects.toThrow(/no resource labels/);
  });
});
