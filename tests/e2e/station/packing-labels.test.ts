import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { zplSymbols } from '../../labels/zbar.ts';
import type { FakeZebra } from '../../native/fake-zebra.ts';
import { launchChromium } from '../portal/browser.ts';
import { previewOnScreen, printToZebra } from './label-preview.ts';
import { releasedOrder, startPlant, type E2ePlant, type E2eStation } from './station-plant.ts';
import { englishOnChineseScreens, walkScreen } from './station-fit.ts';
import { scanExpect, waitForOrderState } from './station-ui.ts';

/*
 * The packing station prints unit labels from its screen and previews every label it
 * prints (issue 20): real server, real stations, the printer a Zebra stand-in on loopback,
 * the UI in Chromium. The preview on screen is photographed and decoded; its symbols must
 * be exactly the barcodes of the ZPL the printer received. An order of three units packs as
 * a partial package, then a last one short by a supervisor's override (a short shipment),
 * each screen walked at every size in both languages (station-fit.ts).
 */
describe('the packing station’s labels, end to end', () => {
  let plant: E2ePlant;
  let browser: Browser;
  let production: E2eStation;
  let packing: E2eStation;
  let zebra: FakeZebra;
  let order: Awaited<ReturnType<typeof releasedOrder>>;
  const problems: string[] = [];

  beforeAll(async () => {
    plant = await startPlant();
    [production, packing] = await Promise.all([
      plant.station('production'),
      plant.station('packing'),
    ]);
    order = await releasedOrder(plant, 3);
    browser = await launchChromium();
    zebra = await printToZebra(plant, packing);
    // Production is not under test here: its station is driven through its service.
    await waitForOrderState(production, order.code, ['released']);
    const station = production.running.station;
    station.login(plant.operator);
    station.scan(order.code);
    for (const resource of order.resources) station.scan(resource.code);
    for (const step of ['assembly', 'finished']) {
      const reported = station.reportProgress(step, 3);
      if (!reported.ok) throw new Error(`progress ${step}: ${JSON.stringify(reported.error)}`);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await zebra?.close();
    await plant?.stop();
  }, 60_000);

  it('prints a unit label from the screen, closes a partial package, then the last one short by override', async () => {
    await waitForOrderState(packing, order.code, ['produced']);
    const page: Page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(packing.url);
    await page.getByTestId('main').waitFor();
    packing.scan(plant.operator);
    await expect.poll(() => page.getByTestId('operator').textContent()).toContain('Zhao');
    const [unit, second] = order.units as [string, string, string];
    await scanExpect(page, packing, unit, 'accepted');

    // A lost unit label, printed again here: the printer gets it, the screen shows it.
    await page.getByTestId('unit-label-code').fill(unit);
    await page.getByTestId('print-unit-label').click();
    await page.locator(`[data-testid="label-preview"][data-code="${unit}"]`).waitFor();
    const [unitZpl] = await zebra.waitForLabels(1);
    const unitSeen = await previewOnScreen(browser, packing, unit);
    expect(unitSeen).toEqual(zplSymbols(unitZpl!));
    expect(unitSeen.map((symbol) => symbol.data)).toEqual([unit, unit]);

    // A unit code the server never issued: refused on screen, nothing printed.
    await page.getByTestId('unit-label-code').fill(mintOrderScopedCode('unit', order.code, 77));
    await page.getByTestId('print-unit-label').click();
    await expect
      .poll(() => page.getByTestId('notice').getAttribute('data-key'))
      .toBe('unknown_code');
    expect(zebra.labels()).toHaveLength(1);

    // Two units of three still to pack: closing is partial, or short by a supervisor's override.
    expect(await page.getByTestId('close-package').count()).toBe(0);
    await page.getByTestId('override').locator('summary').click();
    await walkScreen(page, 'packing-partial', [
      'close-partial',
      'override-badge',
      'override-reason',
      'override-close',
      'unit-label-code',
      'print-unit-label',
    ]);
    await page.getByTestId('close-partial').click();
    await page.getByTestId('verify-label').waitFor();
    await expect
      .poll(() => page.getByTestId('notice').getAttribute('data-key'))
      .toBe('package_partial');
    // Closing the package prints its GS1 logistic label; the preview turns to it.
    const first = mintOrderScopedCode('package', order.code, 1);
    await page.locator(`[data-testid="label-preview"][data-code="${first}"]`).waitFor();
    const [, packageZpl] = await zebra.waitForLabels(2);
    const packageSeen = await previewOnScreen(browser, packing, first);
    expect(packageSeen).toEqual(zplSymbols(packageZpl!));
    expect(packageSeen.filter((symbol) => symbol.data === first)).toHaveLength(2);
    // The label to scan back, and right under it what was printed.
    await walkScreen(page, 'packing-verify', [
      'verify-label',
      'reprint-reason',
      'reprint',
      'label-preview',
    ]);
    await scanExpect(page, packing, first, 'accepted');

    // The third unit is not coming (agreed with the customer): the last package closes short.
    await scanExpect(page, packing, second, 'accepted');
    // Still open from before the partial close.
    expect(await page.getByTestId('override').getAttribute('open')).not.toBeNull();
    await page.getByTestId('override-badge').fill(plant.supervisor);
    await page.getByTestId('override-reason').fill('客户同意少发一件');
    await page.getByTestId('override-close').click();
    await page.getByTestId('verify-label').waitFor();
    const last = mintOrderScopedCode('package', order.code, 2);
    await page.locator(`[data-testid="label-preview"][data-code="${last}"]`).waitFor();
    await scanExpect(page, packing, last, 'accepted');
    await zebra.waitForLabels(3);
    await expect
      .poll(async () => (await plant.planner.get(`/api/v1/orders/${order.id}`)).body.state, {
        timeout: 15_000,
      })
      .toBe('packed');
    expect(problems).toEqual([]);
    expect(englishOnChineseScreens, 'English on Chinese station screens').toEqual([]);
  }, 180_000);
});
