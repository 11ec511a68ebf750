import type { Database, Statement } from 'better-sqlite3';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { stationEventBodySchema, stationEventSchema } from '#core/events/station-events.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import { autocheckpointOf, setAutocheckpoint } from './autocheckpoint.ts';

/**
 * Decisions between two WAL checkpoints run after a verdict. SQLite checkpoints in whichever
 * commit takes the WAL past 1,000 pages (`wal_autocheckpoint`), and a checkpoint writes those
 * pages into the database file and syncs it: on a decision's commit that is the operator's
 * wait. A decision's ~5 pages make 100 decisions about half of SQLite's own threshold.
 */
const DECISIONS_PER_CHECKPOINT = 100;

const envelope = stationEventSchema.shape;

export interface OutboxStatus {
  /** Events the server has not confirmed yet. */
  depth: number;
  /** Age in milliseconds of the oldest unconfirmed event, or null when there is none. */
  oldestAgeMs: number | null;
  /** Highest sequence the server confirmed holding 1..n of. */
  ackedThrough: number;
  lastSeq: number;
}

/** An outbox event waiting to be pushed: its sequence number and its JSON text. */
export interface PendingEvent {
  seq: number;
  text: string;
}

/**
 * The up path's durable queue (docs/design.md "Sync", push). A station decision and its outbox
 * row are written in one transaction by `record`, so a decision the operator saw is never
 * lost and never sent twice: the server keys it by (station, seq) and its payload hash.
 */
export class Outbox {
  private readonly insert: Statement;
  private readonly lastSeqStatement: Statement;
  private readonly pendingStatement: Statement;
  private readonly depthStatement: Statement;
  private readonly firstUnackedStatement: Statement;
  private readonly markAckedStatement: Statement;
  private readonly clearAckedStatement: Statement;
  private readonly highestAckedStatement: Statement;
  private readonly nextId = createUuidV7Generator();
  private readonly checkpoint: Statement;
  #decisionsSinceCheckpoint = 0;
  /** The last operator the envelope's schema accepted: a shift's decisions share one. */
  #checkedOperator: string | null | undefined = undefined;
  #checkpointPending: NodeJS.Immediate | null = null;
  /** Made once: a decision's commit is on the operator's wait (docs/performance.md "scan_verdict"). */
  private readonly recordInTransaction: (
    body: StationEventBody,
    operator: string | null,
    effect?: () => unknown,
  ) => { event: StationEvent; result: unknown };

  constructor(
    private readonly db: Database,
    private readonly stationId: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare('INSERT INTO outbox (seq, id, event, created_at) VALUES (?, ?, ?, ?)');
    this.lastSeqStatement = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox').pluck();
    this.pendingStatement = db.prepare(
      'SELECT seq, event AS text FROM outbox WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?',
    );
    // Everything below reads the partial index of unacknowledged rows (outbox_unacked) at
    // its start, never the acknowledged rows below it nor each row of the backlog: a station
    // pushing a backlog of 100,000 events asks these once or twice per push, and reading
    // the backlog each time made pushing it quadratic (docs/performance.md "push").
    this.depthStatement = db.prepare('SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL').pluck();
    this.firstUnackedStatement = db.prepare(
      'SELECT seq, created_at AS createdAt FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT 1',
    );
    this.highestAckedStatement = db
      .prepare(
        'SELECT seq FROM outbox WHERE seq < ? AND acked_at IS NOT NULL ORDER BY seq DESC LIMIT 1',
      )
      .pluck();
    this.markAckedStatement = db.prepare(
      'UPDATE outbox SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL',
    );
    this.clearAckedStatement = db.prepare(
      'UPDATE outbox SET acked_at = NULL WHERE seq > ? AND seq <= ? AND acked_at IS NOT NULL',
    );
    this.checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    this.recordInTransaction = db.transaction(
      (body: StationEventBody, operator: string | null, effect?: () => unknown) => {
        const result = effect?.();
        // The clock is injected: a time the server would refuse must not become durable.
        const at = envelope.stationTime.parse(this.now().toISOString());
        const event: StationEvent = {
          id: this.nextId(),
          stationId: this.stationId,
          seq: (this.lastSeqStatement.get() as number) + 1,
          operator,
          stationTime: at,
          body,
        };
        this.insert.run(event.seq, event.id, JSON.stringify(event), at);
        return { event, result };
      },
    );
    envelope.stationId.parse(stationId);
  }

  /**
   * Record a decision: run `effect` (its change to the replica) and append the event, in
   * one transaction. Returns the event as it will be sent.
   */
  record<T>(
    body: StationEventBody,
    operator: string | null,
    effect?: () => T,
  ): { event: StationEvent; result: T | undefined } {
    // Checked before it becomes durable (a malformed event would block the queue forever),
    // and before the write transaction opens, which then holds SQLite's one writer for the
    // statements only. The rest of the envelope is the outbox's own: the station checked at
    // construction, a UUIDv7 from its generator, the next sequence, the clock's time checked.
    stationEventBodySchema.parse(body);
    if (operator !== this.#checkedOperator) {
      envelope.operator.parse(operator);
      this.#checkedOperator = operator;
    }
    return this.checkpointAfter(() => this.recordInTransaction(body, operator, effect)) as {
      event: StationEvent;
      result: T | undefined;
    };
  }

  /**
   * `work` as one durable transaction, like `record`: several events recorded inside it are
   * one commit. Inside another transaction it is only a savepoint.
   */
  durably<T>(work: () => T): T {
    return this.checkpointAfter(() => this.db.transaction(work)());
  }

  /**
   * A decision's commit runs no WAL checkpoint: its verdict waits for its own pages only, and
   * the checkpoint follows the verdict, once every DECISIONS_PER_CHECKPOINT decisions
   * (docs/performance.md "scan_verdict").
   */
  private checkpointAfter<T>(commit: () => T): T {
    if (this.db.inTransaction) return commit();
    // Held, not asked of SQLite: reading the pragma prepares a statement (db/autocheckpoint.ts).
    const pages = autocheckpointOf(this.db);
    // Checkpoints already run elsewhere (sync's worker, db/wal-checkpointer.ts): nothing to move.
    if (pages === 0) return commit();
    setAutocheckpoint(this.db, 0);
    try {
      return commit();
    } finally {
      setAutocheckpoint(this.db, pages);
      this.checkpointSoon();
    }
  }

  private checkpointSoon(): void {
    if (++this.#decisionsSinceCheckpoint < DECISIONS_PER_CHECKPOINT) return;
    if (this.#checkpointPending) return;
    this.#checkpointPending = setImmediate(() => {
      this.#checkpointPending = null;
      this.#decisionsSinceCheckpoint = 0;
      // PASSIVE: never waits for a reader or writer; what it cannot copy now, the next one
      // does. A failed checkpoint loses nothing (the WAL holds the commits) and is not
      // the decision's failure: SQLite's own checkpoint of the next other commit retries.
      try {
        if (this.db.open) this.checkpoint.get();
      } catch {
        this.#decisionsSinceCheckpoint = DECISIONS_PER_CHECKPOINT;
      }
    });
  }

  /**
   * The next events to push, in sequence order, after `afterSeq`: each as the JSON text it
   * was recorded as (checked against the schema then), sent as it is rather than parsed
   * and written again for every push.
   */
  pending(limit: number, afterSeq = 0): PendingEvent[] {
    return this.pendingStatement.all(afterSeq, limit) as PendingEvent[];
  }

  /**
   * The server holds 1..n. Mark those acked; if the server holds less than we thought (it
   * was restored from a backup), clear the marks above n so they are sent again. Either
   * way the acknowledged rows are exactly 1..n afterwards: they are always a prefix of the
   * outbox (a new event goes on top, unacknowledged), which is what lets `ackedThrough`
   * be read from the first unacknowledged row.
   */
  acknowledge(ackedThrough: number): void {
    const at = this.now().toISOString();
    this.db.transaction(() => {
      const before = this.ackedThrough();
      this.markAckedStatement.run(at, ackedThrough);
      if (before > ackedThrough) this.clearAckedStatement.run(ackedThrough, before);
    })();
  }

  status(): OutboxStatus {
    const first = this.firstUnacked();
    return {
      depth: this.depthStatement.get() as number,
      // The first unacknowledged event is the oldest: events are recorded in sequence order.
      oldestAgeMs: first ? Math.max(0, this.now().getTime() - Date.parse(first.createdAt)) : null,
      ackedThrough: this.ackedThrough(first),
      lastSeq: this.lastSeqStatement.get() as number,
    };
  }

  private firstUnacked(): { seq: number; createdAt: string } | undefined {
    return this.firstUnackedStatement.get() as { seq: number; createdAt: string } | undefined;
  }

  /** The highest acknowledged sequence: the row just below the first unacknowledged one. */
  private ackedThrough(first = this.firstUnacked()): number {
    return (this.highestAckedStatement.get(first?.seq ?? Number.MAX_SAFE_INTEGER) ?? 0) as number;
  }
}
