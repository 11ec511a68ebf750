import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../context.ts';

/*
 * Group commit on SQLite (docs/decisions/0012-group-commit.md). SQLite has one writer and
 * every commit waits for the disk, so pushes taken one transaction each queue behind one
 * another's syncs: at 100 stations a push waited for about 100 of them. Here the pushes of
 * different stations that arrive while one is being taken share its transaction, each in a
 * savepoint of its own, and one commit: one sync to disk for the group.
 *
 * What each push is told stays exact: its work runs alone in its savepoint, in the order
 * the pushes arrived (two pushes of one station see each other as if committed one after
 * the other), and its answer is given only after the group's commit, so an acknowledged
 * event is on disk. A push whose work fails is rolled back to its savepoint and fails
 * alone; the others of its group commit. Should the commit itself fail, every push of the
 * group fails and nothing of it is stored (each station sends again).
 */

/**
 * How much one group takes at most, in the weight its pushes name (codes, as the slices of
 * a push are weighed): a transaction stays short enough that the pushes arriving meanwhile
 * are not kept long from the next one.
 */
export const GROUP_COMMIT_WEIGHT = 4000;

interface Job {
  weight: number;
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private readonly waiting: Job[] = [];
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly maxWeight = GROUP_COMMIT_WEIGHT,
  ) {}

  /** Run `work` in the next group's transaction; settles once that group has committed. */
  run<T>(weight: number, work: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ weight, work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) await this.commitGroup();
    } finally {
      this.running = false;
    }
  }

  private async commitGroup(): Promise<void> {
    const group: Job[] = [];
    const outcomes: (() => void)[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        let weight = 0;
        // Pushes that arrive while the group is being taken join it, up to its weight.
        for (
          let job = this.waiting.shift();
          job;
          job = weight < this.maxWeight ? this.waiting.shift() : undefined
        ) {
          group.push(job);
          weight += job.weight;
          await sql`SAVEPOINT group_push`.execute(trx);
          try {
            const value = await job.work(trx);
            await sql`RELEASE SAVEPOINT group_push`.execute(trx);
            outcomes.push(() => job.resolve(value));
          } catch (error) {
            await sql`ROLLBACK TO SAVEPOINT group_push`.execute(trx);
            await sql`RELEASE SAVEPOINT group_push`.execute(trx);
            outcomes.push(() => job.reject(error));
          }
          // Between pushes the event loop reads requests (they may join this group) and
          // answers those that need no database, such as health checks.
          await yieldToEventLoop();
        }
      });
    } catch (error) {
      for (const job of group) job.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }
}

const groups = new WeakMap<Db, GroupCommit>();

/** The one group committer of a SQLite database. */
export function groupCommitOf(db: Db): GroupCommit {
  let group = groups.get(db);
  if (!group) groups.set(db, (group = new GroupCommit(db)));
  return group;
}
