import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';

export type StorageKind = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  kind: StorageKind;
  /** Where the data is, for logs: a file path or a URL without its password. */
  location: string;
  /** The PostgreSQL pool, for LISTEN/NOTIFY; absent on SQLite. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface StorageOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to work in (tests give each run its own). */
  schema?: string | undefined;
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.schema);
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'ordertrace.sqlite');
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // Every commit waits for the disk: a station deletes what the server acknowledged, so an
  // acknowledged event must survive a power cut (WAL with NORMAL may lose the last commits).
  // SQLite's default in this build is FULL too; saying it keeps a build or a pragma
  // elsewhere from weakening it unnoticed (tests/server/durability.test.ts).
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  cacheStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, kind: 'sqlite', location: file, close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing was a quarter of the server's
 * CPU under ingest (docs/performance.md). Our queries are few and parameterised, so the
 * same SQL text comes back constantly: keep its statement. Safe because the server never
 * iterates (streams) a statement on this connection, so a cached one is never busy.
 */
function cacheStatements(database: SqliteDatabase.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SqliteDatabase.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}

async function openPostgres(url: string, schema: string | undefined): Promise<Storage> {
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name '${schema}'`);
  }
  const searchPath = schema ? `${schema},public` : undefined;
  // The driver is loaded only by a server on PostgreSQL: a SQLite server starts without it.
  const { default: pgDriver } = await import('pg');
  // COUNT(*) and BIGSERIAL come back from PostgreSQL as int8 strings; ours fit in a double.
  pgDriver.types.setTypeParser(20, (value) => Number(value));
  const pool = new pgDriver.Pool({
    connectionString: url,
    max: 10,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
  });
  const client = await pool.connect().catch((error: Error) => {
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${error.message}`);
  });
  try {
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    // The extension lives in public so every schema (and every test run) can use it.
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
  } finally {
    client.release();
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', location: redact(url), pool, close: () => db.destroy() };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * Drop a PostgreSQL schema made for a test run. The server may still be finishing work in
 * it (a live feed's query, the minute's sweep): dropping every table takes their locks one
 * by one, so PostgreSQL can pick the drop as a deadlock's victim; it is tried again then.
 */
export async function dropSchema(storage: Storage, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(storage.db);
      return;
    } catch (error) {
      const deadlock = (error as { code?: string }).code === '40P01';
      if (!deadlock || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
