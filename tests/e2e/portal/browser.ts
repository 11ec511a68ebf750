import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export type Locale = 'en' | 'zh-CN';

/*
 * The language of Chromium's own interface: what its native date and time fields show
 * (mm/dd/yyyy or 年/月/日) whatever the page's language. On Linux Chromium takes it from
 * LANGUAGE (not --lang), and speaks it only with its translations installed (Debian's
 * chromium-l10n, in .ci/run). A Chinese user's browser speaks Chinese, so the Chinese walks
 * run in a Chinese Chromium (docs/decisions/0013-native-date-fields.md).
 */
const INTERFACE_LANGUAGE: Record<Locale, string> = { en: 'en_US', 'zh-CN': 'zh_CN' };

/**
 * Debian's Chromium, headless and quiet: no network chatter of its own, no GPU; its own
 * interface in `interfaceLocale` (English unless asked).
 */
export const launchChromium = (
  extraArgs: string[] = [],
  interfaceLocale: Locale = 'en',
): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    env: { ...process.env, LANGUAGE: INTERFACE_LANGUAGE[interfaceLocale] },
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

/**
 * One Chromium per interface language, each launched when a tab first asks for it: an
 * English and a Chinese browser, as the people using the portal have.
 */
export class Chromiums {
  readonly #launched = new Map<Locale, Promise<Browser>>();

  for(locale: Locale): Promise<Browser> {
    let browser = this.#launched.get(locale);
    if (!browser) {
      browser = launchChromium([], locale);
      this.#launched.set(locale, browser);
    }
    return browser;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#launched.values()].map(async (browser) => (await browser).close()));
  }
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A fresh browser profile (its own cookies) at a viewport, speaking `locale`: in the
 * Chromium of that language when given a pair.
 */
export async function newTab(
  browser: Browser | Chromiums,
  baseURL: string,
  options: { viewport?: { width: number; height: number }; locale?: Locale } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const locale = options.locale ?? 'en';
  const chosen = browser instanceof Chromiums ? await browser.for(locale) : browser;
  const context = await chosen.newContext({
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
