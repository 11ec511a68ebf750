import { z } from 'zod';
import { stationEventSchema } from '../events/station-events.ts';

/*
 * The sync protocol between stations and the server (docs/sync.md). Every request names the
 * protocol version it speaks; the server serves SUPPORTED_PROTOCOLS and answers any other
 * with OT_ERR_PROTOCOL rather than guessing.
 */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

export const MAX_PUSH_EVENTS = 1000;

export const pushRequestSchema = z.strictObject({
  protocol: z.number().int(),
  /** Events waiting in the station's outbox, for the back office's station list. */
  outboxDepth: z.number().int().nonnegative(),
  events: z.array(stationEventSchema).min(1).max(MAX_PUSH_EVENTS),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.object({
  id: z.string(),
  seq: z.number(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.string().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  results: z.array(pushResultSchema),
  /** Highest n such that the server holds this station's events 1..n, from its own tables. */
  ackedThrough: z.number().int().nonnegative(),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** The progress step that means "units finished": reporting it complete makes the order produced. */
export const FINISHED_STEP = 'finished';
