import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { launchChromium } from '../portal/browser.ts';
import {
  englishOnChineseScreens,
  pressOffered,
  readForEnglish,
  setLanguage,
  walkScreen,
} from './station-fit.ts';
import { releasedOrder, startPlant, type E2ePlant, type E2eStation } from './station-plant.ts';
import { scanExpect, waitForOrderState, wedgeExpect } from './station-ui.ts';

/*
 * The seed's steps 3, 5 and 6 at real stations: scans arrive through a serial scanner on a
 * socat pty, the real UI in Chromium shows the verdicts, and the real server ends up with
 * the order shipped. Then the line stop and its supervisor clearance. Each screen on the way
 * is walked at 1366×768, 1024×768 and 390×844 in both languages (station-fit.ts), and the
 * packing and shipping buttons are pressed as offered, in Chinese.
 */
const corrupt = (code: string) => code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');

describe('stations of each role, end to end', () => {
  let plant: E2ePlant;
  let browser: Browser;
  let production: E2eStation;
  let packing: E2eStation;
  let shipping: E2eStation;
  let order: Awaited<ReturnType<typeof releasedOrder>>;
  let other: Awaited<ReturnType<typeof releasedOrder>>;
  const pages: Page[] = [];
  const problems: string[] = [];

  const open = async (station: E2eStation): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => problems.push(error.message));
    pages.push(page);
    await page.goto(station.url);
    await page.getByTestId('main').waitFor();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="scanner-status"]')?.getAttribute('data-ok') ===
        'true',
    );
    return page;
  };

  beforeAll(async () => {
    plant = await startPlant();
    [production, packing, shipping] = await Promise.all([
      plant.station('production'),
      plant.station('packing'),
      plant.station('shipping'),
    ]);
    order = await releasedOrder(plant);
    other = await releasedOrder(plant);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await plant?.stop();
  }, 30_000);

  it('production: job card, every resource, bad scans of each kind, progress to produced', async () => {
    await waitForOrderState(production, order.code, ['released']);
    const page = await open(production);
    await walkScreen(page, 'production-empty', ['badge-needed', 'code-entry', 'settings']);
    // Nobody logged in: the scan is refused on screen and recorded nowhere.
    production.scan(order.resources[0]!.code);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/工牌|badge/);
    expect(await page.locator('[data-testid="last-scans"] li').count()).toBe(0);
    production.scan(plant.operator);
    await expect.poll(() => page.getByTestId('operator').textContent()).toContain('Zhao');
    await scanExpect(page, production, order.resources[0]!.code, 'wrong_state'); // no job card yet
    await scanExpect(page, production, order.code, 'accepted');
    await expect.poll(() => page.getByTestId('order-code').textContent()).toBe(order.code);
    await scanExpect(page, production, corrupt(order.resources[0]!.code), 'misread');
    await scanExpect(page, production, '\u0001\u0002noise', 'misread');
    await scanExpect(page, production, mintOrderCode(), 'unknown'); // a job card never issued
    await scanExpect(page, production, order.units[0]!, 'wrong_kind');
    for (const resource of order.resources)
      await scanExpect(page, production, resource.code, 'accepted');
    await scanExpect(page, production, order.resources[0]!.code, 'already_consumed');
    await wedgeExpect(page, order.resources[1]!.code, 'already_consumed'); // keyboard-wedge fallback
    await walkScreen(page, 'production-scanned', ['unit-done-assembly', 'log-out']);
    await page.getByTestId('unit-done-assembly').click();
    await page.getByTestId('unit-done-finished').click();
    // Held for the undo's grace period (held-units.ts), then recorded.
    await expect
      .poll(() => page.getByTestId('progress-finished').textContent(), { timeout: 15_000 })
      .toBe('1 / 1');
    await expect
      .poll(async () => (await plant.planner.get(`/api/v1/orders/${order.id}`)).body.state, {
        timeout: 15_000,
      })
      .toBe('produced');
  }, 120_000);

  it('production: a resource of another order stops the line until a supervisor clears it', async () => {
    const page = pages[0]!;
    await scanExpect(page, production, other.resources[0]!.code, 'line_stop');
    await page.getByTestId('line-stop').waitFor();
    await scanExpect(page, production, order.resources[0]!.code, 'line_stopped');
    await scanExpect(page, production, plant.operator, 'line_stopped'); // an operator badge does not clear it
    expect(await page.getByTestId('clear-line').isDisabled()).toBe(true);
    await page.getByTestId('supervisor-badge').fill(plant.operator);
    await page.getByTestId('clear-reason').fill('Wrong bin, moved back');
    await page.getByTestId('clear-line').click();
    await page.getByTestId('clear-refusal').waitFor();
    production.scan(plant.supervisor);
    // The page learns who, never the badge code (a credential).
    await expect.poll(() => page.getByTestId('supervisor-read').textContent()).toBe('Chen 陈');
    expect(await page.content()).not.toContain(plant.supervisor);
    await page.getByTestId('clear-line').click();
    await page.getByTestId('line-stop').waitFor({ state: 'detached' });
    const lineStops = async () =>
      (
        (await plant.admin.get('/api/v1/exceptions')).body.exceptions as {
          kind: string;
          status: string;
        }[]
      )
        .filter((exception) => exception.kind === 'line_stop')
        .map((exception) => exception.status);
    await expect.poll(lineStops, { timeout: 10_000 }).toEqual(['cleared']);
  }, 60_000);

  it('packing: units gathered by order, another order refused, close as offered, label scanned back', async () => {
    await waitForOrderState(packing, order.code, ['produced']);
    await waitForOrderState(packing, other.code, ['released', 'in_production']);
    const page = await open(packing);
    packing.scan(plant.operator);
    await scanExpect(page, packing, order.units[0]!, 'accepted');
    await scanExpect(page, packing, order.units[0]!, 'already_consumed');
    await scanExpect(page, packing, other.units[0]!, 'wrong_order');
    await scanExpect(page, packing, corrupt(order.units[0]!), 'misread');
    await walkScreen(page, 'packing-gathered', [
      'close-package',
      'unit-label-code',
      'print-unit-label',
      'log-out',
      'settings',
    ]);
    // What the packing screen offers now, pressed in Chinese: closing the package.
    const offered = await pressOffered(page, 'packing', 'main section.work');
    expect(offered.pressed.map((what) => what.split(' ')[0])).toEqual(['close-package']);
    expect(offered.refused).toEqual([]);
    await page.getByTestId('verify-label').waitFor();
    await walkScreen(page, 'packing-verify', ['verify-label', 'reprint-reason', 'reprint']);
    const pkg = mintOrderScopedCode('package', order.code, 1);
    await scanExpect(page, packing, order.units[0]!, 'wrong_kind');
    await scanExpect(page, packing, mintOrderScopedCode('package', order.code, 2), 'wrong_order');
    await scanExpect(page, packing, pkg, 'accepted');
    await page.getByTestId('verify-label').waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await plant.planner.get(`/api/v1/orders/${order.id}`)).body.state, {
        timeout: 15_000,
      })
      .toBe('packed');
  }, 120_000);

  it('shipping: ship-to, carrier and count shown; another order blocks dispatch; dispatch as offered ships', async () => {
    await waitForOrderState(shipping, order.code, ['packed']);
    const page = await open(shipping);
    shipping.scan(plant.operator);
    const pkg = mintOrderScopedCode('package', order.code, 1);
    await scanExpect(page, shipping, pkg, 'accepted');
    await expect.poll(() => page.getByTestId('ship-to').textContent()).toContain('张江路');
    expect(await page.getByTestId('carrier').textContent()).toContain('SF Express');
    expect(await page.getByTestId('expected').textContent()).toBe('1');
    await scanExpect(page, shipping, pkg, 'already_consumed');
    await scanExpect(page, shipping, mintOrderScopedCode('package', other.code, 1), 'wrong_order');
    await scanExpect(
      page,
      shipping,
      mintOrderScopedCode('package', mintOrderCode(), 1),
      'wrong_order',
    );
    await page.getByTestId('dispatch-blocked').waitFor();
    expect(await page.getByTestId('dispatch').isDisabled()).toBe(true);
    // Once below the fold at 1366×768: first on the screen now.
    await walkScreen(page, 'shipping-blocked', ['dispatch-blocked', 'package-removed', 'log-out']);
    await page.getByTestId('package-removed').click();
    await page.getByTestId('dispatch-blocked').waitFor({ state: 'detached' });
    await walkScreen(page, 'shipping-ready', ['dispatch', 'ship-to', 'log-out', 'settings']);
    // What the shipping screen offers now, pressed in Chinese: the dispatch.
    const offered = await pressOffered(page, 'shipping', 'main section.work');
    expect(offered.pressed.map((what) => what.split(' ')[0])).toEqual(['dispatch']);
    expect(offered.refused).toEqual([]);
    // Said as dispatched, not as "package 1 of 1".
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('dispatched');
    expect(await page.getByTestId('notice').textContent()).toMatch(/已发货/);
    await expect
      .poll(async () => (await plant.planner.get(`/api/v1/orders/${order.id}`)).body.state, {
        timeout: 15_000,
      })
      .toBe('shipped');
    await page.getByTestId('settings').click();
    await page.getByTestId('settings-screen').waitFor();
    // An operator may not test (or repoint) the devices: a test label carries a ship-to.
    await page.getByTestId('settings-locked').waitFor();
    expect(await page.getByTestId('test-printer').count()).toBe(0);
    shipping.scan(plant.supervisor);
    await expect.poll(() => shipping.running.station.state().operator?.role).toBe('supervisor');
    await setLanguage(page, 'zh-CN');
    for (const [tab, device] of [
      ['lineStop', 'test-line-stop'],
      ['printer', 'test-printer'],
      ['scanner', 'test-scanner'],
      ['station', null],
    ] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      // Each device's card, its status and its test's answer read in Chinese.
      if (device) {
        await page.getByTestId(device).click();
        await expect.poll(() => page.getByTestId('notice').getAttribute('class')).toContain('ok');
      }
      await readForEnglish(page, `settings-${tab}`);
      if (device) await page.getByTestId('notice').locator('button').click();
    }
    expect(problems).toEqual([]);
    expect(englishOnChineseScreens, 'English on Chinese station screens').toEqual([]);
  }, 120_000);
});
