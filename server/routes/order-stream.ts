import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ServerContext } from '../context.ts';
import { openLiveFeed } from '../live/live-feeds.ts';
import { getOrder } from '../orders/orders.ts';

/**
 * Live progress as server-sent events: the whole order now, then again each time anything
 * about it changes (on this instance or, with PostgreSQL, any other). Sending the whole
 * order rather than deltas means a reconnecting browser is never out of step.
 */
export async function streamOrder(
  context: ServerContext,
  caller: Extract<Caller, { kind: 'user' }>,
  ref: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const first = await getOrder(context, caller, ref); // 404 before any stream starts
  const feed = openLiveFeed(context, caller, request, reply, 2000);
  let sending = Promise.resolve();
  const send = () => {
    sending = sending.then(async () => {
      if (feed.closed) return;
      try {
        const order = await getOrder(context, caller, first.id);
        feed.send({ order, at: context.now().toISOString() }, 'order');
      } catch (error) {
        request.log.warn({ err: error }, 'live order update failed');
      }
    });
  };
  feed.onClose(context.live.subscribe(`order:${first.id}`, send));
  send();
}
