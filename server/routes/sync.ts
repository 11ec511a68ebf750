import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pushRequestSchema, pushResponseSchema } from '#core/api/sync.ts';
import type { ServerContext } from '../context.ts';
import { requireStation } from '../plugins/authentication.ts';
import { ingestEvents } from '../station-events/ingest.ts';
import { errors } from './responses.ts';

export const syncRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireStation(request));

    app.post(
      '/api/v1/sync/push',
      {
        bodyLimit: 8 * 1024 * 1024,
        // Scans are kept as read, GS separators and all (core/events/station-events.ts).
        config: { controlCharacters: 'nul-only' },
        schema: {
          tags: ['sync'],
          summary: 'A station pushes outbox events; each is stored at most once and answered',
          body: pushRequestSchema,
          response: { 200: pushResponseSchema, ...errors(400, 401, 403, 413) },
        },
      },
      async (request) => ingestEvents(context, requireStation(request), request.body),
    );
  };
