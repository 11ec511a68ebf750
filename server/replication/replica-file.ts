import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import SqliteDatabase, { type Database, type Statement } from 'better-sqlite3';
import {
  REPLICATED_ENTITIES,
  type ReplicaFileBuilding,
  type ReplicaFileManifest,
  type ReplicatedEntity,
} from '#core/api/sync.ts';
import {
  REPLICA_FILE_SCOPE_KEY,
  REPLICA_MIGRATIONS,
  REPLICA_SCHEMA_VERSION,
  REPLICA_TABLE,
  replicaInsertSelectSql,
} from '#core/sync/replica-layout.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { readScope, sqliteSnapshotCursorSql } from './snapshot.ts';
import { hashingStream } from '#web/hashing-stream.ts';

type StationCaller = Extract<Caller, { kind: 'station' }>;
type StationRole = StationCaller['role'];

/**
 * A prebuilt replica per line scope (docs/sync.md "Bootstrap from a database file";
 * docs/decisions/0007-replica-file-bootstrap.md): the station's own SQLite schema filled with
 * every row of the scope as of one cursor, gzip-compressed, with its SHA-256. Built once and
 * shared by every station of the scope; many stations asking at once share the one build, and
 * while it runs they are answered "building, ask again" instead of waiting on an open request.
 * Rebuilt (in the background, the old file served meanwhile) once the change log has moved
 * REFRESH_AFTER_CHANGES past it, and at once when compaction passed its cursor (a station
 * could not catch up from there).
 */
export const REFRESH_AFTER_CHANGES = 10_000;
/**
 * Rows per build statement; between them the server's event loop gets a turn (about 10 ms
 * of SQLite's work each on a quiet core: requests, TLS handshakes of stations asking meanwhile).
 */
const BUILD_BATCH = 5000;
/** Rows per multi-row insert of rows read from PostgreSQL (two parameters each). */
const INSERT_ROWS = 500;

export interface BuiltReplicaFile extends ReplicaFileManifest {
  path: string;
}

const scopeKey = (station: StationCaller) => `${station.lineId}\u0000${station.role}`;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function changeLogPosition(
  context: ServerContext,
): Promise<{ newest: number; horizon: number }> {
  const { db } = context.storage;
  const newest = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max<number | null>('id').as('max'))
    .executeTakeFirst();
  const horizon = await db
    .selectFrom('sync_horizon')
    .select('horizon')
    .where('id', '=', 1)
    .executeTakeFirst();
  return { newest: Number(newest?.max ?? 0), horizon: Number(horizon?.horizon ?? 0) };
}

async function lineName(context: ServerContext, lineId: string): Promise<string> {
  const line = await context.storage.db
    .selectFrom('lines')
    .select('name')
    .where('id', '=', lineId)
    .executeTakeFirst();
  return line?.name ?? lineId;
}

/** Said to the station, which then loads row by row; the cause is in the server's log. */
const buildFailed = (error: unknown) =>
  new AppError(
    'OT_ERR_INTERNAL',
    `The replica file could not be built (${(error as Error).message}); bootstrap row by row.`,
  );

const byContext = new WeakMap<ServerContext, ReplicaFiles>();

/** The server's replica files (for tests and benchmarks: how many builds ran). */
export const replicaFilesOf = (context: ServerContext) => byContext.get(context);

/** A build under way: its outcome, and how far it got (what a "building" answer shows). */
interface RunningBuild {
  done: Promise<BuiltReplicaFile>;
  startedAt: Date;
  rows: number;
  /** Someone was answered "building" for it, and will ask again to hear how it ended. */
  awaited: boolean;
}

export type ReplicaFileAnswer =
  { ready: BuiltReplicaFile } | { building: Omit<ReplicaFileBuilding, 'retryAfterMs'> };

export class ReplicaFiles {
  private readonly current = new Map<string, BuiltReplicaFile>();
  private readonly building = new Map<string, RunningBuild>();
  /** A build that failed after its askers were told "building": the next ask hears of it. */
  private readonly failed = new Map<string, Error>();
  /** Builds started since the server started (the fleet benchmark's `server_builds`). */
  builds = 0;
  /**
   * How long an ask waits for a build before it is answered "building, ask again": a small
   * scope's file is there at once; a large one's takes longer than any request should hang.
   * 0: never wait (the first ask of a scope is always answered "building").
   */
  answerWithinMs = 2000;
  /** Changes past a file after which it is rebuilt (REFRESH_AFTER_CHANGES; tests lower it). */
  refreshAfterChanges = REFRESH_AFTER_CHANGES;
  /** Start the scope's build when a station enrols into it (prepareOnEnrolment). */
  buildOnEnrolment = true;

  constructor(
    private readonly context: ServerContext,
    private readonly dir: string,
  ) {
    byContext.set(context, this);
  }

  /**
   * The scope's file, or, while it is being built (started now if there is none a station
   * could catch up from), how far the one build of the scope has got. Throws when the build
   * failed; the next ask starts another.
   */
  async forStation(station: StationCaller): Promise<ReplicaFileAnswer> {
    const key = scopeKey(station);
    const failure = this.failed.get(key);
    if (failure) {
      this.failed.delete(key);
      throw buildFailed(failure);
    }
    const fresh = await this.fresh(key, station);
    if ('sha256' in fresh) return { ready: fresh };
    const build = fresh;
    if (this.answerWithinMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = await Promise.race([
        build.done,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.answerWithinMs);
        }),
      ])
        .catch((error: unknown) => {
          throw buildFailed(error);
        })
        .finally(() => clearTimeout(timer));
      if (waited) return { ready: waited };
    }
    build.awaited = true;
    return {
      building: { building: true, startedAt: build.startedAt.toISOString(), rows: build.rows },
    };
  }

  /**
   * The scope's file when a station could catch up from it (a refresh started in the
   * background when REFRESH_AFTER_CHANGES have accumulated past it), else its build.
   */
  private async fresh(
    key: string,
    station: StationCaller,
  ): Promise<BuiltReplicaFile | RunningBuild> {
    const have = this.current.get(key);
    if (have) {
      const { newest, horizon } = await changeLogPosition(this.context);
      if (have.cursor >= horizon) {
        if (newest - have.cursor >= this.refreshAfterChanges) this.build(key, station);
        return have;
      }
    }
    return this.build(key, station);
  }

  /**
   * Have the scope's file ready before its stations ask (the server calls this when a
   * station enrols): built now in the background when there is none a station could catch
   * up from. Resolves when the file is there; rejects when the build failed (logged; a
   * station's ask builds again).
   */
  async prepare(scope: { lineId: string; role: StationRole }): Promise<BuiltReplicaFile> {
    const station: StationCaller = { kind: 'station', id: '', name: '', ...scope };
    const fresh = await this.fresh(scopeKey(station), station);
    return 'sha256' in fresh ? fresh : fresh.done;
  }

  /**
   * `prepare` for a station that just enrolled, unless `buildOnEnrolment` is off (tests of
   * what a station sees while a build runs turn it off).
   */
  async prepareOnEnrolment(scope: { lineId: string; role: StationRole }): Promise<void> {
    if (this.buildOnEnrolment) await this.prepare(scope);
  }

  /**
   * Rebuild, in the background, every file `refreshAfterChanges` or more behind the change
   * log, or behind the compaction horizon (the server's housekeeping calls this each
   * minute): a station then takes a file close to the present and has little to pull.
   */
  async refreshStale(): Promise<void> {
    for (const key of [...this.current.keys()]) {
      if (this.building.has(key)) continue;
      const [lineId = '', role] = key.split('\u0000') as [string, StationRole];
      await this.prepare({ lineId, role }).catch(() => undefined);
      // One build at a time: the refresh just started, if any, ends before the next.
      await this.building.get(key)?.done.catch(() => undefined);
    }
  }

  /** The file a manifest named, while it is still the scope's current one. */
  find(station: StationCaller, sha256: string): BuiltReplicaFile | undefined {
    const have = this.current.get(scopeKey(station));
    return have?.sha256 === sha256 ? have : undefined;
  }

  /** The scope's one build: the one under way, or a new one. */
  private build(key: string, station: StationCaller): RunningBuild {
    const running = this.building.get(key);
    if (running) return running;
    const build: RunningBuild = {
      startedAt: this.context.now(),
      rows: 0,
      awaited: false,
      done: Promise.resolve().then(() => this.buildFile(station, build)),
    };
    build.done = build.done
      .then((built) => {
        const previous = this.current.get(key);
        this.current.set(key, built);
        this.failed.delete(key);
        // A download of the old file under way keeps reading it: unlinking does not cut it.
        if (previous && previous.path !== built.path) rmSync(previous.path, { force: true });
        return built;
      })
      .finally(() => this.building.delete(key));
    // An ask still waiting on it hears of a failure itself; stations told "building" hear
    // of it when they ask again (a failed refresh leaves the old file served).
    build.done.catch((error: unknown) => {
      this.context.log.error({ err: error }, 'replica file build failed');
      if (build.awaited && !this.current.has(key)) this.failed.set(key, error as Error);
    });
    this.building.set(key, build);
    return build;
  }

  private async buildFile(
    station: StationCaller,
    progress: RunningBuild,
  ): Promise<BuiltReplicaFile> {
    this.builds++;
    mkdirSync(this.dir, { recursive: true });
    const name = `${station.role}-${randomBytes(6).toString('hex')}`;
    const plain = join(this.dir, `${name}.sqlite`);
    const packed = join(this.dir, `${name}.sqlite.gz`);
    const db = new SqliteDatabase(plain);
    let cursor = 0;
    let rows = 0;
    try {
      // A scratch file: if the server dies mid-build it is built again, so no journal, no sync.
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      // A new file: every migration of the station's layout, then its version, as a station has.
      for (const migration of REPLICA_MIGRATIONS) db.exec(migration);
      db.pragma(`user_version = ${REPLICA_SCHEMA_VERSION}`);
      // The tables are filled first and indexed after, each index made again from its own SQL.
      const indexes = db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
        .all() as { name: string; sql: string }[];
      for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
      const added = (count: number) => {
        rows += count;
        progress.rows = rows;
      };
      cursor =
        this.context.storage.kind === 'sqlite'
          ? await fillFromSqlite(db, this.context.storage.location, station, added)
          : await fillFromPostgres(db, this.context, station, added);
      for (const index of indexes) db.exec(index.sql);
      const scope = { line: await lineName(this.context, station.lineId), role: station.role };
      const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        setMeta.run('cursor', String(cursor));
        setMeta.run(REPLICA_FILE_SCOPE_KEY, JSON.stringify(scope));
      })();
    } finally {
      db.close();
    }
    try {
      const hash = hashingStream();
      await pipeline(
        createReadStream(plain),
        createGzip({ level: 1 }),
        hash.stream,
        createWriteStream(packed),
      );
      const { sha256, bytes } = hash.result();
      return {
        path: packed,
        cursor,
        rows,
        sha256,
        bytes,
        rawBytes: statSync(plain).size,
        schemaVersion: REPLICA_SCHEMA_VERSION,
        builtAt: this.context.now().toISOString(),
      };
    } finally {
      rmSync(plain, { force: true });
    }
  }
}

/** One write transaction on the scratch file, ended by a rollback when `work` throws. */
async function inTransaction<T>(db: Database, work: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * The scope's rows straight from the server's SQLite file, attached to the scratch file:
 * one `INSERT … SELECT` per BUILD_BATCH rows of an entity, in key order, the columns taken
 * from the data text by SQLite. One transaction: every statement reads the same snapshot of
 * the server's file (WAL: writers go on), the cursor read first in it. Returns the cursor.
 */
async function fillFromSqlite(
  db: Database,
  location: string,
  station: StationCaller,
  added: (rows: number) => void,
): Promise<number> {
  // Attached to be read: nothing below writes to `server`.
  db.prepare('ATTACH DATABASE ? AS server').run(location);
  try {
    return await inTransaction(db, async () => {
      const cursor = db.prepare(sqliteSnapshotCursorSql('server')).pluck().get() as number;
      for (const entity of REPLICATED_ENTITIES) {
        const insert = db.prepare(
          replicaInsertSelectSql(
            entity,
            `FROM server.replica_current
             WHERE entity = @entity AND entity_key > @after AND op = 'upsert'
               AND (line_id IS NULL OR line_id = @lineId) AND (role IS NULL OR role = @role)
             ORDER BY entity_key LIMIT ${BUILD_BATCH}`,
          ),
        );
        const last = db.prepare(`SELECT MAX(code) FROM ${REPLICA_TABLE[entity]}`).pluck();
        for (let after = ''; ;) {
          const { changes } = insert.run({
            entity,
            after,
            lineId: station.lineId,
            role: station.role,
          });
          added(changes);
          if (changes < BUILD_BATCH) break;
          after = last.get() as string;
          await nextTurn();
        }
      }
      return cursor;
    });
  } finally {
    db.exec('DETACH DATABASE server');
  }
}

/**
 * The scope's rows as PostgreSQL gives them (readScope: key order, one snapshot), into the
 * scratch file by multi-row inserts of INSERT_ROWS, the columns taken from the data text by
 * SQLite as from the attached file above: JavaScript only passes the texts on. Returns the
 * cursor.
 */
async function fillFromPostgres(
  db: Database,
  context: ServerContext,
  station: StationCaller,
  added: (rows: number) => void,
): Promise<number> {
  const statements = new Map<string, Statement>();
  const insert = (entity: ReplicatedEntity, count: number) => {
    const key = `${entity} ${count}`;
    let statement = statements.get(key);
    if (!statement) {
      const values = Array.from({ length: count }, () => '(?, ?)').join(', ');
      statement = db.prepare(
        replicaInsertSelectSql(
          entity,
          `FROM (SELECT column1 AS entity_key, column2 AS data FROM (VALUES ${values}))`,
        ),
      );
      statements.set(key, statement);
    }
    return statement;
  };
  let cursor = 0;
  await inTransaction(db, () =>
    readScope(context, station, REPLICATED_ENTITIES, {
      header: (at) => void (cursor = at),
      rows(batch) {
        for (let start = 0; start < batch.length;) {
          const entity = batch[start]?.[0] as ReplicatedEntity;
          let end = start;
          while (end < batch.length && end - start < INSERT_ROWS && batch[end]?.[0] === entity)
            end++;
          const parameters: string[] = [];
          for (let i = start; i < end; i++) {
            const row = batch[i] as readonly [string, string, string];
            parameters.push(row[1], row[2]);
          }
          insert(entity, end - start).run(parameters);
          added(end - start);
          start = end;
        }
        return nextTurn();
      },
    }),
  );
  return cursor;
}
