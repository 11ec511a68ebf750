import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import { metricsAuthorized } from '#core/api/metrics-token.ts';

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * The station's `/metrics` on a listen address of its own: the station UI stays on
 * loopback, while Prometheus scrapes over the plant network with the bearer token.
 */
export async function serveMetrics(options: {
  registry: Registry;
  token: string;
  port: number;
  host: string;
}): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (!metricsAuthorized(request.headers.authorization, options.token)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    options.registry
      .metrics()
      .then((text) => {
        response.writeHead(200, {
          'content-type': options.registry.contentType,
          'cache-control': 'no-store',
        });
        response.end(text);
      })
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
