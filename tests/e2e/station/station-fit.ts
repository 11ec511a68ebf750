import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { englishLeftDiff } from '../english-left.ts';
import { latinOnScreen } from '../latin-on-screen.ts';
import { shot } from './station-ui.ts';

/*
 * Does a station screen work at the line (issue 16)? Each screen the walks reach is looked at
 * at a 1366×768 laptop, a 1024×768 touch panel and a 390×844 phone, in Chinese and English:
 * shot, read for English left on the Chinese one, the operator's controls in view without
 * scrolling on the panels and within the width on the phone. Shared by the walks of each role.
 */
export const LAPTOP = { width: 1366, height: 768 } as const;
export const SMALL = { width: 1024, height: 768 } as const;
export const PHONE = { width: 390, height: 844 } as const;
const SIZES = [
  ['1366', LAPTOP],
  ['1024', SMALL],
  ['phone', PHONE],
] as const;

/** The element lies wholly inside the viewport (reachable without scrolling). */
export async function inView(page: Page, testid: string): Promise<boolean> {
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

/** The element lies within the window's width: reachable on a phone by scrolling down only. */
async function withinWidth(page: Page, testid: string): Promise<boolean> {
  return page
    .getByTestId(testid)
    .first()
    .evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
    });
}

/** Header items keep their words on one line: none is taller than two lines of its text. */
export const headerItemsWrapped = (page: Page) =>
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

/**
 * What is wider than its box on the page: the page itself, or a card or column inside it
 * (clipped, or scrolling sideways), each with by how many pixels. Empty: everything fits.
 */
const widerThanWindow = (page: Page) =>
  page.evaluate(() =>
    [
      { name: 'page', over: document.documentElement.scrollWidth - window.innerWidth },
      ...[...document.querySelectorAll('header, main, main section, main aside, .card')].map(
        (element) => ({
          name: `${element.tagName.toLowerCase()}[${element.getAttribute('data-testid') ?? ''}].${element.className}`,
          over: element.scrollWidth - element.clientWidth,
        }),
      ),
    ].filter((box) => box.over > 0),
  );

/**
 * English found on Chinese station screens beyond tests/e2e/english-left.ts, gathered over a
 * test file's walk (so one run lists them all); each file expects it empty at its end.
 */
export const englishOnChineseScreens: unknown[] = [];

/** Names in the e2e plant (station-plant.ts), the same in every language: people, the carrier. */
const PLANT_NAMES = new Set(['Zhao', 'Chen', 'SF', 'Express']);

/** The Chinese screen as it is now: English words on it go to `englishOnChineseScreens`. */
export async function readForEnglish(page: Page, screen: string): Promise<void> {
  const found = await latinOnScreen(page, PLANT_NAMES);
  const diff = englishLeftDiff(
    `station-${screen}`,
    found.map((f) => f.word),
  );
  if (diff.unlisted.length)
    englishOnChineseScreens.push({
      ...diff,
      where: found.filter((f) => diff.unlisted.includes(f.word)),
    });
}

export async function setLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.lang);
  if (current !== language) await page.getByTestId('language').last().click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}

/**
 * The screen as it is now, at each size in both languages (Chinese last): shot as
 * `station-NAME-SIZE-LANGUAGE.png`, read for English when Chinese; at 1366×768 and 1024×768
 * the controls `reach` wholly in view and the header's words unwrapped; at 390×844 nothing
 * wider than the window and the controls within its width (reached by scrolling down only).
 * Failures are soft: one run names every screen that does not fit. The page ends at the size
 * it had, in Chinese. A screen that lasts a moment only (units held for undo) is brought up by
 * `enter` before each look and put away by `leave` after it.
 */
export async function walkScreen(
  page: Page,
  name: string,
  reach: string[],
  moment: { enter?: () => Promise<void>; leave?: () => Promise<void> } = {},
): Promise<void> {
  const before = page.viewportSize();
  for (const language of ['en', 'zh-CN'] as const) {
    await setLanguage(page, language);
    // A verdict's flash covers the screen for a moment: the screen under it is walked.
    await page
      .getByTestId('verdict')
      .click({ timeout: 200 })
      .catch(() => undefined);
    for (const [size, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      const where = `${name} at ${size} in ${language}`;
      await moment.enter?.();
      await shot(page, `station-${name}-${size}-${language}`);
      if (language === 'zh-CN') await readForEnglish(page, name);
      if (size === 'phone') {
        const wider = await widerThanWindow(page);
        // The boxes named in full: the assertion's own diff folds them into `{ …(2) }`.
        expect.soft(wider, `${where}: ${JSON.stringify(wider)}`).toEqual([]);
        for (const testid of reach)
          expect.soft(await withinWidth(page, testid), `${where}: ${testid}`).toBe(true);
      } else {
        expect.soft(await headerItemsWrapped(page), `${where}: header`).toEqual([]);
        for (const testid of reach)
          expect.soft(await inView(page, testid), `${where}: ${testid} in view`).toBe(true);
      }
      await moment.leave?.();
    }
  }
  if (before) await page.setViewportSize(before);
}

/**
 * Every enabled button in `scope` (a CSS selector) pressed in turn, as an operator trying them
 * would: whatever each answers must be good news, a refusal is an action offered that fails
 * (issue 16). A Chinese screen is read for English after each press (the notices the station
 * words). What was pressed and what was refused, by test id and the notice's key.
 */
export async function pressOffered(
  page: Page,
  name: string,
  scope: string,
): Promise<{ pressed: string[]; refused: string[] }> {
  const pressed: string[] = [];
  const refused: string[] = [];
  // Commands under way (POST /api/commands/…): a press has its answer once none is.
  const commands = new Set<object>();
  const started = (request: { url(): string }) => {
    if (request.url().includes('/api/commands/')) commands.add(request);
  };
  const ended = (request: object) => commands.delete(request);
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  const frames = () =>
    page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
  try {
    for (let index = 0; index < 20; index++) {
      const buttons = page.locator(`${scope} button:enabled:visible`);
      if (index >= (await buttons.count())) break;
      const button = buttons.nth(index);
      const what = `${await button.getAttribute('data-testid')} "${(await button.textContent())?.trim()}"`;
      await button.click();
      pressed.push(what);
      await frames();
      await expect.poll(() => commands.size, { timeout: 20_000 }).toBe(0);
      await frames();
      const notice = page.getByTestId('notice');
      if ((await notice.count()) > 0 && !(await notice.getAttribute('class'))?.includes('ok'))
        refused.push(`${what}: ${await notice.getAttribute('data-key')}`);
      if ((await page.evaluate(() => document.documentElement.lang)) === 'zh-CN')
        await readForEnglish(page, `${name}-pressed`);
    }
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
  return { pressed, refused };
}
