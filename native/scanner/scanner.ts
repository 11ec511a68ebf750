import type { ScanParse } from '#core/scan/parse-scan.ts';
import type { Symbology } from '#core/scan/symbology.ts';
import type { DeviceError } from '../device-error.ts';

/*
 * What the station sees of any scanner, serial or HID: scans, a status it can show, and
 * the errors it should record. Which kind is plugged in is open-scanner.ts's business.
 */
export type ScannerState = 'connecting' | 'connected' | 'waiting' | 'error' | 'closed';

export interface ScannerStatus {
  state: ScannerState;
  /** A sentence for the person at the station. */
  message: string;
  /** The device error that brought it to `waiting` or `error` (the UI words it in its language). */
  problem?: DeviceError['code'];
  /** The last read that was rejected, while the scanner itself is fine. */
  lastError?: string;
}

export interface Scan {
  /** What the scanner delivered, suffix removed, AIM identifier and GS kept. */
  raw: string;
  symbology?: Symbology;
  parsed: ScanParse;
  /** The device it came from: a port path or a HID path. */
  source: string;
  at: number;
}

export interface ScannerEvents extends Record<string, unknown> {
  scan: Scan;
  status: ScannerStatus;
  error: DeviceError;
}

export interface Scanner {
  readonly description: string;
  /** Start reading. Resolves after the first attempt, connected or waiting; never rejects. */
  open(): Promise<void>;
  close(): Promise<void>;
  status(): ScannerStatus;
  /** The most recent errors, oldest first (bounded). */
  errors(): readonly DeviceError[];
  on<E extends keyof ScannerEvents>(
    event: E,
    listener: (value: ScannerEvents[E]) => void,
  ): () => void;
}
