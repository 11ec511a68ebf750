import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandReply, LabelPreview } from '#core/api/station-api.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { addSsccBlocks } from '#db/sscc-store.ts';
import { runCommand, stationCommands } from '#station/service/command-map.ts';
import { fakeZebra, zebraPrinterSetting, type FakeZebra } from '../native/fake-zebra.ts';
import {
  byTypeAndData,
  decodeImage,
  withTempDir,
  zplSymbols,
  type Decoded,
} from '../labels/zbar.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * The packing station prints unit labels (a lost or damaged one) through its configured
 * printer, and previews every label it prints: the preview is drawn from the same layout
 * as what the printer got. Here the printer is a Zebra stand-in on loopback (real TCP, real
 * ~HS), the preview is rasterised (resvg) and decoded (zbarimg), and its symbols must be
 * exactly the barcodes of the ZPL the printer received.
 */
let fixture: ReturnType<typeof stationFixture> | undefined;
let zebra: FakeZebra | undefined;
afterEach(async () => {
  await fixture?.close();
  await zebra?.close();
  fixture = undefined;
  zebra = undefined;
});

/** A packing station printing to the fake Zebra (set by a supervisor, as on the floor). */
async function packingWithZebra(state = 'produced') {
  zebra = await fakeZebra();
  fixture = stationFixture('packing', state);
  const f = fixture;
  await f.station.start();
  f.station.login(f.supervisor);
  const saved = await f.station.saveSettings({ printer: zebraPrinterSetting(zebra) });
  expect(saved).toMatchObject({ ok: true });
  f.station.login(f.operator);
  return { f, zebra, commands: stationCommands(f.station) };
}

/** The preview as a person sees it: rasterised at 300 dpi and read by zbar. */
async function previewSymbols(preview: LabelPreview): Promise<Decoded[]> {
  const png = new Resvg(preview.svg, {
    fitTo: { mode: 'zoom', value: 300 / 25.4 },
    font: { loadSystemFonts: false },
    background: '#ffffff',
  })
    .render()
    .asPng();
  return withTempDir(async (dir) => {
    const file = join(dir, 'preview.png');
    await writeFile(file, png);
    return (await decodeImage(file)).sort(byTypeAndData);
  });
}

const previewOf = async (commands: ReturnType<typeof stationCommands>) => {
  const reply = await runCommand(commands, 'labelPreview', {});
  if (!reply.ok || !reply.preview) throw new Error(`no preview: ${JSON.stringify(reply)}`);
  return reply.preview;
};

describe('unit labels from the packing station', () => {
  it('prints a unit’s label on the station’s printer, records it, and previews exactly what was sent', async () => {
    const { f, zebra, commands } = await packingWithZebra();
    const unit = f.units[0]!;
    const reply = await runCommand(commands, 'printUnitLabel', { unit: ` ${unit.toLowerCase()} ` });
    expect(reply).toMatchObject({
      ok: true,
      state: { lastLabel: { id: 1, kind: 'unit', code: unit, format: 'zpl' } },
    });
    const [zpl] = await zebra.waitForLabels(1);
    expect(zpl).toContain(`^FD${unit}^FS`);
    expect(zpl).toContain(`^FDMA,${unit}^FS`);
    expect(zpl).toContain('^FD桌子 Table^FS');
    expect(f.events().at(-1)?.body).toEqual({
      type: 'label.printed',
      code: unit,
      reprintReason: null,
    });
    const preview = await previewOf(commands);
    expect(preview).toMatchObject({ id: 1, kind: 'unit', code: unit, format: 'zpl' });
    const seen = await previewSymbols(preview);
    expect(seen).toEqual(zplSymbols(zpl!));
    expect(seen).toEqual([
      { type: 'CODE-128', data: unit, gs1: false },
      { type: 'QR-Code', data: unit, gs1: false },
    ]);
  });

  it('previews the package label it printed on closing: SSCC and package code as sent', async () => {
    const { f, zebra, commands } = await packingWithZebra();
    addSsccBlocks(f.db(), [{ companyPrefix: '9521234', first: 500, count: 10 }], new Date());
    f.station.scan(f.units[0]!);
    f.station.scan(f.units[1]!);
    expect(await runCommand(commands, 'closePackage', {})).toMatchObject({ ok: true });
    const [zpl] = await zebra.waitForLabels(1);
    const preview = await previewOf(commands);
    const pkg = mintOrderScopedCode('package', f.order, 1);
    expect(preview).toMatchObject({ kind: 'package', code: pkg });
    const seen = await previewSymbols(preview);
    expect(seen).toEqual(zplSymbols(zpl!));
    const sscc = seen.find((symbol) => symbol.gs1)?.data.slice(2);
    expect(sscc).toMatch(/^[0-9]{18}$/);
    expect(f.events().find((e) => e.body.type === 'package.closed')?.body).toMatchObject({
      package: pkg,
      sscc,
    });
    expect(seen.filter((symbol) => symbol.data === pkg).map((s) => s.type)).toEqual([
      'CODE-128',
      'QR-Code',
    ]);
  });

  it('refuses what it must not print, prints nothing and records nothing', async () => {
    const { f, zebra, commands } = await packingWithZebra();
    const before = f.events().length;
    const refusal = async (input: unknown) => {
      const reply: CommandReply = await runCommand(commands, 'printUnitLabel', input);
      return reply.ok ? 'ok' : reply.error.key;
    };
    expect(await refusal({ unit: mintOrderScopedCode('unit', f.order, 40) })).toBe('unknown_code');
    expect(await refusal({ unit: mintOrderScopedCode('unit', f.other, 1) })).toBe('unknown_code');
    expect(await refusal({ unit: f.ownPackage })).toBe('wrong_kind');
    expect(await refusal({ unit: f.units[0]!.slice(0, -1) + 'Q' })).toBe('misread');
    expect(await refusal({ unit: '' })).toBe('misread');
    expect(await refusal({})).toBe('invalid_input');
    expect(await refusal({ unit: 'x'.repeat(65) })).toBe('invalid_input');
    f.station.logout();
    expect(await refusal({ unit: f.units[0] })).toBe('operator_required');
    expect(f.events().length).toBe(before);
    expect(zebra.labels()).toEqual([]);
    expect(f.station.state().lastLabel).toBeNull();
    expect(await runCommand(commands, 'labelPreview', {})).toMatchObject({
      ok: true,
      preview: null,
    });
  });

  it('refuses a unit of a cancelled order, and at a station of another role', async () => {
    const { f, commands } = await packingWithZebra('cancelled');
    expect(await runCommand(commands, 'printUnitLabel', { unit: f.units[0] })).toMatchObject({
      ok: false,
      error: { key: 'order_state', params: { state: 'cancelled' } },
    });
    const shipping = stationFixture('shipping', 'produced');
    try {
      expect(await shipping.station.printUnitLabel(shipping.units[0]!)).toMatchObject({
        ok: false,
        error: { key: 'wrong_role' },
      });
    } finally {
      await shipping.close();
    }
  });

  it('says why when the printer cannot be reached, records no print and keeps the last preview', async () => {
    const { f, zebra, commands } = await packingWithZebra();
    expect(await runCommand(commands, 'printUnitLabel', { unit: f.units[0] })).toMatchObject({
      ok: true,
    });
    await zebra.close();
    const before = f.events().length;
    const reply = await runCommand(commands, 'printUnitLabel', { unit: f.units[1] });
    expect(reply).toMatchObject({ ok: false, error: { key: 'print_failed' } });
    expect(f.events().length).toBe(before);
    expect(await previewOf(commands)).toMatchObject({ id: 1, code: f.units[0] });
  });
});
