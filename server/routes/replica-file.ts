import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { replicaFileBuildingSchema, replicaFileManifestSchema } from '#core/api/sync.ts';
import type { ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireStation } from '../plugins/authentication.ts';
import type { ReplicaFiles } from '../replication/replica-file.ts';
import { checkProtocol } from '../replication/protocol.ts';
import { errors } from './responses.ts';

/** How soon a station told "building" asks again: progress a person can watch, few requests. */
const BUILDING_RETRY_MS = 1000;

const protocolQuery = z.strictObject({ protocol: z.coerce.number().int() });

/**
 * Bootstrap from a database file (docs/sync.md): the manifest of the station's scope's
 * prebuilt replica (built on first ask, shared by every station of the scope), then the
 * file itself by its SHA-256. While the scope's file is being built the manifest is answered
 * at once with 202 and Retry-After (how far the build got); a build that failed, 500 (the
 * station bootstraps row by row). A file replaced by a newer build answers 404: ask again.
 */
export const replicaFileRoutes =
  (_context: ServerContext, files: ReplicaFiles): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('preValidation', async (request) => void requireStation(request));

    app.get(
      '/api/v1/sync/replica-file',
      {
        schema: {
          tags: ['sync'],
          summary: 'The manifest of the prebuilt replica of the station’s scope',
          querystring: protocolQuery,
          response: {
            200: replicaFileManifestSchema,
            202: replicaFileBuildingSchema.describe(
              'Still being built: ask again after retryAfterMs',
            ),
            ...errors(400, 401),
          },
        },
      },
      async (request, reply) => {
        checkProtocol(request.query.protocol);
        const answer = await files.forStation(requireStation(request));
        if ('building' in answer)
          return reply
            .code(202)
            .header('retry-after', String(Math.ceil(BUILDING_RETRY_MS / 1000)))
            .send({ ...answer.building, retryAfterMs: BUILDING_RETRY_MS });
        const { path: _path, ...manifest } = answer.ready;
        return manifest;
      },
    );

    app.get(
      '/api/v1/sync/replica-file/:sha256',
      {
        schema: {
          tags: ['sync'],
          summary: 'The prebuilt replica, gzip-compressed, by the SHA-256 its manifest named',
          params: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
          querystring: protocolQuery,
          // A stream of gzip bytes: Fastify sends streams as they are, unserialised.
          response: {
            200: z.unknown().describe('application/gzip bytes'),
            ...errors(400, 401, 404),
          },
        },
      },
      async (request, reply) => {
        checkProtocol(request.query.protocol);
        const file = files.find(requireStation(request), request.params.sha256);
        if (!file)
          throw new AppError(
            'OT_ERR_NOT_FOUND',
            'That replica file was replaced; ask for the manifest again.',
          );
        return reply
          .header('content-type', 'application/gzip')
          .header('content-length', String(file.bytes))
          .header('cache-control', 'no-store')
          .send(createReadStream(file.path));
      },
    );
  };
