import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mintBadgeCode, mintOrderCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { setAutocheckpoint } from '#db/autocheckpoint.ts';
import { Outbox } from '#db/outbox.ts';

/*
 * The verdict waits for its own commit only (issue 14; docs/performance.md "scan_verdict"):
 * SQLite's WAL checkpoint, which would otherwise run inside whichever commit takes the WAL
 * past `wal_autocheckpoint` pages, never runs inside a decision's commit; it follows the
 * verdict on a later turn of the event loop.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const badge = mintBadgeCode();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function replicaWithOutbox() {
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-verdict-commit-'));
  dirs.push(dir);
  const file = join(dir, 'replica.sqlite');
  const { db } = openReplica(file);
  const outbox = new Outbox(db, 'station-1');
  const order = mintOrderCode();
  const decide = () => outbox.record({ type: 'order.loaded', order }, badge);
  const walBytes = () => statSync(`${file}-wal`).size;
  return { db, outbox, decide, walBytes };
}

describe('a decision commit', () => {
  it('runs no WAL checkpoint: decisions back to back grow the WAL past SQLite’s own threshold', () => {
    const { db, decide, walBytes } = replicaWithOutbox();
    const threshold = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // Without a checkpoint in between the WAL only grows; a checkpoint in a commit would
    // have restarted it from its first frame once it held `threshold` pages.
    for (let i = 0; i < 600; i++) decide();
    expect(walBytes()).toBeGreaterThan(threshold * pageSize * 1.1);
    // The connection's own setting is back for every other commit (a pull, an ack).
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(threshold);
    db.close();
  });

  it('is checkpointed after the verdict, on a later turn: the WAL then restarts instead of growing', async () => {
    const { db, decide, walBytes } = replicaWithOutbox();
    for (let i = 0; i < 600; i++) decide();
    await nextTurn();
    const afterCheckpoint = walBytes();
    for (let i = 0; i < 50; i++) decide();
    // The checkpoint copied every frame into the file, so new frames overwrite the WAL from
    // its start: its file does not grow.
    expect(walBytes()).toBe(afterCheckpoint);
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(650);
    db.close();
  });

  it('leaves the connection’s checkpoints off while another thread runs them (sync’s worker)', () => {
    const { db, decide } = replicaWithOutbox();
    setAutocheckpoint(db, 0);
    decide();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    setAutocheckpoint(db, 1000);
    decide();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('asks SQLite no pragma at a decision while sync’s worker checkpoints', () => {
    const { db, decide } = replicaWithOutbox();
    setAutocheckpoint(db, 0);
    // Reading or setting a pragma prepares a statement; the setting is held instead.
    const pragma = db.pragma.bind(db);
    const asked: string[] = [];
    db.pragma = ((source: string, options?: { simple?: boolean }) => {
      asked.push(source);
      return pragma(source, options);
    }) as typeof db.pragma;
    decide();
    decide();
    expect(asked).toEqual([]);
    expect(pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.close();
  });

  it('records every event of a transaction as one commit, each once, in sequence', () => {
    const { db, outbox } = replicaWithOutbox();
    const order = mintOrderCode();
    const seqs = outbox.durably(() => [
      outbox.record({ type: 'order.loaded', order }, badge).event.seq,
      outbox.record({ type: 'order.loaded', order }, badge).event.seq,
    ]);
    expect(seqs).toEqual([1, 2]);
    expect(() =>
      outbox.durably(() => {
        outbox.record({ type: 'order.loaded', order }, badge);
        outbox.record({ type: 'order.loaded', order: 'not a code' }, badge);
      }),
    ).toThrow();
    // The failed pair left nothing: neither event is on record, and the next one is seq 3.
    expect(outbox.record({ type: 'order.loaded', order }, badge).event.seq).toBe(3);
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(3);
    db.close();
  });

  it('refuses an event with a malformed part before anything is written: body, operator, clock', () => {
    const { db, outbox } = replicaWithOutbox();
    const order = mintOrderCode();
    // The replica effect of the decision: written only with its event.
    const effect = () => db.prepare("INSERT INTO meta (key, value) VALUES ('effect', '1')").run();
    const effects = () =>
      db.prepare('SELECT COUNT(*) FROM meta WHERE key = ?').pluck().get('effect');
    expect(() =>
      outbox.record({ type: 'order.loaded', order: 'not a code' }, badge, effect),
    ).toThrow();
    expect(() => outbox.record({ type: 'order.loaded', order }, 'not a badge', effect)).toThrow();
    // A badge accepted once does not let another through.
    outbox.record({ type: 'order.loaded', order }, badge);
    expect(() => outbox.record({ type: 'order.loaded', order }, order, effect)).toThrow();
    const farFuture = new Outbox(db, 'station-1', () => new Date(Date.UTC(10_000, 0, 1)));
    expect(() => farFuture.record({ type: 'order.loaded', order }, badge, effect)).toThrow();
    expect(() => new Outbox(db, '')).toThrow();
    expect(effects()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(1);
    db.close();
  });
});
