import { nativeLog } from '../log.ts';
import type { LabelDocument, LabelPrinter, PrinterStatus, PrintResult } from './printer.ts';

const log = nativeLog('printer:dry-run');

/** Prints nothing and keeps what it was given: stations without a printer, and tests. */
export class DryRunPrinter implements LabelPrinter {
  readonly accepts = 'any';
  readonly description = 'dry-run printer (prints nothing)';
  readonly printed: LabelDocument[] = [];

  async print(document: LabelDocument): Promise<PrintResult> {
    this.printed.push(document);
    log(
      'would print %s (%s, %d bytes)',
      document.title ?? 'a label',
      document.format,
      document.data.length,
    );
    return { printer: 'dry-run', jobId: `dry-run-${this.printed.length}` };
  }

  async status(): Promise<PrinterStatus> {
    return { ready: true, message: 'Dry run: labels are logged, not printed.' };
  }
}
