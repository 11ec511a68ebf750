import { afterEach, describe, expect, it } from 'vitest';
import { serialScannerConfigSchema } from '#core/devices/scanner-config.ts';
import { record, waitFor } from './wait.ts';
import { MemorySerialBinding } from '#native/serial/memory-serial-binding.ts';
import { SerialScanner } from '#native/serial/serial-scanner.ts';

/* Discovery and replug by USB id, over the in-memory binding (ptys have no USB ids). */
let scanner: SerialScanner | undefined;
afterEach(async () => {
  await scanner?.close();
  scanner = undefined;
});

function open(binding: MemorySerialBinding, options: Record<string, unknown>) {
  const config = serialScannerConfigSchema.parse({
    kind: 'serial',
    reconnectIntervalMs: 20,
    ...options,
  });
  scanner = new SerialScanner(config, binding);
  return { scanner, seen: record(scanner) };
}

describe('serial scanner found by USB id', () => {
  it('finds the port by vendor and product id, case-insensitively', async () => {
    const binding = new MemorySerialBinding();
    binding.plug({ path: '/dev/ttyS0' });
    binding.plug({ path: '/dev/ttyACM0', vendorId: '0C2E', productId: '0B61' });
    const { scanner, seen } = open(binding, {
      usb: { vendorId: '0c2e', productId: '0b61' },
      baudRate: 115200,
    });
    await scanner.open();
    expect(scanner.status()).toMatchObject({
      state: 'connected',
      message: expect.stringMatching(/ttyACM0/),
    });
    expect(binding.opened[0]).toEqual({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
    });
    binding.send('/dev/ttyACM0', 'RD123\r');
    expect(seen.scans.map((scan) => scan.raw)).toEqual(['RD123']);
  });

  it('follows the scanner to its new path after a replug', async () => {
    const binding = new MemorySerialBinding();
    binding.plug({ path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61' });
    const { scanner, seen } = open(binding, { usb: { vendorId: 0x0c2e, productId: 0x0b61 } });
    await scanner.open();
    binding.unplug('/dev/ttyACM0');
    expect(scanner.status().state).toBe('waiting');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scanner.status().message).toMatch(/No serial port with USB id 0c2e:0b61/);
    binding.plug({ path: '/dev/ttyACM1', vendorId: '0c2e', productId: '0b61' });
    await waitFor(() => scanner.status().state === 'connected', 'the reconnect on the new path');
    binding.send('/dev/ttyACM1', 'RD456\r');
    expect(seen.scans.map((scan) => scan.source)).toEqual(['/dev/ttyACM1']);
  });

  it('reports a port in use as an error, not as waiting', async () => {
    const binding = new MemorySerialBinding();
    binding.plug({ path: '/dev/ttyUSB0' });
    await binding.open({
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
    });
    const { scanner } = open(binding, { path: '/dev/ttyUSB0' });
    await scanner.open();
    expect(scanner.status()).toMatchObject({
      state: 'error',
      message: expect.stringMatching(/in use/),
    });
  });

  it('closes cleanly and reports closed', async () => {
    const binding = new MemorySerialBinding();
    const { scanner } = open(binding, { path: '/dev/ttyUSB9' });
    await scanner.open();
    await scanner.close();
    expect(scanner.status().state).toBe('closed');
    binding.plug({ path: '/dev/ttyUSB9' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(binding.opened).toEqual([]);
  });
});
