import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  answerProposalBodySchema,
  messageBodySchema,
  orderSchema,
  proposeBodySchema,
} from '#core/api/orders.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { answerProposal, postMessage, proposeProduct } from '../orders/order-conversation.ts';
import { errors, idParams } from './responses.ts';

/** The conversation on an order: messages, customer service's proposals, the customer's answers. */
export const orderConversationRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.post(
      '/api/v1/orders/:id/messages',
      {
        schema: {
          tags: ['customer service'],
          summary: 'The customer or customer service writes on the order (seen live by both)',
          params: idParams,
          body: messageBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        postMessage(
          context,
          requireUser(request, 'customer', 'customer_service', 'planner'),
          request.params.id,
          request.body.text,
        ),
    );

    app.post(
      '/api/v1/orders/:id/proposals',
      {
        schema: {
          tags: ['customer service'],
          summary: 'Customer service proposes a product for a line that awaits one',
          params: idParams,
          body: proposeBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        proposeProduct(
          context,
          requireUser(request, 'customer_service'),
          request.params.id,
          request.body,
        ),
    );

    app.post(
      '/api/v1/orders/:id/proposals/:proposal/answer',
      {
        schema: {
          tags: ['customer service'],
          summary:
            'The customer accepts or declines a proposal; accepting the last open line confirms the order',
          params: idParams.extend({ proposal: z.string().min(1).max(64) }),
          body: answerProposalBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        answerProposal(
          context,
          requireUser(request, 'customer'),
          request.params.id,
          request.params.proposal,
          request.body,
        ),
    );
  };
