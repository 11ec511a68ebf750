import { z } from 'zod';

/** What integrators can subscribe to (webhooks) and read back (change feed, MQTT). */
export const INTEGRATION_EVENT_KINDS = [
  'order.state_changed',
  'line.stopped',
  'line.cleared',
  'exception.raised',
  'receipt.recorded',
] as const;
export const integrationEventKindSchema = z.enum(INTEGRATION_EVENT_KINDS);
export type IntegrationEventKind = z.infer<typeof integrationEventKindSchema>;

/**
 * One event as every interface carries it: the webhook body, an MQTT payload, an entry of
 * the change feed. `seq` is the change feed's cursor: strictly increasing.
 */
export const integrationEventSchema = z.object({
  seq: z.number().int().positive(),
  kind: integrationEventKindSchema,
  at: z.string(),
  order: z.string().nullable(),
  plant: z.string().nullable(),
  line: z.string().nullable(),
  station: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type IntegrationEvent = z.infer<typeof integrationEventSchema>;

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);
const isLoopback = (hostname: string) =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** Only https://, except plain http:// to this machine (a local relay, a test receiver). */
export const webhookUrlSchema = z
  .string()
  .max(2000)
  .refine((text) => {
    try {
      const url = new URL(text);
      if (url.username || url.password) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
    } catch {
      return false;
    }
  }, 'a webhook URL is https://, or http:// to a loopback address (127.0.0.1, ::1, localhost), without credentials');

export const createWebhookBodySchema = z.strictObject({
  url: webhookUrlSchema,
  events: z.array(integrationEventKindSchema).min(1).max(INTEGRATION_EVENT_KINDS.length),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

/** The secret is shown once, here; it signs every delivery. */
export const createWebhookResponseSchema = z.object({ id: z.string(), secret: z.string() });

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(integrationEventKindSchema),
  createdAt: z.string(),
  createdBy: z.string(),
  disabledAt: z.string().nullable(),
});
export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });
export type Webhook = z.infer<typeof webhookSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  kind: integrationEventKindSchema,
  seq: z.number(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const MAX_FEED_LIMIT = 1000;
export const changeFeedQuerySchema = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_LIMIT).default(100),
});
/** `cursor`: pass it as `after` next time; `more`: another page is there already. */
export const changeFeedResponseSchema = z.object({
  events: z.array(integrationEventSchema),
  cursor: z.number(),
  more: z.boolean(),
});
