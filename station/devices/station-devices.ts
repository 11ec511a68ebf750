import { EventEmitter } from 'node:events';
import type { DeviceStatus, DeviceStatusKey, StationSettings } from '#core/api/station-api.ts';
import { messageOf } from '#core/errors/message-of.ts';
import type { LineSignal, LineStopOutput } from '#native/line-stop/line-stop.ts';
import type { LabelDocument, LabelPrinter, PrintResult } from '#native/printers/printer.ts';
import type { Scanner, ScannerStatus } from '#native/scanner/scanner.ts';

const status = (
  kind: string,
  ok: boolean,
  message: string,
  key: DeviceStatusKey,
  params: Record<string, string | number> = {},
): DeviceStatus => ({ kind, ok, message, said: { key, params: { device: kind, ...params } } });

/** A device that could not be opened: the station shows which, and why. */
const unavailable = (kind: string, device: string, error: unknown): DeviceStatus =>
  status(kind, false, `${kind} ${device} unavailable: ${messageOf(error)}`, 'device_unavailable', {
    problem: problemOf(error),
  });

/** A device error's code ('paper-out', 'not-found'), or 'unknown' for anything else thrown. */
function problemOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** A scanner state in words, by key; a problem (waiting, error) names its device error's code. */
const SCANNER_SAYS: Record<ScannerStatus['state'], DeviceStatusKey> = {
  connecting: 'scanner_connecting',
  connected: 'scanner_connected',
  waiting: 'scanner_waiting',
  error: 'scanner_error',
  closed: 'scanner_closed',
};

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
      'scanner_none',
    ),
    printer: status('none', false, 'No printer opened yet.', 'printer_not_opened'),
    lineStop: status('none', false, 'No line-stop output opened yet.', 'line_stop_not_opened'),
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
        'scanner_wedge',
      );
      return;
    }
    try {
      const { openScanner } = await import('#native/open-scanner.ts');
      const scanner = await openScanner(config);
      this.scanner = scanner;
      const show = () => {
        const s = scanner.status();
        this.statuses.scanner = status(
          config.kind,
          s.state === 'connected',
          s.message,
          SCANNER_SAYS[s.state],
          s.problem ? { problem: s.problem } : {},
        );
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
      this.statuses.printer = status(
        config.kind,
        ready.ready,
        ready.message,
        !ready.ready
          ? 'printer_problem'
          : config.kind === 'dry-run'
            ? 'printer_dry_run'
            : 'printer_ready',
        ready.problem ? { problem: ready.problem } : {},
      );
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
      this.statuses.lineStop = status(config.kind, true, output.description, 'line_stop_ready');
      output.onRecovered?.((signal) => {
        if (this.lineStop !== output) return;
        this.statuses.lineStop = status(
          config.kind,
          true,
          `${output.description}: ${signal}`,
          'line_stop_signal',
          { signal },
        );
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
        'printer_printed',
      );
      return result;
    } catch (error) {
      this.statuses.printer = status(
        this.statuses.printer.kind,
        false,
        messageOf(error),
        'printer_problem',
        { problem: problemOf(error) },
      );
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
      this.statuses.lineStop = status(
        kind,
        true,
        `${this.lineStop.description}: ${signal}`,
        'line_stop_signal',
        { signal },
      );
      return true;
    } catch (error) {
      this.statuses.lineStop = status(kind, false, messageOf(error), 'line_stop_problem', {
        problem: problemOf(error),
      });
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
