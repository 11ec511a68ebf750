import { randomUUID } from 'node:crypto';
import type {
  CreateWebhookBody,
  IntegrationEventKind,
  Webhook,
  WebhookDelivery,
} from '#core/api/integration.ts';
import { actorName, type Caller, type ServerContext } from '../context.ts';
import { conflict, notFound } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import type { AnswerHook } from '../idempotency/idempotency-keys.ts';
import type { WebhookDeliveriesTable, WebhooksTable } from '../storage/schema.ts';
import { DELIVERY_WINDOW_MS } from './integration-events.ts';
import { newWebhookSecret } from './webhook-signature.ts';

const DELIVERY_LOG_LIMIT = 200;

/** Subscribe a URL to event kinds; the answer carries the signing secret, shown this once. */
export async function createWebhook(
  context: ServerContext,
  caller: Caller,
  body: CreateWebhookBody,
  /** Stores the answer, secret included, with the subscription (Idempotency-Key). */
  answered?: AnswerHook<{ id: string; secret: string }>,
): Promise<{ id: string; secret: string }> {
  const id = randomUUID();
  const secret = newWebhookSecret();
  const now = context.now();
  await context.storage.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhooks')
      .values({
        id,
        url: body.url,
        events: JSON.stringify([...new Set(body.events)]),
        secret,
        created_at: now.toISOString(),
        created_by: actorName(caller),
        disabled_at: null,
      })
      .execute();
    await audit(trx, now, caller, 'webhook.created', 'webhook', id, {
      url: body.url,
      events: body.events,
    });
    await answered?.(trx, { id, secret });
  });
  return { id, secret };
}

const webhookView = (row: WebhooksTable): Webhook => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as IntegrationEventKind[],
  createdAt: row.created_at,
  createdBy: row.created_by,
  disabledAt: row.disabled_at,
});

export async function listWebhooks(context: ServerContext): Promise<Webhook[]> {
  const rows = await context.storage.db
    .selectFrom('webhooks')
    .selectAll()
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(webhookView);
}

/** Stop delivering to a webhook; pending deliveries stay in the log (replayable). */
export async function disableWebhook(
  context: ServerContext,
  caller: Caller,
  id: string,
): Promise<Webhook> {
  const now = context.now();
  return context.storage.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`Webhook ${id}`);
    if (row.disabled_at) throw conflict(`Webhook ${id} was disabled on ${row.disabled_at}.`);
    await trx
      .updateTable('webhooks')
      .set({ disabled_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await audit(trx, now, caller, 'webhook.disabled', 'webhook', id, {});
    return webhookView({ ...row, disabled_at: now.toISOString() });
  });
}

const deliveryView = (row: WebhookDeliveriesTable): WebhookDelivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  kind: row.kind as IntegrationEventKind,
  seq: Number(row.event_id),
  status: row.status as WebhookDelivery['status'],
  attempts: Number(row.attempts),
  nextAttemptAt: row.next_attempt_at,
  lastAttemptAt: row.last_attempt_at,
  lastStatus: row.last_status === null ? null : Number(row.last_status),
  lastError: row.last_error,
  deliveredAt: row.delivered_at,
  createdAt: row.created_at,
});

/** The delivery log of one webhook, newest first. */
export async function listDeliveries(
  context: ServerContext,
  webhookId: string,
): Promise<WebhookDelivery[]> {
  const { db } = context.storage;
  const hook = await db
    .selectFrom('webhooks')
    .select('id')
    .where('id', '=', webhookId)
    .executeTakeFirst();
  if (!hook) throw notFound(`Webhook ${webhookId}`);
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('event_id', 'desc')
    .limit(DELIVERY_LOG_LIMIT)
    .execute();
  return rows.map(deliveryView);
}

/**
 * Send a delivery again now, with the same idempotency id (a receiver that has it already
 * can tell), and a new day of retries.
 */
export async function replayDelivery(
  context: ServerContext,
  caller: Caller,
  id: string,
): Promise<WebhookDelivery> {
  const now = context.now();
  return context.storage.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`Delivery ${id}`);
    const replayed = {
      status: 'pending',
      next_attempt_at: now.toISOString(),
      give_up_at: new Date(now.getTime() + DELIVERY_WINDOW_MS).toISOString(),
    };
    await trx.updateTable('webhook_deliveries').set(replayed).where('id', '=', id).execute();
    await audit(trx, now, caller, 'webhook.replayed', 'webhook_delivery', id, {
      webhook: row.webhook_id,
      previousStatus: row.status,
    });
    return deliveryView({ ...row, ...replayed });
  });
}
