import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ServerContext } from '../context.ts';
import { getOrder } from '../services/orders.ts';

const HEARTBEAT_MS = 15_000;

/**
 * Live progress as server-sent events: the whole order now, then again each time anything
 * about it changes (on this instance or, with PostgreSQL, any other). Sending the whole
 * order rather than deltas means a reconnecting browser is never out of step.
 */
export async function streamOrder(
  context: ServerContext,
  caller: Caller,
  ref: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const first = await getOrder(context, caller, ref); // 404 before any stream starts
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let sending = Promise.resolve();
  let closed = false;
  const send = () => {
    sending = sending.then(async () => {
      if (closed) return;
      try {
        const order = await getOrder(context, caller, first.id);
        response.write(
          `event: order\ndata: ${JSON.stringify({ order, at: context.now().toISOString() })}\n\n`,
        );
      } catch (error) {
        request.log.warn({ err: error }, 'live order update failed');
      }
    });
  };
  const unsubscribe = context.live.subscribe(`order:${first.id}`, send);
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  request.raw.on('close', stop);
  response.write('retry: 2000\n\n');
  send();
}
