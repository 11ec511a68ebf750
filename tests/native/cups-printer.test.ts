import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cupsPrinterConfigSchema } from '#core/devices/printer-config.ts';
import { CupsPrinter, cupsMediaSizes, listCupsPrinters } from '#native/printers/cups-printer.ts';

/*
 * CUPS through fake `lp`, `lpstat` and `lpoptions` placed first on PATH. The fake lp records
 * its arguments and the bytes it got on stdin, and answers like CUPS does. (A real cupsd with
 * cups-pdf needs a running scheduler as root, which CI does not promise.)
 */
let bin: string;
let savedPath: string | undefined;

const script = (name: string, body: string) => {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
};

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'ordertrace-fake-cups-'));
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
});

beforeEach(() => {
  script(
    'lp',
    `printf '%s\\n' "$@" > "${bin}/lp.args"
cat > "${bin}/lp.stdin"
case "$2" in
  Missing) echo "lp: The printer or class does not exist." >&2; exit 1 ;;
  Down) echo "lp: Scheduler is not running." >&2; exit 1 ;;
  Slow) exec sleep 5 ;;
esac
echo "request id is $2-42 (1 file(s))"`,
  );
  script(
    'lpstat',
    `echo "printer Zebra_ZD420 is idle.  enabled since Sat 28 Nov 2026 09:00:00 UTC"
echo "printer Paused disabled since Sat 28 Nov 2026 09:00:00 UTC -"
echo "system default destination: Zebra_ZD420"`,
  );
  script('lpoptions', 'echo "PageSize/Media Size: w144h72 *w288h432 A6"');
});

const PDF = new Uint8Array(
  Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\nbinary\u0000\u00ff\n%%EOF\n', 'latin1'),
);
const printer = (options: Record<string, unknown>) =>
  new CupsPrinter(
    cupsPrinterConfigSchema.parse({ kind: 'cups', printer: 'Zebra_ZD420', ...options }),
  );

describe('PDF labels through CUPS lp', () => {
  it('queues the PDF on the named printer with media and copies, bytes intact', async () => {
    const result = await printer({ media: 'w288h432', copies: 2 }).print({
      format: 'pdf',
      data: PDF,
      title: 'Package RD7K2M9QX4T 1/2',
    });
    expect(result).toEqual({ printer: 'Zebra_ZD420', jobId: 'Zebra_ZD420-42' });
    expect(readFileSync(join(bin, 'lp.args'), 'utf8').trim().split('\n')).toEqual([
      '-d',
      'Zebra_ZD420',
      '-n',
      '2',
      '-t',
      'Package RD7K2M9QX4T 1/2',
      '-o',
      'media=w288h432',
    ]);
    expect(new Uint8Array(readFileSync(join(bin, 'lp.stdin')))).toEqual(PDF);
  });

  it('says which printer does not exist', async () => {
    await expect(
      printer({ printer: 'Missing' }).print({ format: 'pdf', data: PDF }),
    ).rejects.toMatchObject({
      code: 'rejected',
      message: expect.stringMatching(/CUPS has no printer named Missing/),
    });
  });

  it('says when CUPS is not running', async () => {
    await expect(
      printer({ printer: 'Down' }).print({ format: 'pdf', data: PDF }),
    ).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/CUPS is not running/),
    });
  });

  it('gives up on an lp that hangs', async () => {
    await expect(
      printer({ printer: 'Slow', timeoutMs: 200 }).print({ format: 'pdf', data: PDF }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses ZPL, which lp would print as text', async () => {
    await expect(printer({}).print({ format: 'zpl', data: '^XA^XZ' })).rejects.toMatchObject({
      code: 'wrong-format',
    });
  });

  it('discovers printers, the default, and media sizes', async () => {
    expect(await listCupsPrinters()).toEqual([
      { name: 'Zebra_ZD420', enabled: true, state: 'idle', isDefault: true },
      { name: 'Paused', enabled: false, state: 'disabled', isDefault: false },
    ]);
    expect(await cupsMediaSizes('Zebra_ZD420')).toEqual({
      sizes: ['w144h72', 'w288h432', 'A6'],
      default: 'w288h432',
    });
  });

  it('reports a disabled printer as not ready, with the command that fixes it', async () => {
    expect(await printer({ printer: 'Paused' }).status()).toMatchObject({
      ready: false,
      message: expect.stringMatching(/cupsenable Paused/),
    });
    expect(await printer({}).status()).toMatchObject({ ready: true });
  });

  it('says lp is not installed rather than crashing', async () => {
    rmSync(join(bin, 'lp'));
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      await expect(printer({}).print({ format: 'pdf', data: PDF })).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/lp is not installed/),
      });
    } finally {
      process.env.PATH = saved;
    }
  });
});
