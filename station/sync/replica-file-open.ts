import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openReplica, type OpenedReplica } from '#db/open-replica.ts';
import { REPLICATED_TABLES } from '#db/replica-store.ts';
import type { SnapshotProgress } from './bootstrap.ts';
import { fetchReplicaFile, ReplicaFileRejected } from './bootstrap-file.ts';
import type { Enrollment } from './enroll.ts';
import { SyncError, SyncHttp } from './sync-http.ts';
import type { SyncTransport } from './sync-transport.ts';

/*
 * A fresh station opens the server's replica file AS its replica (docs/sync.md "Bootstrap
 * from a database file", decision 0007 amended): downloaded and checked beside the replica,
 * the station's own tables carried into it, then renamed into place before the replica is
 * opened. No row is copied; the station then catches up from the change log after the
 * file's cursor. Done before the replica is opened because everything of the station (the
 * store, the outbox, the look-ups) holds statements on its one connection: a file cannot be
 * swapped under it. A station that cannot take this way opens its replica as it is, and its
 * sync client bootstraps it by copying (bootstrap-file.ts) or row by row.
 */

/** Replica meta the file brings (its cursor) or this way sets (ready): never carried over. */
const FILE_META = new Set(['cursor', 'ready']);

/** What happened, for the log: `opened` the file became the replica, else why not. */
export type FreshReplicaWay =
  'opened' | 'ready' | 'unsent events' | 'no replica files' | 'file refused' | 'offline';

export interface FreshReplicaOptions {
  /** The replica's path (`DATA_DIR/replica.sqlite`). */
  file: string;
  enrollment: Enrollment;
  /** The HTTPS link; by default a SyncHttp to the enrolled server, closed after. */
  http?: SyncTransport;
  /**
   * How long to wait for the server to build the file before opening the replica as it is
   * (its sync client then waits further and copies): the station shows nothing meanwhile.
   */
  maxBuildWaitMs?: number;
  progress?: (snapshot: SnapshotProgress) => void;
  log?: (line: string) => void;
}

/** Until a line's first file after a server restart is built (tens of seconds at 1.2 M rows). */
const MAX_BUILD_WAIT_MS = 120_000;

/** Written through to the disk: a renamed file must not be a file whose bytes are still in memory. */
function flushToDisk(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The rename written through too; where a directory cannot be opened (Windows) the rename stands as it is. */
function flushDirectory(path: string): void {
  try {
    flushToDisk(path);
  } catch {
    // Not a durability the platform offers; the file itself was written through.
  }
}

/**
 * Whether the replica at `file` may be replaced by the server's file: absent, or not ready
 * with nothing unsent in its outbox. Opens and checks it (a corrupt file is moved aside with
 * its outbox salvaged, as at every open). One that may not be replaced is returned open, as
 * the station will use it (checked once per start); one that may is closed with its WAL
 * checkpointed, so nothing of it is left outside the file.
 */
function replaceable(file: string): {
  kept?: OpenedReplica & { way: FreshReplicaWay };
  recovered?: OpenedReplica['recovered'];
} {
  if (!existsSync(file)) return {};
  const opened = openReplica(file);
  const { db, recovered } = opened;
  const ready = db.prepare(`SELECT value FROM meta WHERE key = 'ready'`).pluck().get();
  const unsent = db
    .prepare('SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL')
    .pluck()
    .get() as number;
  if (ready === '1' || unsent > 0)
    return { kept: { ...opened, way: ready === '1' ? 'ready' : 'unsent events' } };
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return recovered ? { recovered } : {};
}

/**
 * Put the station's own rows of the replica at `from` into the downloaded file: every table
 * that is not replicated (meta but the cursor and readiness, the outbox's history, closed
 * packages, SSCC blocks, and any table made at run time, with its indexes), so settings and
 * work state survive; then the file's cursor and readiness.
 */
function carryLocalTables(downloaded: string, from: string | undefined, cursor: number): void {
  const db = new SqliteDatabase(downloaded);
  try {
    db.pragma('journal_mode = DELETE');
    db.transaction(() => {
      if (from) {
        db.prepare('ATTACH DATABASE ? AS old').run(from);
        const replicated = new Set(REPLICATED_TABLES);
        const tables = db
          .prepare(
            `SELECT name, sql FROM old.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
          )
          .all() as { name: string; sql: string }[];
        const existing = new Set(
          db
            .prepare(`SELECT name FROM main.sqlite_master WHERE type = 'table'`)
            .pluck()
            .all() as string[],
        );
        for (const { name, sql } of tables) {
          if (replicated.has(name)) continue;
          if (!existing.has(name)) {
            db.exec(sql);
            const indexes = db
              .prepare(
                `SELECT sql FROM old.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
              )
              .pluck()
              .all(name) as string[];
            for (const index of indexes) db.exec(index);
          }
          if (name === 'meta') {
            const keep = [...FILE_META].map(() => '?').join(', ');
            db.prepare(
              `INSERT OR REPLACE INTO main.meta SELECT * FROM old.meta WHERE key NOT IN (${keep})`,
            ).run(...FILE_META);
          } else {
            db.exec(
              `DELETE FROM main."${name}"; INSERT INTO main."${name}" SELECT * FROM old."${name}"`,
            );
          }
        }
      }
      const setMeta = db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      setMeta.run('cursor', String(cursor));
      setMeta.run('ready', '1');
    })();
    if (from) db.prepare('DETACH DATABASE old').run();
  } finally {
    db.close();
  }
}

/**
 * Open the station's replica, first making the server's replica file of its scope the
 * replica when it is fresh (absent, or not ready with no unsent events): wait for the file
 * (up to `maxBuildWaitMs`), download it beside the replica (`.download`), check its SHA-256,
 * size, schema, scope and wholeness, carry the station's own tables into it, write it
 * through to the disk and rename it into place. Any failure (offline, a refused file, a
 * build that takes longer) leaves the replica as it was and opens it: the sync client
 * bootstraps it then. A crash at any point leaves the old replica or the new one, whole; a
 * leftover download is removed here at the next start.
 */
export async function openFreshReplica(
  options: FreshReplicaOptions,
): Promise<OpenedReplica & { way: FreshReplicaWay }> {
  const { file, enrollment, log = () => undefined } = options;
  const downloaded = `${file}.download`;
  rmSync(downloaded, { force: true });
  const before = replaceable(file);
  if (before.kept) return before.kept;
  const recovered = before.recovered ? { recovered: before.recovered } : {};
  const http = options.http ?? new SyncHttp(enrollment);
  let way: FreshReplicaWay = 'opened';
  try {
    const manifest = await fetchReplicaFile(
      {
        http,
        scope: { line: enrollment.line, role: enrollment.role },
        maxBuildWaitMs: options.maxBuildWaitMs ?? MAX_BUILD_WAIT_MS,
      },
      downloaded,
      options.progress ?? (() => undefined),
      true,
    );
    if (!manifest) way = 'no replica files';
    else {
      carryLocalTables(downloaded, existsSync(file) ? file : undefined, manifest.cursor);
      flushToDisk(downloaded);
      // The old replica was closed with its WAL checkpointed: nothing of it may be read
      // into the new file.
      for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
      renameSync(downloaded, file);
      flushDirectory(dirname(file));
      options.progress?.({ loaded: manifest.rows, total: manifest.rows });
    }
  } catch (error) {
    if (error instanceof ReplicaFileRejected) way = 'file refused';
    else if (error instanceof SyncError) way = 'offline';
    else throw error;
    log(`The replica file was not opened (${(error as Error).message}); loading it later.`);
  } finally {
    rmSync(downloaded, { force: true });
    if (!options.http) await http.close();
  }
  // The file was checked whole before the rename; it is not checked again.
  return { ...openReplica(file, undefined, { checked: way === 'opened' }), ...recovered, way };
}
