import { afterEach, describe, expect, it } from 'vitest';
import { hidScannerConfigSchema } from '#core/devices/scanner-config.ts';
import { FakeHidBinding, FakeHidDevice } from '#native/hid/fake-hid-device.ts';
import { HidScanner } from '#native/hid/hid-scanner.ts';
import { record, waitFor } from './wait.ts';

/*
 * HID scanners at the device boundary: a fake device with node-hid's HID interface replays
 * recorded input reports (there is no hidraw device or /dev/uhid here).
 */
const HONEYWELL = { vendorId: 0x0c2e, productId: 0x0b61, release: 1, interface: 0 };
const KEYBOARD = { ...HONEYWELL, path: '/dev/hidraw0', usagePage: 0x01, usage: 0x06 };
const POS = { ...HONEYWELL, path: '/dev/hidraw1', interface: 1, usagePage: 0x8c, usage: 0x02 };

const SHIFT = 0x02;
const press = (usage: number, modifiers = 0) => [modifiers, 0, usage, 0, 0, 0, 0, 0];
const release = [0, 0, 0, 0, 0, 0, 0, 0];
/** "PK" then "0011" then "AA" then Enter, as a keyboard-mode scanner sends it. */
const WEDGE_SCAN = [
  press(0x13, SHIFT),
  release,
  press(0x0e, SHIFT),
  release, // P K
  press(0x27),
  release,
  press(0x27),
  release,
  press(0x1e),
  release,
  press(0x1e),
  release, // 0 0 1 1
  press(0x04, SHIFT),
  release,
  press(0x04, SHIFT),
  release, // A A
  press(0x28),
  release, // Enter
];

function posReport(data: string, aim: string, continued: boolean): number[] {
  const report = new Array<number>(64).fill(0);
  report[0] = 0x02;
  report[1] = data.length;
  [...aim].forEach((character, index) => (report[2 + index] = character.charCodeAt(0)));
  [...data].forEach((character, index) => (report[5 + index] = character.charCodeAt(0)));
  report[63] = continued ? 1 : 0;
  return report;
}

let scanner: HidScanner | undefined;
afterEach(async () => {
  await scanner?.close();
  scanner = undefined;
});

function open(binding: FakeHidBinding, options: Record<string, unknown> = {}) {
  const config = hidScannerConfigSchema.parse({
    kind: 'hid',
    vendorId: '0C2E',
    productId: '0b61',
    reconnectIntervalMs: 20,
    suffixTimeoutMs: 100,
    ...options,
  });
  scanner = new HidScanner(config, binding);
  return { scanner, seen: record(scanner) };
}

describe('HID keyboard-mode scanner', () => {
  it('decodes a wedge scan with shifted and repeated characters', async () => {
    const binding = new FakeHidBinding();
    binding.plug(KEYBOARD);
    const { scanner, seen } = open(binding, { mode: 'keyboard' });
    await scanner.open();
    expect(scanner.status().message).toMatch(/keyboard mode/);
    binding.opened[0]?.replay(WEDGE_SCAN);
    expect(seen.scans.map((scan) => scan.raw)).toEqual(['PK0011AA']);
  });

  it('reconnects after an unplug', async () => {
    const binding = new FakeHidBinding();
    binding.plug(KEYBOARD);
    const { scanner, seen } = open(binding, { mode: 'keyboard', doubleReadWindowMs: 0 });
    await scanner.open();
    binding.unplug(KEYBOARD.path);
    expect(scanner.status()).toMatchObject({
      state: 'waiting',
      message: expect.stringMatching(/unplugged/),
      // The station UI words the status by this code in its own language.
      problem: 'disconnected',
    });
    expect(seen.errors.at(-1)?.disconnected).toBe(true);
    expect(binding.opened[0]?.closed).toBe(true);
    binding.plug(KEYBOARD);
    await waitFor(() => scanner.status().state === 'connected', 'the reconnect');
    binding.opened[1]?.replay(WEDGE_SCAN);
    expect(seen.scans).toHaveLength(1);
  });
});

describe('HID POS scanner', () => {
  it('prefers the POS interface and joins a scan split across reports', async () => {
    const binding = new FakeHidBinding();
    binding.plug(KEYBOARD);
    binding.plug(POS);
    const { scanner, seen } = open(binding);
    await scanner.open();
    expect(scanner.status().message).toMatch(/HID POS, \/dev\/hidraw1/);
    const data = `010950110153000310${'A'.repeat(50)}\u001d21${'7'.repeat(60)}`;
    binding.opened[0]?.replay([
      posReport(data.slice(0, 56), ']C1', true),
      posReport(data.slice(56, 112), ']C1', true),
      posReport(data.slice(112), ']C1', false),
    ]);
    expect(seen.scans).toHaveLength(1);
    expect(seen.scans[0]).toMatchObject({
      raw: `]C1${data}`,
      symbology: { name: 'GS1-128' },
      parsed: { kind: 'gs1' },
    });
  });

  it('drops a read whose continuation never comes, and reads the next one', async () => {
    const binding = new FakeHidBinding();
    binding.plug(POS);
    const { scanner, seen } = open(binding, { mode: 'pos' });
    await scanner.open();
    binding.opened[0]?.replay([posReport('RD12', '', true)]);
    await waitFor(() => seen.errors.length === 1, 'the incomplete-read error');
    expect(seen.errors[0]?.code).toBe('incomplete');
    binding.opened[0]?.replay([posReport('RD7K2M9QX4T', ']C0', false)]);
    expect(seen.scans.map((scan) => scan.raw)).toEqual([']C0RD7K2M9QX4T']);
  });

  it('records binary noise from the device instead of crashing', async () => {
    const binding = new FakeHidBinding();
    binding.plug(POS);
    const { scanner, seen } = open(binding, { mode: 'pos' });
    await scanner.open();
    const noise = posReport('', '', false);
    noise[1] = 56;
    for (let index = 5; index < 61; index += 1) noise[index] = (index * 37) & 0xff;
    binding.opened[0]?.replay([noise, [0xff, 0x00], []]);
    expect(seen.errors.map((error) => error.code)).toEqual(['noise']);
    expect(scanner.status().state).toBe('connected');
  });

  it('waits for a scanner that is not plugged in', async () => {
    const binding = new FakeHidBinding();
    binding.plug(KEYBOARD);
    const { scanner } = open(binding, { mode: 'pos' });
    await scanner.open();
    expect(scanner.status()).toMatchObject({
      state: 'waiting',
      message: expect.stringMatching(/not plugged in \(or not in pos mode\)/),
    });
  });
});

describe('fake HID device', () => {
  it('records feature reports like node-hid and refuses them once closed', () => {
    const device = new FakeHidDevice();
    expect(device.sendFeatureReport([0, 0xff, 1])).toBe(3);
    device.close();
    expect(() => device.sendFeatureReport([0])).toThrow();
    expect(device.featureReports).toEqual([[0, 0xff, 1]]);
  });
});
