import { EventEmitter } from 'node:events';
import type { Database } from 'better-sqlite3';
import {
  checksumsResponseSchema,
  liveChangesSchema,
  MAX_PUSH_EVENTS,
  PROTOCOL_VERSION,
  REPLICATED_ENTITIES,
  type ReplicatedEntity,
} from '#core/api/sync.ts';
import type { Outbox, OutboxStatus } from '#db/outbox.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import { WalCheckpointer } from '#db/wal-checkpointer.ts';
import { backoffMs } from './backoff.ts';
import { bootstrapReplica, type SnapshotProgress } from './bootstrap.ts';
import type { RangeFit } from '#core/sync/change-range.ts';
import { CoalescedRun } from '#core/sync/coalesced-run.ts';
import { bootstrapFromFile, ReplicaFileRejected } from './bootstrap-file.ts';
import type { Enrollment } from './enroll.ts';
import { keepLiveChannel } from './live.ts';
import { pullChanges } from './pull.ts';
import { PushPause, pushOutbox } from './push.ts';
import { refillSsccBlocks } from './sscc-refill.ts';
import { SyncError, SyncHttp } from './sync-http.ts';
import type { SyncTransport } from './sync-transport.ts';

export interface SyncStatus {
  /** live: notified at once; polling: live channel down, asking every few seconds; offline: server unreachable. */
  link: 'live' | 'polling' | 'offline' | 'stopped';
  ready: boolean;
  cursor: number;
  /** When the replica last caught up with the server: a pull, or a live delivery applied. */
  lastPullAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  outbox: OutboxStatus;
  snapshot: SnapshotProgress | null;
}

export interface SyncClientOptions {
  db: Database;
  store: ReplicaStore;
  outbox: Outbox;
  enrollment: Enrollment;
  pollMs?: number;
  pushBatch?: number;
  maxBackoffMs?: number;
  random?: () => number;
  now?: () => Date;
  /** The HTTPS link; by default a SyncHttp to the enrolled server, certificate pinned. */
  http?: SyncTransport;
  /** How long to wait for the server to build the replica file before loading row by row. */
  maxBuildWaitMs?: number;
}

/** First retry waits up to this long after a failed cycle; up to half as long to reopen the live channel. */
const CYCLE_BACKOFF_BASE_MS = 1000;
const LIVE_BACKOFF_BASE_MS = 500;

/**
 * While the live channel is open it brings every change of the scope with its cursor (and a
 * gap is answered by a pull), so the poll only double-checks: every this many cycles (a
 * minute at the default 5 s) instead of every cycle. Pushes keep their every-cycle retry.
 */
export const LIVE_POLL_EVERY = 12;

/**
 * The station's side of sync (docs/sync.md): it schedules the jobs — snapshot bootstrap
 * (bootstrap.ts), pull after the cursor (pull.ts), push the outbox in order (push.ts), the
 * live channel (live.ts) with polling as fallback, checksums with repair — and retries them
 * with backoff (backoff.ts). Emits 'status' whenever anything a person should see changes.
 */
export class SyncClient extends EventEmitter<{ status: [SyncStatus] }> {
  private readonly http: SyncTransport;
  private readonly pollMs: number;
  private readonly pushBatch: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly now: () => Date;
  private running = false;
  private failures = 0;
  /** Cycles since the last poll while the live channel was open. */
  private livePollSkips = 0;
  private timers = new Set<NodeJS.Timeout>();
  private state: Omit<SyncStatus, 'outbox' | 'cursor' | 'ready'> = {
    link: 'stopped',
    lastPullAt: null,
    lastPushAt: null,
    lastError: null,
    snapshot: null,
  };
  private readonly pulls = new CoalescedRun(() =>
    pullChanges(this.http, this.options.store, () =>
      this.update({
        lastPullAt: this.now().toISOString(),
        lastError: null,
        ...(this.state.link === 'offline' ? { link: 'polling' as const } : {}),
      }),
    ),
  );
  /** While syncing, the replica's checkpoints run on a thread of their own (a pull's never hold a scan). */
  private readonly checkpoints: WalCheckpointer;
  private readonly pushPause = new PushPause(
    () => this.now().getTime(),
    (afterMs) => this.later(afterMs, () => this.kick()),
  );
  private readonly pushes = new CoalescedRun(() =>
    this.pushPause.run(() =>
      pushOutbox(this.http, this.options.outbox, this.pushBatch, (problem) =>
        this.update({ lastPushAt: this.now().toISOString(), lastError: problem }),
      ),
    ),
  );

  constructor(private readonly options: SyncClientOptions) {
    super();
    this.http = options.http ?? new SyncHttp(options.enrollment);
    this.pollMs = options.pollMs ?? 5000;
    // As many events a push as the server takes (fewer when they would not fit its byte
    // limit): each push costs a request, its fixed statements and one commit, a sync to
    // disk, whatever its size (docs/performance.md "push").
    this.pushBatch = options.pushBatch ?? MAX_PUSH_EVENTS;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.checkpoints = new WalCheckpointer(options.db);
  }

  get ready(): boolean {
    return this.options.store.meta('ready') === '1';
  }

  status(): SyncStatus {
    return {
      ...this.state,
      ready: this.ready,
      cursor: this.options.store.cursor,
      outbox: this.options.outbox.status(),
    };
  }

  private update(patch: Partial<SyncClient['state']>): void {
    this.state = { ...this.state, ...patch };
    this.emit('status', this.status());
  }

  /** Start syncing: bootstrap if the replica is not ready, then live + push loops. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.checkpoints.start();
    this.update({ link: 'polling' });
    void this.cycle();
    void keepLiveChannel(this.http, {
      running: () => this.running,
      opened: () => this.update({ link: 'live' }),
      changed: (data) => this.received(data),
      dropped: (error) => {
        if (error !== undefined) this.fail(error);
        if (this.state.link === 'live') this.update({ link: 'polling' });
      },
      pause: (attempt) =>
        new Promise<void>((resolve) =>
          this.later(this.backoff(LIVE_BACKOFF_BASE_MS, attempt), resolve),
        ),
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.pushes.settled(), this.pulls.settled()]);
    await this.checkpoints.stop();
    this.update({ link: 'stopped' });
    await this.http.close();
  }

  /** A decision was recorded: push soon (after the push under way, if there is one). */
  kick(): void {
    if (this.running) this.pushAll().catch(() => undefined);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) run();
    }, ms);
    this.timers.add(timer);
  }

  private backoff(baseMs: number, attempt: number): number {
    return backoffMs(attempt, { baseMs, maxMs: this.maxBackoffMs, random: this.random });
  }

  private async cycle(): Promise<void> {
    try {
      if (!this.ready) await this.bootstrap();
      if (this.state.link !== 'live' || ++this.livePollSkips >= LIVE_POLL_EVERY) {
        this.livePollSkips = 0;
        await this.pullAll();
      }
      await this.pushAll();
      if (this.options.enrollment.role === 'packing')
        await refillSsccBlocks(this.http, this.options.db, this.now);
      this.failures = 0;
      this.later(this.pollMs, () => void this.cycle());
    } catch (error) {
      this.failures++;
      this.fail(error);
      const wait = Math.max(
        this.backoff(CYCLE_BACKOFF_BASE_MS, this.failures),
        this.pushPause.remainingMs,
      );
      this.later(wait, () => void this.cycle());
    }
  }

  private fail(error: unknown): void {
    const sync = error instanceof SyncError ? error : undefined;
    if (sync?.code === 'OT_ERR_RESYNC') this.options.store.setMeta('ready', '0');
    this.update({
      lastError: (error as Error).message,
      ...(sync?.kind === 'offline' ? { link: 'offline' as const } : {}),
    });
  }

  /**
   * A live delivery: the changes of the station's scope after some cursor. Applied at once
   * when they follow the replica's cursor, ignored when the replica has them; a gap, a
   * notice without changes (an older server) or one that does not read is answered by a
   * pull, so nothing the server announced is ever lost. Before the replica is ready the
   * bootstrap under way brings everything.
   */
  private received(data: string): void {
    if (!this.ready) return;
    let fit: RangeFit = 'gap';
    try {
      const range = liveChangesSchema.safeParse(JSON.parse(data));
      if (range.success) fit = this.options.store.applyRange(range.data);
    } catch (error) {
      this.update({ lastError: `live changes not applied: ${(error as Error).message}` });
    }
    if (fit === 'gap') this.pullAll().catch((error: unknown) => this.fail(error));
    else if (fit === 'apply')
      this.update({ lastPullAt: this.now().toISOString(), lastError: null });
  }

  /**
   * Pull until no more. One pull at a time; a call while one is under way gets one more
   * pull after it, so a change announced mid-pull is not left for the next poll.
   */
  pullAll(): Promise<void> {
    return this.pulls.run();
  }

  /** Push the outbox in sequence order until it is empty or the server stops answering. */
  pushAll(): Promise<void> {
    return this.pushes.run();
  }

  /**
   * Load every row of the scope (or of `entities`): the whole scope from the server's
   * prebuilt replica file when it has one this station can use (bootstrap-file.ts), else,
   * and for a repair of some entities, row by row from a streamed snapshot (bootstrap.ts).
   * Answers which way it went. Pulling after the new cursor is the caller's next step.
   */
  async bootstrap(
    entities: readonly ReplicatedEntity[] = REPLICATED_ENTITIES,
  ): Promise<'file' | 'rows'> {
    const { db, store, enrollment } = this.options;
    const progress = (snapshot: SnapshotProgress) => this.update({ snapshot });
    let way: 'file' | 'rows' = 'rows';
    if (entities.length === REPLICATED_ENTITIES.length) {
      const scope = { line: enrollment.line, role: enrollment.role };
      try {
        const target = { http: this.http, db, store, scope };
        const { maxBuildWaitMs } = this.options;
        if (
          await bootstrapFromFile(
            maxBuildWaitMs === undefined ? target : { ...target, maxBuildWaitMs },
            progress,
          )
        )
          way = 'file';
      } catch (error) {
        if (!(error instanceof ReplicaFileRejected)) throw error;
        this.update({ lastError: `${error.message}; loading row by row instead` });
      }
    }
    if (way === 'rows') await bootstrapReplica({ http: this.http, db, store }, entities, progress);
    // A file is as of its build, not of now: only a snapshot counts as a pull.
    const lastPullAt = way === 'rows' ? this.now().toISOString() : this.state.lastPullAt;
    this.update({ snapshot: null, lastPullAt, lastError: null });
    return way;
  }

  /**
   * Compare per-entity checksums with the server's at the same cursor; refetch the scopes
   * that differ. Returns the entities repaired.
   */
  async verify(): Promise<ReplicatedEntity[]> {
    await this.pullAll();
    const server = checksumsResponseSchema.parse(
      await this.http.json('GET', `/api/v1/sync/checksums?protocol=${PROTOCOL_VERSION}`),
    );
    if (server.cursor !== this.options.store.cursor) await this.pullAll();
    const mine = this.options.store.checksums();
    const diverged = REPLICATED_ENTITIES.filter(
      (entity) => JSON.stringify(mine[entity]) !== JSON.stringify(server.checksums[entity]),
    );
    if (diverged.length > 0) await this.bootstrap(diverged);
    return diverged;
  }
}
