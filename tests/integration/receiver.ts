import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/**
 * A webhook receiver on loopback, as an integrator would write one: it checks the
 * signature the documented way (docs/integration.md) and records what it accepted.
 * `down`: answer 503 to everything, as a receiver in maintenance does.
 */
export async function startReceiver(secret: () => string) {
  const received: Received[] = [];
  const refused: string[] = [];
  const state = { down: false };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (state.down) return void response.writeHead(503).end();
      const header = String(request.headers['ordertrace-signature'] ?? '');
      if (!verifySignature(secret(), header, body)) {
        refused.push(header);
        return void response.writeHead(400).end('bad signature');
      }
      received.push({ headers: request.headers, body, json: JSON.parse(body) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/ordertrace`,
    received,
    refused,
    state,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The verification snippet of docs/integration.md, as code. */
export function verifySignature(secret: string, header: string, rawBody: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
