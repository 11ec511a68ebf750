import type { FastifyReply, FastifyRequest } from 'fastify';
import { openSse, type SseFeed } from '#web/sse.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';

/*
 * Every live feed the server holds open (docs/security.md, "Live feeds"): capped per person
 * and per station, and closed within a second when what opened it ends — a revoked station,
 * a logged-out or expired session, a person whose role changed. The ends are announced on
 * the live bus, so with PostgreSQL a logout on one instance closes feeds on every other.
 */

/** Open feeds at once: a person's tabs (one per order page), a station's one (and a reconnect). */
export const FEED_LIMITS = { user: 20, station: 4 } as const;
export const FEED_RETRY_AFTER_S = 5;

/** The live-bus topics that end feeds. */
export const feedEnds = {
  station: (id: string) => `feeds-end:station:${id}`,
  user: (id: string) => `feeds-end:user:${id}`,
  session: (id: string) => `feeds-end:session:${id}`,
};

const openCounts = new WeakMap<ServerContext, Map<string, number>>();

type FeedCaller = Extract<Caller, { kind: 'user' | 'station' }>;

/**
 * Take over the reply as a server-sent-events feed for this caller, or refuse with 429
 * and Retry-After when the caller holds its limit of feeds already.
 */
export function openLiveFeed(
  context: ServerContext,
  caller: FeedCaller,
  request: FastifyRequest,
  reply: FastifyReply,
  retryMs: number,
): SseFeed {
  let counts = openCounts.get(context);
  if (!counts) openCounts.set(context, (counts = new Map()));
  const key = `${caller.kind}:${caller.id}`;
  const limit = FEED_LIMITS[caller.kind];
  const open = counts.get(key) ?? 0;
  if (open >= limit) {
    throw new AppError(
      'OT_ERR_RATE_LIMITED',
      `At most ${limit} live feeds at once per ${caller.kind === 'user' ? 'person' : 'station'}; close one, or retry in ${FEED_RETRY_AFTER_S} s.`,
    ).withRetryAfter(FEED_RETRY_AFTER_S);
  }
  counts.set(key, open + 1);
  reply.hijack();
  const feed = openSse(request.raw, reply.raw, { retryMs });
  const close = () => feed.close();
  const unsubscribe = (
    caller.kind === 'station'
      ? [feedEnds.station(caller.id)]
      : [feedEnds.user(caller.id), ...(caller.session ? [feedEnds.session(caller.session.id)] : [])]
  ).map((topic) => context.live.subscribe(topic, close));
  const expiry =
    caller.kind === 'user' && caller.session
      ? setTimeout(
          close,
          Math.max(0, Date.parse(caller.session.expiresAt) - context.now().getTime()),
        )
      : undefined;
  expiry?.unref();
  feed.onClose(() => {
    clearTimeout(expiry);
    for (const stop of unsubscribe) stop();
    const left = (counts.get(key) ?? 1) - 1;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  });
  return feed;
}
