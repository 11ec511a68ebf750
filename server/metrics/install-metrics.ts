import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { metricsAuthorized } from '#core/api/metrics-token.ts';

/** Routes whose replies are live feeds (server-sent events) that stay open. */
const LIVE_FEEDS: Readonly<Record<string, string>> = {
  '/api/v1/sync/live': 'station',
  '/api/v1/orders/:id/live': 'order',
};

/**
 * Measure every request and answer `GET /metrics` (Prometheus text) when METRICS_TOKEN is
 * set. Installed before authentication: the scrape's bearer token is not a station token,
 * so /metrics is answered here and never reaches the station-token check. Without a token
 * configured, /metrics does not exist (404).
 */
export function installMetrics(
  app: FastifyInstance,
  context: ServerContext,
  metricsToken: string | undefined,
): void {
  const metrics = context.metrics;
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' && request.url.split('?')[0] === '/metrics') {
      if (!metricsToken) {
        return reply.code(404).send({
          error: { code: 'OT_ERR_NOT_FOUND', message: 'Metrics are off: set METRICS_TOKEN.' },
        });
      }
      if (!metricsAuthorized(request.headers.authorization, metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: { code: 'OT_ERR_UNAUTHENTICATED', message: 'Send the metrics token.' } });
      }
      return reply
        .code(200)
        .header('content-type', metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(await metrics.registry.metrics());
    }
    const feed = LIVE_FEEDS[request.routeOptions.url ?? ''];
    if (feed) {
      metrics.liveFeeds.inc({ feed });
      request.raw.once('close', () => metrics.liveFeeds.dec({ feed }));
    }
    return undefined;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode !== 200) return;
    if (route === '/api/v1/sync/push') {
      const events = (request.body as { events?: unknown[] } | undefined)?.events;
      metrics.ingestBatches.inc();
      metrics.ingestEvents.inc(events?.length ?? 0);
    } else if (route === '/api/v1/sync/changes') {
      metrics.pulls.inc();
      const after = Number((request.query as { after?: unknown }).after ?? 0);
      if (request.caller?.kind === 'station') metrics.stationPulled(request.caller.name, after);
    }
  });
}
