import { randomUUID } from 'node:crypto';
import type { OrderView, SubmitOrderBody } from '#core/api/orders.ts';
import { submitOrderBodySchema } from '#core/api/orders.ts';
import { mintOrderCode } from '#core/codes/formats.ts';
import type { OrderAction, OrderState } from '#core/orders/state-machine.ts';
import { CUSTOMER_CANCELLABLE } from '#core/orders/cancel-undo.ts';
import type { PageQuery } from '#core/api/paging.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError, forbidden, invalid } from '../errors.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable } from '../storage/schema.ts';
import { audit } from '../auth/audit.ts';
import type { AnswerHook } from '../idempotency/idempotency-keys.ts';
import { productForSale } from '../catalog/catalog.ts';
import { applyOrderAction } from './order-state.ts';
import { findOrder, orderView, orderViews } from './order-view.ts';
import { findCandidates } from '../catalog/similar.ts';
import {
  containsText,
  keysetPage,
  namedIn,
  thenId,
  withinTime,
  type Sorts,
} from '../storage/paging.ts';

async function uniqueOrderCode(db: Db): Promise<string> {
  for (;;) {
    const code = mintOrderCode();
    if (!(await db.selectFrom('orders').select('id').where('code', '=', code).executeTakeFirst()))
      return code;
  }
}

/** Confirming is when an order gets its code: the one barcode that follows it from here on. */
export async function confirmWithCode(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: Caller,
  order: OrdersTable,
) {
  return applyOrderAction(
    db,
    kind,
    now,
    caller,
    order,
    'confirm',
    {},
    { code: await uniqueOrderCode(db) },
  );
}

export function notify(context: ServerContext, orderId: string, replicated = true) {
  context.live.publish(`order:${orderId}`);
  if (replicated) context.live.publish('changes');
}

/**
 * A customer submits an order. Lines naming a product are matched at once; a line naming
 * a similar product is searched again (its differences against the catalog) and the
 * candidates are offered; with none close enough the order goes to customer service.
 * An order whose every line is matched is confirmed and gets its order code.
 */
export async function submitOrder(
  context: ServerContext,
  caller: Caller,
  raw: SubmitOrderBody,
  hooks: {
    /** More writes in the order's own transaction (intake records the sender's id). */
    within?: (trx: Db, orderId: string) => Promise<void>;
    /** Stores the answer with the order (Idempotency-Key). */
    answered?: AnswerHook<OrderView> | undefined;
  } = {},
): Promise<OrderView> {
  if (caller.kind !== 'user' || caller.role !== 'customer')
    throw forbidden('Only customers place orders.');
  const body = submitOrderBodySchema.parse(raw);
  const { db, kind } = context.storage;

  // Resolve products and search for candidates before the write transaction.
  const lines = await Promise.all(
    body.lines.map(async (line, index) => {
      const position = index + 1;
      if ('product' in line) {
        const product = await productForSale(db, line.product, position, `lines.${index}.product`);
        return {
          position,
          quantity: line.quantity,
          productId: product.id,
          similarId: null,
          differences: '',
          candidates: [],
        };
      }
      const { similar, candidates } = await findCandidates(
        context,
        line.similarTo,
        line.differences,
        `lines.${index}.similarTo`,
      ).catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'OT_ERR_VALIDATION'
          ? invalid(`Line ${position}: ${error.message}`, `lines.${index}.similarTo`)
          : error;
      });
      return {
        position,
        quantity: line.quantity,
        productId: null,
        similarId: similar.id,
        differences: line.differences,
        candidates,
      };
    }),
  );

  const now = context.now();
  const id = randomUUID();
  const view = await db.transaction().execute(async (trx) => {
    let order: OrdersTable = {
      id,
      code: null,
      customer_id: caller.id,
      state: 'submitted',
      held_from: null,
      customer_reference: body.customerReference,
      ship_to: body.shipTo,
      carrier: body.carrier,
      line_id: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await trx.insertInto('orders').values(order).execute();
    await trx
      .insertInto('order_lines')
      .values(
        lines.map((line) => ({
          id: randomUUID(),
          order_id: id,
          position: line.position,
          quantity: line.quantity,
          product_id: line.productId,
          similar_product_id: line.similarId,
          differences: line.differences,
          candidates: JSON.stringify(line.candidates),
        })),
      )
      .execute();
    await audit(trx, now, caller, 'order.submitted', 'order', id, { lines: lines.length });
    await hooks.within?.(trx, id);
    const unmatched = lines.filter((line) => !line.productId);
    if (unmatched.length === 0) {
      order = await confirmWithCode(trx, kind, now, caller, order);
    } else {
      order = await applyOrderAction(trx, kind, now, caller, order, 'start_matching');
      const everyLineHasCandidates = unmatched.every((line) => line.candidates.length > 0);
      order = await applyOrderAction(
        trx,
        kind,
        now,
        caller,
        order,
        everyLineHasCandidates ? 'offer_candidates' : 'refer_to_customer_service',
      );
    }
    const answer = await orderView(trx, order);
    await hooks.answered?.(trx, answer);
    return answer;
  });
  notify(context, id, false);
  return view;
}

export const ORDER_SORTS = ['newest', 'oldest', 'updated'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

const orderSorts: Sorts<OrdersTable, OrderSort> = {
  newest: thenId('orders', 'created_at', 'desc'),
  oldest: thenId('orders', 'created_at', 'asc'),
  updated: thenId('orders', 'updated_at', 'desc'),
};

export interface OrderFilters {
  state?: string | undefined;
  /** A line by name or id. */
  line?: string | undefined;
  /** Words in the order code, the customer's reference, the address or the customer's name or email. */
  q?: string | undefined;
  /** Placed (or, sorted by `updated`, last changed) at or after `from` and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
}

/** A customer sees their own orders, staff see all; filtered, sorted and one page at a time. */
export async function listOrders(
  context: ServerContext,
  caller: Caller,
  filters: OrderFilters,
  page: PageQuery<OrderSort>,
): Promise<{ orders: OrderView[]; nextCursor: string | null }> {
  const { db } = context.storage;
  let query = db.selectFrom('orders').selectAll('orders');
  if (caller.kind === 'user' && caller.role === 'customer')
    query = query.where('orders.customer_id', '=', caller.id);
  if (filters.state) query = query.where('orders.state', '=', filters.state);
  if (filters.line) query = query.where(namedIn('orders.line_id', 'lines', filters.line));
  query = withinTime(
    query,
    page.sort === 'updated' ? 'orders.updated_at' : 'orders.created_at',
    filters,
  );

  if (filters.q) {
    const text = filters.q;
    query = query.where((eb) =>
      eb.or([
        containsText('orders.code', text),
        containsText('orders.customer_reference', text),
        containsText('orders.ship_to', text),
        eb(
          'orders.customer_id',
          'in',
          eb
            .selectFrom('users')
            .select('users.id')
            .where((u) =>
              u.or([containsText('users.name', text), containsText('users.email', text)]),
            ),
        ),
      ]),
    );
  }
  const { rows, nextCursor } = await keysetPage(query, orderSorts, page);
  return { orders: await orderViews(db, rows), nextCursor };
}

export async function getOrder(
  context: ServerContext,
  caller: Caller,
  ref: string,
): Promise<OrderView> {
  const { db } = context.storage;
  return orderView(db, await findOrder(db, caller, ref));
}

type LineChoice = { position: number; product: string | null };

/**
 * Fix the product of lines that await one: the customer picks among the candidates
 * (or none: customer service), customer service picks any product. All lines matched:
 * confirmed, with an order code.
 */
async function settleLines(
  context: ServerContext,
  caller: Caller,
  ref: string,
  choices: LineChoice[],
  who: 'customer' | 'customer_service',
): Promise<OrderView> {
  const { db, kind } = context.storage;
  const now = context.now();
  const row = await db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, ref);
    const expected = who === 'customer' ? 'awaiting_choice' : 'customer_service';
    if (order.state !== expected) {
      throw new AppError(
        'OT_ERR_ILLEGAL_TRANSITION',
        `The order is ${order.state}; choices are made when it is ${expected.replace('_', ' ')}.`,
      );
    }
    const lines = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', order.id)
      .execute();
    for (const choice of choices) {
      const line = lines.find((l) => l.position === choice.position);
      if (!line || line.product_id)
        throw invalid(`Line ${choice.position} does not await a choice.`, 'choices');
      if (choice.product === null) continue;
      const offered = (JSON.parse(line.candidates) as { product: string }[]).some(
        (c) => c.product === choice.product,
      );
      if (who === 'customer' && !offered) {
        throw invalid(
          `Product ${choice.product} was not offered for line ${choice.position}.`,
          'choices',
        );
      }
      const product = await productForSale(trx, choice.product, choice.position, 'choices');
      line.product_id = product.id;
      await trx
        .updateTable('order_lines')
        .set({ product_id: product.id })
        .where('id', '=', line.id)
        .execute();
    }
    await audit(trx, now, caller, 'order.lines_chosen', 'order', order.id, { choices });
    if (choices.some((choice) => choice.product === null)) {
      return applyOrderAction(trx, kind, now, caller, order, 'refer_to_customer_service');
    }
    if (lines.some((line) => !line.product_id)) return order;
    return confirmWithCode(trx, kind, now, caller, order);
  });
  notify(context, row.id, false);
  return orderView(db, row);
}

export const chooseCandidates = (
  context: ServerContext,
  caller: Caller,
  ref: string,
  choices: LineChoice[],
) => settleLines(context, caller, ref, choices, 'customer');

export const resolveByCustomerService = (
  context: ServerContext,
  caller: Caller,
  ref: string,
  choices: LineChoice[],
) => settleLines(context, caller, ref, choices, 'customer_service');

/** Hold, resume or cancel; a reason is kept in the audit log. */
export async function changeOrderState(
  context: ServerContext,
  caller: Caller,
  ref: string,
  action: Extract<OrderAction, 'hold' | 'resume' | 'cancel'>,
  reason: string,
): Promise<OrderView> {
  const { db, kind } = context.storage;
  const now = context.now();
  const row = await db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, ref);
    if (
      caller.kind === 'user' &&
      caller.role === 'customer' &&
      (action !== 'cancel' || !CUSTOMER_CANCELLABLE.has(order.state as OrderState))
    ) {
      throw forbidden(
        'Customers can cancel an order only before it is released to production; ask customer service.',
      );
    }
    // A cancel keeps what undoing it needs: where a held order was held from, and who.
    const detail =
      action === 'cancel'
        ? {
            reason,
            byCustomer: caller.kind === 'user' && caller.id === order.customer_id,
            ...(order.held_from ? { heldFrom: order.held_from } : {}),
          }
        : { reason };
    return applyOrderAction(trx, kind, now, caller, order, action, detail);
  });
  notify(context, row.id);
  return orderView(db, row);
}
