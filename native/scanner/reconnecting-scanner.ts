import type { ScanReadingOptions } from '#core/devices/scanner-config.ts';
import { DeviceError } from '../device-error.ts';
import { ScannerCore } from './scanner-core.ts';
import type { Scanner, ScannerEvents } from './scanner.ts';

/*
 * What a scanner the station opens itself (serial, HID) does around its device: keep
 * trying. When the device is missing, refuses to open or goes away, it waits
 * reconnectIntervalMs and tries again until closed. A driver says only how to open its
 * device once, how to let go of it, and when it was lost; status, errors and scans are
 * its ScannerCore's.
 */
export abstract class ReconnectingScanner implements Scanner {
  protected readonly core: ScannerCore;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    readonly description: string,
    private readonly options: ScanReadingOptions,
  ) {
    this.core = new ScannerCore(options, description);
  }

  async open(): Promise<void> {
    this.#closed = false;
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.disconnect();
    this.core.setStatus('closed', `Stopped reading ${this.description}.`);
    this.core.dispose();
  }

  status() {
    return this.core.status();
  }

  errors() {
    return this.core.errors();
  }

  on<E extends keyof ScannerEvents>(event: E, listener: (value: ScannerEvents[E]) => void) {
    return this.core.listeners.on(event, listener);
  }

  /** close() was called (a device that opens after it must be closed again at once). */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** A device is open now, so there is nothing to connect. */
  protected abstract get connected(): boolean;

  /** Open the device once and feed `core` from it; throw when it cannot be opened. */
  protected abstract connect(): Promise<void>;

  /** Let go of the device on close(). */
  protected abstract disconnect(): Promise<void> | void;

  /** The error to report when connect() threw something that is not a DeviceError. */
  protected abstract cannotOpen(caught: unknown): DeviceError;

  /** The open device went away: a half-received read is reported, then it waits for it. */
  protected lost(error: DeviceError): void {
    this.core.endOfInput();
    if (this.#closed) return;
    this.#waitAndRetry(error);
  }

  async #connect(): Promise<void> {
    if (this.#closed || this.connected) return;
    try {
      await this.connect();
    } catch (caught) {
      this.#waitAndRetry(caught instanceof DeviceError ? caught : this.cannotOpen(caught));
    }
  }

  /** Missing or unplugged is "waiting"; anything else (permission, busy) is "error". Both retry. */
  #waitAndRetry(error: DeviceError): void {
    this.core.reportUnavailable(error);
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, this.options.reconnectIntervalMs);
  }
}
