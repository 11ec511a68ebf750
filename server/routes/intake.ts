import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intakeBodySchema, intakeResponseSchema } from '#core/api/intake.ts';
import { idempotencyHeadersSchema } from '#core/api/idempotency.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { takeOrders } from '../integration/order-intake.ts';
import { answerOnce } from './idempotent.ts';
import { errors } from './responses.ts';

export const intakeRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.post(
      '/api/v1/intake/orders',
      {
        bodyLimit: 4 * 1024 * 1024,
        schema: {
          tags: ['integration'],
          summary:
            'Create many orders from an ERP or web shop; idempotent by externalId, one result per order',
          headers: idempotencyHeadersSchema,
          body: intakeBodySchema,
          response: { 200: intakeResponseSchema, ...errors(400, 401, 403, 413, 422) },
        },
      },
      async (request, reply) => {
        const caller = requireUser(request, 'planner', 'customer_service');
        return answerOnce(context, request, reply, caller, (answered) =>
          takeOrders(context, caller, request.body.orders, answered),
        );
      },
    );
  };
