import type { Database, Statement } from 'better-sqlite3';
import type { Change, Checksums, ReplicatedEntity } from '#core/api/sync.ts';
import { REPLICATED_ENTITIES } from '#core/api/sync.ts';
import { addRow, emptyChecksum } from '#core/sync/checksum.ts';
import {
  changesAfter,
  fitRange,
  type ChangeRange,
  type RangeFit,
} from '#core/sync/change-range.ts';
import {
  REPLICA_TABLE,
  REPLICA_UPSERT_SQL,
  replicaRowParameters,
} from '#core/sync/replica-layout.ts';

type Data = Record<string, unknown>;

/**
 * How long one slice of a pulled batch may hold the station's thread and its write lock:
 * about what one durable commit costs, so a scan during sync waits at most about twice.
 */
export const APPLY_SLICE_MS = 1;

export { REPLICA_FILE_SCOPE_KEY } from '#core/sync/replica-layout.ts';

/** SQLite's `synchronous = NORMAL`. */
const NORMAL = 1;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const TABLE = REPLICA_TABLE;

/** The tables of replicated rows (a replica file's rows are copied table by table). */
export const REPLICATED_TABLES: readonly string[] = Object.values(TABLE);

/**
 * Writes the server's rows into the replica. Each entity keeps the server's JSON text
 * (`data`) plus the columns decisions query; the station's own not-yet-confirmed effects
 * live in separate columns (`consumed_locally_at`…) so a pull never erases them.
 */
export class ReplicaStore {
  private readonly upserts: Record<ReplicatedEntity, Statement>;
  private readonly deletes: Record<ReplicatedEntity, Statement>;
  private readonly getMeta: Statement;
  private readonly setMetaStatement: Statement;
  private readonly readSynchronous: Statement;
  /** `PRAGMA synchronous = n` by level, prepared once (a pragma() call prepares each time). */
  private readonly setSynchronous = new Map<number, Statement>();

  constructor(private readonly db: Database) {
    this.upserts = Object.fromEntries(
      REPLICATED_ENTITIES.map((entity) => [entity, db.prepare(REPLICA_UPSERT_SQL[entity])]),
    ) as Record<ReplicatedEntity, Statement>;
    this.deletes = Object.fromEntries(
      REPLICATED_ENTITIES.map((entity) => [
        entity,
        db.prepare(`DELETE FROM ${TABLE[entity]} WHERE code = ?`),
      ]),
    ) as Record<ReplicatedEntity, Statement>;
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setMetaStatement = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.readSynchronous = db.prepare('PRAGMA synchronous').pluck();
  }

  private synchronous(level: number): void {
    let statement = this.setSynchronous.get(level);
    if (!statement) {
      statement = this.db.prepare(`PRAGMA synchronous = ${level}`);
      this.setSynchronous.set(level, statement);
    }
    statement.run();
  }

  meta(key: string): string | undefined {
    return this.getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.setMetaStatement.run(key, value);
  }

  get cursor(): number {
    return Number(this.meta('cursor') ?? 0);
  }

  /** Write one row (no transaction of its own: callers batch). */
  put(entity: ReplicatedEntity, key: string, data: Data, text = JSON.stringify(data)): void {
    this.upserts[entity].run(replicaRowParameters(key, data, text));
  }

  /**
   * Take a range of the change log, pulled or delivered live (core/sync/change-range.ts):
   * when it fits the replica's cursor, apply the changes the replica lacks and advance the
   * cursor in one transaction, so a scan never sees half a batch; a stale range changes
   * nothing; a gap changes nothing and says so, and the caller pulls. Synchronous: a pull's
   * batch and a live delivery can never interleave inside it.
   */
  applyRange(range: ChangeRange<Change>): RangeFit {
    const cursor = this.cursor;
    const fit = fitRange(cursor, range);
    if (fit !== 'apply') return fit;
    this.withoutWaitingForDisk(() => {
      for (const change of changesAfter(cursor, range)) this.applyChange(change);
      this.setMeta('cursor', String(range.cursor));
    });
    return fit;
  }

  /**
   * `applyRange` in slices of at most `sliceMs` each, every slice its own short transaction
   * that moves the cursor to its last change, giving the event loop back in between: a scan
   * that arrives meanwhile waits for one slice at most, never for the batch (docs/sync.md
   * "Sync never delays a verdict"). The replica is always the change log up to its cursor;
   * a live delivery between two slices may move the cursor on, and the next slice skips
   * what it brought. A crash mid-batch pulls the rest again.
   */
  async applyRangeInSlices(
    range: ChangeRange<Change>,
    sliceMs = APPLY_SLICE_MS,
  ): Promise<RangeFit> {
    const fit = fitRange(this.cursor, range);
    if (fit !== 'apply') return fit;
    let next = 0;
    for (;;) {
      const finished = this.withoutWaitingForDisk(() => {
        const cursor = this.cursor;
        if (cursor >= range.cursor) return true;
        while (next < range.changes.length && (range.changes[next] as Change).id <= cursor) next++;
        const started = performance.now();
        let last = cursor;
        while (next < range.changes.length) {
          const change = range.changes[next++] as Change;
          this.applyChange(change);
          last = change.id;
          if (performance.now() - started >= sliceMs) break;
        }
        const done = next >= range.changes.length;
        this.setMeta('cursor', String(done ? range.cursor : last));
        return done;
      });
      if (finished) return fit;
      await nextTurn();
    }
  }

  private applyChange(change: Change): void {
    if (change.data) this.put(change.entity, change.key, change.data);
    else this.deletes[change.entity].run(change.key);
  }

  /**
   * One transaction that commits without waiting for the disk (WAL, synchronous = NORMAL):
   * a power cut can only take the last pulled rows back together with their cursor, and
   * they are pulled again. Decisions (the outbox) keep synchronous = FULL, and their next
   * commit makes these frames durable too. Synchronous code: nothing runs in between.
   */
  private withoutWaitingForDisk<T>(work: () => T): T {
    const synchronous = this.readSynchronous.get() as number;
    if (synchronous !== NORMAL) this.synchronous(NORMAL);
    try {
      return this.db.transaction(work)();
    } finally {
      if (synchronous !== NORMAL) this.synchronous(synchronous);
    }
  }

  /** Replace every row of these entities (a snapshot, or repairing a diverged scope). */
  clear(entities: readonly ReplicatedEntity[]): void {
    for (const entity of entities) this.db.prepare(`DELETE FROM ${TABLE[entity]}`).run();
  }

  checksums(entities: readonly ReplicatedEntity[] = REPLICATED_ENTITIES): Checksums {
    const result: Checksums = {};
    for (const entity of entities) {
      const checksum = emptyChecksum();
      for (const row of this.db
        .prepare(`SELECT code, data FROM ${TABLE[entity]}`)
        .iterate() as Iterable<{ code: string; data: string }>) {
        addRow(checksum, row.code, row.data);
      }
      result[entity] = checksum;
    }
    return result;
  }
}
