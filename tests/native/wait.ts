import type { Scan, Scanner, ScannerState } from '../../native/scanner/scanner.ts';
import type { DeviceError } from '../../native/device-error.ts';

/** Poll until `check` holds; fail with `what` after timeoutMs. No fixed sleeps in tests. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Everything a scanner reports, collected for assertions. */
export function record(scanner: Scanner) {
  const scans: Scan[] = [];
  const errors: DeviceError[] = [];
  const states: ScannerState[] = [];
  scanner.on('scan', (scan) => scans.push(scan));
  scanner.on('error', (error) => errors.push(error));
  scanner.on('status', (status) => states.push(status.state));
  return { scans, errors, states };
}
