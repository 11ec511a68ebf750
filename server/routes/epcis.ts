import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { epcisDocumentSchema, epcisQuerySchema } from '#core/api/back-office.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { exportEpcis } from '../epcis/export.ts';
import { errors } from './responses.ts';

export const epcisRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.get(
      '/api/v1/epcis/events',
      {
        schema: {
          tags: ['exports'],
          summary:
            'The event history of an order or a time range as a GS1 EPCIS 2.0 JSON-LD document',
          querystring: epcisQuerySchema,
          response: { 200: epcisDocumentSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        requireUser(request, 'planner', 'supervisor', 'customer_service');
        const document = await exportEpcis(context, request.query);
        // The EPCIS 2.0 REST binding's media type for JSON-LD documents.
        return reply.type('application/ld+json').send(document);
      },
    );
  };
