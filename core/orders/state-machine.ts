/*
 * The order lifecycle (docs/design.md "Order lifecycle") as one pure transition function.
 *
 * submitted → matching → awaiting_choice | customer_service → confirmed → released
 *   → in_production → produced → packed → shipped → delivered | receipt_rejected
 * cancelled and on_hold from any open state; on_hold resumes to where it was held.
 *
 * "Open" stops at packed: once goods have left the dock, cancelling or holding them is a
 * return, not a state change, so shipped orders only move to delivered or receipt_rejected.
 */
export const ORDER_STATES = [
  'submitted',
  'matching',
  'awaiting_choice',
  'customer_service',
  'confirmed',
  'released',
  'in_production',
  'produced',
  'packed',
  'shipped',
  'delivered',
  'receipt_rejected',
  'cancelled',
  'on_hold',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_ACTIONS = [
  'start_matching',
  'offer_candidates',
  'refer_to_customer_service',
  'confirm',
  'release',
  'start_production',
  'finish_production',
  'pack',
  'ship',
  'confirm_receipt',
  'reject_receipt',
  'cancel',
  'hold',
  'resume',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** An order's status: its state, and where it was when held (to resume there). */
export interface OrderStatus {
  state: OrderState;
  heldFrom?: OrderState;
}

/** Every state before shipped, in lifecycle order (see "Open stops at packed" above). */
export const OPEN_STATES: ReadonlySet<OrderState> = new Set(
  ORDER_STATES.slice(0, ORDER_STATES.indexOf('shipped')),
);

export const FINAL_STATES: ReadonlySet<OrderState> = new Set([
  'delivered',
  'receipt_rejected',
  'cancelled',
]);

/** The forward moves: action → the states it may start from → the state it leads to. */
const FORWARD: Readonly<
  Record<
    Exclude<OrderAction, 'cancel' | 'hold' | 'resume'>,
    {
      from: readonly OrderState[];
      to: OrderState;
    }
  >
> = {
  start_matching: { from: ['submitted'], to: 'matching' },
  offer_candidates: { from: ['matching'], to: 'awaiting_choice' },
  refer_to_customer_service: { from: ['matching', 'awaiting_choice'], to: 'customer_service' },
  // A customer's choice, customer service's decision, or an exact match straight away.
  confirm: {
    from: ['submitted', 'matching', 'awaiting_choice', 'customer_service'],
    to: 'confirmed',
  },
  release: { from: ['confirmed'], to: 'released' },
  start_production: { from: ['released'], to: 'in_production' },
  finish_production: { from: ['in_production'], to: 'produced' },
  pack: { from: ['produced'], to: 'packed' },
  ship: { from: ['packed'], to: 'shipped' },
  confirm_receipt: { from: ['shipped'], to: 'delivered' },
  reject_receipt: { from: ['shipped'], to: 'receipt_rejected' },
};

export type Transition =
  | { ok: true; status: OrderStatus }
  | { ok: false; reason: string; code: 'OT_ERR_ILLEGAL_TRANSITION' };

const refuse = (reason: string): Transition => ({
  ok: false,
  reason,
  code: 'OT_ERR_ILLEGAL_TRANSITION',
});

/** Apply `action` to an order in `status`; refusals name the reason in a sentence. */
export function transition(status: OrderStatus, action: OrderAction): Transition {
  const { state } = status;
  if (FINAL_STATES.has(state)) {
    return refuse(`The order is ${state.replace('_', ' ')}; nothing more can happen to it.`);
  }
  switch (action) {
    case 'cancel':
      if (state === 'on_hold' || OPEN_STATES.has(state))
        return { ok: true, status: { state: 'cancelled' } };
      return refuse(`The order has been ${state}; it can no longer be cancelled, only returned.`);
    case 'hold':
      if (state === 'on_hold') return refuse('The order is already on hold.');
      if (OPEN_STATES.has(state))
        return { ok: true, status: { state: 'on_hold', heldFrom: state } };
      return refuse(`The order has been ${state}; it can no longer be held.`);
    case 'resume':
      if (state !== 'on_hold' || !status.heldFrom)
        return refuse('Only an order on hold can be resumed.');
      return { ok: true, status: { state: status.heldFrom } };
    default: {
      if (state === 'on_hold') {
        return refuse(
          `The order is on hold; resume it before you ${action.replaceAll('_', ' ')} it.`,
        );
      }
      const move = FORWARD[action];
      if (move.from.includes(state)) return { ok: true, status: { state: move.to } };
      return refuse(
        `Cannot ${action.replaceAll('_', ' ')}: the order must be ${move.from.join(' or ')}, but it is ${state}.`,
      );
    }
  }
}

export const STATION_ROLES = ['production', 'packing', 'shipping'] as const;
export type StationRole = (typeof STATION_ROLES)[number];

/** The states in which a station of each role may work on an order (and a customer receive it). */
const SCANNABLE: Readonly<Record<StationRole | 'receipt', readonly OrderState[]>> = {
  production: ['released', 'in_production'],
  // Units are packed while the rest of the order is still being made.
  packing: ['in_production', 'produced'],
  shipping: ['packed'],
  receipt: ['shipped'],
};

/** Whether a scan for an order in `state` is allowed at a station of `role`, and why not. */
export function scanAllowed(
  role: StationRole | 'receipt',
  state: OrderState,
): { allowed: true } | { allowed: false; reason: string } {
  if (SCANNABLE[role].includes(state)) return { allowed: true };
  const where = role === 'receipt' ? 'received' : `scanned at a ${role} station`;
  return {
    allowed: false,
    reason: `The order is ${state.replace('_', ' ')}; it can be ${where} only when it is ${SCANNABLE[role].join(' or ')}.`,
  };
}
