import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTab, logIn } from './browser.ts';
import { startPortalWorld, type PortalWorld } from './portal-server.ts';

/*
 * The admin screens of issue 16 in Chromium, in English at a laptop's size and in Chinese at a
 * phone's: users (add, role, disable, enable), products (edit, copy with the bill of
 * materials, retire, sell again) and badges (code shown once, revoke), each destructive step
 * through the confirmation that says what it will do. Screenshots go to SHOTS_DIR
 * (docs/portal.md shows some).
 */
const LAPTOP = { width: 1366, height: 768 } as const;
const PHONE = { width: 390, height: 844 } as const;
const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'ordertrace-admin-shots');
mkdirSync(SHOTS, { recursive: true });

/** Words in Latin letters on the screen's own text (headings, buttons, labels, dialogs), not its data. */
async function latinChrome(page: Page, data: string[]): Promise<string[]> {
  const texts = await page
    .locator('h1, h2, h3, button, label, th, summary, option, dialog p, .notice, .error, nav a')
    .allInnerTexts();
  const allowed = new Set(
    // Names of standards and products the Chinese screens keep as they are.
    ['Ordertrace', 'English', 'QR', 'EPCIS', 'Webhook', ...data]
      .flatMap((text) => text.split(/[^A-Za-z]+/))
      .map((word) => word.toLowerCase()),
  );
  return texts
    .flatMap((text) => text.match(/[A-Za-z]{2,}/g) ?? [])
    .filter((word) => !allowed.has(word.toLowerCase()));
}

/**
 * Nothing wider than the window, and no table cut off inside its scrolling box: how many
 * pixels stick out at the worst place.
 */
const overflow = (page: Page) =>
  page.evaluate(() =>
    Math.max(
      document.documentElement.scrollWidth - window.innerWidth,
      ...[...document.querySelectorAll('.bom-wrap, .table-wrap')].map(
        (box) => box.scrollWidth - box.clientWidth,
      ),
    ),
  );

let world: PortalWorld;
beforeAll(async () => {
  world = await startPortalWorld();
}, 180_000);
afterAll(() => world?.stop());

// Each step once in each language; every other language and size of these screens is in the
// walk of every screen (screens.test.ts: edit, retire, users, badges, lines at all three sizes).
describe.each([
  ['en', LAPTOP, 1],
  ['zh-CN', PHONE, 2],
] as const)('admin screens in %s at %o', (locale, viewport, run) => {
  let page: Page;
  let context: BrowserContext;
  let problems: string[];
  let adminEmail: string;
  const size = viewport.width > 500 ? 'laptop' : 'phone';
  const zh = locale === 'zh-CN';
  /** Names and codes the test itself typed or made: data, allowed in any language. */
  const data: string[] = [];

  beforeAll(async () => {
    const admin = await world.server.userClient('admin', 'Admin 管理员');
    adminEmail = admin.email;
    data.push(admin.email, 'Admin', 'Planner Li');
    ({ page, problems, context } = await newTab(world.browser, world.baseURL, {
      viewport,
      locale,
    }));
    await logIn(page, admin.email, admin.password);
  }, 60_000);
  afterAll(() => context?.close());

  /** A dialog is shot as the window shows it; a screen whole. */
  async function check(name: string, fullPage = true) {
    await page.screenshot({ path: join(SHOTS, `${name}-${size}-${locale}.png`), fullPage });
    expect(await overflow(page), `${name}: wider than the window`).toBeLessThanOrEqual(0);
    if (zh)
      expect(await latinChrome(page, data), `${name}: English on a Chinese screen`).toEqual([]);
    expect(problems).toEqual([]);
  }

  const confirm = async (name: string, expected: RegExp) => {
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('confirm-consequence').waitFor();
    expect(await dialog.getByTestId('confirm-consequence').textContent()).toMatch(expected);
    await check(`confirm-${name}`, false);
    await dialog.getByTestId('confirm-yes').click();
  };

  it('adds a person, changes their role and disables them after saying what that does', async () => {
    const email = `zhou.min.${size}.${locale.toLowerCase()}@example.com`;
    data.push(email, 'Zhou Min');
    await page.goto('/office/users');
    await page.getByTestId('add-user').click();
    await page.getByTestId('user-email').fill(email);
    await page.getByTestId('user-name').fill('Zhou Min 周敏');
    await page.getByTestId('user-role').selectOption('planner');
    await page.getByTestId('user-password').fill('a long first password');
    await page.getByTestId('create-user').click();
    await page.getByTestId('user-created').waitFor();
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.waitFor();
    await check('users');

    await row.getByTestId('user-role-select').selectOption('supervisor');
    await confirm('role', zh ? /周敏.*主管/ : /Zhou Min 周敏 becomes Supervisor/);
    const id = (await world.admin.get(`/api/v1/users?q=${encodeURIComponent(email)}`)).body.users[0]
      .id as string;
    await expect
      .poll(async () => (await world.admin.get(`/api/v1/users?q=${email}`)).body.users[0].role)
      .toBe('supervisor');

    await row.getByTestId('disable-user').click();
    // Cancel first: nothing changes.
    await page.getByTestId('confirm-cancel').click();
    expect((await world.admin.get(`/api/v1/users?q=${email}`)).body.users[0].disabledAt).toBeNull();
    await row.getByTestId('disable-user').click();
    await confirm('disable-user', zh ? /无法登录/ : /can no longer log in/);
    await row.getByTestId('enable-user').waitFor();
    const login = await world.server
      .client()
      .post('/api/v1/auth/login', { email, password: 'a long first password' });
    expect(login.status).toBe(401);
    await check('users-disabled');
    await row.getByTestId('enable-user').click();
    await row.getByTestId('disable-user').waitFor();
    expect((await world.admin.get(`/api/v1/users?q=${email}`)).body.users[0]).toMatchObject({
      id,
      disabledAt: null,
    });
    // The admin's own row offers neither a role change nor disabling.
    const own = page.locator(`[data-testid="user-row"][data-email="${adminEmail}"]`);
    expect(await own.getByTestId('disable-user').count()).toBe(0);
    expect(await own.getByTestId('user-role-select').count()).toBe(0);
  });

  it('edits a product, copies another with its bill of materials, retires the copy and sells it again', async () => {
    const { oak, walnut } = world.products;
    data.push(oak, walnut);
    await page.goto('/office/products');
    await page.getByTestId(`product-${oak}`).getByTestId('edit-product').click();
    const editor = page.getByTestId('product-editor');
    await editor.getByTestId('name-en').fill(`Oak dining table, oiled ${run}`);
    await editor.getByTestId('name-zh').fill(`橡木餐桌（油饰 ${run}）`);
    await check('product-edit');
    await editor.getByTestId('create-product').click();
    await expect
      .poll(async () => (await world.planner.get(`/api/v1/products/${oak}`)).body.nameZh)
      .toBe(`橡木餐桌（油饰 ${run}）`);

    await page.getByTestId(`product-${walnut}`).getByTestId('copy-product').click();
    expect(await editor.getByTestId('name-en').inputValue()).toBe('Walnut dining table');
    expect(await editor.getByTestId('bom-row').count()).toBe(2);
    const width = 200 + run * 10;
    await editor.getByTestId('name-en').fill(`Walnut dining table ${width}`);
    await editor.getByTestId('name-zh').fill(`胡桃木餐桌 ${width}`);
    await editor.getByTestId('create-product').click();
    await editor.waitFor({ state: 'detached' });
    const all = (await world.planner.get('/api/v1/products?limit=50&sort=code')).body.hits;
    const copy = all.find(
      (hit: { product: { nameEn: string } }) =>
        hit.product.nameEn === `Walnut dining table ${width}`,
    ).product;
    data.push(copy.code);
    const original = (await world.planner.get(`/api/v1/products/${walnut}`)).body;
    expect(copy.bom).toEqual(original.bom);

    const card = page.getByTestId(`product-${copy.code}`);
    await card.getByTestId('retire-product').click();
    await confirm('retire-product', zh ? /无法再找到或订购/ : /can no longer find or order/);
    await card.waitFor({ state: 'detached' });
    expect(
      (await world.planner.get(`/api/v1/products/${copy.code}`)).body.retiredAt,
    ).not.toBeNull();
    await page.getByTestId('status-filter').selectOption('retired');
    await card.getByTestId('retired').waitFor();
    await check('products-retired');
    await card.getByTestId('restore-product').click();
    await card.waitFor({ state: 'detached' });
    expect((await world.planner.get(`/api/v1/products/${copy.code}`)).body.retiredAt).toBeNull();
    await page.getByTestId('status-filter').selectOption('active');
    await page.getByTestId(`product-${copy.code}`).waitFor();
    await check('products');
  });

  it('narrows products (last changed) and stations (created) to a time range', async () => {
    const { db } = world.server.context.storage;
    const { oak, sofa } = world.products;
    // The test above changed the oak table; nothing changes the sofa after the world began.
    const { updated_at: changed } = await db
      .selectFrom('products')
      .select('updated_at')
      .where('code', '=', oak)
      .executeTakeFirstOrThrow();
    const products = page.locator('article[data-testid^="product-"]');
    // Opened on a range (a link's ?from=, to the millisecond): changed since the oak table.
    await page.goto(`/office/products?from=${encodeURIComponent(changed!)}`);
    await page.getByTestId(`product-${oak}`).waitFor();
    expect(await page.getByTestId(`product-${sofa}`).count()).toBe(0);
    const since = await products.count();
    await check('products-time');
    await page.getByTestId('list-any-time').click();
    await page.getByTestId(`product-${sofa}`).waitFor();
    expect(await products.count()).toBeGreaterThan(since);
    // Typed in the field: nothing changed before 2000.
    await page.getByTestId('list-to').fill('2000-01-01T00:00');
    await page.getByTestId(`product-${oak}`).waitFor({ state: 'detached' });
    expect(await products.count()).toBe(0);

    const names = [`early-${run}`, `late-${run}`];
    // Station and line names are data (the filter offers every line by name).
    const lines = (await world.admin.get('/api/v1/lines')).body.lines as { name: string }[];
    data.push(...names, ...lines.map((line) => line.name));
    for (const name of names)
      expect(
        (await world.admin.post('/api/v1/stations', { name, role: 'production', line: 'L1' }))
          .status,
      ).toBe(200);
    const created = await db
      .selectFrom('stations')
      .select(['name', 'created_at'])
      .where('name', 'in', names)
      .orderBy('created_at')
      .execute();
    expect(created.map((row) => row.name)).toEqual(names);
    expect(created[1]!.created_at > created[0]!.created_at).toBe(true);
    await page.goto(`/office/stations?from=${encodeURIComponent(created[1]!.created_at)}`);
    await page.getByTestId(`station-${names[1]}`).waitFor();
    expect(await page.getByTestId(`station-${names[0]}`).count()).toBe(0);
    await check('stations-time');
    await page.getByTestId('list-any-time').click();
    await page.getByTestId(`station-${names[0]}`).waitFor();
    await page.getByTestId('list-to').fill('2000-01-01T00:00');
    await page.getByTestId(`station-${names[1]}`).waitFor({ state: 'detached' });
    expect(await page.getByTestId(`station-${names[0]}`).count()).toBe(0);
  });

  it('issues a badge with its code shown once and revokes it after confirming', async () => {
    await page.goto('/office/badges');
    data.push('Li Lei');
    const holder = `Li Lei 李雷 ${run}`;
    await page.getByTestId('badge-name').fill(holder);
    await page.getByTestId('badge-role').selectOption('operator');
    await page.getByTestId('issue-badge').click();
    const code = (await page.getByTestId('issued-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^BG[0-9A-Z]{7}$/);
    data.push(code);
    await check('badge-issued');
    await page.getByTestId('issued-close').click();
    const row = page.getByTestId('badge-row').filter({ hasText: holder });
    await row.waitFor();
    expect(await page.getByTestId('badges').textContent()).not.toContain(code);
    await row.getByTestId('revoke-badge').click();
    await confirm('revoke-badge', zh ? /李雷.*新工牌/ : /needs a new badge/);
    await row.getByTestId('revoked').waitFor();
    await check('badges');
    const listed = (await world.admin.get('/api/v1/badges?status=revoked')).body.badges;
    expect(listed.map((badge: { name: string }) => badge.name)).toContain(holder);
  });

  it('shows the lines with their rules and changes a rule after saying what the stations will do', async () => {
    const name = `Line ${run}`;
    data.push(name);
    await page.goto('/office/lines');
    await page.getByTestId('line-name').fill(name);
    await page.getByTestId('create-line').click();
    const card = page.locator(`[data-testid="line"][data-line="${name}"]`);
    await card.waitFor();
    expect(await card.getByTestId('rule-unknown-label').inputValue()).toBe('stop');
    expect(await card.getByTestId('save-rules').isDisabled()).toBe(true);
    await card.getByTestId('rule-unknown-label').selectOption('refuse');
    await card.getByTestId('rule-require-operator').uncheck();
    await card.getByTestId('save-rules').click();
    await confirm(
      'line-rules',
      zh ? /同步后立即执行.*拒绝.*无需工牌/ : /as soon as it syncs.*refused.*without a badge/,
    );
    await page.getByTestId('lines-notice').waitFor();
    await check('lines');
    const saved = (await world.admin.get('/api/v1/lines')).body.lines.find(
      (line: { name: string }) => line.name === name,
    );
    expect(saved.rules).toEqual({ unknownLabel: 'refuse', requireOperator: false });
  });

  it('lands each role on its own start page; a planner reads the lines’ rules without changing them', async () => {
    const starts = {
      customer_service: '/office/queue',
      planner: '/office/orders',
      supervisor: '/office/exceptions',
      admin: '/office/dashboard',
      customer: '/catalog',
    } as const;
    for (const [role, path] of Object.entries(starts)) {
      const person = await world.server.userClient(role as keyof typeof starts);
      const { context: theirContext, page: theirs } = await newTab(world.browser, world.baseURL, {
        viewport,
        locale,
      });
      try {
        await logIn(theirs, person.email, person.password);
        await theirs.waitForURL((url) => url.pathname === path);
        if (role === 'planner') {
          await theirs.goto('/office/lines');
          await theirs.getByTestId('line-rules').first().waitFor();
          expect(await theirs.getByTestId('save-rules').count()).toBe(0);
          expect(await theirs.getByTestId('line-form').count()).toBe(0);
        }
      } finally {
        await theirContext.close();
      }
    }
  }, 120_000);

  it('offers a supervisor no users screen, no product edits and no badge actions', async () => {
    const supervisor = await world.server.userClient('supervisor', 'Supervisor Chen');
    const { context: theirContext, page: theirs } = await newTab(world.browser, world.baseURL, {
      viewport,
      locale,
    });
    try {
      await logIn(theirs, supervisor.email, supervisor.password);
      await theirs.goto('/office/products');
      await theirs.getByTestId(`product-${world.products.sofa}`).waitFor();
      expect(await theirs.getByTestId('edit-product').count()).toBe(0);
      expect(await theirs.getByTestId('retire-product').count()).toBe(0);
      expect(await theirs.locator('a[href="/office/users"]').count()).toBe(0);
      await theirs.goto('/office/badges');
      await theirs.getByTestId('badge-row').first().waitFor();
      expect(await theirs.getByTestId('revoke-badge').count()).toBe(0);
      expect(await theirs.getByTestId('issue-badge').count()).toBe(0);
    } finally {
      await theirContext.close();
    }
  });
});
