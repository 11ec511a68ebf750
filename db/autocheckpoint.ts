import type { Database } from 'better-sqlite3';

/*
 * A connection's `wal_autocheckpoint`, known without asking SQLite. Reading or setting the
 * pragma prepares a statement each time (SQLite acts on it when it is prepared), and a
 * decision's commit asked it on the operator's wait (docs/performance.md "scan_verdict").
 * Everything that changes the setting goes through `setAutocheckpoint`, so the value held
 * here is the connection's.
 */
const held = new WeakMap<Database, number>();

/** The pages at which the connection checkpoints in a commit; 0 when it never does. */
export function autocheckpointOf(db: Database): number {
  let pages = held.get(db);
  if (pages === undefined) {
    pages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    held.set(db, pages);
  }
  return pages;
}

export function setAutocheckpoint(db: Database, pages: number): void {
  if (!Number.isSafeInteger(pages) || pages < 0) {
    throw new Error(`wal_autocheckpoint must be a whole number of pages, not ${pages}`);
  }
  if (held.get(db) === pages) return;
  db.pragma(`wal_autocheckpoint = ${pages}`);
  held.set(db, pages);
}
