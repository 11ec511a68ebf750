import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * One server-sent-events writer for every live feed (the server's order and sync feeds, the
 * station's event stream): the headers, a retry hint, a heartbeat comment so proxies and
 * idle-timeouts never cut a quiet feed, and one close that stops all of it.
 */

export const SSE_HEARTBEAT_MS = 15_000;

/**
 * One event encoded once for many feeds (a live message shared by every station of a
 * scope): its text as bytes, and the same bytes framed as one HTTP/1.1 chunk, so each feed
 * writes one buffer to its socket (one TLS record, one system call) instead of encoding the
 * text again and writing the chunk's size, text and end as four pieces.
 */
export interface SseMessage {
  readonly bytes: Buffer;
  readonly chunk: Buffer;
}

export function sseMessage(event: string, data: string): SseMessage {
  const bytes = Buffer.from(`event: ${event}\ndata: ${data}\n\n`, 'utf8');
  const chunk = Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'),
    bytes,
    Buffer.from('\r\n', 'latin1'),
  ]);
  return { bytes, chunk };
}

export interface SseFeed {
  /** One event; named when `event` is given. Nothing happens once closed. */
  send(data: unknown, event?: string): void;
  /**
   * One event encoded already (`sseMessage`, shared by many feeds). Returns false, sending
   * nothing, when closed or when more than `maxBacklogBytes` wait unsent for a slow reader.
   */
  sendShared(message: SseMessage, maxBacklogBytes: number): boolean;
  /** End the feed from our side (revoked, logged out, server closing). */
  close(): void;
  /** Runs once when the feed ends, from either side. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

export interface SseOptions {
  /** How long a client waits before reconnecting after the feed drops. */
  retryMs: number;
  heartbeatMs?: number;
}

export function openSse(
  request: IncomingMessage,
  response: ServerResponse,
  options: SseOptions,
): SseFeed {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
    // nginx and friends: pass events on as they come.
    'x-accel-buffering': 'no',
  });
  response.write(`retry: ${options.retryMs}\n\n`);
  const listeners: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(
    () => response.write(': keep-alive\n\n'),
    options.heartbeatMs ?? SSE_HEARTBEAT_MS,
  );
  heartbeat.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const listener of listeners.splice(0)) listener();
  };
  request.on('close', finish);
  response.on('close', finish);
  return {
    send(data, event) {
      if (closed) return;
      response.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    },
    sendShared(message, maxBacklogBytes) {
      if (closed) return false;
      const socket = response.socket;
      // Once the headers are on the socket and this response owns it, a chunked body's
      // next chunk can go to the socket as it is: the same bytes `write` would produce.
      const direct =
        response.chunkedEncoding &&
        response.headersSent &&
        socket !== null &&
        socket.writable &&
        (socket as { _httpMessage?: unknown })._httpMessage === response;
      const backlog = (direct ? socket.writableLength : 0) + response.writableLength;
      if (backlog > maxBacklogBytes) return false;
      if (direct) socket.write(message.chunk);
      else response.write(message.bytes);
      return true;
    },
    close() {
      if (closed) return;
      finish();
      response.end();
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
    get closed() {
      return closed;
    },
  };
}
