import { transition, type OrderAction, type OrderState } from '#core/orders/state-machine.ts';
import type { Caller, Db } from '../context.ts';
import { AppError } from '../errors.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable } from '../storage/schema.ts';
import { audit } from '../auth/audit.ts';
import { orderRow } from '../replication/rows.ts';
import { appendChanges } from '../replication/change-log.ts';
import {
  recordIntegrationEvent,
  type IntegrationEventInput,
} from '../integration/integration-events.ts';

/** Send the order's current row to the stations of its line (once it has one). */
export async function publishOrder(
  db: Db,
  kind: StorageKind,
  now: Date,
  order: OrdersTable,
): Promise<void> {
  if (!order.code || !order.line_id) return;
  await appendChanges(db, kind, now, [
    {
      entity: 'order',
      key: order.code,
      lineId: order.line_id,
      data: await orderRow(db, order),
    },
  ]);
}

/** The order after `action` by the lifecycle's pure transition function, or its refusal. */
export function transitionedOrder(
  order: OrdersTable,
  action: OrderAction,
  now: Date,
  extra: Partial<Pick<OrdersTable, 'code' | 'line_id'>> = {},
): OrdersTable {
  const result = transition(
    {
      state: order.state as OrderState,
      ...(order.held_from ? { heldFrom: order.held_from as OrderState } : {}),
    },
    action,
  );
  if (!result.ok) throw new AppError('OT_ERR_ILLEGAL_TRANSITION', result.reason);
  return {
    ...order,
    ...extra,
    state: result.status.state,
    held_from: result.status.heldFrom ?? null,
    updated_at: now.toISOString(),
  };
}

/** What integrators hear of a transition (integration events' `order.state_changed`). */
export const stateChangedEvent = (
  caller: Caller,
  before: OrdersTable,
  updated: OrdersTable,
  action: OrderAction,
): IntegrationEventInput => ({
  kind: 'order.state_changed',
  orderCode: updated.code,
  lineId: updated.line_id,
  stationId: caller.kind === 'station' ? caller.id : null,
  data: { from: before.state, to: updated.state, action },
});

/** The audit line's detail of a transition. */
export const transitionDetail = (
  before: OrdersTable,
  updated: OrdersTable,
  detail: Record<string, unknown>,
) => ({ from: before.state, to: updated.state, code: updated.code, ...detail });

/**
 * Move an order by the lifecycle's pure transition function, or refuse with its reason.
 * Updates the row, writes the audit line and the change-log row in the caller's transaction.
 */
export async function applyOrderAction(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: Caller,
  order: OrdersTable,
  action: OrderAction,
  detail: Record<string, unknown> = {},
  extra: Partial<Pick<OrdersTable, 'code' | 'line_id'>> = {},
): Promise<OrdersTable> {
  const updated = transitionedOrder(order, action, now, extra);
  await db
    .updateTable('orders')
    .set({
      state: updated.state,
      held_from: updated.held_from,
      updated_at: updated.updated_at,
      code: updated.code,
      line_id: updated.line_id,
    })
    .where('id', '=', order.id)
    .execute();
  await audit(
    db,
    now,
    caller,
    `order.${action}`,
    'order',
    order.id,
    transitionDetail(order, updated, detail),
  );
  await publishOrder(db, kind, now, updated);
  await recordIntegrationEvent(db, now, stateChangedEvent(caller, order, updated, action));
  return updated;
}
