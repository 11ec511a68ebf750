import { DeviceError } from '../device-error.ts';
import type {
  SerialBinding,
  SerialConnection,
  SerialOpenOptions,
  SerialPortInfo,
} from './serial-binding.ts';

/*
 * The test double of SerialBinding: ports that exist in memory. Tests plug and unplug
 * them, push bytes as if a scanner sent them, and read what a driver wrote.
 */
interface MemoryPort {
  info: SerialPortInfo;
  connection?: MemoryConnection;
  written: Uint8Array[];
}

class MemoryConnection implements SerialConnection {
  readonly #data: ((bytes: Uint8Array) => void)[] = [];
  readonly #close: ((error?: DeviceError) => void)[] = [];
  #open = true;

  constructor(
    readonly path: string,
    private readonly port: MemoryPort,
  ) {}

  onData(listener: (bytes: Uint8Array) => void) {
    this.#data.push(listener);
  }
  onClose(listener: (error?: DeviceError) => void) {
    this.#close.push(listener);
  }
  async write(bytes: Uint8Array) {
    if (!this.#open) throw new DeviceError('write-failed', `${this.path} is closed`);
    this.port.written.push(Uint8Array.from(bytes));
  }
  async close() {
    this.end();
  }
  receive(bytes: Uint8Array) {
    if (this.#open) for (const listener of this.#data) listener(bytes);
  }
  end(error?: DeviceError) {
    if (!this.#open) return;
    this.#open = false;
    this.port.connection = undefined;
    for (const listener of this.#close) listener(error);
  }
}

export class MemorySerialBinding implements SerialBinding {
  readonly #ports = new Map<string, MemoryPort>();
  readonly opened: SerialOpenOptions[] = [];

  plug(info: SerialPortInfo): void {
    this.#ports.set(info.path, { info, written: [] });
  }

  unplug(path: string): void {
    const port = this.#ports.get(path);
    this.#ports.delete(path);
    port?.connection?.end(
      new DeviceError('disconnected', `The device on ${path} was unplugged or switched off.`),
    );
  }

  /** Bytes arriving from the device at `path`. */
  send(path: string, bytes: Uint8Array | string): void {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    this.#ports.get(path)?.connection?.receive(data);
  }

  written(path: string): Uint8Array[] {
    return this.#ports.get(path)?.written ?? [];
  }

  async list(): Promise<SerialPortInfo[]> {
    return [...this.#ports.values()].map((port) => port.info);
  }

  async open(options: SerialOpenOptions): Promise<SerialConnection> {
    const port = this.#ports.get(options.path);
    if (!port) {
      throw new DeviceError(
        'not-found',
        `${options.path} is not there: the scanner or adapter is unplugged.`,
      );
    }
    if (port.connection)
      throw new DeviceError('open-failed', `${options.path} is in use by another program.`);
    this.opened.push(options);
    port.connection = new MemoryConnection(options.path, port);
    return port.connection;
  }
}
