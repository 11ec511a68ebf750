import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  changeFeedQuerySchema,
  changeFeedResponseSchema,
  createWebhookBodySchema,
  createWebhookResponseSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookListSchema,
  webhookSchema,
} from '#core/api/integration.ts';
import { idempotencyHeadersSchema } from '#core/api/idempotency.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { readIntegrationEvents } from '../integration/integration-events.ts';
import {
  createWebhook,
  disableWebhook,
  listDeliveries,
  listWebhooks,
  replayDelivery,
} from '../integration/webhooks.ts';
import { answerOnce } from './idempotent.ts';
import { errors, idParams } from './responses.ts';

export const webhookRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.post(
      '/api/v1/webhooks',
      {
        schema: {
          tags: ['integration'],
          summary: 'Subscribe a URL to event kinds; answers the signing secret, shown once',
          headers: idempotencyHeadersSchema,
          body: createWebhookBodySchema,
          response: { 200: createWebhookResponseSchema, ...errors(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const caller = requireUser(request, 'admin');
        return answerOnce(context, request, reply, caller, (answered) =>
          createWebhook(context, caller, request.body, answered),
        );
      },
    );

    app.get(
      '/api/v1/webhooks',
      {
        schema: {
          tags: ['integration'],
          response: { 200: webhookListSchema, ...errors(401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'admin');
        return { webhooks: await listWebhooks(context) };
      },
    );

    app.post(
      '/api/v1/webhooks/:id/disable',
      {
        schema: {
          tags: ['integration'],
          summary: 'Stop delivering to this webhook',
          params: idParams,
          response: { 200: webhookSchema, ...errors(401, 403, 404, 409) },
        },
      },
      async (request) => disableWebhook(context, requireUser(request, 'admin'), request.params.id),
    );

    app.get(
      '/api/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['integration'],
          summary: 'The delivery log of a webhook, newest first',
          params: idParams,
          response: { 200: webhookDeliveryListSchema, ...errors(401, 403, 404) },
        },
      },
      async (request) => {
        requireUser(request, 'admin');
        return { deliveries: await listDeliveries(context, request.params.id) };
      },
    );

    app.post(
      '/api/v1/webhook-deliveries/:id/replay',
      {
        schema: {
          tags: ['integration'],
          summary: 'Send a delivery again now, with the same idempotency id',
          params: idParams,
          response: { 200: webhookDeliverySchema, ...errors(401, 403, 404) },
        },
      },
      async (request) => replayDelivery(context, requireUser(request, 'admin'), request.params.id),
    );

    app.get(
      '/api/v1/changes',
      {
        schema: {
          tags: ['integration'],
          summary: 'The change feed: integration events after a cursor, oldest first',
          querystring: changeFeedQuerySchema,
          response: { 200: changeFeedResponseSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'customer_service');
        return readIntegrationEvents(context.storage.db, request.query.after, request.query.limit);
      },
    );
  };
