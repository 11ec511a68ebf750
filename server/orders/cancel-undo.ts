import { undoCancel } from '#core/orders/cancel-undo.ts';
import type { OrderView } from '#core/api/orders.ts';
import type { Caller, ServerContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import { recordIntegrationEvent } from '../integration/integration-events.ts';
import { publishOrder, transitionDetail } from './order-state.ts';
import { findOrder, latestOrderAudit, orderView } from './order-view.ts';
import { notify } from './orders.ts';

/**
 * Undo a cancel within its grace period (core/orders/cancel-undo.ts): the order goes back to
 * the state it was cancelled from. A customer may undo only their own cancel; staff any.
 * The cancel released nothing, so nothing is taken back or handed out again: resources,
 * consumption and packages are as they were. Stations learn the order's state as with any
 * change (the change log).
 */
export async function undoOrderCancel(
  context: ServerContext,
  caller: Caller,
  ref: string,
): Promise<OrderView> {
  const { db, kind } = context.storage;
  const now = context.now();
  const row = await db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, ref);
    const cancel = (await latestOrderAudit(trx, 'order.cancel', [order.id])).get(order.id);
    const isCustomer = caller.kind === 'user' && caller.role === 'customer';
    if (isCustomer && order.state === 'cancelled' && cancel?.detail.byCustomer !== true)
      throw conflict(
        'Customer service cancelled this order; ask them if it should go ahead after all.',
      );
    const undone = undoCancel(
      order.state as Parameters<typeof undoCancel>[0],
      cancel
        ? {
            at: cancel.at,
            from: String(cancel.detail.from),
            heldFrom: typeof cancel.detail.heldFrom === 'string' ? cancel.detail.heldFrom : null,
          }
        : null,
      now,
    );
    if (!undone.ok) throw conflict(undone.reason);
    // Only a cancelled order changes, so two undos at once cannot both succeed.
    const changed = await trx
      .updateTable('orders')
      .set({
        state: undone.status.state,
        held_from: undone.status.heldFrom ?? null,
        updated_at: now.toISOString(),
      })
      .where('id', '=', order.id)
      .where('state', '=', 'cancelled')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1)
      throw conflict('The order changed meanwhile; look at it again.');
    const updated = {
      ...order,
      state: undone.status.state,
      held_from: undone.status.heldFrom ?? null,
      updated_at: now.toISOString(),
    };
    await audit(
      trx,
      now,
      caller,
      'order.cancel_undone',
      'order',
      order.id,
      transitionDetail(order, updated, { cancelledAt: cancel?.at }),
    );
    await publishOrder(trx, kind, now, updated);
    await recordIntegrationEvent(trx, now, {
      kind: 'order.state_changed',
      orderCode: updated.code,
      lineId: updated.line_id,
      data: { from: order.state, to: updated.state, action: 'undo_cancel' },
    });
    return updated;
  });
  notify(context, row.id);
  return orderView(db, row);
}
