import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pushRequestSchema, pushResponseSchema } from '#core/api/sync.ts';
import type { ServerContext } from '../context.ts';
import { requireStation } from '../plugins/authentication.ts';
import { ingestEvents } from '../station-events/ingest.ts';
import { DEFAULT_PUSH_QUOTA, PushQuota, type PushQuotaSettings } from '../stations/push-quota.ts';
import { errors } from './responses.ts';

/** The largest push body (docs/api.md "Limits"): 1,000 events of a few KiB each. */
export const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

export const syncRoutes =
  (
    context: ServerContext,
    quotaSettings: PushQuotaSettings = DEFAULT_PUSH_QUOTA,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const quota = new PushQuota(quotaSettings, PUSH_BODY_LIMIT);
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireStation(request));

    app.post(
      '/api/v1/sync/push',
      {
        bodyLimit: PUSH_BODY_LIMIT,
        // Before the body is read (the station is known from its token by then): a station
        // over its quota costs the server a header parse. Without Content-Length the push is
        // charged as the largest one.
        onRequest: async (request) =>
          quota.charge(
            requireStation(request).id,
            Number(request.headers['content-length'] ?? PUSH_BODY_LIMIT) || PUSH_BODY_LIMIT,
          ),
        // Scans are kept as read, GS separators and all (core/events/station-events.ts).
        config: { controlCharacters: 'nul-only' },
        schema: {
          tags: ['sync'],
          summary: 'A station pushes outbox events; each is stored at most once and answered',
          body: pushRequestSchema,
          response: { 200: pushResponseSchema, ...errors(400, 401, 403, 413, 429) },
        },
      },
      async (request) => ingestEvents(context, requireStation(request), request.body),
    );
  };
