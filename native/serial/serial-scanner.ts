import type { ScannerConfigOf } from '#core/devices/scanner-config.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import { ReconnectingScanner } from '../scanner/reconnecting-scanner.ts';
import type { SerialBinding, SerialConnection } from './serial-binding.ts';
import { describeUsbId, findPortByUsbId } from './find-serial-port.ts';

const log = nativeLog('serial');

/*
 * A scanner on a serial port (RS-232 or a USB virtual COM port). It keeps trying: when the
 * port is missing or goes away it waits and reopens it, by path or — when usb ids are
 * configured — by finding the port that has those ids now.
 */
export class SerialScanner extends ReconnectingScanner {
  #connection: SerialConnection | undefined;

  constructor(
    private readonly config: ScannerConfigOf<'serial'>,
    private readonly binding: SerialBinding,
  ) {
    super(
      config.usb
        ? `the serial scanner with ${describeUsbId(config.usb)}`
        : `the serial scanner on ${config.path}`,
      config,
    );
  }

  protected get connected(): boolean {
    return this.#connection !== undefined;
  }

  protected async disconnect(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }

  protected cannotOpen(caught: unknown): DeviceError {
    return new DeviceError('unavailable', `Cannot read ${this.description}: ${messageOf(caught)}`, {
      cause: caught,
    });
  }

  async #resolvePath(): Promise<string | DeviceError> {
    const { usb, path } = this.config;
    if (!usb) return path ?? '';
    const ports = await this.binding.list();
    const found = findPortByUsbId(ports, usb);
    if (found) return found.path;
    return new DeviceError('not-found', `No serial port with ${describeUsbId(usb)} is plugged in.`);
  }

  protected async connect(): Promise<void> {
    const path = await this.#resolvePath();
    if (path instanceof DeviceError) throw path;
    const { baudRate, dataBits, parity, stopBits } = this.config;
    const connection = await this.binding.open({ path, baudRate, dataBits, parity, stopBits });
    if (this.closed) {
      await connection.close();
      return;
    }
    this.#connection = connection;
    connection.onData((bytes) => this.core.pushBytes(bytes, path));
    connection.onClose((error) => this.#onClose(connection, error));
    this.core.setStatus('connected', `Reading ${this.description} (${path}).`);
  }

  #onClose(connection: SerialConnection, error?: DeviceError): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    if (!this.closed) log('%s closed%s', connection.path, error ? `: ${error.message}` : '');
    this.lost(
      error ??
        new DeviceError('disconnected', `The device on ${connection.path} closed the connection.`),
    );
  }
}
