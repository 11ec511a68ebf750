import { MAX_PUSH_BYTES, PROTOCOL_VERSION, pushResponseSchema } from '#core/api/sync.ts';
import type { Outbox, PendingEvent } from '#db/outbox.ts';
import { JsonText, SyncError } from './sync-http.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Room for the push's envelope (protocol, outbox depth) around its events. */
const ENVELOPE_BYTES = 256;

/**
 * The leading events that fit in one push body (MAX_PUSH_BYTES), at least one: a batch of
 * large events (packages of many units) goes out over several pushes instead of a 413.
 */
export function fitToPush(events: PendingEvent[]): PendingEvent[] {
  let bytes = ENVELOPE_BYTES;
  for (const [index, event] of events.entries()) {
    bytes += Buffer.byteLength(event.text) + 1;
    if (bytes > MAX_PUSH_BYTES) return events.slice(0, Math.max(1, index));
  }
  return events;
}

/**
 * The push request (core/api/sync.ts pushRequestSchema) around the events' recorded JSON,
 * which goes out as it is: the envelope is two integers.
 */
export function pushBody(outboxDepth: number, events: PendingEvent[]): JsonText {
  const texts = events.map((event) => event.text).join(',');
  return new JsonText(
    `{"protocol":${PROTOCOL_VERSION},"outboxDepth":${outboxDepth},"events":[${texts}]}`,
  );
}

/**
 * Push the outbox in sequence order, `batchSize` events a request (fewer when they would not
 * fit in one body), until it is empty or the
 * server takes nothing new (docs/sync.md, up). `answered` runs after each answer with what
 * people should see of it (a conflict, or an event the server did not apply), or null.
 */
export async function pushOutbox(
  http: SyncTransport,
  outbox: Outbox,
  batchSize: number,
  answered: (problem: string | null) => void,
): Promise<void> {
  for (;;) {
    const events = fitToPush(outbox.pending(batchSize));
    if (events.length === 0) return;
    const answer = pushResponseSchema.parse(
      await http.json('POST', '/api/v1/sync/push', pushBody(outbox.status().depth, events)),
    );
    outbox.acknowledge(answer.ackedThrough);
    // Rejected events are held and acknowledged (the back office sees why): the queue
    // moves on. A conflict (the sequence is held with another event) is not held.
    const rejected = answer.results.find((result) => result.status === 'rejected');
    const conflicts = answer.results.filter((result) => result.status === 'conflict');
    answered(
      conflicts[0]?.reason ??
        (rejected ? `server did not apply event ${rejected.seq}: ${rejected.reason}` : null),
    );
    // The server refuses to hold these: retrying at once would spin. Wait for people.
    if (conflicts.length > 0) {
      throw new SyncError(
        `server refused event ${conflicts[0]?.seq}: ${conflicts[0]?.reason}`,
        'refused',
      );
    }
    // Nothing new was taken and the server still lacks earlier events: wait for the next cycle.
    if (
      answer.ackedThrough < (events.at(-1)?.seq ?? 0) &&
      answer.results.every((r) => r.status !== 'accepted')
    )
      return;
  }
}

/**
 * The server answered a push 429 with Retry-After (its per-station quota, docs/api.md
 * "Limits"): no push leaves before that time — a decision recorded meanwhile waits in the
 * outbox — and `resume` runs once it has passed, to push what waited.
 */
export class PushPause {
  private until = 0;

  constructor(
    private readonly now: () => number,
    private readonly resume: (afterMs: number) => void,
  ) {}

  get remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }

  async run(push: () => Promise<void>): Promise<void> {
    if (this.remainingMs > 0) return;
    try {
      await push();
    } catch (error) {
      if (error instanceof SyncError && error.retryAfterMs !== undefined) {
        this.until = this.now() + error.retryAfterMs;
        this.resume(error.retryAfterMs);
      }
      throw error;
    }
  }
}
