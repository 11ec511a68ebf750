import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, headless and quiet: no network chatter of its own, no GPU. */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh browser profile (its own cookies) at a viewport, speaking `locale`. */
export async function newTab(
  browser: Browser,
  baseURL: string,
  options: { viewport?: { width: number; height: number }; locale?: 'en' | 'zh-CN' } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const locale = options.locale ?? 'en';
  const context = await browser.newContext({
    baseURL,
    ignoreHTTPSErrors: true,
    viewport: options.viewport ?? DESKTOP,
    locale,
    deviceScaleFactor: 1,
  });
  // The portal remembers the language; start each profile in the one asked for.
  await context.addInitScript((value) => localStorage.setItem('ordertrace.locale', value), locale);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // CSP violations and uncaught errors fail the tests that check `problems`.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
