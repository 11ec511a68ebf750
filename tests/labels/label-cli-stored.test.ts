import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import { startTestServer, type ApiClient, type TestServer } from '../server/harness.ts';
import { packageCode, releasedOrder } from '../server/station-flow.ts';
import { byTypeAndData, decodeImage, rasterise, withTempDir } from './zbar.ts';
import { runOrdertrace } from '../cli/run-ordertrace.ts';

/*
 * `ordertrace label package --data-dir`: a reprint from the server's own storage carries the
 * package's real SSCC, n of m, ship-to and contents, not what someone typed.
 */

const ordertrace = (...args: string[]) => runOrdertrace(['label', ...args]);
/** The CLI with extra environment (ORDERTRACE_PASSWORD for --server). */
const ordertraceWith = (env: Record<string, string>, ...args: string[]) =>
  runOrdertrace(['label', ...args], { ...process.env, ...env });

// Each run opens the server's storage in a fresh process: tens of seconds on a loaded machine.
describe('ordertrace label package --data-dir', { timeout: 180_000 }, () => {
  let server: TestServer;
  let order: { id: string; code: string; units: string[] };
  let planner: ApiClient & { email: string; password: string };
  let customer: ApiClient & { email: string; password: string };
  const sscc = mintSscc('9521234', 4711);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    let admin: ApiClient;
    [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
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

  /** `label package --data-dir`: read from the test server's storage. */
  const fromStorage = (...args: string[]) =>
    ordertrace('package', '--data-dir', server.dataDir, ...args);
  /** `label package --server` against the test server, as `email`, pinning `fingerprint`. */
  const serverArgs = (
    email: string,
    { url = server.url, fingerprint = server.tls.fingerprint } = {},
  ) => ['package', '--server', url, '--user', email, '--fingerprint', fingerprint];

  it('prints the stored package: its SSCC and package code scan, n of m and ship-to in the ZPL', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'package.pdf');
      const written = await fromStorage(
        '--order',
        order.code,
        '--package',
        '1',
        '--format',
        'pdf',
        '--out',
        out,
      );
      expect([written.code, written.stderr]).toEqual([0, '']);
      const [page] = await rasterise(await readFile(out), dir, { dpi: 300 });
      const decoded = (await decodeImage(page ?? '')).sort(byTypeAndData);
      expect(decoded).toEqual([
        { type: 'CODE-128', data: `00${sscc}`, gs1: true },
        { type: 'CODE-128', data: packageCode(order.code, 1), gs1: false },
        { type: 'QR-Code', data: packageCode(order.code, 1), gs1: false },
      ]);
    });
    const zpl = await fromStorage('--order', order.code, '--format', 'zpl', '--out', '-');
    expect(zpl.code).toBe(0);
    expect(zpl.stdout).toContain(`^FD>;>800${sscc}^FS`);
    expect(zpl.stdout).toContain(`^FD(00) ${sscc}^FS`);
    expect(zpl.stdout).toContain('^FD1 of 2^FS');
    expect(zpl.stdout).toContain('苏州工业园区星湖街 1 号');
    expect(zpl.stdout).toMatch(/\^FD2 × .*Oak/);
  });

  it('refuses a package not closed yet, an unknown order and typed data beside --data-dir', async () => {
    const notClosed = await fromStorage(
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
    const unknown = await fromStorage(
      '--order',
      'RDWREKC0W9S',
      '--format',
      'pdf',
      '--out',
      '/tmp/never.pdf',
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Order RDWREKC0W9S was not found/);
    const typed = await fromStorage(
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
  /** `label package --server` with `who`'s password, verified by the certificate's fingerprint. */
  const fromServer = (who: { email: string; password: string }, ...args: string[]) =>
    ordertraceWith({ ORDERTRACE_PASSWORD: who.password }, ...serverArgs(who.email), ...args);

  it('--server: prints the package as the running server holds it (HTTPS, a planner’s login)', async () => {
    const zpl = await fromServer(planner, '--order', order.code, '--format', 'zpl', '--out', '-');
    expect([zpl.code, zpl.stderr]).toEqual([0, '']);
    expect(zpl.stdout).toContain(`^FD>;>800${sscc}^FS`);
    expect(zpl.stdout).toContain(`^FD(00) ${sscc}^FS`);
    expect(zpl.stdout).toContain(`^FD${packageCode(order.code, 1)}^FS`);
    expect(zpl.stdout).toContain('^FD1 of 2^FS');
    expect(zpl.stdout).toContain('苏州工业园区星湖街 1 号');
    expect(zpl.stdout).toMatch(/\^FD2 × .*Oak/);
    // The same label as from the server's storage, byte for byte.
    const stored = await fromStorage('--order', order.code, '--format', 'zpl', '--out', '-');
    expect(zpl.stdout).toBe(stored.stdout);
  });

  it('--server: says why for an unknown order, a package not closed, a bad login, a customer, an unreachable or impostor server', async () => {
    const out = ['--format', 'zpl', '--out', '/tmp/never.zpl'];
    const unknown = await fromServer(planner, '--order', 'RDWREKC0W9S', ...out);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /does not know order RDWREKC0W9S: Order RDWREKC0W9S was not found/,
    );
    const notClosed = await fromServer(planner, '--order', order.code, '--package', '2', ...out);
    expect(notClosed.code).toBe(2);
    expect(notClosed.stderr).toMatch(/has no package 2 closed yet/);
    const badPassword = await fromServer(
      { email: planner.email, password: 'not the password' },
      '--order',
      order.code,
      ...out,
    );
    expect(badPassword.code).toBe(2);
    expect(badPassword.stderr).toMatch(new RegExp(`refused the login of ${planner.email}`));
    const notStaff = await fromServer(customer, '--order', order.code, ...out);
    expect(notStaff.code).toBe(2);
    expect(notStaff.stderr).toMatch(/needs one of the roles planner, supervisor/);
    const noPassword = await ordertrace(
      ...serverArgs(planner.email),
      '--order',
      order.code,
      ...out,
    );
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/password of .* in ORDERTRACE_PASSWORD/);
    const impostor = await ordertraceWith(
      { ORDERTRACE_PASSWORD: planner.password },
      ...serverArgs(planner.email, { fingerprint: 'AA:'.repeat(31) + 'AA' }),
      '--order',
      order.code,
      ...out,
    );
    expect(impostor.code).toBe(3);
    expect(impostor.stderr).toMatch(/not the expected AA:AA/);
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await ordertraceWith(
      { ORDERTRACE_PASSWORD: planner.password },
      ...serverArgs(planner.email, { url: `https://127.0.0.1:${closed}` }),
      '--order',
      order.code,
      ...out,
    );
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(
      /cannot reach the server at https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    const both = await fromServer(
      planner,
      '--data-dir',
      server.dataDir,
      '--order',
      order.code,
      ...out,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--data-dir or --server, not both/);
  });
});
