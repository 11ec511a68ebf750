import type { StorageKind } from '../storage/open-storage.ts';
import type { ReplicatedEntity } from '#core/api/sync.ts';
import type { ReplicatedRows } from '#core/sync/replicated-rows.ts';
import type { Db, ServerContext } from '../context.ts';
import { claimLogIds } from './settled-ids.ts';

/** One change to one replicated entity, its row typed by core's schema for that entity. */
export type Change = {
  [E in ReplicatedEntity]: {
    entity: E;
    key: string;
    /** The whole replicated row (server/replication/rows.ts), or null when it is deleted. */
    data: ReplicatedRows[E] | null;
    /** Scope: the line it belongs to (null: every line) and the role (null: every role). */
    lineId: string | null;
    role?: string | null;
  };
}[ReplicatedEntity];

/**
 * Append changes to the change log in the caller's transaction, so a change and its log row
 * commit together. Appenders run in parallel; readers stop at the settled id
 * (settled-ids.ts), so a station's cursor never skips a row committed late.
 */
export async function appendChanges(
  db: Db,
  kind: StorageKind,
  at: Date,
  changes: readonly Change[],
): Promise<void> {
  if (changes.length === 0) return;
  // A writer outside a transaction (a one-off service call) gets one of its own: the claim
  // that keeps readers below its ids lives as long as the transaction.
  if (!db.isTransaction)
    return db.transaction().execute((trx) => appendChanges(trx, kind, at, changes));
  if (kind === 'postgres') await claimLogIds(db, 'change_log');
  const rows = changes.map((change) => ({
    line_id: change.lineId,
    role: change.role ?? null,
    entity: change.entity,
    entity_key: change.key,
    op: change.data ? 'upsert' : 'delete',
    data: change.data ? JSON.stringify(change.data) : null,
    at: at.toISOString(),
  }));
  // Only the ids come back (the rows' text is already here): one id per row, numbered in
  // the order of the rows.
  const ids = await db.insertInto('change_log').values(rows).returning('id').execute();
  if (ids.length !== rows.length)
    throw new Error(`change_log took ${ids.length} of ${rows.length} rows`);
  const numbered = ids.map((row) => Number(row.id)).sort((a, b) => a - b);
  // Several changes to one entity in a batch: the last one is current.
  const latest = new Map<string, { row: (typeof rows)[number]; id: number }>();
  rows.forEach((row, index) =>
    latest.set(`${row.entity}\u0000${row.entity_key}`, { row, id: numbered[index] ?? 0 }),
  );
  await db
    .insertInto('replica_current')
    .values(
      [...latest.values()].map(({ row, id }) => ({
        entity: row.entity,
        entity_key: row.entity_key,
        line_id: row.line_id,
        role: row.role,
        change_id: id,
        op: row.op,
        data: row.data,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['entity', 'entity_key']).doUpdateSet((eb) => ({
        line_id: eb.ref('excluded.line_id'),
        role: eb.ref('excluded.role'),
        change_id: eb.ref('excluded.change_id'),
        op: eb.ref('excluded.op'),
        data: eb.ref('excluded.data'),
      })),
    )
    .execute();
}

/** Stations behind this change-log id must take a snapshot (compaction removed what they missed). */
export async function horizon(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sync_horizon')
    .select('horizon')
    .where('id', '=', 1)
    .executeTakeFirst();
  return Number(row?.horizon ?? 0);
}

/**
 * Compaction: drop change-log rows a later row for the same entity supersedes (safe for
 * every station: it will pull the later row), and tombstones older than `keepDays`, which
 * raises the horizon; a station whose cursor is below it is told to resync.
 */
export async function compactChangeLog(
  context: ServerContext,
  keepDays = 30,
): Promise<{ removed: number; horizon: number }> {
  const { db } = context.storage;
  const cutoff = new Date(context.now().getTime() - keepDays * 86_400_000).toISOString();
  return db.transaction().execute(async (trx) => {
    const superseded = await trx
      .deleteFrom('change_log')
      .where('id', 'not in', trx.selectFrom('replica_current').select('change_id'))
      .executeTakeFirst();
    const oldTombstones = await trx
      .selectFrom('replica_current')
      .select(['entity', 'entity_key', 'change_id'])
      .where('op', '=', 'delete')
      .where('change_id', 'in', trx.selectFrom('change_log').select('id').where('at', '<', cutoff))
      .execute();
    let newHorizon = await horizon(trx);
    for (const tombstone of oldTombstones) {
      await trx.deleteFrom('change_log').where('id', '=', tombstone.change_id).execute();
      await trx
        .deleteFrom('replica_current')
        .where('entity', '=', tombstone.entity)
        .where('entity_key', '=', tombstone.entity_key)
        .execute();
      newHorizon = Math.max(newHorizon, Number(tombstone.change_id));
    }
    if (newHorizon > 0) {
      await trx
        .insertInto('sync_horizon')
        .values({ id: 1, horizon: newHorizon, compacted_at: context.now().toISOString() })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ horizon: newHorizon, compacted_at: context.now().toISOString() }),
        )
        .execute();
    }
    return {
      removed: Number(superseded.numDeletedRows) + oldTombstones.length,
      horizon: newHorizon,
    };
  });
}
