import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerResponse } from 'node:http';
import {
  checksumsResponseSchema,
  PROTOCOL_VERSION,
  pullQuerySchema,
  pullResponseSchema,
  REPLICATED_ENTITIES,
  snapshotQuerySchema,
} from '#core/api/sync.ts';
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import { liveChanges } from '../live/live-changes.ts';
import { openLiveFeed } from '../live/live-feeds.ts';
import { requireStation } from '../plugins/authentication.ts';
import { checkProtocol } from '../replication/protocol.ts';
import { pullChanges } from '../replication/pull.ts';
import { scopeChecksums, writeSnapshot } from '../replication/snapshot.ts';
import { touchStation } from '../stations/stations.ts';
import { errors } from './responses.ts';

const protocolQuery = z.strictObject({ protocol: z.coerce.number().int() });
const CHUNK = 64 * 1024;
/** Unsent live messages a station may have waiting before it is skipped (it pulls then). */
const LIVE_BACKLOG_BYTES = 4 * 1024 * 1024;

// "Last seen" is best effort: it must never fail a sync request, even while the server closes.
const ignoreLastSeenFailure = () => undefined;

/**
 * "Last seen" at most once a second per station: with live notices every station pulls
 * after every change, and a write per pull (a commit, a sync to disk) would cost more than
 * the pull itself. The back office shows it to the second anyway.
 */
const LAST_SEEN_EVERY_MS = 1000;
function lastSeenWriter(context: ServerContext) {
  const touched = new Map<string, number>();
  return (stationId: string) => {
    const now = Date.now();
    if (now - (touched.get(stationId) ?? Number.NEGATIVE_INFINITY) < LAST_SEEN_EVERY_MS) return;
    touched.set(stationId, now);
    touchStation(context, stationId).catch(ignoreLastSeenFailure);
  };
}

/** Buffer NDJSON lines into ~64 KiB writes and honour the socket's backpressure. */
function lineWriter(response: ServerResponse) {
  let buffer = '';
  const flush = (): Promise<void> | undefined => {
    if (!buffer) return undefined;
    const ok = response.write(buffer);
    buffer = '';
    if (ok) return undefined;
    // A station that hangs up mid-snapshot must not leave the read transaction open forever.
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        response.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        response.off('drain', onDrain);
        reject(new Error('the station closed the connection during the snapshot'));
      };
      response.once('drain', onDrain);
      response.once('close', onClose);
    });
  };
  return {
    line(text: string) {
      buffer += `${text}\n`;
      return buffer.length >= CHUNK ? flush() : undefined;
    },
    flush,
  };
}

export const syncDownRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('preValidation', async (request) => void requireStation(request));
    const seen = lastSeenWriter(context);

    app.get(
      '/api/v1/sync/changes',
      {
        schema: {
          tags: ['sync'],
          summary: 'Changes in the station’s scope after its cursor, in batches',
          querystring: pullQuerySchema,
          response: { 200: pullResponseSchema, ...errors(400, 401, 410) },
        },
      },
      async (request) => {
        const station = requireStation(request);
        checkProtocol(request.query.protocol);
        seen(station.id);
        return pullChanges(context, station, request.query.after, request.query.limit);
      },
    );

    app.get(
      '/api/v1/sync/snapshot',
      {
        schema: {
          tags: ['sync'],
          summary:
            'Every current row of the station’s scope as NDJSON: header, rows, end with checksums',
          querystring: snapshotQuerySchema,
          response: errors(400, 401),
        },
      },
      async (request, reply) => {
        const station = requireStation(request);
        checkProtocol(request.query.protocol);
        const entities = request.query.entity ?? [...REPLICATED_ENTITIES];
        reply.hijack();
        const response = reply.raw;
        response.writeHead(200, {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'cache-control': 'no-store',
        });
        const out = lineWriter(response);
        try {
          await writeSnapshot(context, station, entities, {
            header: (cursor, rows, list) =>
              void out.line(
                JSON.stringify({
                  type: 'header',
                  protocol: PROTOCOL_VERSION,
                  cursor,
                  rows,
                  entities: list,
                }),
              ),
            row: (entity, key, data) =>
              out.line(
                `{"entity":${JSON.stringify(entity)},"key":${JSON.stringify(key)},"data":${data}}`,
              ),
            end: (checksums) => void out.line(JSON.stringify({ type: 'end', checksums })),
          });
          await out.flush();
          response.end();
        } catch (error) {
          // Headers are gone: end without the 'end' line, which the station reads as incomplete.
          request.log.error({ err: error }, 'snapshot failed');
          response.destroy(error as Error);
        }
      },
    );

    app.get(
      '/api/v1/sync/checksums',
      {
        schema: {
          tags: ['sync'],
          summary: 'Per-entity checksums of the station’s scope, to detect a diverged replica',
          querystring: protocolQuery,
          response: { 200: checksumsResponseSchema, ...errors(400, 401) },
        },
      },
      async (request) => {
        checkProtocol(request.query.protocol);
        return scopeChecksums(context, requireStation(request));
      },
    );

    app.get(
      '/api/v1/sync/live',
      {
        schema: {
          tags: ['sync'],
          summary:
            'Server-sent events: `changes` carries the scope’s new changes after a cursor; pull on a gap',
          querystring: protocolQuery,
          response: errors(400, 401),
        },
      },
      async (request, reply) => {
        const station = requireStation(request);
        checkProtocol(request.query.protocol);
        const feed = openLiveFeed(context, station, request, reply, 1000);
        // The first message is an empty range at the scope's cursor: a station that
        // (re)connects below it pulls what it missed meanwhile (an older one pulls anyway).
        const stop = await liveChanges(context).subscribe(station, (message) => {
          // A station that does not read its feed is skipped: its next message shows a gap.
          feed.sendShared(message, LIVE_BACKLOG_BYTES);
        });
        feed.onClose(stop);
        seen(station.id);
      },
    );
  };
