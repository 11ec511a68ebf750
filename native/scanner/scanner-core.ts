import type { ScanReadingOptions } from '#core/devices/scanner-config.ts';
import { createDoubleReadFilter } from '#core/scan/double-read.ts';
import { DeviceError } from '../device-error.ts';
import { Listeners } from '../listeners.ts';
import { nativeLog } from '../log.ts';
import { readFrame } from './read-frame.ts';
import { ScanFramer, type FrameEvent } from './scan-framer.ts';
import type { Scan, ScannerEvents, ScannerState, ScannerStatus } from './scanner.ts';

const log = nativeLog('scanner');
const KEPT_ERRORS = 50;

/*
 * What every scanner kind shares: status, the bounded error record, listeners, and the
 * path from bytes to scans (framing, noise check, double-read suppression). A driver owns
 * one and feeds it bytes (or whole reads, for HID POS) and connection changes.
 */
export class ScannerCore {
  readonly listeners = new Listeners<ScannerEvents>((error) => log('a listener threw: %O', error));
  #status: ScannerStatus;
  #errors: DeviceError[] = [];
  #framer: ScanFramer;
  #doubleRead;
  #source = '';

  constructor(
    private readonly options: ScanReadingOptions,
    description: string,
    private readonly now: () => number = Date.now,
  ) {
    this.#status = { state: 'connecting', message: `Looking for ${description}.` };
    this.#framer = new ScanFramer(options, (event) => this.#onFrame(event));
    this.#doubleRead = createDoubleReadFilter(options.doubleReadWindowMs);
  }

  status(): ScannerStatus {
    return this.#status;
  }

  errors(): readonly DeviceError[] {
    return this.#errors;
  }

  setStatus(state: ScannerState, message: string, problem?: DeviceError['code']): void {
    const changed = state !== this.#status.state || message !== this.#status.message;
    this.#status = problem ? { state, message, problem } : { state, message };
    if (!changed) return;
    log('%s: %s', state, message);
    this.listeners.emit('status', this.#status);
  }

  /** Record an error; a device-level one also changes the state it is given. */
  recordError(error: DeviceError, state?: ScannerState): void {
    this.#errors.push(error);
    if (this.#errors.length > KEPT_ERRORS) this.#errors.shift();
    log('error %s: %s', error.code, error.message);
    if (state) {
      this.setStatus(state, error.message, error.code);
    } else {
      this.#status = { ...this.#status, lastError: error.message };
      this.listeners.emit('status', this.#status);
    }
    this.listeners.emit('error', error);
  }

  /** Bytes from the device at `source` (a port or HID path). */
  pushBytes(bytes: Uint8Array, source: string): void {
    this.#source = source;
    this.#framer.push(bytes);
  }

  /** A whole read (or an overlong one) from a device that frames its own reads (HID POS). */
  pushFrame(event: FrameEvent, source: string): void {
    this.#source = source;
    if (event.kind === 'frame' && event.bytes.length > this.options.maxScanBytes) {
      this.#onFrame({ kind: 'overlong', length: event.bytes.length });
    } else if (event.kind !== 'frame' || event.bytes.length > 0) {
      this.#onFrame(event);
    }
  }

  /**
   * The device cannot be read now. Missing or unplugged is "waiting"; anything else
   * (permission, busy) is "error". The driver retries either way, and retrying every
   * second must not fill the record with the same sentence.
   */
  reportUnavailable(error: DeviceError): void {
    const waiting = error.code === 'not-found' || error.disconnected;
    const message = waiting
      ? `${error.message} Waiting for it to come back.`
      : `${error.message} Retrying.`;
    const state = waiting ? 'waiting' : 'error';
    if (this.#status.state === state && this.#status.message === message) return;
    this.recordError(new DeviceError(error.code, message, { cause: error }), state);
  }

  /** The connection ended: a half-received read is reported, not kept for the next one. */
  endOfInput(): void {
    this.#framer.flush();
  }

  dispose(): void {
    this.#framer.dispose();
    this.listeners.clear();
  }

  #onFrame(event: FrameEvent): void {
    const source = this.#source;
    if (event.kind === 'overlong') {
      this.recordError(
        new DeviceError(
          'overlong',
          `The scanner on ${source} sent ${event.length} characters in one read; no barcode is that long, so it was dropped. ` +
            'The scanner may be sending noise, or its suffix may be set differently.',
        ),
      );
      return;
    }
    if (event.kind === 'no-suffix') {
      this.recordError(
        new DeviceError(
          'no-suffix',
          `The scanner on ${source} sent ${event.bytes.length} characters without the ${this.options.suffix.toUpperCase()} suffix it is configured for; the read was dropped. ` +
            "Check the scanner's suffix setting.",
        ),
      );
      return;
    }
    const result = readFrame(event.bytes, source, this.now());
    if (result instanceof DeviceError) {
      this.recordError(result);
      return;
    }
    if (!this.#doubleRead.accept(result.raw, result.at)) {
      log('double read of %s suppressed', result.raw);
      return;
    }
    this.listeners.emit('scan', result satisfies Scan);
  }
}
