import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Verdict } from '#core/events/station-events.ts';
import type { E2eStation } from './station-plant.ts';

/** Station screenshots: ORDERTRACE_SCREENS_DIR when set (docs/screens), else the temp dir. */
export const SHOTS_DIR = process.env.ORDERTRACE_SCREENS_DIR ?? '/tmp/station-shots';

/** The seq of the newest scan on screen (0 for none). */
const topSeq = (page: Page) =>
  page.evaluate(() =>
    Number(document.querySelector('[data-testid="last-scans"] li')?.getAttribute('data-seq') ?? 0),
  );

/**
 * Read `text` in by `read` and wait for the UI to show the verdict of exactly this read: the
 * newest entry of "last scans" must be new and carry `verdict`.
 */
async function readExpect(
  page: Page,
  how: string,
  text: string,
  verdict: Verdict,
  read: () => unknown,
): Promise<void> {
  const before = await topSeq(page);
  await read();
  await page.waitForFunction(
    (prior) =>
      Number(
        document.querySelector('[data-testid="last-scans"] li')?.getAttribute('data-seq') ?? 0,
      ) > prior,
    before,
    { timeout: 10_000 },
  );
  const shown = await page
    .locator('[data-testid="last-scans"] li')
    .first()
    .getAttribute('data-verdict');
  if (shown !== verdict)
    throw new Error(`${how} ${JSON.stringify(text)} gave ${shown}, expected ${verdict}`);
}

/** Scan through the serial pty; the UI must show `verdict` for exactly this scan. */
export const scanExpect = (page: Page, station: E2eStation, text: string, verdict: Verdict) =>
  readExpect(page, 'scanning', text, verdict, () => station.scan(text));

/**
 * A keyboard-wedge scanner: keys typed in a burst and Enter, with no field focused; the
 * UI's burst detector must turn them into one scan with `verdict`. The keys are dispatched
 * in the page in one go, as a scanner's burst arrives (a few ms for the whole code):
 * typing them one by one over the DevTools protocol spaced them by up to 100 ms on a busy
 * machine, which the detector rightly reads as a person typing, not a scanner.
 */
export const wedgeExpect = (page: Page, text: string, verdict: Verdict) =>
  readExpect(page, 'typing', text, verdict, () =>
    page.evaluate((keys) => {
      (document.activeElement as HTMLElement | null)?.blur();
      for (const key of [...keys, 'Enter'])
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    }, text),
  );

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
}

/** Wait until the station's own replica shows the order in `state` (sync pulled it). */
export async function waitForOrderState(
  station: E2eStation,
  order: string,
  states: string[],
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = station.running.station.replica.order(order);
    if (row && states.includes(row.state)) return;
    if (Date.now() > deadline)
      throw new Error(
        `order ${order} at the ${station.role} station is ${row?.state ?? 'missing'}, not ${states.join('/')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
