import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '#core/api/errors.ts';
import { AppError } from '../errors.ts';

/*
 * The transport-level controls of docs/security.md: TLS versions and suites, timeouts,
 * connections per address, response headers, the Origin check, and the error body for
 * requests too broken to reach a route.
 */

/** TLS 1.3, and TLS 1.2 with forward-secret AEAD suites only (no CBC, no SHA-1). */
export const TLS_HARDENING = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
  /** A TLS handshake that has not finished by then is dropped (slow-handshake holds). */
  handshakeTimeout: 10_000,
} as const;

export const TIMEOUTS = {
  /** All request headers within this; otherwise 408. */
  headersMs: 10_000,
  /** The whole request (headers and body) within this; otherwise 408. Live feeds are answers, not requests. */
  requestMs: 30_000,
  /** How often Node looks for connections past those limits. */
  checkEveryMs: 1_000,
} as const;

export const CONNECTIONS_RETRY_AFTER_S = 10;

const bodyOf = (status: number, code: ErrorBody['error']['code'], message: string) => {
  const json = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  return `HTTP/1.1 ${status} ${status === 429 ? 'Too Many Requests' : status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n${status === 429 ? `retry-after: ${CONNECTIONS_RETRY_AFTER_S}\r\n` : ''}connection: close\r\n\r\n${json}`;
};

/**
 * At most `max` open connections per client address; the one over it is answered 429 with
 * Retry-After once TLS is up, then closed. 0 turns the cap off (behind a reverse proxy,
 * every client has the proxy's address: let the proxy cap them).
 */
export function limitConnectionsPerAddress(server: HttpsServer, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  const over = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    open.set(address, count);
    if (count > max) over.add(socket);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  server.prependListener('secureConnection', (tlsSocket) => {
    const raw = (tlsSocket as unknown as { _parent?: Socket })._parent;
    if (raw && over.has(raw))
      tlsSocket.end(
        bodyOf(
          429,
          'OT_ERR_RATE_LIMITED',
          `At most ${max} connections at once from one address; retry in ${CONNECTIONS_RETRY_AFTER_S} s.`,
        ),
      );
  });
}

/**
 * Requests too broken for a route (bad header block, headers too large, too slow) still get
 * the one error body. Only the HTTP parser's errors are answered: an HTTPS server reports a
 * failed TLS handshake (one that timed out, was reset or was not TLS at all) here too, and
 * that socket has no secure channel to answer on. An answer written into an unfinished
 * handshake is held back until a handshake that never comes, so the socket was never
 * closed: it stopped reading, so it kept no event loop alive, yet it kept `server.close()`
 * waiting forever (the benchmark's exit code 13); and a handshake that the client had
 * finished but the server, stalled, had timed out got "not valid HTTP" as its push's answer.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  const fromHttp = error.code?.startsWith('HPE_') || error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  if (!fromHttp || !socket.writable) return void socket.destroy();
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? bodyOf(431, 'OT_ERR_VALIDATION', 'The request headers are too large.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? bodyOf(
            408,
            'OT_ERR_VALIDATION',
            `The request did not arrive in time (headers within ${TIMEOUTS.headersMs / 1000} s, all of it within ${TIMEOUTS.requestMs / 1000} s).`,
          )
        : bodyOf(400, 'OT_ERR_VALIDATION', 'The request is not valid HTTP.');
  socket.end(answer);
}

/** HSTS everywhere; API answers are never sniffed or cached (they carry people's orders). */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('strict-transport-security', 'max-age=31536000');
    if (request.url.startsWith('/api/')) {
      reply.header('x-content-type-options', 'nosniff');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF, beyond SameSite: a browser names the page that sent a state-changing request in
 * Origin (and Sec-Fetch-Site); one from another site is refused. Clients that are not
 * browsers (stations, integrations, curl) send neither and pass. Behind a reverse proxy the
 * Host header must reach the server unchanged (docs/security.md).
 */
export function installOriginCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const ours = `https://${request.headers.host ?? ''}`;
    if (site === 'cross-site' || (origin !== undefined && origin !== ours))
      throw new AppError(
        'OT_ERR_FORBIDDEN',
        `A request from ${origin ?? 'another site'} may not change anything here.`,
      );
  });
}
