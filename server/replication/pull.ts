import { sql } from 'kysely';
import type { PullResponse, ReplicatedEntity } from '#core/api/sync.ts';
import type { Db, ServerContext, StationCaller } from '../context.ts';
import { AppError } from '../errors.ts';
import { horizon } from './change-log.ts';
import { settledThrough } from './settled-ids.ts';

/** Whose rows: a station's line and role. A change-log row with a null line or role is everyone's. */
export interface ChangeScope {
  lineId: string;
  role: string;
}

/** Rows of a station's scope: its line (or every line) and its role (or every role). */
const inScope = (scope: ChangeScope) =>
  sql<boolean>`(line_id IS NULL OR line_id = ${scope.lineId}) AND (role IS NULL OR role = ${scope.role})`;

/** The same test in memory, for rows read once and shared out by scope (the live channel). */
export const rowInScope = (
  row: { lineId: string | null; role: string | null },
  scope: ChangeScope,
) =>
  (row.lineId === null || row.lineId === scope.lineId) &&
  (row.role === null || row.role === scope.role);

/**
 * What a reader reads in: one snapshot of the database (`db`), and the change log's settled
 * id read just before that snapshot began (settled-ids.ts; null on SQLite, whose one writer
 * makes every visible id settled).
 */
export interface ChangeSnapshot {
  db: Db;
  settled: number | null;
}

/**
 * The highest change id a reader may hand out: every row at or below it that will ever
 * commit is committed and visible in the snapshot. Pulls and the live channel both stop
 * here (readChangeRange), so the live channel never announces a row a pull could not return.
 */
export async function readableThrough(snapshot: ChangeSnapshot): Promise<number> {
  const row = await snapshot.db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max<number | null>('id').as('max'))
    .executeTakeFirst();
  const newest = Number(row?.max ?? 0);
  return snapshot.settled === null ? newest : Math.min(newest, snapshot.settled);
}

/** The cursor a reader that has seen everything stands at: the safe cursor, or the horizon. */
export async function readChangeCursor(snapshot: ChangeSnapshot): Promise<number> {
  return Math.max(await readableThrough(snapshot), await horizon(snapshot.db));
}

/** One change-log row as read, its data the stored JSON text (null: a delete), with its scope. */
export interface ChangeLogRow {
  id: number;
  entity: ReplicatedEntity;
  key: string;
  data: string | null;
  lineId: string | null;
  role: string | null;
}

/**
 * Changes after `after` (of `scope`, or of every scope), in id order, at most `limit`, and the
 * cursor a reader holding them is complete up to: every row in scope in (after, cursor] is in
 * `rows`. The bound is read first, so a row committed meanwhile lies beyond it and is left for
 * the next read. Pulls and the live channel (server/live/live-changes.ts) both read here.
 * Run it in one snapshot (inReadSnapshot).
 */
export async function readChangeRange(
  snapshot: ChangeSnapshot,
  after: number,
  limit: number,
  scope: ChangeScope | null,
): Promise<{ rows: ChangeLogRow[]; cursor: number; more: boolean }> {
  const trx = snapshot.db;
  const compactedBefore = await horizon(trx);
  if (after < compactedBefore) {
    throw new AppError(
      'OT_ERR_RESYNC',
      `Changes before ${compactedBefore} were compacted; take a snapshot.`,
    );
  }
  const bound = Math.max(after, await readableThrough(snapshot), compactedBefore);
  let query = trx
    .selectFrom('change_log')
    .select(['id', 'entity', 'entity_key', 'data', 'line_id', 'role'])
    .where('id', '>', after)
    .where('id', '<=', bound);
  if (scope) query = query.where(inScope(scope));
  const found = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const more = found.length > limit;
  const rows = found.slice(0, limit).map((row) => ({
    id: Number(row.id),
    entity: row.entity as ReplicatedEntity,
    key: row.entity_key,
    data: row.data,
    lineId: row.line_id,
    role: row.role,
  }));
  const last = rows.at(-1);
  return { rows, cursor: more && last ? last.id : bound, more };
}

/**
 * Read in one snapshot of the database: PostgreSQL's REPEATABLE READ, begun after the settled
 * id is read; SQLite's one connection.
 */
export async function inReadSnapshot<T>(
  context: Pick<ServerContext, 'storage'>,
  read: (snapshot: ChangeSnapshot) => Promise<T>,
): Promise<T> {
  const { db, kind } = context.storage;
  if (kind === 'sqlite') return read({ db, settled: null });
  const settled = await settledThrough(db, 'change_log');
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => read({ db: trx, settled }));
}

/**
 * Changes after the station's cursor, in its scope, in id order. The batch and the new cursor
 * come from one snapshot of the database, so the cursor never passes a row the station has
 * not seen.
 */
export async function pullChanges(
  context: ServerContext,
  station: StationCaller,
  after: number,
  limit: number,
): Promise<PullResponse> {
  const { rows, cursor, more } = await inReadSnapshot(context, (snapshot) =>
    readChangeRange(snapshot, after, limit, station),
  );
  return {
    changes: rows.map((row) => ({
      id: row.id,
      entity: row.entity,
      key: row.key,
      data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
    })),
    cursor,
    more,
  };
}
