import { sql } from 'kysely';
import type { StorageKind } from '../storage/open-storage.ts';
import type { ReplicatedEntity } from '#core/api/sync.ts';
import type { ReplicatedRows } from '#core/sync/replicated-rows.ts';
import type { Db } from '../context.ts';

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
 * commit together. On PostgreSQL an advisory lock serialises appenders: ids then become
 * visible in id order, and a station's cursor can never skip a row committed late.
 */
export async function appendChanges(
  db: Db,
  kind: StorageKind,
  at: Date,
  changes: readonly Change[],
): Promise<void> {
  if (changes.length === 0) return;
  if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(7002)`.execute(db);
  const rows = await db
    .insertInto('change_log')
    .values(
      changes.map((change) => ({
        line_id: change.lineId,
        role: change.role ?? null,
        entity: change.entity,
        entity_key: change.key,
        op: change.data ? 'upsert' : 'delete',
        data: change.data ? JSON.stringify(change.data) : null,
        at: at.toISOString(),
      })),
    )
    .returning(['id', 'line_id', 'role', 'entity', 'entity_key', 'op', 'data'])
    .execute();
  // Several changes to one entity in a batch: the last one is current.
  const latest = new Map(rows.map((row) => [`${row.entity}\u0000${row.entity_key}`, row]));
  await db
    .insertInto('replica_current')
    .values(
      [...latest.values()].map((row) => ({
        entity: row.entity,
        entity_key: row.entity_key,
        line_id: row.line_id,
        role: row.role,
        change_id: row.id,
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
