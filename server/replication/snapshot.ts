import SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import type { Checksums, ReplicatedEntity } from '#core/api/sync.ts';
import { REPLICATED_ENTITIES } from '#core/api/sync.ts';
import { addRow, emptyChecksum } from '#core/sync/checksum.ts';
import type { ServerContext, StationCaller } from '../context.ts';
import { inPgTransaction } from '../storage/pg-transaction.ts';
import { settledThrough } from './settled-ids.ts';

export interface SnapshotWriter {
  header(cursor: number, rows: number, entities: readonly ReplicatedEntity[]): void;
  /** `dataText` is the stored JSON, passed through unparsed. A promise means: wait (backpressure). */
  row(entity: string, key: string, dataText: string): void | Promise<void>;
  end(checksums: Checksums): void;
}

const BATCH = 5000;

/**
 * A snapshot's cursor: the newest change (on PostgreSQL no further than the settled id,
 * settled-ids.ts, $1), or the horizon when compaction removed the newest rows.
 */
const SNAPSHOT_CURSOR_SQL = `SELECT GREATEST(
  COALESCE((SELECT MAX(id) FROM change_log), 0),
  COALESCE((SELECT horizon FROM sync_horizon WHERE id = 1), 0)) AS cursor`;
/** SNAPSHOT_CURSOR_SQL in SQLite's words, its tables in `schema` (an attached database). */
export const sqliteSnapshotCursorSql = (schema = 'main') =>
  SNAPSHOT_CURSOR_SQL.replace('GREATEST', 'MAX')
    .replace('FROM change_log', `FROM ${schema}.change_log`)
    .replace('FROM sync_horizon', `FROM ${schema}.sync_horizon`);
const SETTLED_SNAPSHOT_CURSOR_SQL = `SELECT GREATEST(
  LEAST(COALESCE((SELECT MAX(id) FROM change_log), 0), $1::bigint),
  COALESCE((SELECT horizon FROM sync_horizon WHERE id = 1), 0)) AS cursor`;

/** One replicated row of a scope as stored: entity, key, the stored JSON text. */
export type ScopeRow = readonly [entity: string, key: string, dataText: string];

export interface ScopeReader {
  header(cursor: number, rows: number): void;
  /** The next rows, in (entity, key) order. A promise means: wait (backpressure). */
  rows(batch: readonly ScopeRow[]): void | Promise<void>;
}

/**
 * Every current row of the station's scope as of one cursor, read in batches of BATCH rows
 * in (entity, key) order: nothing holds the whole dataset. SQLite reads through its own
 * read-only connection (a WAL read transaction, so writers go on); PostgreSQL through a
 * REPEATABLE READ transaction.
 */
export async function readScope(
  context: ServerContext,
  station: StationCaller,
  entities: readonly ReplicatedEntity[],
  out: ScopeReader,
): Promise<void> {
  const { storage } = context;
  if (storage.kind === 'sqlite') {
    const reader = new SqliteDatabase(storage.location, { readonly: true, fileMustExist: true });
    try {
      reader.exec('BEGIN');
      const cursor = reader.prepare(sqliteSnapshotCursorSql()).pluck().get() as number;
      const placeholders = entities.map(() => '?').join(',');
      const scope = `(line_id IS NULL OR line_id = ?) AND (role IS NULL OR role = ?) AND op = 'upsert' AND entity IN (${placeholders})`;
      const count = reader
        .prepare(`SELECT COUNT(*) FROM replica_current WHERE ${scope}`)
        .pluck()
        .get(station.lineId, station.role, ...entities) as number;
      out.header(cursor, count);
      // In key order (as PostgreSQL's below): the station then inserts into its indexes in
      // order, not at random pages, which is most of a million-row bootstrap's time.
      const rows = reader
        .prepare(
          `SELECT entity, entity_key, data FROM replica_current WHERE ${scope} ORDER BY entity, entity_key`,
        )
        .raw()
        .iterate(station.lineId, station.role, ...entities) as Iterable<ScopeRow>;
      let batch: ScopeRow[] = [];
      for (const row of rows) {
        batch.push(row);
        if (batch.length < BATCH) continue;
        const wait = out.rows(batch);
        batch = [];
        if (wait) await wait;
      }
      if (batch.length > 0) await out.rows(batch);
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
  } else {
    // Read before the snapshot begins: a row committed late below it is in the snapshot.
    const settled = await settledThrough(storage.db, 'change_log');
    const readOnlySnapshot = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
    await inPgTransaction(storage.pool as pg.Pool, readOnlySnapshot, async (client) => {
      const cursor = Number(
        (await client.query(SETTLED_SNAPSHOT_CURSOR_SQL, [settled])).rows[0].cursor,
      );
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
      out.header(cursor, count);
      let after: [string, string] = ['', ''];
      for (;;) {
        const { rows } = await client.query<[string, string, string]>({
          text: `SELECT entity, entity_key, data FROM replica_current WHERE ${scope} AND (entity, entity_key) > ($4, $5)
           ORDER BY entity, entity_key LIMIT ${BATCH}`,
          values: [station.lineId, station.role, entities, after[0], after[1]],
          rowMode: 'array',
        });
        if (rows.length > 0) await out.rows(rows);
        const last = rows.at(-1);
        if (!last || rows.length < BATCH) break;
        after = [last[0], last[1]];
      }
    });
  }
}

/** The scope's rows (readScope) one by one, with their checksums at the end. */
export async function writeSnapshot(
  context: ServerContext,
  station: StationCaller,
  entities: readonly ReplicatedEntity[],
  out: SnapshotWriter,
): Promise<void> {
  const checksums: Checksums = {};
  for (const entity of entities) checksums[entity] = emptyChecksum();
  await readScope(context, station, entities, {
    header: (cursor, rows) => out.header(cursor, rows, entities),
    async rows(batch) {
      for (const [entity, key, text] of batch) {
        addRow(checksums[entity as ReplicatedEntity] ?? emptyChecksum(), key, text);
        const wait = out.row(entity, key, text);
        if (wait) await wait;
      }
    },
  });
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
