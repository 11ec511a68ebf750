import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { packageCode, releasedOrder } from '../server/station-flow.ts';
import { byTypeAndData, decodeImage, rasterise, withTempDir } from './zbar.ts';
import { runOrdertrace } from '../cli/run-ordertrace.ts';

/*
 * `ordertrace label package --data-dir`: a reprint from the server's own storage carries the
 * package's real SSCC, n of m, ship-to and contents, not what someone typed.
 */

const ordertrace = (...args: string[]) => runOrdertrace(['label', ...args]);

// Each run opens the server's storage in a fresh process: tens of seconds on a loaded machine.
describe('ordertrace label package --data-dir', { timeout: 180_000 }, () => {
  let server: TestServer;
  let order: { id: string; code: string; units: string[] };
  const sscc = mintSscc('9521234', 4711);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code as string;
    await admin.post('/api/v1/lines', { name: 'L1' });
    order = await releasedOrder(customer, planner, product, 2);
    // The package as a packing station's event leaves it (tests/sync/sscc-package-flow.test.ts
    // goes through the station itself); here only what the CLI reads matters.
    await server.context.storage.db
      .insertInto('packages')
      .values({
        code: packageCode(order.code, 1),
        order_id: order.id,
        serial: 1,
        package_count: 2,
        sscc,
        closed_at: new Date().toISOString(),
        dispatched_at: null,
        dispatched_by: null,
        receipt: null,
        receipt_reason: null,
        receipt_at: null,
      })
      .execute();
  }, 30_000);
  afterAll(() => server?.stop());

  it('prints the stored package: its SSCC and package code scan, n of m and ship-to in the ZPL', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'package.pdf');
      const written = await ordertrace(
        'package',
        '--data-dir',
        server.dataDir,
        '--order',
        order.code,
        '--package',
        '1',
        '--format',
        'pdf',
        '--out',
        out,
      );
      expect(written.stderr).toBe('');
      expect(written.code).toBe(0);
      const [page] = await rasterise(await readFile(out), dir, { dpi: 300 });
      const decoded = (await decodeImage(page ?? '')).sort(byTypeAndData);
      expect(decoded).toEqual([
        { type: 'CODE-128', data: `00${sscc}`, gs1: true },
        { type: 'CODE-128', data: packageCode(order.code, 1), gs1: false },
        { type: 'QR-Code', data: packageCode(order.code, 1), gs1: false },
      ]);
    });
    const zpl = await ordertrace(
      'package',
      '--data-dir',
      server.dataDir,
      '--order',
      order.code,
      '--format',
      'zpl',
      '--out',
      '-',
    );
    expect(zpl.code).toBe(0);
    expect(zpl.stdout).toContain(`^FD>;>800${sscc}^FS`);
    expect(zpl.stdout).toContain(`^FD(00) ${sscc}^FS`);
    expect(zpl.stdout).toContain('^FD1 of 2^FS');
    expect(zpl.stdout).toContain('苏州工业园区星湖街 1 号');
    expect(zpl.stdout).toMatch(/\^FD2 × .*Oak/);
  });

  it('refuses a package not closed yet, an unknown order and typed data beside --data-dir', async () => {
    const notClosed = await ordertrace(
      'package',
      '--data-dir',
      server.dataDir,
      '--order',
      order.code,
      '--package',
      '2',
      '--format',
      'pdf',
      '--out',
      '/tmp/never.pdf',
    );
    expect(notClosed.code).toBe(2);
    expect(notClosed.stderr).toMatch(/has no package 2 closed yet/);
    const unknown = await ordertrace(
      'package',
      '--data-dir',
      server.dataDir,
      '--order',
      'RDWREKC0W9S',
      '--format',
      'pdf',
      '--out',
      '/tmp/never.pdf',
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Order RDWREKC0W9S was not found/);
    const typed = await ordertrace(
      'package',
      '--data-dir',
      server.dataDir,
      '--order',
      order.code,
      '--sscc',
      sscc,
      '--format',
      'pdf',
      '--out',
      '/tmp/never.pdf',
    );
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/leave out --sscc/);
  });
});
