import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Checksums, PullResponse, ReplicatedEntity } from '#core/api/sync.ts';
import { REPLICATED_ENTITIES, SUPPORTED_PROTOCOLS } from '#core/api/sync.ts';
import { addRow, emptyChecksum } from '#core/sync/checksum.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';

type StationCaller = Extract<Caller, { kind: 'station' }>;

export function checkProtocol(protocol: number): void {
  if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
    throw new AppError(
      'OT_ERR_PROTOCOL',
      `Sync protocol ${protocol} is not supported; this server speaks ${SUPPORTED_PROTOCOLS.join(', ')}. Update the station.`,
    );
  }
}

/** Rows of a station's scope: its line (or every line) and its role (or every role). */
const inScope = (station: StationCaller) =>
  sql<boolean>`(line_id IS NULL OR line_id = ${station.lineId}) AND (role IS NULL OR role = ${station.role})`;

async function horizon(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sync_horizon')
    .select('horizon')
    .where('id', '=', 1)
    .executeTakeFirst();
  return Number(row?.horizon ?? 0);
}

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

export interface SnapshotWriter {
  header(cursor: number, rows: number, entities: readonly ReplicatedEntity[]): void;
  /** `dataText` is the stored JSON, passed through unparsed. A promise means: wait (backpressure). */
  row(entity: string, key: string, dataText: string): void | Promise<void>;
  end(checksums: Checksums): void;
}

const BATCH = 5000;

/** A snapshot's cursor: the newest change, or the horizon when compaction removed the newest rows. */
const SNAPSHOT_CURSOR_SQL = `SELECT GREATEST(
  COALESCE((SELECT MAX(id) FROM change_log), 0),
  COALESCE((SELECT horizon FROM sync_horizon WHERE id = 1), 0)) AS cursor`;

/**
 * Every current row of the station's scope as of one cursor, streamed in batches: nothing
 * holds the whole dataset. SQLite reads through its own read-only connection (a WAL read
 * transaction, so writers go on); PostgreSQL through a REPEATABLE READ transaction.
 */
export async function writeSnapshot(
  context: ServerContext,
  station: StationCaller,
  entities: readonly ReplicatedEntity[],
  out: SnapshotWriter,
): Promise<void> {
  const checksums: Checksums = {};
  for (const entity of entities) checksums[entity] = emptyChecksum();
  const emit = (entity: string, key: string, text: string) => {
    addRow(checksums[entity as ReplicatedEntity] ?? emptyChecksum(), key, text);
    return out.row(entity, key, text);
  };
  const { storage } = context;
  if (storage.kind === 'sqlite') {
    const reader = new SqliteDatabase(storage.location, { readonly: true, fileMustExist: true });
    try {
      reader.exec('BEGIN');
      const cursor = reader
        .prepare(SNAPSHOT_CURSOR_SQL.replace('GREATEST', 'MAX'))
        .pluck()
        .get() as number;
      const placeholders = entities.map(() => '?').join(',');
      const scope = `(line_id IS NULL OR line_id = ?) AND (role IS NULL OR role = ?) AND op = 'upsert' AND entity IN (${placeholders})`;
      const count = reader
        .prepare(`SELECT COUNT(*) FROM replica_current WHERE ${scope}`)
        .pluck()
        .get(station.lineId, station.role, ...entities) as number;
      out.header(cursor, count, entities);
      // In key order (as PostgreSQL's below): the station then inserts into its indexes in
      // order, not at random pages, which is most of a million-row bootstrap's time.
      const rows = reader
        .prepare(
          `SELECT entity, entity_key, data FROM replica_current WHERE ${scope} ORDER BY entity, entity_key`,
        )
        .raw()
        .iterate(station.lineId, station.role, ...entities) as Iterable<[string, string, string]>;
      for (const [entity, key, data] of rows) {
        const wait = emit(entity, key, data);
        if (wait) await wait;
      }
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
  } else {
    const client: pg.PoolClient = await (storage.pool as pg.Pool).connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const cursor = Number((await client.query(SNAPSHOT_CURSOR_SQL)).rows[0].cursor);
      const scope = `(line_id IS NULL OR line_id = $1) AND (role IS NULL OR role = $2) AND op = 'upsert' AND entity = ANY($3)`;
      const count = Number(
        (
          await client.query(`SELECT COUNT(*) AS n FROM replica_current WHERE ${scope}`, [
            station.lineId,
            station.role,
            entities,
          ])
        ).rows[0].n,
      );
      out.header(cursor, count, entities);
      let after: [string, string] = ['', ''];
      for (;;) {
        const { rows } = await client.query<{ entity: string; entity_key: string; data: string }>(
          `SELECT entity, entity_key, data FROM replica_current WHERE ${scope} AND (entity, entity_key) > ($4, $5)
           ORDER BY entity, entity_key LIMIT ${BATCH}`,
          [station.lineId, station.role, entities, after[0], after[1]],
        );
        for (const row of rows) {
          const wait = emit(row.entity, row.entity_key, row.data);
          if (wait) await wait;
        }
        const last = rows.at(-1);
        if (!last || rows.length < BATCH) break;
        after = [last.entity, last.entity_key];
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  out.end(checksums);
}

/** The checksums a station's replica should have, per entity, as of a cursor. */
export async function scopeChecksums(
  context: ServerContext,
  station: StationCaller,
): Promise<{ cursor: number; checksums: Checksums }> {
  let cursor = 0;
  let result: Checksums = {};
  await writeSnapshot(context, station, REPLICATED_ENTITIES, {
    header: (at) => void (cursor = at),
    row: () => undefined,
    end: (checksums) => void (result = checksums),
  });
  return { cursor, checksums: result };
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
