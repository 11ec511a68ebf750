import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_PUSH_BYTES, pushRequestSchema, pushResponseSchema } from '#core/api/sync.ts';
import type { ServerContext } from '../context.ts';
import { requireStation } from '../plugins/authentication.ts';
import { ingestEvents } from '../station-events/ingest.ts';
import { validatePush } from '../station-events/validate-push.ts';
import { DEFAULT_PUSH_QUOTA, PushQuota, type PushQuotaSettings } from '../stations/push-quota.ts';
import { errors } from './responses.ts';

export const syncRoutes =
  (
    context: ServerContext,
    quotaSettings: PushQuotaSettings = DEFAULT_PUSH_QUOTA,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const quota = new PushQuota(quotaSettings, MAX_PUSH_BYTES);
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireStation(request));

    app.post(
      '/api/v1/sync/push',
      {
        bodyLimit: MAX_PUSH_BYTES,
        // Before the body is read (the station is known from its token by then): a station
        // over its quota costs the server a header parse. Without Content-Length the push is
        // charged as the largest one.
        onRequest: async (request) =>
          quota.charge(
            requireStation(request).id,
            Number(request.headers['content-length'] ?? MAX_PUSH_BYTES) || MAX_PUSH_BYTES,
          ),
        // Scans are kept as read, GS separators and all (core/events/station-events.ts).
        config: { controlCharacters: 'nul-only' },
        // The body is checked by validatePush in slices, not in one go here: the schema
        // below is what it checks against (and what the API description shows).
        validatorCompiler: () => (value) => ({ value }),
        schema: {
          tags: ['sync'],
          summary: 'A station pushes outbox events; each is stored at most once and answered',
          body: pushRequestSchema,
          response: { 200: pushResponseSchema, ...errors(400, 401, 403, 413, 429) },
        },
      },
      async (request) =>
        ingestEvents(context, requireStation(request), await validatePush(request.body)),
    );
  };
