import type { DeviceError } from '../device-error.ts';

/*
 * What the station sees of a label printer. labels/ renders a label as PDF or ZPL; the
 * station asks the printer which it accepts and sends that.
 */
export type LabelDocument =
  | { format: 'pdf'; data: Uint8Array; title?: string }
  | { format: 'zpl'; data: string; title?: string };

export interface PrintResult {
  printer: string;
  /** The spooler's job id, where there is a spooler. */
  jobId?: string;
}

export interface PrinterStatus {
  ready: boolean;
  /** A sentence for the person at the station. */
  message: string;
  problem?: DeviceError['code'];
}

export interface LabelPrinter {
  readonly description: string;
  readonly accepts: LabelDocument['format'] | 'any';
  /** Rejects with a DeviceError whose message says what to do (switch on, load labels …). */
  print(document: LabelDocument): Promise<PrintResult>;
  status(): Promise<PrinterStatus>;
}
