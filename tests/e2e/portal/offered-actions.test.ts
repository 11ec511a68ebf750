import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '#server/demo/seed.ts';
import { logIn, newTab, type Chromiums } from './browser.ts';
import { startDemoPortal } from './portal-server.ts';

/*
 * "No action that fails after being offered" (issue 16): each role signs in to the demo
 * plant and, on every screen its menu offers (and, for a customer, on an order in each
 * state), clicks every button that is enabled, saying yes to any confirmation, as a new
 * user trying things would. Nothing may then show an error or get a refusal from the API:
 * a button that cannot succeed must not be offered (disabled or absent). The roles go
 * from the least to the most powerful, so the admin's clicks (disabling users, revoking
 * stations) come after the others have walked.
 */
const LAPTOP = { width: 1366, height: 768 } as const;
/** Buttons a walk must not press: leaving the session, or the language toggle (tested apart). */
const NOT_PRESSED = new Set(['logout', 'lang', 'menu-toggle']);
const MAX_CLICKS_PER_SCREEN = 30;

interface Failure {
  screen: string;
  button: string;
  what: string;
}

/** The screens the role's menu offers, in its order. */
const offeredScreens = (page: Page) =>
  page
    .getByTestId('nav')
    .locator('a')
    .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).pathname));

/** The order pages of a customer: one order in each state they hold. */
async function ordersByState(page: Page): Promise<string[]> {
  const response = await page.request.get('/api/v1/orders?limit=200');
  const { orders } = (await response.json()) as { orders: { id: string; state: string }[] };
  const byState = new Map<string, string>();
  for (const order of orders) if (!byState.has(order.state)) byState.set(order.state, order.id);
  return [...byState.values()].map((id) => `/orders/${id}`);
}

/** API calls under way (a live feed, open for as long as the page, is not one). */
function trackCalls(page: Page): Set<object> {
  const open = new Set<object>();
  const isCall = (url: string) => {
    const path = new URL(url).pathname;
    return path.startsWith('/api/') && !path.endsWith('/live');
  };
  page.on('request', (request) => {
    if (isCall(request.url())) open.add(request);
  });
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
  return open;
}

/** Two frames: what a click started has reached the page's network, or its screen. */
const frames = (page: Page) =>
  page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );

/** Waits until every API call a click started has answered and the screen has shown it. */
async function settle(page: Page, calls: Set<object>): Promise<void> {
  await frames(page);
  await expect.poll(() => calls.size, { timeout: 30_000 }).toBe(0);
  await frames(page);
}

/** Clicks every enabled button of the screen at `path`, one after the other. */
async function pressEverything(
  page: Page,
  path: string,
  calls: Set<object>,
  refusals: string[],
  failures: Failure[],
): Promise<number> {
  await page.goto(path);
  await page.locator('main h1, main h2').first().waitFor();
  await settle(page, calls);
  let pressed = 0;
  for (let index = 0; index < MAX_CLICKS_PER_SCREEN; index++) {
    const buttons = page.locator('main button:enabled:visible');
    if (index >= (await buttons.count())) break;
    const button = buttons.nth(index);
    const testid = (await button.getAttribute('data-testid')) ?? '';
    if (NOT_PRESSED.has(testid)) continue;
    const label = `${testid || '(no testid)'} "${((await button.textContent()) ?? '').trim()}"`;
    refusals.length = 0;
    await button.click();
    pressed++;
    await frames(page);
    const dialog = page.getByTestId('confirm-dialog');
    if (await dialog.isVisible()) {
      await page.getByTestId('confirm-yes').click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await settle(page, calls);
    const alerts = await page.locator('[role="alert"]:visible').allTextContents();
    for (const alert of alerts) failures.push({ screen: path, button: label, what: alert });
    for (const refusal of refusals) failures.push({ screen: path, button: label, what: refusal });
    if (new URL(page.url()).pathname + new URL(page.url()).search !== path) {
      await page.goto(path);
      await page.locator('main h1, main h2').first().waitFor();
      await settle(page, calls);
    }
  }
  return pressed;
}

describe('every action offered succeeds, role by role, on the demo plant', () => {
  let portal: Awaited<ReturnType<typeof startDemoPortal>> | undefined;
  let browser: Chromiums;
  let baseURL: string;

  beforeAll(async () => {
    portal = await startDemoPortal();
    ({ browser, baseURL } = portal);
  }, 240_000);
  afterAll(async () => {
    await portal?.stop();
  });

  const walkAs = async (
    email: string,
    locale: 'en' | 'zh-CN',
    extraScreens: (page: Page) => Promise<string[]>,
  ) => {
    const { context, page, problems } = await newTab(browser, baseURL, {
      viewport: LAPTOP,
      locale,
    });
    const refusals: string[] = [];
    const calls = trackCalls(page);
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/api/') && response.status() >= 400)
        refusals.push(`${response.request().method()} ${url.pathname} → ${response.status()}`);
    });
    const failures: Failure[] = [];
    try {
      await logIn(page, email, DEMO_PASSWORD);
      await page.getByTestId('nav').locator('a').first().waitFor();
      const screens = [...(await offeredScreens(page)), ...(await extraScreens(page))];
      expect(screens.length).toBeGreaterThan(0);
      let pressed = 0;
      for (const screen of screens)
        pressed += await pressEverything(page, screen, calls, refusals, failures);
      expect(pressed, 'buttons pressed').toBeGreaterThan(0);
      expect(failures).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  };

  const none = async () => [];

  // Each role once, in Chinese or English by turns: an offered action fails alike in both, and
  // walking every role twice would double the walk's minutes.
  it('a customer, in Chinese', async () => {
    await walkAs('wang.fang@demo.ordertrace', 'zh-CN', ordersByState);
  }, 300_000);

  it('customer service, in English', async () => {
    await walkAs('service@demo.ordertrace', 'en', none);
  }, 300_000);

  it('a planner, in Chinese', async () => {
    await walkAs('planner@demo.ordertrace', 'zh-CN', none);
  }, 300_000);

  it('a supervisor, in English', async () => {
    await walkAs('supervisor@demo.ordertrace', 'en', none);
  }, 300_000);

  it('an admin, in Chinese', async () => {
    await walkAs('admin@demo.ordertrace', 'zh-CN', none);
  }, 300_000);
});
