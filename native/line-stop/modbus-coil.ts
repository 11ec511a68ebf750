import modbusSerial from 'modbus-serial';

// A CommonJS package whose types declare an ES default: the class is `.default` both ways.
const ModbusRTU = modbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;
import type { LineStopConfigOf } from '#core/devices/line-stop-config.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import type { LineSignal, LineStopOutput } from './line-stop.ts';

const log = nativeLog('line-stop:modbus');

/*
 * A PLC's coil over Modbus TCP. Each signal is written, then read back: a PLC that
 * accepted the write but holds another value (a program overriding it, a wrong address)
 * is an error, not a success. When the PLC does not answer, the signal fails (the station
 * shows it) and a retry keeps going in the background until the coil holds the line's
 * state, reconnecting each time, so a PLC that comes back stops (or frees) the line it
 * was asked to.
 */
export class ModbusCoil implements LineStopOutput {
  readonly description: string;
  #client: ModbusRTU | undefined;
  #current: LineSignal | undefined;
  #wanted: LineSignal | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  #recovered: ((signal: LineSignal) => void)[] = [];

  constructor(private readonly config: LineStopConfigOf<'modbus-coil'>) {
    this.description = `PLC coil ${config.coil} at ${config.host}:${config.port} (unit ${config.unitId})`;
  }

  signal(signal: LineSignal): Promise<void> {
    this.#wanted = signal;
    this.#stopRetrying();
    return this.#serialised(async () => {
      try {
        await this.#apply(signal);
      } catch (error) {
        this.#retryLater();
        throw error;
      }
    });
  }

  current(): LineSignal | undefined {
    return this.#current;
  }

  onRecovered(listener: (signal: LineSignal) => void): void {
    this.#recovered.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopRetrying();
    await this.#queue.catch(() => undefined);
    this.#drop();
  }

  /** One request at a time on the connection: a retry never crosses a fresh signal. */
  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.catch(() => undefined).then(work);
    this.#queue = next;
    return next;
  }

  async #apply(signal: LineSignal): Promise<void> {
    const value = signal === 'stop' ? this.config.stopValue : !this.config.stopValue;
    const reused = this.#client?.isOpen === true;
    try {
      await this.#writeAndVerify(signal, value);
    } catch (error) {
      this.#drop();
      if (error instanceof DeviceError) throw error;
      // A kept connection may have died with a PLC restart: one more try on a fresh one.
      if (reused) {
        try {
          await this.#writeAndVerify(signal, value);
          return;
        } catch (again) {
          this.#drop();
          if (again instanceof DeviceError) throw again;
          throw this.#unreachable(signal, again);
        }
      }
      throw this.#unreachable(signal, error);
    }
  }

  async #writeAndVerify(signal: LineSignal, value: boolean): Promise<void> {
    const { coil } = this.config;
    const client = await this.#connect();
    await client.writeCoil(coil, value);
    const readBack = await client.readCoils(coil, 1);
    if (readBack.data[0] !== value) {
      throw new DeviceError(
        'write-failed',
        `The PLC took the ${signal} signal but coil ${coil} reads ${String(readBack.data[0])}, not ${String(value)}: check the address and the PLC program.`,
      );
    }
    this.#current = signal;
    log('%s: coil %d = %s, read back', signal, coil, value);
  }

  #unreachable(signal: LineSignal, error: unknown): DeviceError {
    // modbus-serial rejects with plain objects as well as Errors.
    const reason = (error as { message?: unknown } | undefined)?.message;
    return new DeviceError(
      'unreachable',
      `The PLC at ${this.config.host}:${this.config.port} did not take the ${signal} signal (${typeof reason === 'string' ? reason : messageOf(error)}); the line stays ${signal === 'stop' ? 'stopped' : 'as shown'} on screen, retrying every ${this.config.retryMs / 1000} s.`,
      { cause: error },
    );
  }

  #retryLater(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      const wanted = this.#wanted;
      if (!wanted || this.#closed) return;
      void this.#serialised(async () => {
        // A newer signal may have arrived meanwhile (and succeeded): nothing to redo then.
        if (this.#wanted !== wanted || this.#current === wanted) return;
        try {
          await this.#apply(wanted);
          for (const listener of this.#recovered) listener(wanted);
        } catch (error) {
          log('retry %s: %s', wanted, messageOf(error));
          this.#retryLater();
        }
      });
    }, this.config.retryMs);
    this.#retry.unref();
  }

  #stopRetrying(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #connect(): Promise<ModbusRTU> {
    if (this.#client?.isOpen) return this.#client;
    this.#drop();
    const client = new ModbusRTU();
    client.setTimeout(this.config.timeoutMs);
    await client.connectTCP(this.config.host, { port: this.config.port });
    client.setID(this.config.unitId);
    this.#client = client;
    return client;
  }

  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    if (client) client.close(() => undefined);
  }
}
