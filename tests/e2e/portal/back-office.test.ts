import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { startTestServer, type ApiClient } from '../../server/harness.ts';
import { foreignScan, releasedOrder } from '../../server/station-flow.ts';
import { logIn, newTab } from './browser.ts';
import { enrollLine, consumeAll, reportProgress, type Line } from './flows.ts';
import { buildPortalOnce } from './portal-build.ts';
import { startPortalWorld, type PortalWorld } from './portal-server.ts';

/** Where the dashboard's screenshot goes (docs/screens/ holds a copy). */
const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'ordertrace-admin-shots');
mkdirSync(SHOTS, { recursive: true });

describe('the back office in Chromium', () => {
  let world: PortalWorld;
  let line: Line;
  let customer: ApiClient;
  let page: Page;
  let problems: string[];
  let adminLogin: { email: string; password: string };

  beforeAll(async () => {
    world = await startPortalWorld();
    line = await enrollLine(world);
    customer = await world.server.userClient('customer', 'Wang Fang');
    const admin = await world.server.userClient('admin', 'Admin 管理员');
    adminLogin = admin;
    ({ page, problems } = await newTab(world.browser, world.baseURL));
    await logIn(page, admin.email, admin.password);
  }, 120_000);
  afterAll(() => world?.stop());

  const officeOrder = (id: string) =>
    page.locator(`[data-testid="office-order"][data-order="${id}"]`);

  it('creates a product with its bill of materials', async () => {
    await page.goto('/office/products');
    await page.getByTestId('new-product').click();
    const form = page.getByTestId('product-form');
    await form.getByTestId('name-en').fill('Ash bench 120');
    await form.getByTestId('name-zh').fill('白蜡木长凳 120');
    await form.getByTestId('attributes').fill('material=ash\nwidth_cm=120');
    await form.getByTestId('attributes-zh').fill('material=白蜡木');
    await form.getByTestId('bom-type').fill('panel');
    await form.getByTestId('bom-type-zh').fill('板材');
    await form.getByTestId('bom-material').fill('Ash seat panel 120');
    await form.getByTestId('bom-material-zh').fill('白蜡木座板 120');
    await form.getByTestId('bom-step').fill('assembly');
    await form.getByTestId('bom-step-zh').fill('组装');
    await form.getByRole('button', { name: 'Add item' }).click();
    await form.getByTestId('bom-type').nth(1).fill('leg');
    await form.getByTestId('bom-material').nth(1).fill('Ash leg 45 cm');
    await form.getByTestId('bom-qty').nth(1).fill('4');
    await form.getByTestId('bom-step').nth(1).fill('assembly');
    await page.screenshot({ path: join(SHOTS, 'product-form-laptop-en.png') });
    await form.getByTestId('create-product').click();
    const created = (await form.getByTestId('product-created').textContent()) ?? '';
    const code = /PD[0-9A-Z]+/.exec(created)?.[0];
    expect(code).toBeDefined();
    const card = page.getByTestId(`product-${code}`);
    await card.waitFor();
    expect(await card.textContent()).toContain('Ash leg 45 cm');
    const product = (await world.planner.get(`/api/v1/products/${code}`)).body;
    // The Chinese value of `material` is stored as its `_zh` twin (what the matcher reads).
    expect(product.attributes).toEqual({ material: 'ash', width_cm: 120, material_zh: '白蜡木' });
    expect(await card.getByTestId('product-attributes').textContent()).toBe(
      'Material: ash · Width (cm): 120',
    );
    expect(product.bom[1]).toMatchObject({ resourceType: 'leg', quantityPerUnit: 4 });
    // Materials and steps in both languages; the second row left its Chinese names empty.
    expect(product.bom[0]).toMatchObject({
      resourceTypeZh: '板材',
      materialNameZh: '白蜡木座板 120',
      stepZh: '组装',
    });
    expect(product.bom[1]).toMatchObject({ materialNameZh: '', stepZh: '' });
  });

  it('releases an order to a line and prints its resource labels; holds, resumes and cancels', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product: world.products.oak, quantity: 1 }],
      shipTo: 'Suzhou Industrial Park, 1 Xinghu Street',
    });
    await page.goto('/office/orders');
    const row = officeOrder(order.body.id);
    await row.getByTestId('release-line').selectOption('L1');
    await row.getByTestId('release').click();
    expect(await row.getByTestId('order-notice').textContent()).toContain(
      'Released to L1: 5 resources',
    );
    expect(await row.getByTestId('state').getAttribute('data-state')).toBe('released');
    const href = await row.getByTestId('labels-pdf').getAttribute('href');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');

    await row.getByTestId('reason').fill('Waiting for the oak delivery');
    await row.getByTestId('hold').click();
    await expect.poll(() => row.getByTestId('state').getAttribute('data-state')).toBe('on_hold');
    await row.getByTestId('reason').fill('Oak arrived');
    await row.getByTestId('resume').click();
    await expect.poll(() => row.getByTestId('state').getAttribute('data-state')).toBe('released');
    // Cancelling asks first and says what it does; saying no changes nothing.
    await row.getByTestId('reason').fill('Customer withdrew the order');
    await row.getByTestId('cancel').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.getByTestId('confirm-consequence').textContent()).toContain(
      'undo this for 10 minutes',
    );
    await dialog.getByTestId('confirm-cancel').click();
    expect(await row.getByTestId('state').getAttribute('data-state')).toBe('released');
    await row.getByTestId('cancel').click();
    await dialog.getByTestId('confirm-yes').click();
    await expect.poll(() => row.getByTestId('state').getAttribute('data-state')).toBe('cancelled');
    expect(await row.getByTestId('cancelled').textContent()).toContain(
      'Customer withdrew the order',
    );
    // Within the grace period the cancel can be undone: the order is released again.
    await row.getByTestId('undo-cancel').click();
    await expect.poll(() => row.getByTestId('state').getAttribute('data-state')).toBe('released');
    expect((await world.planner.get(`/api/v1/orders/${order.body.id}`)).body.state).toBe(
      'released',
    );
    await row.getByTestId('reason').fill('Customer withdrew the order after all');
    await row.getByTestId('cancel').click();
    await dialog.getByTestId('confirm-yes').click();
    await expect.poll(() => row.getByTestId('state').getAttribute('data-state')).toBe('cancelled');
  });

  it('creates a station with a one-time enrollment code as text and QR, shows it, and revokes it', async () => {
    await page.goto('/office/stations');
    await page.getByTestId('station-name').fill('pack-2');
    await page.getByTestId('station-role').selectOption('packing');
    await page.getByTestId('station-line').selectOption('L1');
    await page.getByTestId('create-station').click();
    const code = await page.getByTestId('enrollment-code').textContent();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // The whole command, with the fingerprint the station checks before it sends the code.
    const command = await page.getByTestId('enroll-command').textContent();
    expect(command).toContain(`--enroll ${code}`);
    expect(command).toContain(`--fingerprint ${world.server.tls.fingerprint}`);
    expect(command).toContain('--role packing --server https://');
    await expect
      .poll(() =>
        page.getByTestId('enrollment').getByTestId('barcode-qrcode').locator('svg').count(),
      )
      .toBe(1);
    const enrolled = await world.server.client().post('/api/v1/stations/enroll', { code });
    expect(enrolled.status).toBe(200);
    // A station that has pushed shows when it was last seen and its outbox depth.
    const order = await releasedOrder(customer, world.planner, world.products.sofa, 1);
    await consumeAll(line, order);
    await reportProgress(line, order.code, 'frame', 1, 1);
    const stations = (await world.admin.get('/api/v1/stations')).body.stations;
    const production = stations.find((s: { id: string }) => s.id === line.production.id);
    await page.reload();
    const seen = page.getByTestId(`station-${production.name}`);
    expect(await seen.getByTestId('last-seen').textContent()).not.toBe('never');
    expect(await seen.getByTestId('outbox').textContent()).toBe('0');
    const row = page.getByTestId('station-pack-2');
    await row.getByTestId('revoke').click();
    // Revoking asks first, saying what it will do; cancelling changes nothing.
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.getByTestId('confirm-consequence').textContent()).toContain(
      'pack-2 stops syncing',
    );
    await dialog.getByTestId('confirm-cancel').click();
    const untouched = (await world.admin.get('/api/v1/stations')).body.stations;
    expect(untouched.find((s: { name: string }) => s.name === 'pack-2').revokedAt).toBeNull();
    await row.getByTestId('revoke').click();
    await dialog.getByTestId('confirm-yes').click();
    await row.getByTestId('revoked').waitFor();
    const after = (await world.admin.get('/api/v1/stations')).body.stations;
    expect(after.find((s: { name: string }) => s.name === 'pack-2').revokedAt).not.toBeNull();
  });

  it('issues a badge, shows its code once, and the list never shows it', async () => {
    await page.goto('/office/badges');
    await page.getByTestId('badge-name').fill('Supervisor 主管 Chen');
    await page.getByTestId('badge-role').selectOption('supervisor');
    await page.getByTestId('issue-badge').click();
    const code = (await page.getByTestId('issued-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^BG[0-9A-Z]{7}$/);
    await expect
      .poll(() => page.getByTestId('badges').textContent())
      .toContain('Supervisor 主管 Chen');
    expect(await page.getByTestId('badges').textContent()).not.toContain(code);
    await page.getByTestId('issued-close').click();
    await page.reload();
    await page.getByTestId('badge-row').first().waitFor();
    expect(await page.content()).not.toContain(code);
  });

  it('adds a webhook, shows its secret once, and lists its deliveries with a replay', async () => {
    await page.goto('/office/webhooks');
    await page.getByTestId('webhook-url').fill('http://127.0.0.1:9/hooks/ordertrace');
    await page.getByTestId('add-webhook').click();
    await expect.poll(() => page.getByTestId('webhook-secret').textContent()).toMatch(/whsec_/);
    await releasedOrder(customer, world.planner, world.products.oak, 1);
    await page.getByTestId('show-deliveries').first().click();
    // Nothing listens on port 9: the deliveries wait, retried, in the log.
    await expect.poll(() => page.getByTestId('delivery').count()).toBeGreaterThan(0);
    await page.getByTestId('replay').first().click();
    expect(await page.getByTestId('delivery').first().getAttribute('data-status')).toBe('pending');
  });

  it('lists a line stop as an exception and resolves it with a note; traces the order from a resource', async () => {
    const order = await releasedOrder(customer, world.planner, world.products.oak, 1);
    const foreign = mintOrderScopedCode('resource', mintOrderCode(), 1);
    await line.production.push([foreignScan(line.production, order.code, foreign)]);
    await consumeAll(line, order);
    await reportProgress(line, order.code, 'assembly', 1, 1);
    await page.goto('/office/exceptions');
    const stop = page.locator('[data-testid="exception"][data-kind="line_stop"]').first();
    expect(await stop.textContent()).toContain(foreign);
    await stop.getByTestId('note').fill('Pallet from the next order; moved back.');
    await stop.getByTestId('resolve-exception').click();
    await expect
      .poll(() => page.locator('[data-testid="exception"][data-kind="line_stop"]').count())
      .toBe(0);
    await page.getByTestId('status-resolved').click();
    await expect
      .poll(() => page.getByTestId('exception').first().textContent())
      .toContain('Pallet from the next order');

    await page.goto('/office/trace');
    await page.getByTestId('trace-code').fill(order.resources[0]!.code);
    await page.getByTestId('trace-run').click();
    await page.getByTestId('trace-result').waitFor();
    expect(await page.getByTestId('trace-result').textContent()).toContain(order.code);
    expect(await page.getByTestId('trace-related').textContent()).toContain(
      order.resources[1]!.code,
    );
    // In people's words, not event keys (trace-timeline.ts).
    const events = await page.getByTestId('trace-events').textContent();
    expect(events).toMatch(/1 of 1 units through assembly at station \S+/);
    expect(events).toContain(`Scanned ${order.resources[0]!.code} at station`);
    expect(events).not.toMatch(/scan\.decided|progress\.reported/);
  });

  it('draws the floor dashboard charts', async () => {
    await page.goto('/office/dashboard');
    await page.getByTestId('chart-states').waitFor();
    expect(await page.getByTestId('chart-states').locator('rect').count()).toBeGreaterThan(0);
    await page.getByTestId('chart-stops').waitFor();
    expect(await page.getByTestId('chart-stops').locator('rect').count()).toBe(1);
    await page.getByTestId('chart-first-pass').waitFor();
  });

  it('draws a line’s series by the hour or the day, in English and Chinese, and drills down from a column', async () => {
    await page.goto('/office/dashboard');
    const scans = page.getByTestId('series-scans');
    await scans.waitFor();
    expect(await page.getByTestId('series-line').inputValue()).toBe('L1');
    // The last 24 hours: a column per hour in each of the five charts, every fourth labelled.
    for (const measure of ['scans', 'stops', 'produced', 'packed', 'shipped']) {
      expect(await page.getByTestId(`series-${measure}`).getByTestId('series-column').count()).toBe(
        24,
      );
    }
    expect(await scans.getByTestId('series-label').count()).toBe(6);
    // The scans the tests above pushed on L1 happened within the hour or so.
    const values = await scans
      .getByTestId('series-column')
      .evaluateAll((columns) => columns.map((c) => Number(c.getAttribute('data-value'))));
    const total = values.reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThan(0);
    expect(await page.getByTestId('series-total-scans').textContent()).toBe(String(total));

    await page.getByTestId('series-range').selectOption('week');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="series-scans"] [data-testid="series-column"]')
          .length === 7,
    );
    expect(await scans.getByTestId('series-label').count()).toBe(7);
    expect(await page.getByTestId('series-total-scans').textContent()).toBe(String(total));

    // A column of stops opens the line stops of its day; a column of scans, the line's
    // orders changed that day, each list narrowed to the column's time.
    const lastDay = await scans.getByTestId('series-column').last().getAttribute('data-start');
    const dayEnd = new Date(lastDay!);
    dayEnd.setDate(dayEnd.getDate() + 1);
    await page.getByTestId('series-stops').getByTestId('series-column').last().click();
    await page.waitForURL(/\/office\/exceptions\?kind=line_stop/);
    expect(await page.getByTestId('kind-filter').inputValue()).toBe('line_stop');
    const stopsURL = new URL(page.url());
    expect(stopsURL.searchParams.get('from')).toBe(new Date(lastDay!).toISOString());
    expect(stopsURL.searchParams.get('to')).toBe(dayEnd.toISOString());
    expect(await page.getByTestId('list-from').inputValue()).not.toBe('');
    await page.goBack();
    // The dashboard opens on the last 24 hours again.
    await page.getByTestId('series-range').selectOption('week');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="series-scans"] [data-testid="series-column"]')
          .length === 7,
    );
    await scans.getByTestId('series-column').last().click();
    await page.waitForURL(/\/office\/orders\?line=L1/);
    expect(await page.getByTestId('line-filter').inputValue()).toBe('L1');
    expect(new URL(page.url()).searchParams.get('from')).toBe(new Date(lastDay!).toISOString());
    // The orders pushed today are there, and only those changed that day.
    await page.getByTestId('office-order').first().waitFor();
    // By the hour: the last column's hour, to the next hour.
    await page.goBack();
    await page.getByTestId('series-range').selectOption('day');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="series-scans"] [data-testid="series-column"]')
          .length === 24,
    );
    const lastHour = await scans.getByTestId('series-column').last().getAttribute('data-start');
    await page.getByTestId('series-stops').getByTestId('series-column').last().click();
    await page.waitForURL(/\/office\/exceptions\?kind=line_stop/);
    const hourURL = new URL(page.url());
    expect(hourURL.searchParams.get('from')).toBe(lastHour);
    expect(Date.parse(hourURL.searchParams.get('to')!) - Date.parse(lastHour!)).toBe(3_600_000);
    await page.getByTestId('list-any-time').click();
    await expect.poll(() => page.getByTestId('list-from').inputValue()).toBe('');

    const zh = await newTab(world.browser, world.baseURL, {
      viewport: { width: 1366, height: 768 },
      locale: 'zh-CN',
    });
    try {
      await logIn(zh.page, adminLogin.email, adminLogin.password);
      await zh.page.goto('/office/dashboard');
      const chart = zh.page.getByTestId('series-scans');
      await chart.waitFor();
      expect(await chart.getByTestId('series-column').count()).toBe(24);
      const labels = await chart.getByTestId('series-label').allTextContents();
      expect(labels).toHaveLength(6);
      expect(await zh.page.getByTestId('line-series').textContent()).toContain('扫描次数');
      expect(await zh.page.getByTestId('line-series').textContent()).not.toContain('Scans');
      await zh.page.screenshot({
        path: join(SHOTS, 'dashboard-laptop-zh-CN.png'),
        fullPage: true,
      });
      expect(zh.problems).toEqual([]);
    } finally {
      await zh.context.close();
    }
  });

  it('previews and saves a label template', async () => {
    await page.goto('/office/labels');
    await page.getByTestId('label-kind-resource').click();
    await page.getByTestId('label-preview').waitFor();
    const src = await page.getByTestId('label-preview').getAttribute('src');
    expect(src).toMatch(/^blob:/);
    // The blob is set before the picture has decoded: wait for it to show.
    await expect
      .poll(() =>
        page
          .getByTestId('label-preview')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      )
      .toBe(true);
    await page.getByTestId('label-save').click();
    await page.getByTestId('label-saved').waitFor();
    const templates = (await world.admin.get('/api/v1/labels/templates')).body.templates;
    expect(templates.find((t: { kind: string }) => t.kind === 'resource').custom).toBe(true);
  });

  it('downloads an order’s events as EPCIS 2.0 JSON-LD', async () => {
    const order = await releasedOrder(customer, world.planner, world.products.walnut, 1);
    await consumeAll(line, order);
    await reportProgress(line, order.code, 'assembly', 1, 1);
    await page.goto('/office/export');
    await page.getByTestId('export-order').fill(order.code);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`epcis-${order.code}.jsonld`);
    const dir = mkdtempSync(join(tmpdir(), 'portal-epcis-'));
    const path = join(dir, 'events.jsonld');
    await download.saveAs(path);
    const document = JSON.parse(readFileSync(path, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(document).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0' });
  });

  it('keeps customers out of the back office', async () => {
    const someone = await world.server.userClient('customer', 'Curious');
    const { context, page: theirs } = await newTab(world.browser, world.baseURL);
    await logIn(theirs, someone.email, someone.password);
    await theirs.goto('/office/stations');
    await theirs.waitForURL('**/catalog');
    expect((await someone.get('/api/v1/stations')).status).toBe(403);
    expect((await someone.get('/api/v1/exceptions')).status).toBe(403);
    await context.close();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});

describe('serving the portal', () => {
  it('sends a strict CSP, caches hashed assets for a year and falls back to the app for its routes', async () => {
    process.env.PORTAL_DIR = await buildPortalOnce();
    const server = await startTestServer('sqlite');
    try {
      const api = server.client();
      const get = (path: string) => fetch(`${api.baseUrl}${path}`, { dispatcher: api.agent });
      const index = await get('/orders/anything');
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
      expect(asset).toBeDefined();
      const js = await get(asset!);
      expect(js.headers.get('content-type')).toContain('text/javascript');
      expect(js.headers.get('cache-control')).toContain('max-age=31536000');
      await js.arrayBuffer();
      expect((await api.get('/api/v1/no-such-route')).body.error.code).toBe('OT_ERR_NOT_FOUND');
      const escape = await get('/..%2f..%2fpackage.json');
      // A missing file (as it is inside the build) is a 404, never the file outside it.
      expect(escape.status).toBe(404);
      expect(await escape.text()).not.toContain('"ordertrace"');
    } finally {
      await server.stop();
    }
  });

  it('says the portal is not built, and how to build it, when there is no build', async () => {
    const saved = process.env.PORTAL_DIR;
    process.env.PORTAL_DIR = mkdtempSync(join(tmpdir(), 'portal-none-'));
    const server = await startTestServer('sqlite');
    try {
      const response = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/`, {
        dispatcher: server.client().agent,
      });
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:portal');
      expect((await server.client().get('/api/v1/health')).status).toBe(200);
    } finally {
      await server.stop();
      rmSync(process.env.PORTAL_DIR, { recursive: true, force: true });
      process.env.PORTAL_DIR = saved;
    }
  });
});
