import { parseScan } from '#core/scan/parse-scan.ts';
import { splitSymbology } from '#core/scan/symbology.ts';
import type { DeviceError } from '../device-error.ts';
import { Listeners } from '../listeners.ts';
import type { Scanner, ScannerEvents, ScannerStatus } from './scanner.ts';

/**
 * The test double of Scanner for the station's tests: scans, status changes and errors
 * happen when the test says so.
 */
export class FakeScanner implements Scanner {
  readonly description = 'fake scanner';
  readonly #listeners = new Listeners<ScannerEvents>((error) => {
    throw error;
  });
  #status: ScannerStatus = { state: 'connecting', message: 'Not opened yet.' };
  #errors: DeviceError[] = [];

  async open(): Promise<void> {
    this.setStatus({ state: 'connected', message: 'Reading the fake scanner.' });
  }

  async close(): Promise<void> {
    this.setStatus({ state: 'closed', message: 'Stopped reading the fake scanner.' });
  }

  status(): ScannerStatus {
    return this.#status;
  }

  errors(): readonly DeviceError[] {
    return this.#errors;
  }

  on<E extends keyof ScannerEvents>(event: E, listener: (value: ScannerEvents[E]) => void) {
    return this.#listeners.on(event, listener);
  }

  /** As if `raw` (suffix removed) had been scanned. */
  scan(raw: string, at = Date.now()): void {
    const { symbology } = splitSymbology(raw);
    this.#listeners.emit('scan', {
      raw,
      ...(symbology ? { symbology } : {}),
      parsed: parseScan(raw),
      source: 'fake',
      at,
    });
  }

  setStatus(status: ScannerStatus): void {
    this.#status = status;
    this.#listeners.emit('status', status);
  }

  fail(error: DeviceError): void {
    this.#errors.push(error);
    this.#listeners.emit('error', error);
  }
}
