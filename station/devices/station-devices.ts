import { EventEmitter } from 'node:events';
import type { DeviceStatus, StationSettings } from '#core/api/station-api.ts';
import { messageOf } from '#core/errors/message-of.ts';
import type { LineSignal, LineStopOutput } from '#native/line-stop/line-stop.ts';
import type { LabelDocument, LabelPrinter, PrintResult } from '#native/printers/printer.ts';
import type { Scanner } from '#native/scanner/scanner.ts';

const status = (kind: string, ok: boolean, message: string): DeviceStatus => ({
  kind,
  ok,
  message,
});

/** A device that could not be opened: the station shows which, and why. */
const unavailable = (kind: string, device: string, error: unknown): DeviceStatus =>
  status(kind, false, `${kind} ${device} unavailable: ${messageOf(error)}`);

/**
 * The station's hardware, opened from its settings: one scanner, one label printer, one
 * line-stop output. Native modules are imported on demand, so a driver that cannot load
 * makes its device "unavailable, because …" on screen, and the station still runs (the UI's
 * keyboard-wedge fallback still scans, the screen still turns red).
 */
/** Reads the scanner could not frame as a barcode: recorded as misreads, never dropped. */
const UNREADABLE = new Set(['noise', 'overlong', 'no-suffix', 'incomplete']);

export class StationDevices extends EventEmitter<{
  scan: [string];
  unreadable: [string];
  status: [];
}> {
  private scanner: Scanner | undefined;
  private printer: LabelPrinter | undefined;
  private lineStop: LineStopOutput | undefined;
  private unsubscribe: (() => void)[] = [];
  readonly statuses: { scanner: DeviceStatus; printer: DeviceStatus; lineStop: DeviceStatus } = {
    scanner: status(
      'none',
      false,
      'No scanner configured: the keyboard-wedge fallback reads scans.',
    ),
    printer: status('none', false, 'No printer opened yet.'),
    lineStop: status('none', false, 'No line-stop output opened yet.'),
  };

  private changed(): void {
    this.emit('status');
  }

  async apply(settings: StationSettings): Promise<void> {
    await this.closeScanner();
    await this.lineStop?.close().catch(() => undefined);
    await this.openScanner(settings.scanner);
    await this.openPrinter(settings.printer);
    await this.openLineStop(settings.lineStop);
    this.changed();
  }

  private async openScanner(config: StationSettings['scanner']): Promise<void> {
    if (!config || config.kind === 'keyboard-wedge') {
      this.statuses.scanner = status(
        'keyboard-wedge',
        true,
        'Keyboard-wedge scanner: read by the station screen.',
      );
      return;
    }
    try {
      const { openScanner } = await import('#native/open-scanner.ts');
      const scanner = await openScanner(config);
      this.scanner = scanner;
      const show = () => {
        const s = scanner.status();
        this.statuses.scanner = status(config.kind, s.state === 'connected', s.message);
        this.changed();
      };
      this.unsubscribe.push(
        scanner.on('scan', (scan) => this.emit('scan', scan.raw)),
        scanner.on('status', show),
        scanner.on('error', (error) => {
          if (UNREADABLE.has(error.code))
            this.emit('unreadable', `${error.code}: ${error.message}`);
        }),
      );
      show();
    } catch (error) {
      this.statuses.scanner = unavailable(config.kind, 'scanner', error);
    }
  }

  private async openPrinter(config: StationSettings['printer']): Promise<void> {
    try {
      const { openPrinter } = await import('#native/open-printer.ts');
      this.printer = openPrinter(config);
      const ready = await this.printer.status();
      this.statuses.printer = status(config.kind, ready.ready, ready.message);
    } catch (error) {
      this.printer = undefined;
      this.statuses.printer = unavailable(config.kind, 'printer', error);
    }
  }

  private async openLineStop(config: StationSettings['lineStop']): Promise<void> {
    try {
      const { openLineStop } = await import('#native/open-line-stop.ts');
      const output = openLineStop(config);
      this.lineStop = output;
      this.statuses.lineStop = status(config.kind, true, output.description);
      output.onRecovered?.((signal) => {
        if (this.lineStop !== output) return;
        this.statuses.lineStop = status(config.kind, true, `${output.description}: ${signal}`);
        this.changed();
      });
    } catch (error) {
      this.lineStop = undefined;
      this.statuses.lineStop = unavailable(config.kind, 'line-stop output', error);
    }
  }

  async print(document: LabelDocument): Promise<PrintResult> {
    if (!this.printer) throw new Error(this.statuses.printer.message);
    try {
      const result = await this.printer.print(document);
      this.statuses.printer = status(
        this.statuses.printer.kind,
        true,
        `Printed on ${result.printer}.`,
      );
      return result;
    } catch (error) {
      this.statuses.printer = status(this.statuses.printer.kind, false, messageOf(error));
      throw error;
    } finally {
      this.changed();
    }
  }

  printerAccepts(): LabelDocument['format'] | 'any' {
    return this.printer?.accepts ?? 'any';
  }

  /** Drive the stack light; a failure is shown, never thrown: the screen shows the stop anyway. */
  async signal(signal: LineSignal): Promise<boolean> {
    const kind = this.statuses.lineStop.kind;
    if (!this.lineStop) return false;
    try {
      await this.lineStop.signal(signal);
      this.statuses.lineStop = status(kind, true, `${this.lineStop.description}: ${signal}`);
      return true;
    } catch (error) {
      this.statuses.lineStop = status(kind, false, messageOf(error));
      return false;
    } finally {
      this.changed();
    }
  }

  private async closeScanner(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.scanner?.close().catch(() => undefined);
    this.scanner = undefined;
  }

  async close(): Promise<void> {
    await this.closeScanner();
    await this.lineStop?.close().catch(() => undefined);
  }
}
