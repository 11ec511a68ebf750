import type { Message, MessageKey } from '#core/api/station-api.ts';
import type { ScanEffect, Verdict } from '#core/events/station-events.ts';

/** What the station does after an accepted scan (recorded as the event's effect); refusals change nothing. */
export type ScanAction = ScanEffect;

/** A rule's answer to one scan: the verdict, the order the code names, and why, as a message. */
export interface Outcome {
  verdict: Verdict;
  scannedOrder: string | null;
  message: Message;
  action?: ScanAction;
  /** Shipping: this refusal also blocks dispatch until someone takes the package away. */
  blocksDispatch?: boolean;
}

export function outcome(
  verdict: Verdict,
  scannedOrder: string | null | undefined,
  key: MessageKey,
  params: Message['params'] = {},
  action?: ScanAction,
): Outcome {
  return {
    verdict,
    scannedOrder: scannedOrder ?? null,
    message: { key, params },
    ...(action ? { action } : {}),
  };
}
