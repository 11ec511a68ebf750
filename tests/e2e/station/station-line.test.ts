import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBadgeCode } from '#core/codes/formats.ts';
import { launchChromium } from '../portal/browser.ts';
import { releasedOrder, startPlant, type E2ePlant, type E2eStation } from './station-plant.ts';
import {
  englishOnChineseScreens,
  LAPTOP,
  PHONE,
  pressOffered,
  setLanguage,
  SMALL,
  walkScreen,
} from './station-fit.ts';
import { scanExpect, shot, waitForOrderState } from './station-ui.ts';

/*
 * The production station at the line, as an operator at a 1024×768 touch panel, a clerk at
 * a 1366×768 laptop and someone on a 390×844 phone meet it (issue 16), in Chinese and
 * English: sound unlocked by the first tap, the alarm repeating while the line is stopped,
 * a line-stop screen that says what was scanned, whose it is and what to do, feedback on
 * login and clearance, "+1 unit done" with undo and a quantity, device settings behind a
 * supervisor badge, every control reachable without scrolling and every button offered one
 * that works. One station and one browser for the file; each screen walked at every size
 * (station-fit.ts). The packing and shipping screens are walked in station-roles.test.ts.
 */
describe('the production station at the line (1366×768, 1024×768 and 390×844, zh and en)', () => {
  let plant: E2ePlant;
  let browser: Browser;
  let production: E2eStation;
  let order: Awaited<ReturnType<typeof releasedOrder>>;
  let other: Awaited<ReturnType<typeof releasedOrder>>;
  const problems: string[] = [];

  const open = async (viewport: { width: number; height: number } = SMALL) => {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(production.url);
    await page.getByTestId('main').waitFor();
    return page;
  };

  beforeAll(async () => {
    plant = await startPlant();
    production = await plant.station('production');
    order = await releasedOrder(plant, 2);
    other = await releasedOrder(plant);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await plant?.stop();
  }, 30_000);

  it('sound: a hint until the first tap unlocks it; login said by name, a bad badge refused', async () => {
    await waitForOrderState(production, order.code, ['released']);
    const page = await open();
    // A browser starts audio suspended: the hint says so until a tap anywhere resumes it.
    await page.getByTestId('sound-hint').waitFor();
    await shot(page, 'station-sound-hint-1024-zh-CN');
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
    await walkScreen(page, 'logged-in', ['log-out', 'settings', 'language', 'code-entry']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('+1 unit done: undo within the grace period records nothing; a quantity of 2 is recorded once', async () => {
    const page = await open();
    await scanExpect(page, production, order.code, 'accepted');
    for (const resource of order.resources)
      await scanExpect(page, production, resource.code, 'accepted');
    await walkScreen(page, 'production', [
      'unit-done-assembly',
      'unit-quantity',
      'code-entry',
      'settings',
      'language',
      'log-out',
    ]);
    // Held for 5 s only: at each size and language the unit is held, its undo looked at and
    // pressed. None of them is recorded.
    await walkScreen(page, 'production-held', ['undo-assembly', 'unit-done-finished'], {
      enter: async () => {
        await page.getByTestId('unit-done-assembly').click();
        await page.getByTestId('held-assembly').waitFor();
      },
      leave: async () => {
        await page.getByTestId('undo-assembly').click();
        await page.getByTestId('held-assembly').waitFor({ state: 'detached' });
        await expect
          .poll(() => page.getByTestId('notice').getAttribute('data-key'))
          .toBe('units_undone');
      },
    });
    await page.getByTestId('unit-quantity').fill('2');
    await page.getByTestId('unit-done-assembly').click();
    await expect.poll(() => page.getByTestId('held-assembly').getAttribute('data-units')).toBe('2');
    await expect
      .poll(() => page.getByTestId('progress-assembly').textContent(), { timeout: 20_000 })
      .toBe('2 / 2');
    // One report of two units reached the server: the undone ones never left the station.
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
  }, 120_000);

  it('line stop: material, orders and what to do at every size; the alarm repeats; a clear is said and stays cleared', async () => {
    const page = await open();
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
    }
    await walkScreen(page, 'line-stop', [
      'line-stop-todo',
      'supervisor-badge',
      'clear-reason',
      'clear-line',
      'language',
    ]);
    await page.setViewportSize(PHONE);
    // Taller than a phone, the stop screen scrolls: its top (the heading) stays reachable.
    const headingTop = await page.getByTestId('line-stop').evaluate((stop) => {
      stop.scrollTop = 0;
      return stop.querySelector('h1')!.getBoundingClientRect().top;
    });
    expect(headingTop).toBeGreaterThanOrEqual(0);
    await page.setViewportSize(SMALL);
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
    await shot(page, 'station-line-cleared-1024-zh-CN');
    // Longer than a refusal's flash stays (4 s): nothing red came back.
    await page.waitForTimeout(5_000);
    expect(await page.evaluate(() => (window as unknown as { redSeen: string[] }).redSeen)).toEqual(
      [],
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('device settings behind a supervisor badge, their controls reachable at every size', async () => {
    const page = await open();
    await page.getByTestId('settings').click();
    await page.getByTestId('settings-locked').waitFor();
    expect(await page.getByTestId('test-printer').count()).toBe(0);
    await walkScreen(page, 'settings-locked', ['settings-badge', 'settings-unlock', 'settings']);
    // An operator's badge does not open them.
    await page.getByTestId('settings-badge').fill(plant.operator);
    await page.getByTestId('settings-unlock').click();
    await page.getByTestId('settings-refusal').waitFor();
    expect(await page.getByTestId('test-printer').count()).toBe(0);
    await page.getByTestId('settings-badge').fill(plant.supervisor);
    await page.getByTestId('settings-unlock').click();
    await page.getByTestId('test-scanner').waitFor();
    expect(await page.content()).not.toContain(plant.supervisor);
    await walkScreen(page, 'settings', [
      'lang-zh',
      'lang-en',
      'tab-scanner',
      'tab-station',
      'save-settings',
      'test-scanner',
      'settings',
    ]);
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
  }, 90_000);

  it('every button the production screen offers succeeds, in Chinese; logged out, none is offered that would be refused', async () => {
    const fresh = await releasedOrder(plant, 2);
    await waitForOrderState(production, fresh.code, ['released']);
    const page = await open(LAPTOP);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('main').click();
    production.scan(plant.operator);
    await expect.poll(() => page.getByTestId('notice').getAttribute('data-key')).toBe('logged_in');
    await scanExpect(page, production, fresh.code, 'accepted');
    for (const resource of fresh.resources)
      await scanExpect(page, production, resource.code, 'accepted');
    await page.getByTestId('unit-done-assembly').waitFor();
    // Each enabled button in the work area, pressed in turn as an operator trying them would.
    const working = await pressOffered(page, 'production', 'main section.work');
    expect(working.pressed.length).toBeGreaterThan(0);
    expect(working.refused).toEqual([]);
    // The operator walks away: the order stays on screen, its buttons wait for a badge.
    await page.getByTestId('log-out').click();
    await page
      .getByTestId('operator')
      .getByText(/工牌|badge/)
      .waitFor();
    const away = await pressOffered(page, 'production-logged-out', 'main');
    expect(away.refused).toEqual([]);
    expect(problems).toEqual([]);
    expect(englishOnChineseScreens, 'English on Chinese station screens').toEqual([]);
    await page.close();
  }, 90_000);
});
