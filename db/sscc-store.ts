import type { Database } from 'better-sqlite3';
import type { HeldSsccBlock } from '#core/api/sscc-blocks.ts';
import { blockEnd, ssccOfReference, type SsccBlock } from '#core/gs1/sscc-blocks.ts';

/*
 * A packing station's SSCC blocks and the SSCCs it gave its packages, in its replica file
 * (docs/decisions/0006-sscc-blocks.md). Taking an SSCC is its own synchronous transaction:
 * the reference is spent before the package's event is recorded, so a crash in between
 * wastes one reference and never hands it out twice. The tables are this module's own
 * (created here, not by the replica's migrations) and a snapshot never touches them.
 */
const ready = new WeakSet<Database>();

function ensureTables(db: Database): void {
  if (ready.has(db)) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS sscc_blocks (
      company_prefix TEXT NOT NULL, first INTEGER NOT NULL, count INTEGER NOT NULL,
      next INTEGER NOT NULL, received_at TEXT NOT NULL,
      PRIMARY KEY (company_prefix, first)
    );
    CREATE TABLE IF NOT EXISTS sscc_issued (
      package TEXT PRIMARY KEY, sscc TEXT NOT NULL UNIQUE, issued_at TEXT NOT NULL
    );
  `);
  ready.add(db);
}

interface BlockRow {
  company_prefix: string;
  first: number;
  count: number;
  next: number;
}

/** Blocks with references left, oldest first. */
export function heldSsccBlocks(db: Database): HeldSsccBlock[] {
  ensureTables(db);
  const rows = db
    .prepare(
      'SELECT company_prefix, first, count, next FROM sscc_blocks WHERE next < first + count ORDER BY received_at, first',
    )
    .all() as BlockRow[];
  return rows.map((row) => ({
    companyPrefix: row.company_prefix,
    first: row.first,
    count: row.count,
    next: row.next,
  }));
}

/** References left in every held block. */
export const ssccReferencesLeft = (db: Database): number =>
  heldSsccBlocks(db).reduce((sum, block) => sum + blockEnd(block) - block.next, 0);

export function addSsccBlocks(db: Database, blocks: readonly SsccBlock[], at: Date): void {
  ensureTables(db);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO sscc_blocks (company_prefix, first, count, next, received_at) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const block of blocks) {
      insert.run(block.companyPrefix, block.first, block.count, block.first, at.toISOString());
    }
  })();
}

/** The SSCC this station gave a package, if it gave one. */
export function issuedSscc(db: Database, packageCode: string): string | null {
  ensureTables(db);
  const row = db.prepare('SELECT sscc FROM sscc_issued WHERE package = ?').pluck().get(packageCode);
  return (row as string | undefined) ?? null;
}

/**
 * The SSCC a package carries: the one this station gave it, else the one the server
 * replicated (a package closed at another bench, reprinted here).
 */
export function packageSscc(db: Database, packageCode: string): string | null {
  const mine = issuedSscc(db, packageCode);
  if (mine) return mine;
  const replicated = db
    .prepare("SELECT json_extract(data, '$.sscc') FROM packages WHERE code = ?")
    .pluck()
    .get(packageCode);
  return typeof replicated === 'string' ? replicated : null;
}

/**
 * The package an SSCC was given to: by this station (closed here, perhaps not yet synced),
 * else as the server replicated it. Looked up through the replica's packages_sscc index.
 */
export function packageOfSscc(db: Database, sscc: string): string | null {
  ensureTables(db);
  const mine = db.prepare('SELECT package FROM sscc_issued WHERE sscc = ?').pluck().get(sscc);
  if (typeof mine === 'string') return mine;
  const replicated = db
    .prepare("SELECT code FROM packages WHERE json_extract(data, '$.sscc') = ?")
    .pluck()
    .get(sscc);
  return typeof replicated === 'string' ? replicated : null;
}

/**
 * The package's SSCC: the one it already has from this station, else the next reference of
 * the oldest block. Null when every block is used up (the station has been offline for
 * longer than its blocks last); the package then closes without one.
 */
export function takeSscc(db: Database, packageCode: string, at: Date = new Date()): string | null {
  ensureTables(db);
  return db.transaction(() => {
    const already = issuedSscc(db, packageCode);
    if (already) return already;
    const [block] = heldSsccBlocks(db);
    if (!block) return null;
    const sscc = ssccOfReference(block.companyPrefix, block.next);
    db.prepare('UPDATE sscc_blocks SET next = next + 1 WHERE company_prefix = ? AND first = ?').run(
      block.companyPrefix,
      block.first,
    );
    db.prepare('INSERT INTO sscc_issued (package, sscc, issued_at) VALUES (?, ?, ?)').run(
      packageCode,
      sscc,
      at.toISOString(),
    );
    return sscc;
  })();
}
