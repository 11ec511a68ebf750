import { ORDER_STATES, type OrderState, type OrderStatus } from './state-machine.ts';

/*
 * Undoing a cancel (issue 16): a cancel takes effect at once (stations refuse the order's
 * scans as soon as they sync), and for a grace period after it the order can be put back
 * where it was. A cancel releases nothing — resources keep their codes, what was consumed
 * stays consumed, packages stay as they are — so putting the state back restores the order
 * exactly; nothing is handed out again. After the grace the cancel is final.
 */

/**
 * The states in which a customer may cancel their own order: before it is released to
 * production. Later, only staff can (the portal offers the button only when it will work).
 */
export const CUSTOMER_CANCELLABLE: ReadonlySet<OrderState> = new Set([
  'submitted',
  'matching',
  'awaiting_choice',
  'customer_service',
  'confirmed',
]);

/** How long after a cancel it can be undone. */
export const CANCEL_UNDO_MS = 10 * 60_000;

/** What a cancel recorded about the order (the audit line's detail). */
export interface CancelRecord {
  /** When the cancel took effect (ISO). */
  at: string;
  /** The state it was cancelled from, and where a held order had been held from. */
  from: string;
  heldFrom?: string | null | undefined;
}

export type Undo = { ok: true; status: OrderStatus } | { ok: false; reason: string };

const isState = (value: unknown): value is OrderState =>
  typeof value === 'string' && (ORDER_STATES as readonly string[]).includes(value);

/** The time until which a cancel can be undone. */
export const undoUntil = (at: string, graceMs = CANCEL_UNDO_MS): string =>
  new Date(Date.parse(at) + graceMs).toISOString();

/** The order's status once the cancel is undone at `now`, or why it cannot be. */
export function undoCancel(
  current: OrderState,
  cancel: CancelRecord | null,
  now: Date,
  graceMs = CANCEL_UNDO_MS,
): Undo {
  if (current !== 'cancelled' || !cancel)
    return { ok: false, reason: 'The order is not cancelled; there is nothing to undo.' };
  if (now.getTime() >= Date.parse(cancel.at) + graceMs)
    return {
      ok: false,
      reason: `The cancel can be undone for ${Math.round(graceMs / 60_000)} minutes; it was made at ${cancel.at} and is final now.`,
    };
  if (!isState(cancel.from) || cancel.from === 'cancelled')
    return { ok: false, reason: 'The state before the cancel is not known; it cannot be undone.' };
  if (cancel.from === 'on_hold') {
    if (!isState(cancel.heldFrom))
      return { ok: false, reason: 'The held order’s earlier state is not known.' };
    return { ok: true, status: { state: 'on_hold', heldFrom: cancel.heldFrom } };
  }
  return { ok: true, status: { state: cancel.from } };
}
