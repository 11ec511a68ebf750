import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ssccBlockRequestSchema, ssccBlockResponseSchema } from '#core/api/sscc-blocks.ts';
import type { ServerContext } from '../context.ts';
import { requireStation } from '../plugins/authentication.ts';
import { grantSsccBlocks } from '../labels/sscc-blocks.ts';
import { checkProtocol } from '../replication/protocol.ts';
import { errors } from './responses.ts';

export const ssccBlockRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('preValidation', async (request) => void requireStation(request));

    app.post(
      '/api/v1/sync/sscc-blocks',
      {
        schema: {
          tags: ['sync'],
          summary:
            'A packing station names the SSCC blocks it holds and gets another when it runs low',
          body: ssccBlockRequestSchema,
          response: { 200: ssccBlockResponseSchema, ...errors(400, 401, 403, 409) },
        },
      },
      async (request) => {
        checkProtocol(request.body.protocol);
        return grantSsccBlocks(context, requireStation(request), request.body);
      },
    );
  };
