import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { StationStreamEvent } from '#core/api/station-api.ts';
import { openSse, type SseFeed } from '#web/sse.ts';
import { spaAnswer } from '#web/static-files.ts';
import { runCommand, type StationCommandMap } from '../service/command-map.ts';
import type { StationStream } from '../service/station.ts';
import { tokenMatches } from './local-api-token.ts';

/*
 * Browser mode (docs/station.md, docs/security.md): the UI and the StationApi over HTTP on
 * 127.0.0.1. POST /api/commands/NAME runs one command (validated by its schema); GET
 * /api/events streams verdicts and states as server-sent events. Both need the station's
 * local API secret: `Authorization: Bearer <secret>`, or the HttpOnly cookie that the
 * printed `/?token=<secret>` link sets. A thin wrapper, like the Electron IPC one.
 */

/** A POST authenticated by the cookie carries it too: a foreign page cannot add it without a CORS preflight we never answer. */
export const STATION_HEADER = 'x-ordertrace-station';
/** Cookies ignore ports: each station on 127.0.0.1 (a plant runs three) names its own. */
export const stationCookie = (port: number) => `ordertrace_station_${port}`;
const MAX_BODY = 256 * 1024;

export const STATION_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface StationHttpOptions {
  service: StationStream;
  commands: StationCommandMap;
  /** The built renderer (renderer/dist). */
  uiDir: string;
  port: number;
  host?: string;
  /** The local API secret (local-api-token.ts). */
  token: string;
}

export interface StationHttp {
  /** The station's address, without the secret. */
  url: string;
  /** The link to print for the person at this station: sets the cookie, then drops the secret from the address bar. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep reading (and dropping) the rest, so the refusal reaches the client before the close.
      if (size > MAX_BODY && !tooLarge) {
        tooLarge = true;
        chunks.length = 0;
        reject(new Error('body too large'));
      } else if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) return;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const LOCKED = {
  ok: false,
  error: {
    key: 'local_api_locked',
    params: {
      detail:
        'This station needs its local API secret: open the link it printed when it started, or send Authorization: Bearer <the data dir’s local-api.token>.',
    },
  },
};

/** DNS rebinding: only our own names reach the API. */
const isLocalHost = (host: string | undefined, port: number) =>
  host === `127.0.0.1:${port}` || host === `localhost:${port}`;

const cookieValue = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
};

/** How the caller proved it holds the secret, if it did. */
function authenticatedBy(
  request: IncomingMessage,
  token: string,
  cookie: string,
): 'bearer' | 'cookie' | null {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return tokenMatches(token, bearer) ? 'bearer' : null;
  return tokenMatches(token, cookieValue(request.headers.cookie, cookie)) ? 'cookie' : null;
}

export async function serveStation(options: StationHttpOptions): Promise<StationHttp> {
  const { service, commands, uiDir, token } = options;
  const feeds = new Set<SseFeed>();
  const onEvent = (event: StationStreamEvent) => {
    for (const feed of feeds) feed.send(event);
  };
  service.on('event', onEvent);
  let port = options.port;

  const serveFile = async (path: string, response: ServerResponse) => {
    const answer = await spaAnswer({ root: uiDir, csp: STATION_CSP }, path);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };

  /** The printed link: trade the secret in the query for the cookie, then show the page without it. */
  const openWithToken = (url: URL, response: ServerResponse) => {
    if (!tokenMatches(token, url.searchParams.get('token') ?? undefined))
      return send(response, 401, LOCKED);
    url.searchParams.delete('token');
    response.writeHead(303, {
      location: `${url.pathname}${url.search}`,
      'set-cookie': `${stationCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    response.end();
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!isLocalHost(request.headers.host, port))
      return send(response, 421, { error: 'wrong host' });
    if (request.method === 'GET' && url.searchParams.has('token'))
      return openWithToken(url, response);
    if (url.pathname.startsWith('/api/')) {
      const by = authenticatedBy(request, token, stationCookie(port));
      if (!by) return send(response, 401, LOCKED, { 'www-authenticate': 'Bearer' });
      if (url.pathname === '/api/events' && request.method === 'GET') {
        const feed = openSse(request, response, { retryMs: 1000 });
        feed.send({ type: 'state', state: service.state() });
        feeds.add(feed);
        feed.onClose(() => feeds.delete(feed));
        return;
      }
      const command = /^\/api\/commands\/([A-Za-z]{1,40})$/.exec(url.pathname);
      if (command && request.method === 'POST') {
        if (by === 'cookie' && request.headers[STATION_HEADER] !== '1')
          return send(response, 403, { error: 'missing header' });
        readBody(request)
          .then((body) => runCommand(commands, command[1] ?? '', body))
          .then((reply) => send(response, 200, reply))
          .catch((error: unknown) =>
            send(response, 400, {
              ok: false,
              error: { key: 'invalid_input', params: { detail: (error as Error).message } },
            }),
          );
        return;
      }
      return send(response, 404, { error: 'not found' });
    }
    if (request.method === 'GET') {
      return void serveFile(url.pathname, response).catch(() =>
        send(response, 400, { error: 'bad path' }),
      );
    }
    send(response, 405, { error: 'method not allowed' });
  };
  const server: Server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch {
      // A request we cannot even parse must never take the station (and its scanner) down.
      if (!response.headersSent) send(response, 400, { error: 'bad request' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${encodeURIComponent(token)}`,
    token,
    async close() {
      service.off('event', onEvent);
      for (const feed of feeds) feed.close();
      feeds.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
