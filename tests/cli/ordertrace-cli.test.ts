import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ORDERTRACE_BIN as BIN, runOrdertrace } from './run-ordertrace.ts';

const ordertrace = (...args: string[]) => runOrdertrace(args);

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const outcome = await ordertrace(...args);
  expect(outcome.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(outcome.stdout) as Record<string, unknown>;
}

describe('ordertrace new and parse, as a technician runs them', () => {
  it('mints an order, then a resource of it, and parses both back', async () => {
    const order = await json('new', 'order');
    expect(order).toMatchObject({ kind: 'order', code: expect.stringMatching(/^RD[0-9A-Z]{9}$/) });
    const resource = await json('new', 'resource', '--order', String(order.code), '--serial', '42');
    expect(resource).toMatchObject({ kind: 'resource', order: order.code, serial: '0042' });

    const parsed = await ordertrace('parse', String(resource.code));
    expect(parsed.code).toBe(0);
    expect(JSON.parse(parsed.stdout)).toEqual({
      kind: 'resource',
      valid: true,
      code: resource.code,
      order: order.code,
      serial: 42,
    });
  });

  it('mints units, packages, badges, products and SSCCs', async () => {
    const order = String((await json('new', 'order')).code);
    expect(await json('new', 'unit', '--order', order, '--serial', '1')).toMatchObject({
      kind: 'unit',
    });
    expect(await json('new', 'package', '--order', order, '--serial', '2')).toMatchObject({
      kind: 'package',
    });
    expect(await json('new', 'badge')).toMatchObject({
      kind: 'badge',
      code: expect.stringMatching(/^BG/),
    });
    expect(await json('new', 'product')).toMatchObject({
      kind: 'product',
      code: expect.stringMatching(/^PD/),
    });
    expect(
      await json('new', 'sscc', '--prefix', '0614141', '--serial', '123456789', '--extension', '1'),
    ).toEqual({
      kind: 'sscc',
      code: '106141411234567897',
    });
  });

  it('parses GS1 with a symbology identifier and <GS> separators, exit 0', async () => {
    const outcome = await ordertrace('parse', ']C100106141411234567897<GS>10LOT7');
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toMatchObject({
      kind: 'gs1',
      valid: true,
      gs1: { '00': '106141411234567897', '10': 'LOT7' },
      symbology: { identifier: ']C1', name: 'GS1-128' },
    });
  });

  it('reads a scan with a real ASCII 29 from standard input', async () => {
    const child = execFile(process.execPath, [BIN, 'parse', '-']);
    let stdout = '';
    child.stdout?.on('data', (chunk: string) => (stdout += chunk));
    child.stdin?.end('01000123456000121012\u001d21S9\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'gs1',
      gs1: { '01': '00012345600012', '10': '12', '21': 'S9' },
    });
  });

  it('refuses a misread with a sentence and exit 1', async () => {
    const order = String((await json('new', 'order')).code);
    const misread = order.slice(0, 3) + (order[3] === 'A' ? 'B' : 'A') + order.slice(4);
    const outcome = await ordertrace('parse', misread);
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stdout)).toMatchObject({
      kind: 'order',
      valid: false,
      error: expect.stringMatching(/misread/),
    });
  });

  it('answers usage errors with exit 2 and the usage on stderr', async () => {
    for (const args of [
      ['parse'],
      ['parse', 'A', 'B'],
      ['new'],
      ['new', 'spaceship'],
      ['new', 'resource', '--order', 'RDXXXXXXXXX', '--serial', '1'],
      ['new', 'unit', '--serial', 'ten'],
      ['new', 'order', '--serial', '1'],
      ['new', 'sscc', '--prefix', '0614141', '--serial', '1000000000'],
      ['parse', '--bogus', 'X'],
      ['frobnicate'],
      [],
    ]) {
      const outcome = await ordertrace(...args);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stdout + outcome.stderr).toMatch(/ordertrace/);
    }
    const missing = await ordertrace('new', 'unit', '--serial', 'ten');
    expect(missing.stderr).toMatch(/--order CODE is required; --serial must be a whole number/);
  });
});
