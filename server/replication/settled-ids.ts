import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../context.ts';

/*
 * Logs read by cursor (the change log, the integration feed) take their ids from a sequence
 * when a row is inserted, but the row becomes visible when its transaction commits. With
 * writers in parallel on PostgreSQL a larger id can be visible while a smaller one is still
 * in flight; a reader that moved its cursor past the larger one would skip the smaller one
 * forever. So a reader stops at the settled id (docs/decisions/0008-parallel-log-writers.md):
 * every id at or below it that will ever commit has committed.
 *
 * A writer, before its first id, takes two shared transaction locks that the database drops
 * at its commit, rollback or crash: one naming the log (its sequence), one whose key is the
 * sequence's value at that moment, below every id the writer will take. A reader reads the
 * sequence, then the smallest key held by a writer of the same log, and only then starts
 * its snapshot; the settled id is the smaller of the two. Shared locks never wait for one
 * another, so writers run in parallel. SQLite has one writer: every id is settled.
 */

export type CursorLog = 'change_log' | 'integration_events';

/** Floor keys live above every other advisory key of ours (7001…): 2^48 per log. */
const FLOOR_TAG: Record<CursorLog, bigint> = {
  change_log: 1n << 48n,
  integration_events: 2n << 48n,
};
const FLOOR_SPAN = 1n << 48n;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The log's sequence; `oid` as an int4 with the same bits (pg_locks shows it as the oid). */
const sequenceText = (log: CursorLog) =>
  `(SELECT seq, (seq::oid::bigint - CASE WHEN seq::oid::bigint >= 2147483648 THEN 4294967296 ELSE 0 END)::int4 AS lock_key
    FROM (SELECT pg_get_serial_sequence('${log}', 'id')::regclass AS seq) named)`;
const sequenceOf = (log: CursorLog) => sql.raw(sequenceText(log));

/**
 * The first claim of a transaction, as SQL text (bulk loaders on a raw connection run it
 * too): takes both locks, returns their keys.
 */
export const claimStatement = (log: CursorLog): string => `
  SELECT s.lock_key AS log, k.floor::text AS floor,
    pg_advisory_xact_lock_shared(s.lock_key, 0), pg_advisory_xact_lock_shared(k.floor)
  FROM ${sequenceText(log)} s,
    LATERAL (SELECT ${FLOOR_TAG[log].toString()}::bigint + COALESCE(pg_sequence_last_value(s.seq), 0) AS floor) k`;

/**
 * Each transaction's keys, per log, from its first claim. A later claim takes the same keys
 * again: a no-op while they are held, and held again if a rolled-back savepoint let them go
 * (the lowest key stays below every id the transaction drew since).
 */
const claims = new WeakMap<Db, Map<CursorLog, { log: number; floor: string }>>();

/**
 * Call in the writer's transaction before each insert into `log`: the floor key is read
 * before the transaction draws any id of the log, so it is below all of them.
 */
export async function claimLogIds(db: Db, log: CursorLog): Promise<void> {
  if (!isPostgres(db)) return;
  if (!db.isTransaction) throw new Error(`writing ${log} needs a transaction`);
  let mine = claims.get(db);
  if (!mine) claims.set(db, (mine = new Map()));
  const held = mine.get(log);
  if (held) {
    await sql`SELECT pg_advisory_xact_lock_shared(${held.log}::int4, 0),
      pg_advisory_xact_lock_shared(${held.floor}::bigint)`.execute(db);
    return;
  }
  const taken = await sql<{ log: number; floor: string }>`${sql.raw(claimStatement(log))}`.execute(
    db,
  );
  const row = taken.rows[0];
  if (!row) throw new Error(`no sequence for ${log}`);
  mine.set(log, { log: Number(row.log), floor: row.floor });
}

/**
 * The settled id of `log`: read outside (before) the snapshot the reader then reads rows in,
 * with ids at or below it. On SQLite null: nothing bounds a reader but what it sees.
 */
export async function settledThrough(db: Db, log: CursorLog): Promise<number | null> {
  if (!isPostgres(db)) return null;
  // First the sequence: an id at or below it was drawn before this read, by a writer whose
  // floor lock was already held then; the lock scan below sees it held, or the writer ended.
  const drawn = await sql<{ last: string | number | null }>`
    SELECT COALESCE(pg_sequence_last_value(s.seq), 0) AS last FROM ${sequenceOf(log)} s`.execute(
    db,
  );
  const tag = FLOOR_TAG[log];
  const inFlight = await sql<{ floor: string | number | null }>`
    WITH held AS MATERIALIZED (
      SELECT virtualtransaction, objsubid, classid::bigint AS hi, objid::bigint AS lo
      FROM pg_locks
      WHERE locktype = 'advisory'
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
    SELECT MIN(((f.hi << 32) | f.lo) - ${tag.toString()}::bigint) AS floor
    FROM held f
    JOIN held m ON m.virtualtransaction = f.virtualtransaction
    JOIN ${sequenceOf(log)} s ON m.objsubid = 2 AND m.hi = s.seq::oid::bigint AND m.lo = 0
    WHERE f.objsubid = 1
      AND ((f.hi << 32) | f.lo) >= ${tag.toString()}::bigint
      AND ((f.hi << 32) | f.lo) < ${(tag + FLOOR_SPAN).toString()}::bigint`.execute(db);
  const last = Number(drawn.rows[0]?.last ?? 0);
  const floor = inFlight.rows[0]?.floor;
  return floor === null || floor === undefined ? last : Math.min(last, Number(floor));
}
