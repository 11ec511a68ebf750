import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialScannerConfigSchema } from '#core/devices/scanner-config.ts';
import { createNodeSerialBinding } from '#native/serial/node-serial-binding.ts';
import { SerialScanner } from '#native/serial/serial-scanner.ts';
import { socatPair, type SocatPair } from './socat-pair.ts';
import { record, waitFor } from './wait.ts';

/*
 * The serial scanner against real ptys: socat stands in for the scanner and its cable,
 * the real SerialPort reads the other end. Killing socat is pulling the plug.
 */
let pair: SocatPair;
let scanner: SerialScanner | undefined;

beforeEach(async () => {
  pair = await socatPair();
});
afterEach(async () => {
  await scanner?.close();
  scanner = undefined;
  await pair.dispose();
});

function open(options: Record<string, unknown> = {}) {
  const config = serialScannerConfigSchema.parse({
    kind: 'serial',
    path: pair.port,
    reconnectIntervalMs: 50,
    suffixTimeoutMs: 200,
    ...options,
  });
  scanner = new SerialScanner(config, createNodeSerialBinding());
  const seen = record(scanner);
  return { scanner, seen };
}

const send = (data: string | Uint8Array) => writeFileSync(pair.device, data);

describe('serial scanner over a pty pair', () => {
  it('reads scans with AIM identifiers and GS, suffix removed', async () => {
    const { scanner, seen } = open();
    await scanner.open();
    expect(scanner.status().state).toBe('connected');
    send(']C1010950110153000310ABC\u001d2110\r]Q1RD7K2M9QX4T\r');
    await waitFor(() => seen.scans.length === 2, 'two scans');
    expect(seen.scans[0]).toMatchObject({
      raw: ']C1010950110153000310ABC\u001d2110',
      parsed: { kind: 'gs1', valid: true, gs1: { '10': 'ABC', '21': '10' } },
      source: pair.port,
    });
    expect(seen.scans[1]?.symbology?.name).toBe('QR Code');
  });

  it('with suffix none, ends a scan after the inter-byte timeout', async () => {
    const { scanner, seen } = open({ suffix: 'none', interByteTimeoutMs: 30 });
    await scanner.open();
    send('PK0001');
    await waitFor(() => seen.scans.length === 1, 'a scan ended by silence');
    expect(seen.scans[0]?.raw).toBe('PK0001');
  });

  it('suppresses a double read of the same code', async () => {
    const { scanner, seen } = open({ doubleReadWindowMs: 5000 });
    await scanner.open();
    send('RD123\rRD123\rRD456\r');
    await waitFor(() => seen.scans.length === 2, 'two scans');
    expect(seen.scans.map((scan) => scan.raw)).toEqual(['RD123', 'RD456']);
  });

  it('records binary noise as an error, stays connected, and reads the next scan', async () => {
    const { scanner, seen } = open();
    await scanner.open();
    send(Uint8Array.from([0x00, 0xff, 0xfe, 0x13, 0x11, 0x80, 0x0d]));
    send('RD123\r');
    await waitFor(() => seen.scans.length === 1, 'the scan after the noise');
    expect(seen.errors.map((error) => error.code)).toEqual(['noise']);
    expect(scanner.status()).toMatchObject({
      state: 'connected',
      lastError: expect.stringMatching(/not a barcode/),
    });
  });

  it('drops a 10,000-character burst as one recorded error', async () => {
    const { scanner, seen } = open();
    await scanner.open();
    send(`${'8'.repeat(10_000)}\rRD123\r`);
    await waitFor(() => seen.scans.length === 1, 'the scan after the burst');
    expect(seen.errors.map((error) => error.code)).toEqual(['overlong']);
    expect(seen.errors[0]?.message).toMatch(/10000 characters/);
  });

  it('reports a scanner that never sends its suffix', async () => {
    const { scanner, seen } = open();
    await scanner.open();
    send('RD123');
    await waitFor(() => seen.errors.length === 1, 'the no-suffix error');
    expect(seen.errors[0]).toMatchObject({
      code: 'no-suffix',
      message: expect.stringMatching(/without the CR suffix/),
    });
    expect(seen.scans).toEqual([]);
  });

  it('waits when unplugged mid-read and reads again when plugged back', async () => {
    const { scanner, seen } = open();
    await scanner.open();
    send('RD12');
    // Give socat a moment to pass the half read on before the plug is pulled.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pair.unplug();
    await waitFor(() => scanner.status().state === 'waiting', 'the waiting status');
    expect(scanner.status().message).toMatch(/unplugged.*Waiting for it to come back/);
    expect(seen.errors.map((error) => error.code)).toEqual(['no-suffix', 'disconnected']);
    expect(seen.errors[1]?.disconnected).toBe(true);

    await pair.plug();
    await waitFor(() => scanner.status().state === 'connected', 'the reconnect');
    send('RD456\r');
    await waitFor(() => seen.scans.length === 1, 'a scan after the replug');
    expect(seen.scans[0]?.raw).toBe('RD456');
    expect(seen.states).toEqual(['connected', 'connected', 'waiting', 'connected']);
  });

  it('waits for a port that is not there yet, without repeating the same error', async () => {
    await pair.unplug();
    const { scanner, seen } = open();
    await scanner.open();
    expect(scanner.status()).toMatchObject({
      state: 'waiting',
      message: expect.stringMatching(/is not there/),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.errors).toHaveLength(1);
    await pair.plug();
    await waitFor(() => scanner.status().state === 'connected', 'the scanner to appear');
  });
});
