import type { OrderView, ReceiptBody } from '#core/api/orders.ts';
import { parseCode } from '#core/codes/formats.ts';
import { ssccInput } from '#core/gs1/sscc-input.ts';
import { scanAllowed, type OrderState } from '#core/orders/state-machine.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import { raiseException } from '../back-office/exceptions.ts';
import { applyOrderAction } from './order-state.ts';
import { recordIntegrationEvent } from '../integration/integration-events.ts';
import { orderView } from './order-view.ts';
import { packageBySscc } from '../labels/sscc-lookup.ts';

/**
 * The customer scans (or types) a package code on arrival. It must be a package of one of
 * their own orders, shipped and not yet received. Confirming every package delivers the
 * order; rejecting one records the reason and raises it for customer service.
 */
export async function recordReceipt(
  context: ServerContext,
  caller: Caller,
  body: ReceiptBody,
): Promise<OrderView> {
  if (caller.kind !== 'user')
    throw new AppError('OT_ERR_FORBIDDEN', 'Only a customer records a receipt.');
  // The customer may scan the SSCC (GS1-128) as well as the package code.
  const sscc = ssccInput(body.package);
  const pkgBySscc = sscc ? await packageBySscc(context.storage.db, sscc, 'package') : undefined;
  if (sscc && !pkgBySscc) throw notFound(`SSCC ${sscc} is not one of your orders' packages`);
  const parsed = parseCode(pkgBySscc?.code ?? body.package.toUpperCase());
  if (!parsed.valid) throw invalid(`${parsed.error}`, 'package');
  if (parsed.kind !== 'package')
    throw invalid(
      `This is ${parsed.kind === 'order' ? 'an order' : `a ${parsed.kind}`} code; scan the package label.`,
      'package',
    );
  const { db, kind } = context.storage;
  const now = context.now();
  const row = await db.transaction().execute(async (trx) => {
    const pkg = await trx
      .selectFrom('packages')
      .selectAll()
      .where('code', '=', parsed.code)
      .executeTakeFirst();
    const order = pkg
      ? await trx.selectFrom('orders').selectAll().where('id', '=', pkg.order_id).executeTakeFirst()
      : undefined;
    const mine = order && (caller.role !== 'customer' || order.customer_id === caller.id);
    if (!pkg || !order || !mine)
      throw notFound(`Package ${parsed.code} is not one of your orders' packages`);
    const allowed = scanAllowed('receipt', order.state as OrderState);
    if (!allowed.allowed) throw new AppError('OT_ERR_ILLEGAL_TRANSITION', allowed.reason);
    if (pkg.receipt)
      throw conflict(`Package ${pkg.code} was already ${pkg.receipt} on ${pkg.receipt_at}.`);
    const reason = body.verdict === 'reject' ? body.reason : null;
    const receipt = body.verdict === 'confirm' ? 'confirmed' : 'rejected';
    await trx
      .updateTable('packages')
      .set({ receipt, receipt_reason: reason, receipt_at: now.toISOString() })
      .where('code', '=', pkg.code)
      .execute();
    await audit(trx, now, caller, `receipt.${receipt}`, 'package', pkg.code, {
      order: order.code,
      reason,
    });
    await recordIntegrationEvent(trx, now, {
      kind: 'receipt.recorded',
      orderCode: order.code,
      lineId: order.line_id,
      data: { package: pkg.code, receipt, reason },
    });
    if (body.verdict === 'reject') {
      await raiseException(trx, now, {
        kind: 'receipt_rejected',
        orderCode: order.code,
        stationId: null,
        eventId: null,
        message: {
          key: 'msg.receipt_rejected',
          params: { package: pkg.code, reason: body.reason },
        },
      });
      return applyOrderAction(trx, kind, now, caller, order, 'reject_receipt', {
        package: pkg.code,
        reason,
      });
    }
    const pending = await trx
      .selectFrom('packages')
      .select('code')
      .where('order_id', '=', order.id)
      .where('receipt', 'is', null)
      .executeTakeFirst();
    return pending
      ? order
      : applyOrderAction(trx, kind, now, caller, order, 'confirm_receipt', { package: pkg.code });
  });
  context.live.publish(`order:${row.id}`);
  context.live.publish('changes');
  return orderView(db, row);
}
