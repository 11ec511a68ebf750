import { parseHexBytes } from '#core/devices/hex-bytes.ts';
import type { LineStopConfigOf } from '#core/devices/line-stop-config.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { nativeLog } from '../log.ts';
import type { SerialBinding, SerialConnection } from '../serial/serial-binding.ts';
import { signalFailure, type LineSignal, type LineStopOutput } from './line-stop.ts';

const log = nativeLog('line-stop:serial');

/*
 * A serial relay board or stack light controller: each state is a byte command from the
 * board's manual (hex in config). The port is opened on first use and reopened after an
 * unplug, so a board that was off at start still works once switched on.
 */
export class SerialRelay implements LineStopOutput {
  readonly description: string;
  readonly #commands: Partial<Record<LineSignal, Uint8Array>>;
  #connection: SerialConnection | undefined;
  #current: LineSignal | undefined;

  constructor(
    private readonly config: LineStopConfigOf<'serial-relay'>,
    private readonly binding: SerialBinding,
  ) {
    this.description = `serial relay on ${config.path}`;
    const { stop, clear, off } = config.commands;
    this.#commands = {
      stop: parseHexBytes(stop),
      clear: parseHexBytes(clear),
      ...(off ? { off: parseHexBytes(off) } : {}),
    };
  }

  async signal(signal: LineSignal): Promise<void> {
    const command = this.#commands[signal];
    if (!command) {
      log('no command configured for %s; nothing sent', signal);
      return;
    }
    try {
      const connection = await this.#open();
      await connection.write(command);
      this.#current = signal;
      log('%s: sent %s', signal, Buffer.from(command).toString('hex'));
    } catch (error) {
      await this.#drop();
      throw signalFailure(signal, error, (cause) => cause);
    }
  }

  current(): LineSignal | undefined {
    return this.#current;
  }

  async close(): Promise<void> {
    await this.#drop();
  }

  async #open(): Promise<SerialConnection> {
    if (this.#connection) return this.#connection;
    const { path, baudRate, dataBits, parity, stopBits } = this.config;
    const connection = await this.binding.open({ path, baudRate, dataBits, parity, stopBits });
    connection.onClose(() => {
      if (this.#connection === connection) this.#connection = undefined;
    });
    this.#connection = connection;
    return connection;
  }

  async #drop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close().catch((error: unknown) => log('close: %s', messageOf(error)));
  }
}
