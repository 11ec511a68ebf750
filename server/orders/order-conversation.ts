import type { OrderView } from '#core/api/orders.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';
import type { OrderMessagesTable, OrdersTable } from '../storage/schema.ts';
import { audit } from '../auth/audit.ts';
import { productForSale } from '../catalog/catalog.ts';
import { findOrder, orderView } from './order-view.ts';
import { confirmWithCode, notify } from './orders.ts';

/*
 * The conversation on an order between its customer and customer service (issue 17):
 * either writes; customer service proposes a product for a line that awaits one; the
 * customer accepts (the line gets the product; all lines matched: confirmed, with its order
 * code) or declines. Every entry reaches the customer's open page live.
 */

/** Time-ordered ids: the conversation reads in the order it was written, even within a millisecond. */
const nextMessageId = createUuidV7Generator();

const STAFF_ROLES = new Set(['customer_service', 'admin', 'planner']);

function author(caller: Caller) {
  if (caller.kind !== 'user') throw forbidden('Only people take part in an order conversation.');
  return { author_id: caller.id, author_name: caller.name, author_role: caller.role };
}

async function addEntry(
  db: Db,
  order: OrdersTable,
  caller: Caller,
  now: Date,
  entry: Pick<OrderMessagesTable, 'kind' | 'text'> & Partial<OrderMessagesTable>,
) {
  await db
    .insertInto('order_messages')
    .values({
      id: nextMessageId(),
      order_id: order.id,
      position: null,
      product_id: null,
      proposal_id: null,
      created_at: now.toISOString(),
      ...author(caller),
      ...entry,
    })
    .execute();
}

async function inTransaction(
  context: ServerContext,
  caller: Caller,
  ref: string,
  work: (db: Db, order: OrdersTable, now: Date) => Promise<OrdersTable>,
): Promise<OrderView> {
  const { db } = context.storage;
  const now = context.now();
  const row = await db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, ref);
    return work(trx, order, now);
  });
  notify(context, row.id, false);
  return orderView(db, row);
}

/** The customer of the order or staff write a message on it. */
export function postMessage(context: ServerContext, caller: Caller, ref: string, text: string) {
  return inTransaction(context, caller, ref, async (db, order, now) => {
    if (caller.kind !== 'user' || (caller.role !== 'customer' && !STAFF_ROLES.has(caller.role)))
      throw forbidden('Only the customer and customer service write on an order.');
    await addEntry(db, order, caller, now, { kind: 'message', text });
    return order;
  });
}

/** Customer service proposes a product for a line that awaits one. */
export function proposeProduct(
  context: ServerContext,
  caller: Caller,
  ref: string,
  proposal: { position: number; product: string; text: string },
) {
  return inTransaction(context, caller, ref, async (db, order, now) => {
    if (order.state !== 'customer_service')
      throw new AppError(
        'OT_ERR_ILLEGAL_TRANSITION',
        `The order is ${order.state.replace('_', ' ')}; products are proposed while it is with customer service.`,
      );
    const line = await db
      .selectFrom('order_lines')
      .select(['id', 'product_id'])
      .where('order_id', '=', order.id)
      .where('position', '=', proposal.position)
      .executeTakeFirst();
    if (!line || line.product_id)
      throw invalid(`Line ${proposal.position} does not await a product.`, 'position');
    const product = await productForSale(db, proposal.product, null, 'product');
    await addEntry(db, order, caller, now, {
      kind: 'proposal',
      text: proposal.text,
      position: proposal.position,
      product_id: product.id,
    });
    await audit(db, now, caller, 'order.product_proposed', 'order', order.id, proposal);
    return order;
  });
}

/** The customer accepts or declines a proposal; accepting every line confirms the order. */
export function answerProposal(
  context: ServerContext,
  caller: Caller,
  ref: string,
  proposalId: string,
  answer: { accept: boolean; text: string },
) {
  return inTransaction(context, caller, ref, async (db, order, now) => {
    if (caller.kind !== 'user' || caller.role !== 'customer')
      throw forbidden('Only the customer answers a proposal.');
    const proposal = await db
      .selectFrom('order_messages')
      .selectAll()
      .where('id', '=', proposalId)
      .where('order_id', '=', order.id)
      .where('kind', '=', 'proposal')
      .executeTakeFirst();
    if (!proposal) throw notFound(`Proposal ${proposalId}`);
    const earlier = await db
      .selectFrom('order_messages')
      .select('kind')
      .where('proposal_id', '=', proposal.id)
      .executeTakeFirst();
    if (earlier)
      throw new AppError('OT_ERR_CONFLICT', `This proposal was already ${earlier.kind}.`);
    if (order.state !== 'customer_service')
      throw new AppError(
        'OT_ERR_ILLEGAL_TRANSITION',
        `The order is ${order.state.replace('_', ' ')}; proposals are answered while it is with customer service.`,
      );
    await addEntry(db, order, caller, now, {
      kind: answer.accept ? 'accepted' : 'declined',
      text: answer.text,
      position: proposal.position,
      product_id: proposal.product_id,
      proposal_id: proposal.id,
    });
    await audit(
      db,
      now,
      caller,
      `order.proposal_${answer.accept ? 'accepted' : 'declined'}`,
      'order',
      order.id,
      {
        proposal: proposal.id,
      },
    );
    if (!answer.accept) return order;
    await db
      .updateTable('order_lines')
      .set({ product_id: proposal.product_id })
      .where('order_id', '=', order.id)
      .where('position', '=', proposal.position)
      .where('product_id', 'is', null)
      .execute();
    const waiting = await db
      .selectFrom('order_lines')
      .select('id')
      .where('order_id', '=', order.id)
      .where('product_id', 'is', null)
      .executeTakeFirst();
    if (waiting) return order;
    return confirmWithCode(db, context.storage.kind, now, caller, order);
  });
}
