import { describe, expect, it } from 'vitest';
import { DeviceOptionError } from './device-error.ts';
import { FakeHidBinding } from './hid/fake-hid-device.ts';
import { HidScanner } from './hid/hid-scanner.ts';
import { openPrinter } from './open-printer.ts';
import { openScanner } from './open-scanner.ts';
import { CupsPrinter } from './printers/cups-printer.ts';
import { DryRunPrinter } from './printers/dry-run-printer.ts';
import { ZplTcpPrinter } from './printers/zpl-tcp-printer.ts';
import { FakeScanner } from './scanner/fake-scanner.ts';
import { MemorySerialBinding } from './serial/memory-serial-binding.ts';
import { SerialScanner } from './serial/serial-scanner.ts';

describe('composition: one config picks the implementation', () => {
  it('opens a serial or HID scanner from its config', async () => {
    const serial = await openScanner(
      { kind: 'serial', path: '/dev/ttyUSB0' },
      { serial: new MemorySerialBinding() },
    );
    expect(serial).toBeInstanceOf(SerialScanner);
    expect(serial.status().state).toBe('waiting');
    await serial.close();
    const hid = await openScanner(
      { kind: 'hid', vendorId: '0c2e', productId: '0b61' },
      { hid: new FakeHidBinding() },
    );
    expect(hid).toBeInstanceOf(HidScanner);
    await hid.close();
  });

  it('names the option that is wrong', async () => {
    await expect(
      openScanner({ kind: 'serial', path: '/dev/ttyUSB0', suffix: 'esc' }),
    ).rejects.toSatisfy(
      (error) =>
        error instanceof DeviceOptionError &&
        error.option === 'suffix' &&
        /scanner option 'suffix'/.test(error.message),
    );
    expect(() => openPrinter({ kind: 'zpl-tcp', host: 'zebra', port: 70_000 })).toThrow(
      /printer option 'port'/,
    );
  });

  it('leaves keyboard-wedge scanners to the UI', async () => {
    await expect(openScanner({ kind: 'keyboard-wedge' })).rejects.toThrow(/read by the station UI/);
  });

  it('picks the printer by kind', () => {
    expect(openPrinter({ kind: 'cups', printer: 'Zebra' })).toBeInstanceOf(CupsPrinter);
    expect(openPrinter({ kind: 'zpl-tcp', host: '10.0.0.9' })).toBeInstanceOf(ZplTcpPrinter);
    expect(openPrinter({ kind: 'dry-run' })).toBeInstanceOf(DryRunPrinter);
  });
});

describe("fake scanner (the station tests' double)", () => {
  it('delivers scans parsed the way the real scanners do', async () => {
    const scanner = new FakeScanner();
    const scans: string[] = [];
    scanner.on('scan', (scan) => scans.push(`${scan.parsed.kind}:${scan.symbology?.name ?? '-'}`));
    await scanner.open();
    scanner.scan(']C1010950110153000310ABC');
    expect(scans).toEqual(['gs1:GS1-128']);
    expect(scanner.status().state).toBe('connected');
  });
});
