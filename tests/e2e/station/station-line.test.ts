import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBadgeCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { launchChromium } from '../portal/browser.ts';
import { releasedOrder, startPlant, type E2ePlant, type E2eStation } from './station-plant.ts';
import { fitsPhone, PHONE, setLanguage } from './station-fit.ts';
import { scanExpect, shot, waitForOrderState } from './station-ui.ts';

/*
 * The station at the line, as an operator at a 1024×768 touch panel and a clerk at a
 * 1366×768 laptop meet it (issue 16), in Chinese and English: sound unlocked by the first
 * tap, the alarm repeating while the line is stopped, a line-stop screen that says what
 * was scanned, whose it is and what to do, feedback on login and clearance, "+1 unit done"
 * with undo and a quantity, device settings behind a supervisor badge, and every control
 * reachable without scrolling.
 */
const SMALL = { width: 1024, height: 768 } as const;
const LAPTOP = { width: 1366, height: 768 } as const;

/** The element lies wholly inside the viewport (reachable without scrolling). */
async function inView(page: Page, testid: string): Promise<boolean> {
  return page
    .getByTestId(testid)
    .first()
    .evaluate((element) => {
      const box = element.getBoundingClientRect();
      return (
        box.width > 0 &&
        box.top >= 0 &&
        box.left >= 0 &&
        box.bottom <= window.innerHeight &&
        box.right <= window.innerWidth
      );
    });
}

/** Header items keep their words on one line: none is taller than two lines of its text. */
const headerItemsWrapped = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('header button, header span, header strong')]
      .filter((element) => {
        const style = getComputedStyle(element);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
        const box = element.getBoundingClientRect();
        // A button is 52 px tall by design; text inside must not stack.
        return box.height > Math.max(60, 2 * line) && (element.textContent ?? '').length > 1;
      })
      .map((element) => element.textContent),
  );

describe('the station at the line (1024×768, 1366×768 and 390×844, zh and en)', () => {
  let plant: E2ePlant;
  let browser: Browser;
  let production: E2eStation;
  let shipping: E2eStation;
  let order: Awaited<ReturnType<typeof releasedOrder>>;
  let other: Awaited<ReturnType<typeof releasedOrder>>;
  const problems: string[] = [];

  const open = async (station: E2eStation, viewport: { width: number; height: number }) => {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(station.url);
    await page.getByTestId('main').waitFor();
    return page;
  };

  beforeAll(async () => {
    plant = await startPlant();
    [production, shipping] = await Promise.all([
      plant.station('production'),
      plant.station('shipping'),
    ]);
    order = await releasedOrder(plant, 2);
    other = await releasedOrder(plant);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await plant?.stop();
  }, 30_000);

  it('sound: a hint until the first tap unlocks it; login said by name, a bad badge refused', async () => {
    await waitForOrderState(production, order.code, ['released']);
    const page = await open(production, SMALL);
    // A browser starts audio suspended: the hint says so until a tap anywhere resumes it.
    await page.getByTestId('sound-hint').waitFor();
    await shot(page, 'line-sound-hint-zh-CN');
    await page.getByTestId('no-order').click();
    await page.getByTestId('sound-hint').waitFor({ state: 'detached' });
    production.scan(mintBadgeCode());
    await expect
      .poll(() => page.getByTestId('notice').getAttribute('data-key'))
      .toBe('badge_unknown');
    expect(await page.getByTestId('notice').getAttribute('class')).not.toContain('ok');
    production.scan(plant.operator);
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('logged_in');
    expect(await page.getByTestId('notice').textContent()).toContain('Zhao 赵');
    expect(await page.getByTestId('notice').getAttribute('class')).toContain('ok');
    await shot(page, 'line-logged-in-zh-CN');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('+1 unit done: undo within the grace period records nothing; a quantity of 2 is recorded once', async () => {
    const page = await open(production, SMALL);
    await scanExpect(page, production, order.code, 'accepted');
    for (const resource of order.resources)
      await scanExpect(page, production, resource.code, 'accepted');
    for (const language of ['zh-CN', 'en'] as const) {
      await setLanguage(page, language);
      expect(await headerItemsWrapped(page)).toEqual([]);
      for (const testid of [
        'unit-done-assembly',
        'unit-quantity',
        'code-entry',
        'settings',
        'language',
      ])
        expect(await inView(page, testid), `${testid} at 1024×768 in ${language}`).toBe(true);
      await shot(page, `line-production-small-${language}`);
    }
    await fitsPhone(page, 'production', [
      'unit-done-assembly',
      'unit-quantity',
      'code-entry',
      'settings',
    ]);
    await page.getByTestId('unit-done-assembly').click();
    await page.getByTestId('held-assembly').waitFor();
    expect(await inView(page, 'undo-assembly')).toBe(true);
    await shot(page, 'line-held-en');
    await page.getByTestId('undo-assembly').click();
    await page.getByTestId('held-assembly').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('notice').getAttribute('data-key'))
      .toBe('units_undone');
    await page.getByTestId('unit-quantity').fill('2');
    await page.getByTestId('unit-done-assembly').click();
    await expect.poll(() => page.getByTestId('held-assembly').getAttribute('data-units')).toBe('2');
    await expect
      .poll(() => page.getByTestId('progress-assembly').textContent(), { timeout: 20_000 })
      .toBe('2 / 2');
    // One report of two units reached the server: the undone one never left the station.
    const reports = () =>
      plant.server.context.storage.db
        .selectFrom('events')
        .select(['type', 'body', 'outcome'])
        .where('type', '=', 'progress.reported')
        .execute();
    await expect.poll(async () => (await reports()).length, { timeout: 15_000 }).toBe(1);
    const [report] = await reports();
    expect(report?.outcome).toBe('applied');
    expect(report?.body).toContain('"unitsDone":2');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('line stop: material, orders and what to do at 1024×768; the alarm repeats; a clear is said and stays cleared', async () => {
    const page = await open(production, SMALL);
    await page.getByTestId('main').click(); // the operator's tap unlocks the sound
    const foreign = other.resources.find((r) => r.resourceType === 'leg')!;
    await waitForOrderState(production, other.code, ['released']);
    await scanExpect(page, production, foreign.code, 'line_stop');
    await page.getByTestId('line-stop').waitFor();
    for (const language of ['en', 'zh-CN'] as const) {
      await setLanguage(page, language);
      const material = await page.getByTestId('line-stop-material').textContent();
      // The test plant's materials carry Chinese names too: the reader's language is shown.
      expect(material).toContain(language === 'en' ? 'Oak leg 72 cm' : '橡木桌腿 72 厘米');
      expect(material).toContain(language === 'en' ? 'Material' : '物料');
      expect(await page.getByTestId('line-stop-belongs').textContent()).toContain(other.code);
      expect(await page.getByTestId('line-stop-order').textContent()).toContain(order.code);
      expect(await page.getByTestId('line-stop-todo').textContent()).toMatch(
        language === 'en' ? /supervisor/ : /主管/,
      );
      for (const testid of ['line-stop-todo', 'supervisor-badge', 'clear-reason', 'clear-line'])
        expect(await inView(page, testid), `${testid} in ${language}`).toBe(true);
      await shot(page, `line-stop-small-${language}`);
    }
    await page.setViewportSize(PHONE);
    // Taller than a phone, the stop screen scrolls: its top (the heading) stays reachable.
    const headingTop = await page.getByTestId('line-stop').evaluate((stop) => {
      stop.scrollTop = 0;
      return stop.querySelector('h1')!.getBoundingClientRect().top;
    });
    expect(headingTop).toBeGreaterThanOrEqual(0);
    await page.setViewportSize(SMALL);
    await fitsPhone(page, 'stop', [
      'line-stop-todo',
      'supervisor-badge',
      'clear-reason',
      'clear-line',
    ]);
    // The red alarm sounds again while the line stays stopped.
    await expect
      .poll(() => page.getByTestId('line-stop-facts').getAttribute('data-alarms'), {
        timeout: 20_000,
        interval: 500,
      })
      .toMatch(/^[2-9]|\d\d/);
    // From the clearance on, no red flash may come back over the cleared line.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { redSeen: string[] }).redSeen = seen;
      new MutationObserver(() => {
        const flash = document.querySelector('[data-testid="verdict"][data-tone="red"]');
        if (flash && !document.querySelector('[data-testid="line-stop"]'))
          seen.push(flash.getAttribute('data-verdict') ?? '');
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    production.scan(plant.supervisor);
    await expect.poll(() => page.getByTestId('supervisor-read').textContent()).toBe('Chen 陈');
    await page.getByTestId('clear-reason').fill('Wrong bin, moved back');
    await page.getByTestId('clear-line').click();
    await page.getByTestId('line-stop').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('notice').getAttribute('data-key'))
      .toBe('line_cleared');
    expect(await page.getByTestId('notice').textContent()).toContain('陈');
    const top = page.locator('[data-testid="last-scans"] li').first();
    expect(await top.getAttribute('data-kind')).toBe('line-cleared');
    expect(await top.textContent()).toContain('停线已解除');
    await shot(page, 'line-cleared-zh-CN');
    // Longer than a refusal's flash stays (4 s): nothing red came back.
    await page.waitForTimeout(5_000);
    expect(await page.evaluate(() => (window as unknown as { redSeen: string[] }).redSeen)).toEqual(
      [],
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('device settings behind a supervisor badge, their controls reachable at 1024×768', async () => {
    const page = await open(production, SMALL);
    await page.getByTestId('settings').click();
    for (const language of ['en', 'zh-CN'] as const) {
      await setLanguage(page, language);
      await page.getByTestId('settings-locked').waitFor();
      expect(await page.getByTestId('test-printer').count()).toBe(0);
      expect(await headerItemsWrapped(page)).toEqual([]);
      await shot(page, `line-settings-locked-${language}`);
    }
    await fitsPhone(page, 'settings-locked', ['settings-badge', 'settings-unlock']);
    // An operator's badge does not open them.
    await page.getByTestId('settings-badge').fill(plant.operator);
    await page.getByTestId('settings-unlock').click();
    await page.getByTestId('settings-refusal').waitFor();
    expect(await page.getByTestId('test-printer').count()).toBe(0);
    await page.getByTestId('settings-badge').fill(plant.supervisor);
    await page.getByTestId('settings-unlock').click();
    await page.getByTestId('test-scanner').waitFor();
    expect(await page.content()).not.toContain(plant.supervisor);
    for (const language of ['en', 'zh-CN'] as const) {
      await setLanguage(page, language);
      expect(await inView(page, 'save-settings')).toBe(true);
      expect(await headerItemsWrapped(page)).toEqual([]);
      await shot(page, `line-settings-${language}`);
    }
    await page.getByTestId('test-scanner').click();
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('device_ok');
    await page.getByTestId('settings').click();
    await page.getByTestId('log-out').click();
    await page
      .getByTestId('operator')
      .getByText(/工牌|badge/)
      .waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shipping: the dispatch-blocked panel is in view at 1366×768 and 1024×768', async () => {
    const page = await open(shipping, LAPTOP);
    await page.getByTestId('main').click();
    shipping.scan(plant.operator);
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('logged_in');
    await scanExpect(page, shipping, mintOrderScopedCode('package', other.code, 1), 'wrong_state');
    await page.getByTestId('dispatch-blocked').waitFor();
    for (const viewport of [LAPTOP, SMALL]) {
      await page.setViewportSize(viewport);
      for (const language of ['zh-CN', 'en'] as const) {
        await setLanguage(page, language);
        await page
          .getByTestId('verdict')
          .click({ timeout: 500 })
          .catch(() => undefined);
        expect(await inView(page, 'dispatch-blocked'), `${viewport.width} ${language}`).toBe(true);
        expect(await inView(page, 'package-removed')).toBe(true);
        expect(await headerItemsWrapped(page)).toEqual([]);
        await shot(page, `line-shipping-blocked-${viewport.width}-${language}`);
      }
    }
    await fitsPhone(page, 'shipping-blocked', ['dispatch-blocked', 'package-removed']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('an operator: every button the production screen offers for a fresh order succeeds', async () => {
    const fresh = await releasedOrder(plant, 2);
    await waitForOrderState(production, fresh.code, ['released']);
    const page = await open(production, LAPTOP);
    await page.getByTestId('main').click();
    production.scan(plant.operator);
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('logged_in');
    await scanExpect(page, production, fresh.code, 'accepted');
    for (const resource of fresh.resources)
      await scanExpect(page, production, resource.code, 'accepted');
    await page.getByTestId('unit-done-assembly').waitFor();
    // Each enabled button in the work area, pressed in turn as an operator trying them would:
    // whatever it says must be good news (a refusal would be an action offered that fails).
    const refused: string[] = [];
    // Commands under way (POST /api/commands/…): a click has its answer once none is.
    const commands = new Set<object>();
    page.on('request', (request) => {
      if (request.url().includes('/api/commands/')) commands.add(request);
    });
    page.on('requestfinished', (request) => commands.delete(request));
    page.on('requestfailed', (request) => commands.delete(request));
    const frames = () =>
      page.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
      );
    let pressed = 0;
    for (let index = 0; index < 20; index++) {
      const buttons = page.locator('main section.work button:enabled:visible');
      if (index >= (await buttons.count())) break;
      const button = buttons.nth(index);
      const what = `${await button.getAttribute('data-testid')} "${await button.textContent()}"`;
      await button.click();
      pressed++;
      await frames();
      await expect.poll(() => commands.size, { timeout: 20_000 }).toBe(0);
      await frames();
      const notice = page.getByTestId('notice');
      if ((await notice.count()) > 0 && !(await notice.getAttribute('class'))?.includes('ok'))
        refused.push(`${what}: ${await notice.getAttribute('data-key')}`);
    }
    expect(pressed).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
