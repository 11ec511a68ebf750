import { createHash } from 'node:crypto';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';

/*
 * The stored answers behind Idempotency-Key (docs/api.md, "Retrying safely"). A creating
 * service calls its AnswerHook last inside the transaction that creates the record, so
 * the record and its answer commit together or not at all: a server killed before the
 * commit leaves neither (the retry creates), killed after it leaves both (the retry gets
 * the stored answer). Two requests with one key meet on the primary key: the later
 * insert waits for the earlier transaction and then fails, and the later request answers
 * what the earlier one stored.
 */

/** How long an answer is kept: a retry after that is a new request. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 3_600_000;

/** Called last in a creating transaction with the answer, to store it with the record. */
export type AnswerHook<T> = (trx: Db, answer: T) => Promise<void>;

/** One request under a key: whose, which key, and what was asked. */
export interface KeyedRequest {
  caller: string;
  key: string;
  fingerprint: string;
}

export interface StoredAnswer {
  status: number;
  body: string;
}

/** Keys are scoped per caller: two people (or stations) may use the same key. */
export function callerScope(caller: Caller): string {
  if (caller.kind === 'system') throw new Error('the system does not send Idempotency-Key');
  return `${caller.kind}:${caller.id}`;
}

/** What makes two requests "the same": method, path and the body as validated. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\n${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * The answer stored under this caller's key and still in force, or undefined. A key
 * stored for another request is refused: answering that one's result would be a lie,
 * and creating anew would break the promise the key makes.
 */
export async function storedAnswer(
  context: ServerContext,
  request: KeyedRequest,
): Promise<StoredAnswer | undefined> {
  const row = await context.storage.db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status', 'body'])
    .where('caller', '=', request.caller)
    .where('key', '=', request.key)
    .where('expires_at', '>', context.now().toISOString())
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.fingerprint !== request.fingerprint) {
    throw new AppError(
      'OT_ERR_IDEMPOTENCY_KEY_REUSED',
      `Idempotency-Key ${request.key} was used for a different request (another body or path); nothing was done. Use a new key for a new request.`,
    );
  }
  return { status: row.status, body: row.body };
}

/** Store the answer, inside the transaction that made what it reports. */
export async function storeAnswer(
  trx: Db,
  now: Date,
  request: KeyedRequest,
  answer: StoredAnswer,
): Promise<void> {
  // An expired row the sweep has not reached yet must not block the key's new use.
  await trx
    .deleteFrom('idempotency_keys')
    .where('caller', '=', request.caller)
    .where('key', '=', request.key)
    .where('expires_at', '<=', now.toISOString())
    .execute();
  await trx
    .insertInto('idempotency_keys')
    .values({
      caller: request.caller,
      key: request.key,
      fingerprint: request.fingerprint,
      status: answer.status,
      body: answer.body,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + IDEMPOTENCY_KEY_LIFETIME_MS).toISOString(),
    })
    .execute();
}

/** The sweep: stored answers past their day. */
export async function deleteExpiredIdempotencyKeys(context: ServerContext): Promise<number> {
  const result = await context.storage.db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', context.now().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
