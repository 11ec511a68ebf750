import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openReplica } from '#db/open-replica.ts';
import { CHECKPOINT_MIN_PAGES, WalCheckpointer } from '#db/wal-checkpointer.ts';
import { eventually } from './sync-harness.ts';

/*
 * The replica's checkpoints on a thread of their own while the station syncs (docs/sync.md
 * "Sync never delays a verdict"): the station's connection commits without copying the WAL
 * into the file; the worker's connection does it.
 */
describe('WAL checkpoints off the station thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const replica = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-checkpoint-'));
    dirs.push(dir);
    const file = join(dir, 'replica.sqlite');
    return { file, db: openReplica(file).db };
  };
  /** About 8 MB of pages, far beyond the 1,000 pages at which SQLite would checkpoint itself. */
  const writeMuch = (db: ReturnType<typeof replica>['db'], prefix = 'filler') =>
    db.transaction(() => {
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      for (let i = 0; i < 2000; i++) put.run(`${prefix}-${i}`, 'x'.repeat(4000));
    })();

  it('leaves checkpoints to its worker while started, and to the connection again once stopped', async () => {
    const { file, db } = replica();
    // The schema's pages go into the file first: otherwise the worker may copy them while the
    // test writes, and the file grows before the commit this test watches (seen in CI).
    db.pragma('wal_checkpoint(TRUNCATE)');
    // Every half second: the moment between the commit and the file's size is not a race.
    const checkpoints = new WalCheckpointer(db, 500);
    checkpoints.start();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(file).size;
    writeMuch(db);
    // The commit returned without copying the WAL into the file …
    expect(statSync(file).size).toBe(before);
    // … the worker copies it.
    await eventually(() => statSync(file).size > before + 4_000_000, 30_000, 'a checkpoint');
    await checkpoints.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('leaves a WAL of a few new pages (a live delivery) for later, while it checkpoints a long one in the same turn', async () => {
    const small = replica();
    const large = replica();
    for (const { db } of [small, large]) db.pragma('wal_checkpoint(TRUNCATE)');
    // One worker, one turn for both: when the large replica is checkpointed, the small one's
    // turn has come too.
    const checkpoints = [new WalCheckpointer(small.db, 100), new WalCheckpointer(large.db, 100)];
    for (const checkpointer of checkpoints) checkpointer.start();
    // A row's text in the database file itself (not only in its WAL): checkpointed.
    const inFile = () => readFileSync(small.file).includes('live-delivery-row');
    // One row: a page or two, far below CHECKPOINT_MIN_PAGES.
    expect(CHECKPOINT_MIN_PAGES).toBeGreaterThan(2);
    small.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('one', 'live-delivery-row');
    const largeBefore = statSync(large.file).size;
    writeMuch(large.db);
    await eventually(
      () => statSync(large.file).size > largeBefore + 4_000_000,
      30_000,
      'the large one',
    );
    expect(inFile()).toBe(false);
    // Stopped, it is checkpointed once more: nothing is left only in the WAL.
    await checkpoints[0]?.stop();
    expect(inFile()).toBe(true);
    // The other replica's checkpoints go on.
    const again = statSync(large.file).size;
    writeMuch(large.db, 'more');
    await eventually(
      () => statSync(large.file).size > again + 4_000_000,
      30_000,
      'the large one again',
    );
    await checkpoints[1]?.stop();
    small.db.close();
    large.db.close();
  });

  it('changes nothing for a database that is not in WAL mode', () => {
    const { db } = replica();
    db.pragma('journal_mode = DELETE');
    const checkpoints = new WalCheckpointer(db);
    checkpoints.start();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
