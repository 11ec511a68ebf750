import type { ServerContext } from '../context.ts';
import type { WebhookDeliveriesTable } from '../storage/schema.ts';
import { signWebhook } from './webhook-signature.ts';

const BATCH = 20;
const SEND_TIMEOUT_MS = 10_000;
/** A claimed delivery is not picked again (here or by another instance) for this long. */
const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 3_600_000;

/** Exponential backoff: 1 s, 2 s, 4 s … at most an hour apart, for a day (give_up_at). */
export const retryDelayMs = (attempts: number): number =>
  Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));

/**
 * Deliver what the webhook outbox holds: each due delivery is claimed (a conditional update
 * that only one instance wins), POSTed signed, then marked delivered, or scheduled again
 * with backoff, or given up after its day. At least once: a receiver may see a delivery
 * twice (a crash after sending, before marking) and dedups by Ordertrace-Delivery.
 */
export async function deliverDue(context: ServerContext): Promise<number> {
  const { db } = context.storage;
  const now = context.now();
  const due = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .selectAll('webhook_deliveries')
    .select(['webhooks.url', 'webhooks.secret', 'webhooks.disabled_at'])
    .where('webhook_deliveries.status', '=', 'pending')
    .where('webhook_deliveries.next_attempt_at', '<=', now.toISOString())
    .orderBy('webhook_deliveries.next_attempt_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  await Promise.all(
    due.map(async (delivery) => {
      if (delivery.disabled_at) return;
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: new Date(now.getTime() + LEASE_MS).toISOString() })
        .where('id', '=', delivery.id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', delivery.next_attempt_at)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      const outcome = await send(delivery.url, delivery.secret, delivery, context.now());
      await record(context, delivery, outcome);
      if (outcome.ok) sent++;
    }),
  );
  return sent;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

async function send(
  url: string,
  secret: string,
  delivery: WebhookDeliveriesTable,
  at: Date,
): Promise<Outcome> {
  try {
    // Loaded with the first delivery: a server without webhooks never needs the client.
    const { fetch } = await import('undici');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Ordertrace-Webhooks/1',
        'ordertrace-event': delivery.kind,
        'ordertrace-delivery': delivery.id,
        'ordertrace-signature': signWebhook(secret, delivery.body, at),
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, error: cause ?? (error as Error).message };
  }
}

async function record(
  context: ServerContext,
  delivery: WebhookDeliveriesTable,
  outcome: Outcome,
): Promise<void> {
  const now = context.now();
  const attempts = Number(delivery.attempts) + 1;
  const next = new Date(now.getTime() + retryDelayMs(attempts));
  const status = outcome.ok
    ? 'delivered'
    : next.toISOString() > delivery.give_up_at
      ? 'failed'
      : 'pending';
  context.metrics.webhookAttempts.inc({ outcome: outcome.ok ? 'delivered' : 'failed' });
  await context.storage.db
    .updateTable('webhook_deliveries')
    .set({
      status,
      attempts,
      next_attempt_at: outcome.ok ? now.toISOString() : next.toISOString(),
      last_attempt_at: now.toISOString(),
      last_status: outcome.status,
      last_error: outcome.error,
      delivered_at: outcome.ok ? now.toISOString() : null,
    })
    .where('id', '=', delivery.id)
    .execute();
}
