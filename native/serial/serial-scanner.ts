import type { SerialScannerConfig } from '#core/devices/scanner-config.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import { ScannerCore } from '../scanner/scanner-core.ts';
import type { Scanner, ScannerEvents } from '../scanner/scanner.ts';
import type { SerialBinding, SerialConnection } from './serial-binding.ts';
import { describeUsbId, findPortByUsbId } from './find-serial-port.ts';

const log = nativeLog('serial');

/*
 * A scanner on a serial port (RS-232 or a USB virtual COM port). It keeps trying: when the
 * port is missing or goes away it waits and reopens it, by path or — when usb ids are
 * configured — by finding the port that has those ids now.
 */
export class SerialScanner implements Scanner {
  readonly description: string;
  readonly #core: ScannerCore;
  #connection: SerialConnection | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    private readonly config: SerialScannerConfig,
    private readonly binding: SerialBinding,
  ) {
    this.description = config.usb
      ? `the serial scanner with ${describeUsbId(config.usb)}`
      : `the serial scanner on ${config.path}`;
    this.#core = new ScannerCore(config, this.description);
  }

  async open(): Promise<void> {
    this.#closed = false;
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
    this.#core.setStatus('closed', `Stopped reading ${this.description}.`);
    this.#core.dispose();
  }

  status() {
    return this.#core.status();
  }

  errors() {
    return this.#core.errors();
  }

  on<E extends keyof ScannerEvents>(event: E, listener: (value: ScannerEvents[E]) => void) {
    return this.#core.listeners.on(event, listener);
  }

  async #resolvePath(): Promise<string | DeviceError> {
    const { usb, path } = this.config;
    if (!usb) return path ?? '';
    const ports = await this.binding.list();
    const found = findPortByUsbId(ports, usb);
    if (found) return found.path;
    return new DeviceError('not-found', `No serial port with ${describeUsbId(usb)} is plugged in.`);
  }

  async #connect(): Promise<void> {
    if (this.#closed || this.#connection) return;
    let path = this.config.path ?? '';
    try {
      const resolved = await this.#resolvePath();
      if (resolved instanceof DeviceError) throw resolved;
      path = resolved;
      const { baudRate, dataBits, parity, stopBits } = this.config;
      const connection = await this.binding.open({ path, baudRate, dataBits, parity, stopBits });
      if (this.#closed) {
        await connection.close();
        return;
      }
      this.#connection = connection;
      connection.onData((bytes) => this.#core.pushBytes(bytes, path));
      connection.onClose((error) => this.#onClose(connection, error));
      this.#core.setStatus('connected', `Reading ${this.description} (${path}).`);
    } catch (caught) {
      const error =
        caught instanceof DeviceError
          ? caught
          : new DeviceError(
              'unavailable',
              `Cannot read ${this.description}: ${messageOf(caught)}`,
              { cause: caught },
            );
      this.#waitAndRetry(error);
    }
  }

  #onClose(connection: SerialConnection, error?: DeviceError): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#core.endOfInput();
    if (this.#closed) return;
    log('%s closed%s', connection.path, error ? `: ${error.message}` : '');
    this.#waitAndRetry(
      error ??
        new DeviceError('disconnected', `The device on ${connection.path} closed the connection.`),
    );
  }

  /** Missing or unplugged is "waiting"; anything else (permission, busy) is "error". Both retry. */
  #waitAndRetry(error: DeviceError): void {
    this.#core.reportUnavailable(error);
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, this.config.reconnectIntervalMs);
  }
}
