import { serverCompleteness } from '../station-events/order-facts.ts';
import type { OrderView } from '#core/api/orders.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import type { Caller, Db } from '../context.ts';
import { notFound } from '../errors.ts';
import { undoUntil } from '#core/orders/cancel-undo.ts';
import type { OrdersTable } from '../storage/schema.ts';

/** Find an order by id or by code, as the caller may see it (customers: only their own). */
export async function findOrder(db: Db, caller: Caller, ref: string): Promise<OrdersTable> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('code', '=', ref)]))
    .executeTakeFirst();
  // Another customer's order is "not found", not "forbidden": its existence is not theirs to know.
  if (
    !row ||
    (caller.kind === 'user' && caller.role === 'customer' && row.customer_id !== caller.id)
  ) {
    throw notFound(`Order ${ref}`);
  }
  return row;
}

export async function orderViews(db: Db, rows: OrdersTable[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [lines, progress, packages, customers, productLines, products, messages, stepNames] =
    await Promise.all([
      db
        .selectFrom('order_lines')
        .selectAll()
        .where('order_id', 'in', ids)
        .orderBy('position')
        .execute(),
      db.selectFrom('progress').selectAll().where('order_id', 'in', ids).orderBy('step').execute(),
      db
        .selectFrom('packages')
        .selectAll()
        .where('order_id', 'in', ids)
        .orderBy('serial')
        .execute(),
      db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('id', 'in', [...new Set(rows.map((r) => r.customer_id))])
        .execute(),
      db.selectFrom('lines').select(['id', 'name']).execute(),
      db
        .selectFrom('products')
        .innerJoin('order_lines', (join) =>
          join.on((eb) =>
            eb.or([
              eb('order_lines.product_id', '=', eb.ref('products.id')),
              eb('order_lines.similar_product_id', '=', eb.ref('products.id')),
            ]),
          ),
        )
        .select(['products.id', 'products.code'])
        .where('order_lines.order_id', 'in', ids)
        .execute(),
      db
        .selectFrom('order_messages')
        .leftJoin('products', 'products.id', 'order_messages.product_id')
        .selectAll('order_messages')
        .select(['products.code as product_code', 'products.name_en', 'products.name_zh'])
        .where('order_messages.order_id', 'in', ids)
        .orderBy('order_messages.created_at')
        .orderBy('order_messages.id')
        .execute(),
      // The steps' Chinese names, from the bills of materials of the orders' products.
      db
        .selectFrom('bom_items')
        .innerJoin('order_lines', 'order_lines.product_id', 'bom_items.product_id')
        .select(['order_lines.order_id', 'bom_items.step', 'bom_items.step_zh'])
        .where('order_lines.order_id', 'in', ids)
        .where('bom_items.step_zh', '!=', '')
        .execute(),
    ]);
  const stepZh = (orderId: string, step: string) =>
    stepNames.find((s) => s.order_id === orderId && s.step === step)?.step_zh ?? '';
  const unitsPerPackage = await unitsPerPackageOf(
    db,
    packages.map((pkg) => pkg.code),
  );
  const [holds, cancels] = await Promise.all([
    latestOrderAudit(
      db,
      'order.hold',
      rows.filter((row) => row.state === 'on_hold').map((row) => row.id),
    ),
    latestOrderAudit(
      db,
      'order.cancel',
      rows.filter((row) => row.state === 'cancelled').map((row) => row.id),
    ),
  ]);
  const answered = new Set(messages.map((m) => m.proposal_id).filter((id) => id !== null));
  const codeOf = new Map(products.map((p) => [p.id, p.code]));
  const lineName = new Map(productLines.map((l) => [l.id, l.name]));
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    state: row.state as OrderState,
    heldFrom: (row.held_from as OrderState | null) ?? null,
    holdReason: text(holds.get(row.id)?.detail.reason),
    cancellation: cancellationOf(cancels.get(row.id)),
    customer: {
      id: row.customer_id,
      name: customers.find((c) => c.id === row.customer_id)?.name ?? '',
    },
    customerReference: row.customer_reference,
    shipTo: row.ship_to,
    carrier: row.carrier,
    line: row.line_id ? (lineName.get(row.line_id) ?? null) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lines: lines
      .filter((line) => line.order_id === row.id)
      .map((line) => ({
        position: line.position,
        quantity: line.quantity,
        product: line.product_id ? (codeOf.get(line.product_id) ?? null) : null,
        similarTo: line.similar_product_id ? (codeOf.get(line.similar_product_id) ?? null) : null,
        differences: line.differences,
        candidates: JSON.parse(line.candidates) as OrderView['lines'][number]['candidates'],
      })),
    progress: progress
      .filter((step) => step.order_id === row.id)
      .map((step) => ({
        step: step.step,
        stepZh: stepZh(row.id, step.step),
        unitsDone: step.units_done,
        unitsOrdered: step.units_ordered,
        updatedAt: step.updated_at,
      })),
    packages: packages
      .filter((pkg) => pkg.order_id === row.id)
      .map((pkg) => ({
        code: pkg.code,
        sscc: pkg.sscc,
        number: pkg.serial,
        of: pkg.package_count > 0 ? pkg.package_count : null,
        closedAt: pkg.closed_at,
        dispatchedAt: pkg.dispatched_at,
        receipt: pkg.receipt as 'confirmed' | 'rejected' | null,
        receiptReason: pkg.receipt_reason,
        units: unitsPerPackage.get(pkg.code) ?? 0,
      })),
    messages: messages
      .filter((message) => message.order_id === row.id)
      .map((message) => ({
        id: message.id,
        position: message.position,
        kind: message.kind,
        text: message.text,
        product: message.product_code
          ? {
              code: message.product_code,
              nameEn: message.name_en ?? '',
              nameZh: message.name_zh ?? '',
            }
          : null,
        proposal: message.proposal_id,
        open: message.kind === 'proposal' && !answered.has(message.id),
        author: { name: message.author_name, role: message.author_role },
        createdAt: message.created_at,
      })),
  }));
}

/** When and why the order was cancelled, by whom, and until when that can be undone. */
function cancellationOf(
  cancel: { at: string; detail: Record<string, unknown> } | undefined,
): OrderView['cancellation'] {
  if (!cancel) return null;
  return {
    at: cancel.at,
    reason: text(cancel.detail.reason) ?? '',
    byCustomer: cancel.detail.byCustomer === true,
    undoUntil: undoUntil(cancel.at),
  };
}

/** One order, with its completeness once it is released to a line. */
export async function orderView(db: Db, row: OrdersTable): Promise<OrderView> {
  const [view] = await orderViews(db, [row]);
  if (!row.code || !row.line_id) return view as OrderView;
  const { materials, materialsComplete, units, packages } = await serverCompleteness(db, row);
  return {
    ...(view as OrderView),
    completeness: { materials, materialsComplete, units, packages },
  };
}

/** The latest audit line of `action` on each of the orders (who, when, its detail). */
export async function latestOrderAudit(
  db: Db,
  action: 'order.hold' | 'order.cancel',
  ids: string[],
): Promise<Map<string, { at: string; detail: Record<string, unknown> }>> {
  const latest = new Map<string, { at: string; detail: Record<string, unknown> }>();
  if (ids.length === 0) return latest;
  const entries = await db
    .selectFrom('audit_log')
    .select(['entity_id', 'at', 'detail'])
    .where('entity', '=', 'order')
    .where('action', '=', action)
    .where('entity_id', 'in', ids)
    .orderBy('id')
    .execute();
  for (const entry of entries)
    latest.set(entry.entity_id, {
      at: entry.at,
      detail: JSON.parse(entry.detail) as Record<string, unknown>,
    });
  return latest;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** How many units each package holds. */
async function unitsPerPackageOf(db: Db, codes: string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const counts = await db
    .selectFrom('units')
    .select(['package_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('package_code', 'in', codes)
    .groupBy('package_code')
    .execute();
  return new Map(counts.map((row) => [row.package_code ?? '', Number(row.n)]));
}
