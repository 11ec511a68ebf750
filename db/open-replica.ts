import { existsSync, renameSync } from 'node:fs';
import SqliteDatabase, { type Database } from 'better-sqlite3';
import { migrateReplica } from './replica-schema.ts';

export interface OpenedReplica {
  db: Database;
  /** Set when the file was corrupt: where it was moved, and how many outbox events were saved from it. */
  recovered?: { movedTo: string; outboxSaved: number; outboxLost: boolean };
}

function configure(db: Database): void {
  db.pragma('journal_mode = WAL');
  // FULL: an outbox row that the UI showed as decided survives a power cut, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

function isHealthy(file: string): boolean {
  try {
    const probe = new SqliteDatabase(file, { fileMustExist: true });
    try {
      const rows = probe.pragma('quick_check') as { quick_check: string }[];
      return rows.length === 1 && rows[0]?.quick_check === 'ok';
    } finally {
      probe.close();
    }
  } catch {
    // Not even openable as SQLite (a truncated or overwritten file): as corrupt as it gets.
    return false;
  }
}

/** Read what can be read of a corrupt file's outbox: events are facts and must not vanish. */
function salvageOutbox(file: string): {
  rows: { seq: number; id: string; event: string; created_at: string; acked_at: string | null }[];
  complete: boolean;
} {
  try {
    const old = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      const rows = old
        .prepare('SELECT seq, id, event, created_at, acked_at FROM outbox ORDER BY seq')
        .all() as {
        seq: number;
        id: string;
        event: string;
        created_at: string;
        acked_at: string | null;
      }[];
      return { rows, complete: true };
    } finally {
      old.close();
    }
  } catch {
    return { rows: [], complete: false };
  }
}

/**
 * Open (or create) the replica with WAL and synchronous writes, and check its integrity
 * first (unless the caller has just `checked` it: a replica file put into place after its
 * own check). A corrupt file is moved aside (never deleted), its outbox salvaged into a fresh
 * replica, and the caller told, so it can say so and rebuild the rest from the server.
 */
export function openReplica(
  file: string,
  now: () => Date = () => new Date(),
  { checked = false }: { checked?: boolean } = {},
): OpenedReplica {
  let recovered: OpenedReplica['recovered'];
  if (!checked && existsSync(file) && !isHealthy(file)) {
    const salvage = salvageOutbox(file);
    const movedTo = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, movedTo);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    const db = new SqliteDatabase(file);
    configure(db);
    migrateReplica(db);
    const insert = db.prepare(
      'INSERT INTO outbox (seq, id, event, created_at, acked_at) VALUES (@seq, @id, @event, @created_at, @acked_at)',
    );
    db.transaction(() => salvage.rows.forEach((row) => insert.run(row)))();
    recovered = { movedTo, outboxSaved: salvage.rows.length, outboxLost: !salvage.complete };
    return { db, recovered };
  }
  const db = new SqliteDatabase(file);
  configure(db);
  migrateReplica(db);
  return { db };
}
