import { sql } from 'kysely';
import type { PullResponse, ReplicatedEntity } from '#core/api/sync.ts';
import type { Db, ServerContext, StationCaller } from '../context.ts';
import { AppError } from '../errors.ts';
import { horizon } from './change-log.ts';

/** Rows of a station's scope: its line (or every line) and its role (or every role). */
const inScope = (station: StationCaller) =>
  sql<boolean>`(line_id IS NULL OR line_id = ${station.lineId}) AND (role IS NULL OR role = ${station.role})`;

async function maxChangeId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max<number | null>('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/**
 * Changes after the station's cursor, in its scope, in id order. The batch and the new cursor
 * come from one snapshot of the database, so the cursor never passes a row the station has
 * not seen (on PostgreSQL ids also become visible in order: see change-log.ts).
 */
export async function pullChanges(
  context: ServerContext,
  station: StationCaller,
  after: number,
  limit: number,
): Promise<PullResponse> {
  const { db, kind } = context.storage;
  const read = async (trx: Db): Promise<PullResponse> => {
    const compactedBefore = await horizon(trx);
    if (after < compactedBefore) {
      throw new AppError(
        'OT_ERR_RESYNC',
        `Changes before ${compactedBefore} were compacted; take a snapshot.`,
      );
    }
    const rows = await trx
      .selectFrom('change_log')
      .select(['id', 'entity', 'entity_key', 'data'])
      .where('id', '>', after)
      .where(inScope(station))
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const batch = rows.slice(0, limit);
    const last = batch.at(-1);
    const cursor =
      more && last ? Number(last.id) : Math.max(after, await maxChangeId(trx), compactedBefore);
    return {
      changes: batch.map((row) => ({
        id: Number(row.id),
        entity: row.entity as ReplicatedEntity,
        key: row.entity_key,
        data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
      })),
      cursor,
      more,
    };
  };
  if (kind === 'sqlite') return read(db);
  return db.transaction().setIsolationLevel('repeatable read').execute(read);
}
