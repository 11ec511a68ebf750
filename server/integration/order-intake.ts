import { intakeOrderSchema, type IntakeResult } from '#core/api/intake.ts';
import type { AnswerHook } from '../idempotency/idempotency-keys.ts';
import { actorName, type Caller, type ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { submitOrder } from '../orders/orders.ts';

/**
 * Create many orders from another system (docs/integration.md). Each order is taken on its
 * own: checked, placed for its customer as if they had placed it, and its sender's id
 * recorded in the order's own transaction. The same id again (this call or a later one,
 * on any instance) answers the order it made; nothing is created twice.
 */
export async function takeOrders(
  context: ServerContext,
  caller: Caller,
  entries: readonly Record<string, unknown>[],
  /**
   * Stores the batch's answer (Idempotency-Key). Each order commits on its own, so the
   * answer is stored after the last one: a retry of a batch cut short re-runs it, and the
   * external ids keep every order single.
   */
  answered?: AnswerHook<IntakeAnswer>,
): Promise<IntakeAnswer> {
  const results: IntakeResult[] = [];
  for (const entry of entries) results.push(await takeOne(context, caller, entry));
  const answer = { results };
  if (answered) await context.storage.db.transaction().execute((trx) => answered(trx, answer));
  return answer;
}

export interface IntakeAnswer {
  results: IntakeResult[];
}

async function takeOne(
  context: ServerContext,
  caller: Caller,
  entry: Record<string, unknown>,
): Promise<IntakeResult> {
  const externalId = String(entry.externalId);
  const rejected = (code: string, message: string): IntakeResult => ({
    externalId,
    status: 'rejected',
    order: null,
    error: { code, message },
  });
  const existing = await earlier(context, externalId);
  if (existing) return existing;
  const parsed = intakeOrderSchema.safeParse(entry);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(order)'}: ${issue.message}`,
    );
    return rejected('OT_ERR_VALIDATION', problems.join('; '));
  }
  const { externalId: _id, customer: email, ...order } = parsed.data;
  const customer = await context.storage.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'disabled_at'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  if (!customer || customer.role !== 'customer' || customer.disabled_at)
    return rejected('OT_ERR_VALIDATION', `customer: ${email} is not an active customer account`);
  try {
    const view = await submitOrder(
      context,
      {
        kind: 'user',
        id: customer.id,
        role: 'customer',
        name: customer.name,
        email: customer.email,
      },
      order,
      {
        within: async (trx, orderId) => {
          await trx
            .insertInto('order_intake')
            .values({
              external_id: externalId,
              order_id: orderId,
              created_at: context.now().toISOString(),
              created_by: actorName(caller),
            })
            .execute();
        },
      },
    );
    return {
      externalId,
      status: 'created',
      order: { id: view.id, code: view.code, state: view.state },
      error: null,
    };
  } catch (error) {
    // The same id sent twice at once: one transaction won, the other rolled back whole.
    const raced = await earlier(context, externalId);
    if (raced) return raced;
    if (error instanceof AppError) return rejected(error.code, error.message);
    throw error;
  }
}

async function earlier(context: ServerContext, externalId: string): Promise<IntakeResult | null> {
  const row = await context.storage.db
    .selectFrom('order_intake')
    .innerJoin('orders', 'orders.id', 'order_intake.order_id')
    .select(['orders.id', 'orders.code', 'orders.state'])
    .where('order_intake.external_id', '=', externalId)
    .executeTakeFirst();
  return row
    ? {
        externalId,
        status: 'existing',
        order: { id: row.id, code: row.code, state: row.state },
        error: null,
      }
    : null;
}
