import { describe, expect, it } from 'vitest';
import { DeviceError } from '../device-error.ts';
import { escapeControls, readFrame } from './read-frame.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('readFrame', () => {
  it('passes the AIM identifier and GS through to parseScan', () => {
    const scan = readFrame(bytes(']C1010950110153000310ABC\u001d2110'), '/dev/ttyUSB0', 5);
    expect(scan).toMatchObject({
      raw: ']C1010950110153000310ABC\u001d2110',
      symbology: { identifier: ']C1', name: 'GS1-128', gs1: true },
      parsed: {
        kind: 'gs1',
        valid: true,
        gs1: { '01': '09501101530003', '10': 'ABC', '21': '10' },
      },
      source: '/dev/ttyUSB0',
      at: 5,
    });
  });

  it('calls binary noise noise, with what to check', () => {
    const error = readFrame(Uint8Array.from([0x00, 0xff, 0x13, 0x80, 0x41]), '/dev/ttyS0', 0);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('noise');
    expect((error as DeviceError).message).toMatch(
      /sent 5 bytes that are not a barcode.*baud rate/,
    );
  });

  it('calls bytes that are not UTF-8 noise', () => {
    expect((readFrame(Uint8Array.from([0x52, 0x44, 0xc3]), 'x', 0) as DeviceError).code).toBe(
      'noise',
    );
  });

  it('reads UTF-8 text from a QR code as a scan', () => {
    const scan = readFrame(Buffer.from(']Q1订单 RD1', 'utf8'), 'x', 0);
    expect(scan).toMatchObject({ raw: ']Q1订单 RD1', parsed: { valid: false } });
  });

  it('escapes control characters for one-line output', () => {
    expect(escapeControls('A\u001dB\r\n\u0000')).toBe('A\\x1dB\\x0d\\x0a\\x00');
  });
});
