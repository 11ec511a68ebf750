import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { scannerCommand } from '#cli/commands/scanner.ts';
import { listDevices } from '#native/devices/list-devices.ts';
import { DeviceError } from '#native/device-error.ts';
import { MemorySerialBinding } from '#native/serial/memory-serial-binding.ts';
import { FakeHidBinding } from '#native/hid/fake-hid-device.ts';
import { socatPair, type SocatPair } from './socat-pair.ts';
import { waitFor } from './wait.ts';
import { ORDERTRACE_BIN as BIN, runOrdertrace } from '../cli/run-ordertrace.ts';

/* `ordertrace devices` and `ordertrace scanner listen`, run as a technician runs them. */

const ordertrace = runOrdertrace;

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('listing devices', () => {
  it('lists serial ports and HID interfaces with ids and a scanner guess', async () => {
    const serial = new MemorySerialBinding();
    serial.plug({
      path: '/dev/ttyACM0',
      vendorId: '0C2E',
      productId: '0B61',
      manufacturer: 'Honeywell',
    });
    const hid = new FakeHidBinding();
    hid.plug({
      vendorId: 0x0c2e,
      productId: 0x0b61,
      path: '/dev/hidraw1',
      usagePage: 0x8c,
      usage: 2,
      release: 1,
      interface: 1,
    });
    hid.plug({
      vendorId: 0x046d,
      productId: 0xc31c,
      path: '/dev/hidraw0',
      usagePage: 1,
      usage: 6,
      release: 1,
      interface: 0,
    });
    const entries = await listDevices({ serial, hid, printers: async () => [] });
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'serial',
        path: '/dev/ttyACM0',
        vendorId: '0c2e',
        productId: '0b61',
        looksLikeScanner: true,
      }),
      expect.objectContaining({
        kind: 'hid',
        path: '/dev/hidraw1',
        usagePage: '008c',
        looksLikeScanner: true,
      }),
      expect.objectContaining({
        kind: 'hid',
        path: '/dev/hidraw0',
        vendorId: '046d',
        looksLikeScanner: false,
      }),
    ]);
  });

  it('says which kind is unavailable and why, and still lists the others', async () => {
    const serial = new MemorySerialBinding();
    serial.plug({ path: '/dev/ttyS0' });
    const hid = {
      devices: async () => {
        throw new DeviceError(
          'unavailable',
          'the node-hid native module cannot be loaded (is libusb-1.0-0 installed?)',
        );
      },
      open: async () => {
        throw new Error('unreachable');
      },
    };
    const entries = await listDevices({ serial, hid, printers: async () => [] });
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'serial', path: '/dev/ttyS0' }),
      { kind: 'hid', available: false, reason: expect.stringMatching(/libusb/) },
    ]);
  });

  it('ordertrace devices does not crash without udev or CUPS on PATH', async () => {
    const outcome = await ordertrace(['devices'], { ...process.env, PATH: '/nonexistent' });
    expect(outcome.code).toBe(0);
    const entries = lines(outcome.stdout);
    expect(entries).toContainEqual({
      kind: 'serial',
      available: false,
      reason: expect.stringMatching(/udevadm is missing/),
    });
    expect(entries).toContainEqual({
      kind: 'printer',
      available: false,
      reason: expect.stringMatching(/lpstat is not installed/),
    });
  });
});

describe('ordertrace scanner listen', () => {
  let pair: SocatPair | undefined;
  afterEach(async () => {
    await pair?.dispose();
    pair = undefined;
  });

  it('prints one JSON line per scan and reports rejected reads on stderr', async () => {
    pair = await socatPair();
    const device = pair.device;
    const child = spawn(process.execPath, [
      BIN,
      'scanner',
      'listen',
      '--serial',
      pair.port,
      '--baud',
      '9600',
      '--suffix',
      'crlf',
      '--count',
      '2',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => stderr.includes('connected'), 'the scanner to connect', 10_000);
      writeFileSync(device, Buffer.from([0x01, 0xff, 0x00, 0x0d, 0x0a]));
      writeFileSync(device, ']C1010950110153000310ABC\u001d2110\r\nRD7K2M9QX4T\r\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    const [gs1, own] = lines(stdout);
    expect(gs1).toMatchObject({
      raw: ']C1010950110153000310ABC\\x1d2110',
      symbology: { identifier: ']C1', name: 'GS1-128' },
      parsed: { kind: 'gs1', valid: true },
      source: pair.port,
    });
    expect(own).toMatchObject({ raw: 'RD7K2M9QX4T', parsed: { code: 'RD7K2M9QX4T' } });
    expect(stderr).toMatch(/rejected read: .*not a barcode/);
  });

  it('stops cleanly on SIGINT while waiting for a scanner that is not there', async () => {
    const child = spawn(process.execPath, [BIN, 'scanner', 'listen', '--hid', '0c2e:0B61']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => stderr.includes('waiting'), 'the waiting status', 10_000);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(stderr).toMatch(/waiting: the USB HID scanner 0c2e:0b61 is not plugged in/);
  });

  it('exits 2 on a usage error, naming the flag', async () => {
    const outcome = await ordertrace([
      'scanner',
      'listen',
      '--serial',
      '/dev/x',
      '--suffix',
      'esc',
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/--suffix must be one of cr, lf, crlf, tab, none/);
  });

  it.each([
    [[], /exactly one of --serial PATH or --hid VID:PID/],
    [['--hid', 'nonsense'], /--hid is VID:PID in hex/],
    [['--serial', '/dev/x', '--mode', 'pos'], /--mode is for --hid/],
    [['--hid', '0c2e:0b61', '--baud', '9600'], /--baud and --framing are for --serial/],
    [['--serial', '/dev/x', '--framing', '9X3'], /--framing is data bits, parity, stop bits/],
    [['--serial', '/dev/x', '--count', '0'], /--count starts at 1/],
  ])('refuses scanner listen %j', async (args, message) => {
    await expect(scannerCommand(['listen', ...args])).rejects.toThrow(message);
  });

  it('refuses an unknown action', async () => {
    await expect(scannerCommand(['watch'])).rejects.toThrow(/unknown scanner action 'watch'/);
  });
});
