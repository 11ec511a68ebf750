import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

/*
 * Control characters (NUL above all) in a path, a query or a body: one clear 400 naming
 * where, on SQLite and PostgreSQL alike, and nothing stored. Before the boundary check
 * PostgreSQL answered 500 ("invalid byte sequence") and SQLite stored a ship-to of NULs.
 */
describe.each(STORAGES)('control characters are refused at the boundary, on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  let order: string;

  const TABLES = ['orders', 'products', 'lines', 'stations', 'badges', 'users'] as const;
  /** How many rows each table a refused body could have written to holds. */
  const counts = async () => {
    const db = server.context.storage.db;
    const entries = [];
    for (const table of TABLES)
      entries.push([table, (await db.selectFrom(table).selectAll().execute()).length]);
    return Object.fromEntries(entries);
  };

  beforeAll(async () => {
    server = await startTestServer(storage);
    [admin, planner, customer] = await server.userClients('admin', 'planner', 'customer');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    order = (
      await customer.post('/api/v1/orders', {
        lines: [{ product, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      })
    ).body.id;
  });
  afterAll(() => server?.stop());

  const expectRefused = (
    response: { status: number; body: { error: { code: string; message: string } } },
    where: string,
  ) => {
    expect(response.status, where).toBe(400);
    expect(response.body.error.code, where).toBe('OT_ERR_VALIDATION');
    expect(response.body.error.message, where).toMatch(/control character U\+00([01][0-9A-F]|7F)/);
  };

  it('in paths and queries: search, ids, trace, audit, EPCIS', async () => {
    for (const path of [
      '/api/v1/products?q=%00',
      '/api/v1/products?q=oak%00table',
      '/api/v1/products?q=%1B%5B2J',
      '/api/v1/products/%00',
      '/api/v1/orders/%00',
      `/api/v1/orders/${order}%00`,
      '/api/v1/orders/%00/live',
      '/api/v1/trace/%00',
      '/api/v1/audit?entity=%00',
      '/api/v1/audit?entityId=x%01',
    ])
      expectRefused(await admin.get(path), path);
  });

  it('in bodies: ship-to, similar-to lines, references, names, logins; nothing is stored', async () => {
    const before = await counts();
    const orderWith = (patch: Record<string, unknown>) => ({
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
      ...patch,
    });
    const cases: [string, ApiClient, string, unknown][] = [
      ['six NULs as ship-to', customer, '/api/v1/orders', orderWith({ shipTo: '\0'.repeat(6) })],
      ['NUL in ship-to', customer, '/api/v1/orders', orderWith({ shipTo: 'Suzhou\0 1 Xinghu' })],
      ['ESC in ship-to', customer, '/api/v1/orders', orderWith({ shipTo: 'Suzhou \x1b[31m' })],
      [
        'NUL in a similar-to line',
        customer,
        '/api/v1/orders',
        orderWith({ lines: [{ similarTo: product, differences: 'walnut\0 please', quantity: 1 }] }),
      ],
      ['BEL in the carrier', customer, '/api/v1/orders', orderWith({ carrier: 'SF\x07' })],
      [
        'NUL in the reference',
        customer,
        '/api/v1/orders',
        orderWith({ customerReference: 'PO\0' }),
      ],
      ['NUL in a product name', planner, '/api/v1/products', { ...OAK_TABLE, nameEn: 'Oak\0' }],
      ['NUL in a line name', admin, '/api/v1/lines', { name: 'L\0', plant: 'main' }],
      [
        'NUL in a station name',
        admin,
        '/api/v1/stations',
        { name: 's\0', role: 'packing', line: 'L1' },
      ],
      ['DEL in a badge name', admin, '/api/v1/badges', { name: 'Zhao\x7f', role: 'operator' }],
      [
        'NUL in a sign-up name',
        server.client(),
        '/api/v1/auth/register',
        { email: 'nul@example.com', name: 'N\0', password: 'correct horse battery' },
      ],
      ['NUL in a release line', planner, `/api/v1/orders/${order}/release`, { line: 'L\0' }],
    ];
    // An unknown key is the schema's to refuse (strict objects), with the same code.
    const key = await customer.post('/api/v1/orders', { ...orderWith({}), 'shipTo\0': 'x' });
    expect([key.status, key.body.error.code]).toEqual([400, 'OT_ERR_VALIDATION']);
    for (const [what, client, path, body] of cases)
      expectRefused(await client.post(path, body), what);
    expect(await counts()).toEqual(before);
  });

  it('keeps what addresses need: tabs and line breaks pass', async () => {
    const created = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Wang Fang\r\n88 Zhangjiang Road\n\tShanghai',
    });
    expect(created.status).toBe(200);
    expect(created.body.shipTo).toBe('Wang Fang\r\n88 Zhangjiang Road\n\tShanghai');
  });
});
