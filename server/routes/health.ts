import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import { SCHEMA_VERSION } from '../storage/migrate.ts';
import { SERVER_VERSION } from '../version.ts';

export const healthRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/health',
      {
        schema: {
          tags: ['health'],
          summary: 'Is the server up, and on which storage',
          response: {
            200: z.object({
              status: z.literal('ok'),
              version: z.string(),
              storage: z.enum(['sqlite', 'postgres']),
              schemaVersion: z.number(),
              time: z.string(),
            }),
          },
        },
      },
      async () => ({
        status: 'ok' as const,
        version: SERVER_VERSION,
        storage: context.storage.kind,
        schemaVersion: SCHEMA_VERSION,
        time: context.now().toISOString(),
      }),
    );

    app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
