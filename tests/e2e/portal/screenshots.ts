/*
 * Screenshots of the main screens at desktop and phone sizes in both languages, against a
 * running demo server: `npx ordertrace demo seed --data-dir D && DATA_DIR=D npx ordertrace
 * server --port 9444`, then `npx tsx tests/e2e/portal/screenshots.ts [https://127.0.0.1:9444]`.
 * Writes PNGs to /tmp/portal-shots/ (docs/portal.md).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, launchChromium, logIn, newTab } from './browser.ts';

const base = process.argv[2] ?? 'https://127.0.0.1:9444';
const out = process.env.SHOTS_DIR ?? '/tmp/portal-shots';
const password = 'ordertrace-demo';
mkdirSync(out, { recursive: true });

type Shot = (page: Page) => Promise<unknown>;
const customerScreens: Record<string, Shot> = {
  catalog: async (page) => {
    await page.goto('/catalog');
    await page.getByTestId('products').locator('article').first().waitFor();
  },
  'catalog-cart': async (page) => {
    await page.goto('/catalog');
    const cards = page.getByTestId('products').locator('article');
    await cards.first().waitFor();
    await cards.nth(0).getByTestId('add').click();
    await cards.nth(1).getByTestId('similar').check();
    await cards.nth(1).getByTestId('differences').fill('180 cm wide, 胡桃木');
    await cards.nth(1).getByTestId('add-similar').click();
    await page.getByTestId('cart').scrollIntoViewIfNeeded();
  },
  'order-print': async (page) => {
    await openOrderInState(page, 'shipped');
    await page.emulateMedia({ media: 'print' });
  },
  orders: async (page) => {
    await page.emulateMedia({ media: 'screen' });
    await page.goto('/orders');
    await page.getByTestId('order-link').first().waitFor();
  },
  'order-choice': async (page) => openOrderInState(page, 'awaiting_choice'),
  'order-shipped': async (page) => openOrderInState(page, 'shipped'),
  'order-production': async (page) => openOrderInState(page, 'in_production'),
  receipt: async (page) => {
    await page.goto('/receipt');
    await page.getByTestId('package-input').fill('PKRDAAAAAAAA00011');
    await page.getByTestId('check-package').click();
    await page.getByTestId('receipt-problem').waitFor();
  },
};
const officeScreens: Record<string, Shot> = Object.fromEntries(
  [
    'queue',
    'orders',
    'products',
    'stations',
    'badges',
    'exceptions',
    'dashboard',
    'labels',
    'export',
  ].map((name) => [
    `office-${name}`,
    async (page: Page) => {
      await page.goto(`/office/${name}`);
      await page.waitForLoadState('networkidle');
    },
  ]),
);
officeScreens['office-queue-new-product'] = async (page) => {
  await page.goto('/office/queue');
  await page.getByTestId('new-product-1').first().click();
  await page.getByTestId('bom-row').first().waitFor();
};
officeScreens['office-menu'] = async (page) => {
  await page.goto('/office/queue');
  const toggle = page.getByTestId('menu-toggle');
  if (await toggle.isVisible()) await toggle.click();
};
officeScreens['office-trace'] = async (page) => {
  await page.goto('/office/orders?');
  const response = await page.request.get('/api/v1/orders?state=shipped');
  const { orders } = (await response.json()) as { orders: { code: string }[] };
  await page.goto(`/office/trace?code=${orders[0]?.code ?? ''}`);
  await page.getByTestId('trace-result').waitFor();
};

async function openOrderInState(page: Page, state: string) {
  const response = await page.request.get('/api/v1/orders');
  const { orders } = (await response.json()) as { orders: { id: string; state: string }[] };
  const wanted =
    state === 'in_production' ? ['in_production', 'released', 'produced', 'packed'] : [state];
  const order = orders.find((o) => wanted.includes(o.state));
  await page.goto(`/orders/${order?.id ?? ''}`);
  await page.getByTestId('state').waitFor();
  await page.waitForTimeout(400); // barcodes draw after bwip-js loads
}

const browser = await launchChromium();
try {
  for (const [who, email, screens] of [
    ['customer', 'wang.fang@demo.ordertrace', customerScreens],
    ['office', 'admin@demo.ordertrace', officeScreens],
  ] as const) {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const { context, page, problems } = await newTab(browser, base, { viewport, locale });
        if (who === 'customer') {
          await page.goto('/login');
          await page.getByTestId('email').waitFor();
          await page.screenshot({ path: `${out}/login-${size}-${locale}.png`, fullPage: true });
        }
        await logIn(page, email, password);
        for (const [name, shot] of Object.entries(screens)) {
          try {
            await shot(page);
            await page.screenshot({
              path: `${out}/${who}-${name}-${size}-${locale}.png`,
              fullPage: true,
            });
          } catch (error) {
            console.error(`${who} ${name} ${size} ${locale}:`, (error as Error).message);
          }
        }
        if (problems.length) console.error(who, size, locale, problems);
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
}
console.warn(`screenshots in ${out}`);
