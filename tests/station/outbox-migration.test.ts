import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { mintBadgeCode, mintOrderCode } from '#core/codes/formats.ts';
import { REPLICA_MIGRATIONS } from '#core/sync/replica-layout.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';

/*
 * The outbox loses the index of its `id UNIQUE` (docs/performance.md "scan_verdict": one
 * page fewer in a decision's commit). A station updated with events in its outbox, sent and
 * unsent, keeps every one of them as it was, pushes the same ones, and goes on numbering.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const badge = mintBadgeCode();
const OUTBOX_WITH_ID_INDEX = 4;

describe('the outbox migration', () => {
  it('keeps every event, sent and unsent, and the index of what is still to send', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-outbox-migration-'));
    dirs.push(dir);
    const file = join(dir, 'replica.sqlite');
    // A replica as the previous station software left it: 30 decisions, the first 12 sent.
    const before = new SqliteDatabase(file);
    before.pragma('journal_mode = WAL');
    for (const migration of REPLICA_MIGRATIONS.slice(0, OUTBOX_WITH_ID_INDEX)) {
      before.exec(migration);
    }
    before.pragma(`user_version = ${OUTBOX_WITH_ID_INDEX}`);
    const old = new Outbox(before, 'station-1');
    for (let i = 0; i < 30; i++)
      old.record({ type: 'order.loaded', order: mintOrderCode() }, badge);
    old.acknowledge(12);
    const rows = before.prepare('SELECT * FROM outbox ORDER BY seq').all();
    const pending = old.pending(100);
    expect(
      before
        .prepare('SELECT COUNT(*) FROM pragma_index_list(\'outbox\') WHERE "unique"')
        .pluck()
        .get(),
    ).toBe(1);
    before.close();

    const { db } = openReplica(file);
    expect(db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(rows);
    const indexes = db.prepare('SELECT name, "unique" FROM pragma_index_list(\'outbox\')').all();
    expect(indexes).toEqual([{ name: 'outbox_unacked', unique: 0 }]);
    const outbox = new Outbox(db, 'station-1');
    expect(outbox.pending(100)).toEqual(pending);
    expect(outbox.status()).toMatchObject({ depth: 18, ackedThrough: 12, lastSeq: 30 });
    // What is still to send is read through its index, not over the sent history.
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT seq, event AS text FROM outbox WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(0, 100) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toContain('outbox_unacked');
    expect(outbox.record({ type: 'order.loaded', order: mintOrderCode() }, badge).event.seq).toBe(
      31,
    );
    db.close();
  });
});
