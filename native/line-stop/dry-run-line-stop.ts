import { nativeLog } from '../log.ts';
import type { LineSignal, LineStopOutput } from './line-stop.ts';

const log = nativeLog('line-stop:dry-run');

/** For stations without a stack light: logs each signal (DEBUG=ordertrace:native:*) and keeps them. */
export class DryRunLineStop implements LineStopOutput {
  readonly description = 'dry-run line-stop output (logs only)';
  readonly signals: LineSignal[] = [];

  async signal(signal: LineSignal): Promise<void> {
    this.signals.push(signal);
    log('line signal: %s', signal);
  }

  current(): LineSignal | undefined {
    return this.signals.at(-1);
  }

  async close(): Promise<void> {}
}
