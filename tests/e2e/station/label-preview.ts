import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { byTypeAndData, decodeImage, withTempDir, type Decoded } from '../../labels/zbar.ts';
import { fakeZebra, zebraPrinterSetting, type FakeZebra } from '../../native/fake-zebra.ts';
import type { E2ePlant, E2eStation } from './station-plant.ts';

/*
 * The packing station's label preview, checked as a person would: the image on screen is
 * photographed by Chromium at a printer-like resolution and read by zbar; its symbols must
 * be exactly the barcodes of the ZPL the printer received.
 */

/** A supervisor points the station's printer at a loopback Zebra (as Settings does). */
export async function printToZebra(plant: E2ePlant, station: E2eStation): Promise<FakeZebra> {
  const zebra = await fakeZebra();
  const running = station.running.station;
  const deadline = Date.now() + 15_000;
  while (!running.replica.badge(plant.supervisor)) {
    if (Date.now() > deadline) throw new Error('the supervisor badge never reached the station');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  running.login(plant.supervisor);
  const saved = await running.saveSettings({ printer: zebraPrinterSetting(zebra) });
  if (!saved.ok) throw new Error(`printer settings refused: ${JSON.stringify(saved.error)}`);
  running.logout();
  return zebra;
}

/**
 * Open the station in a tab at 4 device pixels per CSS pixel, wait for the preview of
 * `code`, photograph the image and decode it.
 */
export async function previewOnScreen(
  browser: Browser,
  station: E2eStation,
  code: string,
): Promise<Decoded[]> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 2000 },
    deviceScaleFactor: 4,
  });
  try {
    await page.goto(station.url);
    const preview = page.locator(`[data-testid="label-preview"][data-code="${code}"]`);
    await preview.waitFor({ timeout: 15_000 });
    const image = preview.getByTestId('label-preview-image');
    await image.evaluate((img: HTMLImageElement) => img.decode());
    const png = await image.screenshot();
    return await withTempDir(async (dir) => {
      const file = join(dir, 'preview.png');
      await writeFile(file, png);
      return (await decodeImage(file)).sort(byTypeAndData);
    });
  } finally {
    await page.close();
  }
}
