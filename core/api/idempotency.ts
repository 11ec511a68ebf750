import { z } from 'zod';

/*
 * Idempotency-Key on the creating POSTs (docs/api.md, "Retrying safely"): the client names
 * each request it may send twice; the server stores the answer with what it created, so a
 * retry gets that answer instead of a second record. One schema for the server's check and
 * the clients that send it.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that was stored by an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const idempotencyKeySchema = z
  .string()
  .min(1, 'Idempotency-Key is empty')
  .max(
    MAX_IDEMPOTENCY_KEY_LENGTH,
    `Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
  )
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces (a UUID fits)');

/** The headers of a route that takes a key: others pass untouched. */
export const idempotencyHeadersSchema = z.looseObject({
  [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema.optional(),
});
