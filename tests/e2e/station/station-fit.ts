import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { shot } from './station-ui.ts';

/*
 * Does a station screen fit a phone (issue 16: every screen at 390×844 in both languages)?
 * Shared by the walks of each role.
 */
export const PHONE = { width: 390, height: 844 } as const;

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
 * The screen as it is now, on a phone (390×844) in both languages: nothing clipped or wider
 * than the window, the controls named within its width (reached by scrolling down only).
 */
export async function fitsPhone(page: Page, what: string, testids: string[]): Promise<void> {
  const before = page.viewportSize();
  const current = await page.evaluate(() => document.documentElement.lang);
  await page.setViewportSize(PHONE);
  // The other language first: the page ends in the one it had.
  for (const language of current === 'en'
    ? (['zh-CN', 'en'] as const)
    : (['en', 'zh-CN'] as const)) {
    await setLanguage(page, language);
    await shot(page, `line-${what}-phone-${language}`);
    const wider = await widerThanWindow(page);
    // The boxes named in full: the assertion's own diff folds them into `{ …(2) }`.
    expect(wider, `${what} ${language}: ${JSON.stringify(wider)}`).toEqual([]);
    for (const testid of testids)
      expect(await withinWidth(page, testid), `${what}: ${testid} ${language}`).toBe(true);
  }
  if (before) await page.setViewportSize(before);
}

export async function setLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.lang);
  if (current !== language) await page.getByTestId('language').last().click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}
