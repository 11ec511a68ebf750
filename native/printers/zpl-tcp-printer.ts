import type { Socket } from 'node:net';
import type { PrinterConfigOf } from '#core/devices/printer-config.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import type { LabelDocument, LabelPrinter, PrinterStatus, PrintResult } from './printer.ts';
import { queryHostStatus } from './query-host-status.ts';
import { connectWithTimeout } from './tcp-connect.ts';
import type { HostStatus } from './zebra-host-status.ts';

const log = nativeLog('printer:zpl');

/*
 * Raw ZPL to a Zebra-compatible printer on TCP port 9100 ("raw" or "JetDirect" printing).
 * Every step has a timeout, so a printer that is off, unplugged from the network, or
 * accepts the connection and never answers ends in a DeviceError that says so, never in
 * a hung station. Before printing it asks ~HS and refuses when the printer could not print.
 */
export function hostStatusProblem(where: string, status: HostStatus): DeviceError | undefined {
  if (status.paperOut)
    return new DeviceError(
      'paper-out',
      `The printer at ${where} is out of labels: load labels and close the head.`,
    );
  if (status.headUp)
    return new DeviceError(
      'head-open',
      `The printer at ${where} has its print head open: close it.`,
    );
  if (status.ribbonOut)
    return new DeviceError(
      'ribbon-out',
      `The printer at ${where} is out of ribbon: load a ribbon.`,
    );
  if (status.paused)
    return new DeviceError(
      'paused',
      `The printer at ${where} is paused: press PAUSE on the printer to resume.`,
    );
  return undefined;
}

export class ZplTcpPrinter implements LabelPrinter {
  readonly accepts = 'zpl';
  readonly description: string;
  readonly #where: string;

  constructor(private readonly config: PrinterConfigOf<'zpl-tcp'>) {
    this.#where = `${config.host}:${config.port}`;
    this.description = `ZPL printer at ${this.#where}`;
  }

  async print(document: LabelDocument): Promise<PrintResult> {
    if (document.format !== 'zpl') {
      throw new DeviceError(
        'wrong-format',
        `The ${this.description} prints ZPL labels, not ${document.format.toUpperCase()}.`,
      );
    }
    const socket = await this.#connect();
    try {
      if (this.config.statusQuery) {
        const problem = hostStatusProblem(
          this.#where,
          await queryHostStatus(socket, this.#where, this.config.replyTimeoutMs),
        );
        if (problem) throw problem;
      }
      await this.#send(socket, document.data);
      log('sent %d characters to %s', document.data.length, this.#where);
      return { printer: this.#where };
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  async status(): Promise<PrinterStatus> {
    let socket: Socket | undefined;
    try {
      socket = await this.#connect();
      const problem = hostStatusProblem(
        this.#where,
        await queryHostStatus(socket, this.#where, this.config.replyTimeoutMs),
      );
      return problem
        ? { ready: false, problem: problem.code, message: problem.message }
        : { ready: true, message: `The printer at ${this.#where} is ready.` };
    } catch (error) {
      const deviceError =
        error instanceof DeviceError ? error : new DeviceError('unreachable', String(error));
      return { ready: false, problem: deviceError.code, message: deviceError.message };
    } finally {
      socket?.destroy();
    }
  }

  #connect(): Promise<Socket> {
    return connectWithTimeout(this.config.host, this.config.port, this.config.connectTimeoutMs);
  }

  #send(socket: Socket, zpl: string): Promise<void> {
    const { replyTimeoutMs } = this.config;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new DeviceError(
            'timeout',
            `The printer at ${this.#where} did not take the label within ${replyTimeoutMs} ms.`,
          ),
        );
      }, replyTimeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new DeviceError(
            'write-failed',
            `Sending the label to ${this.#where} failed: ${error.message}`,
            { cause: error },
          ),
        );
      });
      socket.end(zpl, 'utf8', () => {
        clearTimeout(timer);
        // The label is with the kernel; let the printer close its end, or drop the socket
        // after the reply timeout. Neither keeps the station process alive.
        socket.resume();
        socket.setTimeout(replyTimeoutMs, () => socket.destroy());
        socket.unref();
        resolve();
      });
    });
  }
}
