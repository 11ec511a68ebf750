import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { traceParamsSchema, traceSchema } from '#core/api/back-office.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { traceCode } from '../back-office/traceability.ts';
import { errors } from './responses.ts';

export const traceRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.get(
      '/api/v1/trace/:code',
      {
        schema: {
          tags: ['traceability'],
          summary:
            'From any order, resource, unit or package code, or an SSCC, to the whole history of its order',
          params: traceParamsSchema,
          response: { 200: traceSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor', 'customer_service');
        return traceCode(context, request.params.code);
      },
    );
  };
