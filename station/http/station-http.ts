import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { StationStreamEvent } from '#core/api/station-api.ts';
import { runCommand, type StationCommandMap } from '../service/command-map.ts';
import type { StationService } from '../service/station-service.ts';

/*
 * Browser mode (docs/station.md): the UI and the StationApi over HTTP on 127.0.0.1. POST
 * /api/commands/NAME runs one command (validated by its schema); GET /api/events streams
 * verdicts and states as server-sent events. A thin wrapper, like the Electron IPC one.
 */

/** Every POST carries it: a foreign web page cannot add a custom header without a CORS preflight we never answer. */
export const STATION_HEADER = 'x-ordertrace-station';
const MAX_BODY = 256 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const STATION_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface StationHttpOptions {
  service: StationService;
  commands: StationCommandMap;
  /** The built renderer (renderer/dist). */
  uiDir: string;
  port: number;
  host?: string;
}

export interface StationHttp {
  url: string;
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

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

/** DNS rebinding: only our own names reach the API. */
const isLocalHost = (host: string | undefined, port: number) =>
  host === `127.0.0.1:${port}` || host === `localhost:${port}`;

export async function serveStation(options: StationHttpOptions): Promise<StationHttp> {
  const { service, commands, uiDir } = options;
  const streams = new Set<ServerResponse>();
  const onEvent = (event: StationStreamEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };
  service.on('event', onEvent);
  let port = options.port;

  const serveFile = async (path: string, response: ServerResponse) => {
    const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    const file = join(uiDir, relative === '' ? 'index.html' : relative);
    if (!file.startsWith(uiDir + sep) && file !== uiDir) return send(response, 404, {});
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': STATION_CSP,
        'x-content-type-options': 'nosniff',
      });
      response.end(body);
    } catch {
      // An unknown path is the single-page app's: hand it the index.
      if (extname(file) === '' || file.endsWith('index.html')) {
        const index = await readFile(join(uiDir, 'index.html')).catch(() => undefined);
        if (index) {
          response.writeHead(200, {
            'content-type': TYPES['.html'] ?? '',
            'content-security-policy': STATION_CSP,
          });
          return response.end(index);
        }
      }
      send(response, 404, { error: 'not found' });
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!isLocalHost(request.headers.host, port))
      return send(response, 421, { error: 'wrong host' });
    if (url.pathname === '/api/events' && request.method === 'GET') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`data: ${JSON.stringify({ type: 'state', state: service.state() })}\n\n`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    const command = /^\/api\/commands\/([A-Za-z]{1,40})$/.exec(url.pathname);
    if (command && request.method === 'POST') {
      if (request.headers[STATION_HEADER] !== '1')
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
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      service.off('event', onEvent);
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
