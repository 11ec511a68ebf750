import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { MIGRATIONS } from './migrate.ts';
import { redact } from './open-storage.ts';

/*
 * `ordertrace backup` and `ordertrace restore` (docs/operations.md). SQLite: SQLite's
 * online backup API, a consistent copy while the server keeps writing. PostgreSQL:
 * pg_dump's custom format and pg_restore, the tools the PostgreSQL manual prescribes.
 * A restored server is older than its stations: they re-send what it lost, because the
 * server answers `ackedThrough` from its own tables (docs/sync.md).
 */

export interface StorageTarget {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (tests give each run its own); the whole database without it. */
  schema?: string | undefined;
}

export interface BackupResult {
  storage: 'sqlite' | 'postgres';
  out: string;
  bytes: number;
}

const sqliteFile = (dataDir: string) => join(dataDir, 'ordertrace.sqlite');

export async function backupDatabase(target: StorageTarget, out: string): Promise<BackupResult> {
  if (existsSync(out)) throw new Error(`${out} exists already; choose a new file for the backup`);
  if (target.databaseUrl) {
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      `--file=${out}`,
      ...(target.schema ? [`--schema=${target.schema}`] : []),
      `--dbname=${target.databaseUrl}`,
    ]);
    return { storage: 'postgres', out, bytes: statSync(out).size };
  }
  const file = sqliteFile(target.dataDir);
  if (!existsSync(file)) throw new Error(`no database at ${file}: check --data-dir`);
  const database = new SqliteDatabase(file, { fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    await database.backup(out);
  } finally {
    database.close();
  }
  return { storage: 'sqlite', out, bytes: statSync(out).size };
}

export interface RestoreResult {
  storage: 'sqlite' | 'postgres';
  from: string;
  /** SQLite: where the database it replaced was kept. */
  previous: string | null;
}

/**
 * Put a backup back. Stop the server first (several instances: all of them). The backup is
 * checked before anything is replaced; on SQLite the replaced database is kept beside it.
 */
export async function restoreDatabase(
  target: StorageTarget,
  from: string,
  now = new Date(),
): Promise<RestoreResult> {
  if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  if (target.databaseUrl) {
    await run('pg_restore', ['--list', from]); // a readable pg_dump archive, or stop here
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      `--dbname=${target.databaseUrl}`,
      from,
    ]);
    return { storage: 'postgres', from, previous: null };
  }
  checkSqliteBackup(from);
  const file = sqliteFile(target.dataDir);
  let previous: string | null = null;
  if (existsSync(file)) {
    previous = `${file}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    const current = new SqliteDatabase(file, { fileMustExist: true });
    try {
      await current.backup(previous);
    } finally {
      current.close();
    }
  }
  // Through the backup API again: the destination's WAL and locks are SQLite's business.
  const source = new SqliteDatabase(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(file);
  } finally {
    source.close();
  }
  return { storage: 'sqlite', from, previous };
}

/** A backup this server can run on: a sound SQLite file, of our schema, not newer than us. */
function checkSqliteBackup(from: string): void {
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(from, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`${from} is not an SQLite database: ${(error as Error).message}`);
  }
  try {
    const integrity = database.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new Error(`${from} is damaged: ${integrity}`);
    const hasMigrations = database
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!hasMigrations) throw new Error(`${from} is not an Ordertrace database`);
    const names = database.prepare('SELECT name FROM schema_migrations').pluck().all() as string[];
    const unknown = names.filter((name) => !MIGRATIONS.some((m) => m.name === name));
    if (unknown.length > 0)
      throw new Error(
        `${from} was written by a newer Ordertrace (migrations ${unknown.join(', ')}): update first`,
      );
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(from)) throw error;
    throw new Error(`${from} is not an SQLite database: ${(error as Error).message}`);
  } finally {
    database.close();
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(
        new Error(
          `${command} could not run (${error.message}); install PostgreSQL's client tools (Debian: postgresql-client)`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const said = stderr.trim().split('\n').slice(-3).join(' ');
      reject(new Error(`${command} failed (exit ${code}): ${redactUrls(said)}`));
    });
  });
}

const redactUrls = (text: string) => text.replace(/postgres(ql)?:\/\/\S+/g, (url) => redact(url));
