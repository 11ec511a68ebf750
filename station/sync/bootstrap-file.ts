import { createWriteStream, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import SqliteDatabase, { type Database } from 'better-sqlite3';
import {
  PROTOCOL_VERSION,
  replicaFileBuildingSchema,
  replicaFileManifestSchema,
  type ReplicaFileManifest,
} from '#core/api/sync.ts';
import { reapplyUnconfirmedEffects } from '#db/local-effects.ts';
import { REPLICA_SCHEMA_VERSION } from '#db/replica-schema.ts';
import { REPLICA_FILE_SCOPE_KEY, REPLICATED_TABLES, type ReplicaStore } from '#db/replica-store.ts';
import type { SnapshotProgress } from './bootstrap.ts';
import { jsonBody, SyncError } from './sync-http.ts';
import type { SyncTransport } from './sync-transport.ts';
import { hashingStream } from '#web/hashing-stream.ts';

/**
 * The server's file is not one this station can use (wrong checksum, another scope, another
 * schema): nothing of it was loaded; bootstrap row by row instead.
 */
export class ReplicaFileRejected extends Error {
  override name = 'ReplicaFileRejected';
}

export interface FileBootstrapTarget {
  http: SyncTransport;
  db: Database;
  store: ReplicaStore;
  /** The scope this station replicates: its line (by name) and role, as enrolled. */
  scope: { line: string; role: string };
  /** How long to keep asking while the server builds the file before loading row by row. */
  maxBuildWaitMs?: number;
}

/** Half an hour: a 1.2-million-row scope builds in well under a minute on a quiet server. */
const MAX_BUILD_WAIT_MS = 30 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The manifest of the scope's file. While the server builds it (202) ask again as it says,
 * showing how far the build got; undefined from a server without replica files. A build the
 * server could not finish, or one that takes longer than `maxWaitMs`, is a reason to load
 * row by row (ReplicaFileRejected); no answer at all is offline, as any request.
 */
async function manifestOf(
  http: SyncTransport,
  progress: (snapshot: SnapshotProgress) => void,
  maxWaitMs: number,
): Promise<ReplicaFileManifest | undefined> {
  const started = Date.now();
  for (;;) {
    let response;
    try {
      response = await http.request(
        'GET',
        `/api/v1/sync/replica-file?protocol=${PROTOCOL_VERSION}`,
      );
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      // A server from before replica files: row by row, as always.
      if (error.status === 404) return undefined;
      if (error.kind === 'refused' && (error.status ?? 0) >= 500)
        throw new ReplicaFileRejected(
          `the server could not build the replica file: ${error.message}`,
        );
      throw error;
    }
    const body = await jsonBody<unknown>(response);
    if (response.status !== 202) return replicaFileManifestSchema.parse(body);
    const building = replicaFileBuildingSchema.parse(body);
    progress({ loaded: building.rows, total: 0, building: true });
    if (Date.now() - started >= maxWaitMs)
      throw new ReplicaFileRejected(
        `the server was still building the replica file after ${Math.round(maxWaitMs / 1000)} s`,
      );
    await sleep(building.retryAfterMs);
  }
}

/** Download, decompress and check the file; leaves the plain SQLite file at `target`. */
async function download(
  http: SyncTransport,
  manifest: ReplicaFileManifest,
  target: string,
): Promise<void> {
  const response = await http.request(
    'GET',
    `/api/v1/sync/replica-file/${manifest.sha256}?protocol=${PROTOCOL_VERSION}`,
    undefined,
    { stream: true },
  );
  if (!response.body) throw new SyncError('the replica file had no body', 'offline');
  const hash = hashingStream();
  const out = createWriteStream(target);
  try {
    await pipeline(
      Readable.from(response.body as AsyncIterable<Uint8Array>),
      hash.stream,
      createGunzip(),
      out,
    );
  } catch (error) {
    // The file is opened asynchronously: a download cut before that open finished would
    // otherwise create the file after the caller removed it.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    // Bytes that do not unpack are wrong bytes, not a network that dropped: no use retrying.
    if ((error as { code?: string }).code === 'Z_DATA_ERROR')
      throw new ReplicaFileRejected(`the replica file is corrupt: ${(error as Error).message}`);
    throw new SyncError(
      `replica file download interrupted: ${(error as Error).message}`,
      'offline',
    );
  }
  const { sha256, bytes } = hash.result();
  if (bytes !== manifest.bytes)
    throw new SyncError(
      `replica file download interrupted at ${bytes} of ${manifest.bytes} bytes`,
      'offline',
    );
  if (sha256 !== manifest.sha256)
    throw new ReplicaFileRejected(
      `the replica file's checksum is ${sha256}, not ${manifest.sha256}`,
    );
}

/**
 * Check a downloaded (plain) replica file before anything of it is used: its schema is this
 * station's, it holds this station's scope, and, when asked, SQLite finds it whole
 * (`quick_check`; a file about to become the replica, which is not checked again on open).
 */
function checkDownloaded(
  file: string,
  scope: FileBootstrapTarget['scope'],
  wholeness: boolean,
): void {
  const probe = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (version !== REPLICA_SCHEMA_VERSION)
      throw new ReplicaFileRejected(
        `the replica file has schema ${version}, not ${REPLICA_SCHEMA_VERSION}`,
      );
    const fileScope = probe
      .prepare(`SELECT value FROM meta WHERE key = ?`)
      .pluck()
      .get(REPLICA_FILE_SCOPE_KEY) as string | undefined;
    const expected = JSON.stringify({ line: scope.line, role: scope.role });
    if (fileScope !== expected)
      throw new ReplicaFileRejected(
        `the replica file holds scope ${fileScope ?? 'none'}, this station replicates ${expected}`,
      );
    if (wholeness) {
      const rows = probe.pragma('quick_check') as { quick_check: string }[];
      if (rows.length !== 1 || rows[0]?.quick_check !== 'ok')
        throw new ReplicaFileRejected(
          `the replica file is not a whole database: ${rows[0]?.quick_check ?? 'no answer'}`,
        );
    }
  } catch (error) {
    if (error instanceof ReplicaFileRejected) throw error;
    throw new ReplicaFileRejected(`the replica file does not open: ${(error as Error).message}`);
  } finally {
    probe.close();
  }
}

/**
 * Wait while the server builds the scope's file, download it compressed into `target` as a
 * plain SQLite file, and check it: SHA-256 and size against the manifest, schema, scope and,
 * with `wholeness`, SQLite's quick_check. Returns its manifest, or undefined when the server
 * has no replica files. Throws SyncError (offline: try again later) or ReplicaFileRejected
 * (bootstrap row by row instead); `target` may be left behind either way, for the caller to
 * remove.
 */
export async function fetchReplicaFile(
  { http, scope, maxBuildWaitMs = MAX_BUILD_WAIT_MS }: Omit<FileBootstrapTarget, 'db' | 'store'>,
  target: string,
  progress: (snapshot: SnapshotProgress) => void,
  wholeness = false,
): Promise<ReplicaFileManifest | undefined> {
  const manifest = await manifestOf(http, progress, maxBuildWaitMs);
  if (!manifest) return undefined;
  if (manifest.schemaVersion !== REPLICA_SCHEMA_VERSION)
    throw new ReplicaFileRejected(
      `the replica file has schema ${manifest.schemaVersion}, this station ${REPLICA_SCHEMA_VERSION}`,
    );
  progress({ loaded: 0, total: manifest.rows });
  await download(http, manifest, target);
  checkDownloaded(target, scope, wholeness);
  return manifest;
}

/**
 * Bootstrap from the server's prebuilt replica file by copying it (docs/sync.md "Bootstrap
 * from a database file"): the way of a station whose replica is already open — one with
 * unsent events, or one that could not fetch the file before it opened its replica (a fresh
 * station opens the file itself as its replica instead: replica-file-open.ts). Fetch and
 * check the file (fetchReplicaFile), then copy its rows into the replica in one transaction
 * (SQLite to SQLite, no row passes through JavaScript), put back the station's unconfirmed
 * effects and take the file's cursor; the caller then pulls the change log after it. Returns
 * false when the server has no replica files. Throws SyncError (offline: try again later) or
 * ReplicaFileRejected (bootstrap row by row instead); nothing is loaded either way.
 */
export async function bootstrapFromFile(
  target: FileBootstrapTarget,
  progress: (snapshot: SnapshotProgress) => void,
): Promise<boolean> {
  const { db, store } = target;
  const file = `${db.name}.download`;
  try {
    const manifest = await fetchReplicaFile(target, file, progress);
    if (!manifest) return false;
    db.prepare('ATTACH DATABASE ? AS download').run(file);
    try {
      store.setMeta('ready', '0');
      db.transaction(() => {
        for (const table of REPLICATED_TABLES) {
          db.prepare(`DELETE FROM main.${table}`).run();
          db.prepare(`INSERT INTO main.${table} SELECT * FROM download.${table}`).run();
        }
        reapplyUnconfirmedEffects(db);
        store.setMeta('cursor', String(manifest.cursor));
        store.setMeta('ready', '1');
      })();
    } finally {
      db.prepare('DETACH DATABASE download').run();
    }
    progress({ loaded: manifest.rows, total: manifest.rows });
    return true;
  } finally {
    rmSync(file, { force: true });
  }
}
