import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';

/*
 * The line-stop output as the station drives it: `stop` turns the stack light red and
 * sounds the buzzer on a line stop; `clear` turns it green when a supervisor clears it;
 * `off` darkens it (station closed). Which board is wired is open-line-stop.ts's business.
 */
export type LineSignal = 'stop' | 'clear' | 'off';

/**
 * Why the light did not switch, as the technician reads it: a device error keeps its code;
 * anything else is a failed write, worded by `unexpected` from the cause's message.
 */
export function signalFailure(
  signal: LineSignal,
  error: unknown,
  unexpected: (cause: string) => string,
): DeviceError {
  const lead = `The line-stop light did not switch to ${signal}`;
  return error instanceof DeviceError
    ? new DeviceError(error.code, `${lead}: ${error.message}`, { cause: error })
    : new DeviceError('write-failed', `${lead}: ${unexpected(messageOf(error))}`, {
        cause: error,
      });
}

export interface LineStopOutput {
  readonly description: string;
  /** Rejects with a DeviceError saying what failed; the station must then show the stop on screen alone. */
  signal(signal: LineSignal): Promise<void>;
  /** The last signal the output accepted. */
  current(): LineSignal | undefined;
  close(): Promise<void>;
  /**
   * Outputs that keep retrying on their own (a PLC over the network) call this when a
   * signal that had failed finally holds, so the station's device status turns good again.
   */
  onRecovered?(listener: (signal: LineSignal) => void): void;
}
