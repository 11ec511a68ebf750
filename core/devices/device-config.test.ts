import { describe, expect, it } from 'vitest';
import { describeConfigIssues } from './config-error.ts';
import { parseHexBytes } from './hex-bytes.ts';
import { lineStopConfigSchema } from './line-stop-config.ts';
import { printerConfigSchema } from './printer-config.ts';
import { scannerConfigSchema } from './scanner-config.ts';
import { scannerLikeness } from './scanner-likeness.ts';
import { formatVidPid, parseVidPid, usbIdFromText } from './usb-id.ts';

describe('USB ids', () => {
  it('compares vendor and product ids case-insensitively, with or without 0x', () => {
    expect(parseVidPid('0C2E:0b61')).toEqual({ vendorId: 0x0c2e, productId: 0x0b61 });
    expect(parseVidPid('0x0c2e:0X0B61')).toEqual({ vendorId: 0x0c2e, productId: 0x0b61 });
    expect(usbIdFromText('0C2E')).toBe(usbIdFromText('0c2e'));
    expect(formatVidPid({ vendorId: 0x16c0, productId: 0x5df })).toBe('16c0:05df');
  });

  it('refuses what is not VID:PID', () => {
    for (const text of ['0c2e', '0c2e:', 'zz:0001', '0c2e:0b61:1', '12345:1']) {
      expect(parseVidPid(text)).toBeUndefined();
    }
  });
});

describe('scanner config', () => {
  it('fills in the defaults most scanners ship with', () => {
    const config = scannerConfigSchema.parse({ kind: 'serial', path: '/dev/ttyUSB0' });
    expect(config).toMatchObject({
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      suffix: 'cr',
      doubleReadWindowMs: 750,
    });
  });

  it('accepts usb ids as hex text, the way lsusb prints them', () => {
    const config = scannerConfigSchema.parse({
      kind: 'hid',
      vendorId: '0C2E',
      productId: '0x0b61',
    });
    expect(config).toMatchObject({ vendorId: 0x0c2e, productId: 0x0b61, mode: 'auto' });
  });

  it('names the option that is wrong', () => {
    const result = scannerConfigSchema.safeParse({
      kind: 'serial',
      path: '/dev/x',
      baudRate: 9601,
    });
    expect(result.success).toBe(false);
    const issues = describeConfigIssues('scanner', result.error?.issues ?? []);
    expect(issues).toEqual([
      {
        option: 'baudRate',
        message: expect.stringMatching(/^scanner option 'baudRate': baudRate must be one of/),
      },
    ]);
  });

  it('needs a path or usb ids for a serial scanner', () => {
    const result = scannerConfigSchema.safeParse({ kind: 'serial' });
    expect(result.error?.issues[0]?.path).toEqual(['path']);
  });

  it('refuses unknown options and unknown kinds', () => {
    expect(
      scannerConfigSchema.safeParse({ kind: 'serial', path: '/dev/x', baud: 9600 }).success,
    ).toBe(false);
    expect(scannerConfigSchema.safeParse({ kind: 'bluetooth' }).success).toBe(false);
  });
});

describe('printer and line-stop config', () => {
  it('defaults a ZPL printer to port 9100 with a status query', () => {
    expect(printerConfigSchema.parse({ kind: 'zpl-tcp', host: '10.0.0.9' })).toMatchObject({
      port: 9100,
      statusQuery: true,
    });
  });

  it('refuses a CUPS printer name with spaces', () => {
    expect(printerConfigSchema.safeParse({ kind: 'cups', printer: 'Label Printer' }).success).toBe(
      false,
    );
  });

  it('validates relay commands as hex and the HID relay board defaults', () => {
    const serial = lineStopConfigSchema.safeParse({
      kind: 'serial-relay',
      path: '/dev/ttyUSB1',
      commands: { stop: 'A0 01 01 A2', clear: 'zz' },
    });
    expect(serial.error?.issues[0]?.path).toEqual(['commands', 'clear']);
    expect(lineStopConfigSchema.parse({ kind: 'hid-relay', relays: { red: 1 } })).toMatchObject({
      vendorId: 0x16c0,
      productId: 0x05df,
    });
  });

  it('turns hex commands into bytes', () => {
    expect([...parseHexBytes('A0 01 01 A2')]).toEqual([0xa0, 0x01, 0x01, 0xa2]);
    expect([...parseHexBytes('a0:01:00:a1')]).toEqual([0xa0, 0x01, 0x00, 0xa1]);
    expect(() => parseHexBytes('A0 1')).toThrow(/not hex bytes/);
  });
});

describe('scanner likeness', () => {
  it('recognises HID POS, scanner vendors, and plain keyboards', () => {
    expect(scannerLikeness({ vendorId: 1, usagePage: 0x8c, usage: 2 }).looksLikeScanner).toBe(true);
    expect(scannerLikeness({ vendorId: 0x0c2e, usagePage: 1, usage: 6 })).toMatchObject({
      looksLikeScanner: true,
      why: expect.stringMatching(/keyboard-mode scanner/),
    });
    expect(scannerLikeness({ vendorId: 0x046d, usagePage: 1, usage: 6 }).looksLikeScanner).toBe(
      false,
    );
    expect(scannerLikeness({}).why).toMatch(/not a USB device/);
  });
});
