import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '#server/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { launchChromium } from '../portal/browser.ts';
import { releasedOrder, startPlant, type E2ePlant, type E2eStation } from './station-plant.ts';
import { scanExpect, waitForOrderState } from './station-ui.ts';

/*
 * docs/design.md: decisions are local and keep working when the network is down. The server is
 * stopped, the operator works on (a line stop included, which survives a station restart),
 * the server comes back, and every decision arrives exactly once.
 */
describe('a station without its server', () => {
  let plant: E2ePlant;
  let browser: Browser;
  let station: E2eStation;
  let page: Page;
  let revived: RunningServer | undefined;

  beforeAll(async () => {
    plant = await startPlant();
    station = await plant.station('production');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await revived?.close();
    await plant?.stop();
  }, 30_000);

  const linkOk = () => page.getByTestId('link').getAttribute('data-ok');
  const outbox = async () =>
    Number(await page.getByTestId('outbox').locator('strong').textContent());

  it('decides offline, keeps a line stop across a restart, and syncs everything once when the server is back', async () => {
    const order = await releasedOrder(plant);
    const other = await releasedOrder(plant);
    await waitForOrderState(station, order.code, ['released']);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(station.url);
    await page.getByTestId('main').waitFor();

    await plant.server.close();
    station.scan(plant.operator);
    await scanExpect(page, station, order.code, 'accepted');
    await expect.poll(linkOk, { timeout: 15_000 }).toBe('false');
    const started = Date.now();
    for (const resource of order.resources)
      await scanExpect(page, station, resource.code, 'accepted');
    // Local decisions: the whole order in far less than one network timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
    await scanExpect(page, station, order.resources[0]!.code, 'already_consumed');
    await scanExpect(page, station, other.resources[0]!.code, 'line_stop');
    await page.getByTestId('line-stop').waitFor();
    expect(await outbox()).toBeGreaterThan(order.resources.length);

    // Power cut at the station: the line stays stopped after the restart.
    await station.restart();
    await page.goto(station.url);
    await page.getByTestId('line-stop').waitFor();
    await scanExpect(page, station, order.resources[1]!.code, 'line_stopped');
    station.scan(plant.supervisor);
    // The page learns who, never the badge code (a credential).
    await expect.poll(() => page.getByTestId('supervisor-read').textContent()).toBe('Chen 陈');
    expect(await page.content()).not.toContain(plant.supervisor);
    await page.getByTestId('clear-reason').fill('Offline check: bin mix-up');
    await page.getByTestId('clear-line').click();
    await page.getByTestId('line-stop').waitFor({ state: 'detached' });
    const recorded = station.running.station.state().sync.outboxDepth;

    const port = new URL(plant.server.url).port;
    revived = await startServer(
      loadServerConfig({
        flags: { port, host: '127.0.0.1', 'data-dir': plant.server.dataDir, 'log-level': 'silent' },
        env: {},
        cwd: plant.server.dataDir,
      }),
      { logger: pino({ level: 'silent' }) },
    );
    await expect.poll(outbox, { timeout: 30_000 }).toBe(0);
    await expect.poll(linkOk, { timeout: 15_000 }).toBe('true');

    const events = await revived.context.storage.db
      .selectFrom('events')
      .select(['seq', 'type', 'verdict'])
      .where('station_id', '=', station.running.station.state().station.id)
      .orderBy('seq')
      .execute();
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.length).toBeGreaterThanOrEqual(recorded);
    expect(events.filter((event) => event.verdict === 'line_stop')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'line.cleared')).toHaveLength(1);
    const consumed = await revived.context.storage.db
      .selectFrom('resources')
      .select('consumed_at')
      .where(
        'code',
        'in',
        order.resources.map((resource) => resource.code),
      )
      .execute();
    expect(consumed.every((row) => row.consumed_at !== null)).toBe(true);
  }, 90_000);
});
