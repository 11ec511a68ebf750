import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../context.ts';
import { openStorage, type Storage } from '../storage/open-storage.ts';
import { GroupCommit } from './group-commit.ts';

/*
 * The group committer on a real SQLite file: pushes queued together share one transaction,
 * each in its own savepoint; one that fails is rolled back alone and told, the others of
 * its group commit and are answered after the commit.
 */
let dir: string;
let storage: Storage;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ordertrace-group-'));
  storage = await openStorage({ dataDir: dir });
  await sql`CREATE TABLE pushed (station TEXT NOT NULL)`.execute(storage.db);
});
afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = async () =>
  (
    await sql<{ station: string }>`SELECT station FROM pushed ORDER BY rowid`.execute(storage.db)
  ).rows.map((row) => row.station);

describe('group commit', () => {
  it('one push failing in a group fails alone: the others commit in the same transaction', async () => {
    const group = new GroupCommit(storage.db);
    const transactions = new Set<Db>();
    const push = (station: string, fails = false) =>
      group.run(1, async (trx) => {
        transactions.add(trx);
        await sql`INSERT INTO pushed (station) VALUES (${station})`.execute(trx);
        if (fails) throw new Error(`push of ${station} could not be taken`);
        return station;
      });
    const outcomes = await Promise.allSettled([push('A'), push('B', true), push('C'), push('D')]);
    expect(transactions.size).toBe(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe(
      'push of B could not be taken',
    );
    expect(await stored()).toEqual(['A', 'C', 'D']);
  });

  it('answers no push before its group has committed, and takes later pushes in a next group', async () => {
    const group = new GroupCommit(storage.db, 2);
    const seen: string[][] = [];
    const push = (station: string) =>
      group.run(1, async (trx) => {
        await sql`INSERT INTO pushed (station) VALUES (${station})`.execute(trx);
        return station;
      });
    const answered = await Promise.all(
      ['A', 'B', 'C', 'D', 'E'].map((station) =>
        push(station).then(async (value) => {
          // Answered: on disk, and readable outside the transaction.
          seen.push(await stored());
          return value;
        }),
      ),
    );
    expect(answered).toEqual(['A', 'B', 'C', 'D', 'E']);
    for (const [index, rows] of seen.entries())
      expect(rows.slice(0, index + 1)).toEqual(['A', 'B', 'C', 'D', 'E'].slice(0, index + 1));
    expect(await stored()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('fails every push of a group whose commit fails, and stores none of them', async () => {
    const group = new GroupCommit(storage.db);
    // A deferred constraint is checked at COMMIT: the whole group's commit fails.
    await sql`CREATE TABLE parent (id INTEGER PRIMARY KEY)`.execute(storage.db);
    await sql`CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`.execute(
      storage.db,
    );
    const outcomes = await Promise.allSettled([
      group.run(1, (trx) => sql`INSERT INTO pushed (station) VALUES ('A')`.execute(trx)),
      group.run(1, (trx) => sql`INSERT INTO child (parent) VALUES (42)`.execute(trx)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await stored()).toEqual([]);
    // The committer goes on: the next push is taken.
    await group.run(1, (trx) => sql`INSERT INTO pushed (station) VALUES ('B')`.execute(trx));
    expect(await stored()).toEqual(['B']);
  });
});
