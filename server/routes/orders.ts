import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chooseBodySchema,
  orderListSchema,
  orderSchema,
  reasonBodySchema,
  releaseBodySchema,
  releaseResultSchema,
  resolveBodySchema,
  submitOrderBodySchema,
} from '#core/api/orders.ts';
import { idempotencyHeadersSchema } from '#core/api/idempotency.ts';
import { ORDER_STATES } from '#core/orders/state-machine.ts';
import {
  pageQueryFields,
  searchTextSchema,
  timeRangeFields,
  toAfterFrom,
} from '#core/api/paging.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import {
  changeOrderState,
  chooseCandidates,
  getOrder,
  listOrders,
  ORDER_SORTS,
  resolveByCustomerService,
  submitOrder,
} from '../orders/orders.ts';
import { releaseOrder } from '../orders/release.ts';
import { undoOrderCancel } from '../orders/cancel-undo.ts';
import { answerOnce } from './idempotent.ts';
import { errors, idParams } from './responses.ts';
import { streamOrder } from './order-stream.ts';

const STAFF = ['customer_service', 'planner', 'supervisor'] as const;

export const orderRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.post(
      '/api/v1/orders',
      {
        schema: {
          tags: ['orders'],
          summary:
            'A customer submits an order; lines may name a product or a similar product and the differences',
          headers: idempotencyHeadersSchema,
          body: submitOrderBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const caller = requireUser(request, 'customer');
        return answerOnce(context, request, reply, caller, (answered) =>
          submitOrder(context, caller, request.body, { answered }),
        );
      },
    );

    app.get(
      '/api/v1/orders',
      {
        schema: {
          tags: ['orders'],
          summary:
            'Orders, one page at a time: a customer sees their own, staff see all; filter by state, line, words (q) or time (from, to: placed, or last changed with sort=updated)',
          querystring: z
            .strictObject({
              state: z.enum(ORDER_STATES).optional(),
              line: z.string().trim().min(1).max(64).optional(),
              q: searchTextSchema,
              ...timeRangeFields,
              ...pageQueryFields(ORDER_SORTS),
            })
            .superRefine(toAfterFrom),
          response: { 200: orderListSchema, ...errors(400, 401) },
        },
      },
      async (request) => {
        const { limit, cursor, sort, ...filters } = request.query;
        return listOrders(context, requireUser(request), filters, { limit, cursor, sort });
      },
    );

    app.get(
      '/api/v1/orders/:id',
      {
        schema: {
          tags: ['orders'],
          summary: 'One order, by id or code',
          params: idParams,
          response: { 200: orderSchema, ...errors(401, 404) },
        },
      },
      async (request) => getOrder(context, requireUser(request), request.params.id),
    );

    app.get(
      '/api/v1/orders/:id/live',
      {
        schema: {
          tags: ['orders'],
          summary: 'Server-sent events: the order, each time it changes',
          params: idParams,
          response: errors(401, 404),
        },
      },
      async (request, reply) =>
        streamOrder(context, requireUser(request), request.params.id, request, reply),
    );

    app.post(
      '/api/v1/orders/:id/choose',
      {
        schema: {
          tags: ['orders'],
          summary:
            'The customer picks among the candidates offered for each line (null: none fits)',
          params: idParams,
          body: chooseBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 404, 409) },
        },
      },
      async (request) =>
        chooseCandidates(
          context,
          requireUser(request, 'customer'),
          request.params.id,
          request.body.choices,
        ),
    );

    app.post(
      '/api/v1/orders/:id/resolve',
      {
        schema: {
          tags: ['customer service'],
          summary: 'Customer service picks a product for each unmatched line',
          params: idParams,
          body: resolveBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        resolveByCustomerService(
          context,
          requireUser(request, 'customer_service'),
          request.params.id,
          request.body.choices,
        ),
    );

    app.post(
      '/api/v1/orders/:id/release',
      {
        schema: {
          tags: ['planning'],
          summary: 'Release a confirmed order to a line: allocates resources and mints their codes',
          params: idParams,
          body: releaseBodySchema,
          response: { 200: releaseResultSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const result = await releaseOrder(
          context,
          requireUser(request, 'planner'),
          request.params.id,
          request.body.line,
        );
        return {
          order: result.order,
          units: result.units,
          resources: result.resources.map((r) => ({
            code: r.code,
            resourceType: r.resource_type,
            materialName: r.material_name,
            materialNameZh: r.material_name_zh,
            step: r.step,
            stepZh: r.step_zh,
            consumedAt: r.consumed_at,
          })),
        };
      },
    );

    for (const action of ['hold', 'resume', 'cancel'] as const) {
      app.post(
        `/api/v1/orders/:id/${action}`,
        {
          schema: {
            tags: ['orders'],
            summary: `${action[0]?.toUpperCase()}${action.slice(1)} an order, with a reason`,
            params: idParams,
            body: reasonBodySchema,
            response: { 200: orderSchema, ...errors(400, 401, 403, 404, 409) },
          },
        },
        async (request) => {
          const caller =
            action === 'cancel' ? requireUser(request) : requireUser(request, ...STAFF);
          return changeOrderState(context, caller, request.params.id, action, request.body.reason);
        },
      );
    }

    app.post(
      '/api/v1/orders/:id/undo-cancel',
      {
        schema: {
          tags: ['orders'],
          summary:
            'Undo a cancel within 10 minutes: the order goes back to where it was (a customer: only their own cancel)',
          params: idParams,
          response: { 200: orderSchema, ...errors(401, 404, 409) },
        },
      },
      async (request) => undoOrderCancel(context, requireUser(request), request.params.id),
    );
  };
