import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { labelCommand } from '#cli/commands/label.ts';
import { UsageError } from '#cli/usage-error.ts';
import { ORDER, SSCC } from '#core/labels/sample-data.ts';
import { byTypeAndData, decodeImage, rasterise, withTempDir } from './zbar.ts';
import { runOrdertrace } from '../cli/run-ordertrace.ts';

const run = promisify(execFile);

const ordertrace = (...args: string[]) => runOrdertrace(['label', ...args]);

describe('ordertrace label', () => {
  it('writes a package label PDF that scans, and reports what it wrote', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'package.pdf');
      const result = await ordertrace(
        'package',
        '--order',
        ORDER,
        '--sscc',
        SSCC,
        '--package',
        '2/3',
        '--ship-to',
        '上海市浦东新区张江路 88 号 3 号楼',
        '--format',
        'pdf',
        '--out',
        out,
      );
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(JSON.parse(result.stdout)).toMatchObject({
        kind: 'package',
        format: 'pdf',
        out,
        pages: 1,
        truncated: [],
      });
      const [page] = await rasterise(await readFile(out), dir);
      const decoded = (await decodeImage(page ?? '')).sort(byTypeAndData);
      const packageCode = mintOrderScopedCode('package', ORDER, 2);
      expect(decoded.map((symbol) => `${symbol.type} ${symbol.data}`)).toEqual([
        `CODE-128 00${SSCC}`,
        `CODE-128 ${packageCode}`,
        `QR-Code ${packageCode}`,
      ]);
    });
  });

  it('writes ZPL to standard output for piping to a printer', async () => {
    const code = mintOrderScopedCode('unit', ORDER, 7);
    const result = await ordertrace('unit', '--code', code, '--format', 'zpl', '--out', '-');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\^XA\n\^CI28\n/);
    expect(result.stdout).toContain(`^FDMA,${code}^FS`);
  });

  it('writes all resource labels of an order into one PDF, one per page', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'resources.pdf');
      const result = await ordertrace(
        'resource',
        '--order',
        ORDER,
        '--serials',
        '1-40',
        '--material',
        'Oak',
        '--format',
        'pdf',
        '--out',
        out,
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ pages: 40 });
      const { stdout } = await run('pdfinfo', [out]);
      expect(stdout).toMatch(/Pages:\s+40/);
    });
  });

  it.each([
    [['package', '--order', '', '--format', 'pdf', '--out', 'x.pdf'], /The order code is empty/],
    [
      [
        'package',
        '--order',
        ORDER,
        '--sscc',
        '006141411234567891',
        '--format',
        'pdf',
        '--out',
        'x.pdf',
      ],
      /fails its GS1 check digit/,
    ],
  ])('refuses %j with exit 2 and a reason', async (args, reason) => {
    const result = await ordertrace(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
  });

  // The same refusals in-process: the command throws a UsageError, which main() turns into exit 2.
  it.each([
    [
      ['package', '--order', ORDER, '--format', 'gif', '--out', 'x.gif'],
      /--format is one of pdf, zpl, png, svg/,
    ],
    [['package', '--order', ORDER, '--format', 'pdf'], /--out FILE is required/],
    [
      ['package', '--order', ORDER, '--package', '4/3', '--format', 'pdf', '--out', 'x'],
      /larger than the package count/,
    ],
    [
      ['resource', '--code', ORDER, '--format', 'pdf', '--out', 'x.pdf'],
      /an order code, not a resource code/,
    ],
    [['resource', '--code', 'x', '--sscc', SSCC, '--format', 'pdf', '--out', 'x.pdf'], /sscc/],
    [
      ['resource', '--order', ORDER, '--format', 'pdf', '--out', 'x.pdf'],
      /either --code CODE, or --order CODE with --serials|go together/,
    ],
    [
      ['unit', '--code', 'x', '--size', '4x6in', '--format', 'pdf', '--out', 'x.pdf'],
      /--size of a unit label is one of 100x50mm, 50x30mm/,
    ],
    [['unit', '--code', 'PC😀', '--format', 'pdf', '--out', 'x.pdf'], /U\+1F600/],
    [['pallet', '--format', 'pdf', '--out', 'x.pdf'], /there is no 'pallet' label/],
    [
      ['unit', '--code', 'x', '--template', '/nonexistent.json', '--format', 'pdf', '--out', 'x'],
      /--template \/nonexistent.json/,
    ],
  ])('refuses %j with a usage error that says why', async (args, reason) => {
    const attempt = labelCommand(args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(reason);
  });
});
