import type { DeviceError } from '../device-error.ts';

/*
 * The small interface every serial device driver uses (after node-serialport's own
 * bindings): list ports, open one, get a connection with data, write, close. The real one
 * (node-serial-binding.ts) wraps `serialport`; memory-serial-binding.ts is the test double with the same interface.
 */
export interface SerialPortInfo {
  path: string;
  /** Hex as the OS reports it ("0c2e"); undefined for ports that are not USB. */
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
}

export interface SerialConnection {
  readonly path: string;
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Called once when the connection ends; with `disconnected: true` when the port went away. */
  onClose(listener: (error?: DeviceError) => void): void;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialBinding {
  list(): Promise<SerialPortInfo[]>;
  open(options: SerialOpenOptions): Promise<SerialConnection>;
}

/** A sentence for why a port could not be opened, with what to do about it. */
