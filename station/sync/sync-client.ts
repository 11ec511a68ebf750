import { EventEmitter } from 'node:events';
import type { Database } from 'better-sqlite3';
import {
  checksumsResponseSchema,
  PROTOCOL_VERSION,
  pullResponseSchema,
  pushResponseSchema,
  REPLICATED_ENTITIES,
  snapshotEndSchema,
  snapshotHeaderSchema,
  snapshotRowSchema,
  type ReplicatedEntity,
} from '#core/api/sync.ts';
import { reapplyUnconfirmedEffects } from '#db/local-effects.ts';
import type { Outbox, OutboxStatus } from '#db/outbox.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { Enrollment } from './enroll.ts';
import { SyncError, SyncHttp } from './sync-http.ts';

export interface SyncStatus {
  /** live: notified at once; polling: live channel down, asking every few seconds; offline: server unreachable. */
  link: 'live' | 'polling' | 'offline' | 'stopped';
  ready: boolean;
  cursor: number;
  lastPullAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  outbox: OutboxStatus;
  snapshot: { loaded: number; total: number } | null;
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
}

const SNAPSHOT_BATCH = 10_000;

const ENTITIES: ReadonlySet<string> = new Set(REPLICATED_ENTITIES);
type SnapshotRow = {
  entity: ReplicatedEntity;
  key: string;
  data: Record<string, unknown>;
  /** The data's JSON text exactly as the server sent it, when the line has the server's layout. */
  text?: string;
};

/** The row's data text, cut out of the line: the exact text the server stores and checksums. */
function dataText(line: string, row: SnapshotRow): string | undefined {
  const prefix = `{"entity":${JSON.stringify(row.entity)},"key":${JSON.stringify(row.key)},"data":`;
  return line.startsWith(prefix) && line.endsWith('}') ? line.slice(prefix.length, -1) : undefined;
}

/**
 * A snapshot row, checked as `snapshotRowSchema` checks it: a plain-object test per row is
 * many times cheaper than the schema on a million rows; anything the test does not accept
 * goes through the schema, which then answers exactly as before.
 */
function snapshotRow(value: unknown): SnapshotRow {
  if (typeof value === 'object' && value !== null) {
    const { entity, key, data } = value as Record<string, unknown>;
    if (
      typeof entity === 'string' &&
      ENTITIES.has(entity) &&
      typeof key === 'string' &&
      key.length >= 1 &&
      key.length <= 64 &&
      typeof data === 'object' &&
      data !== null &&
      Object.getPrototypeOf(data) === Object.prototype
    ) {
      return { entity: entity as ReplicatedEntity, key, data: data as Record<string, unknown> };
    }
  }
  return snapshotRowSchema.parse(value);
}

/**
 * The station's side of sync (docs/sync.md): snapshot bootstrap, pull after the cursor,
 * push the outbox in order, a live channel with polling as fallback, checksums with repair.
 * Emits 'status' whenever anything a person should see changes.
 */
export class SyncClient extends EventEmitter<{ status: [SyncStatus] }> {
  private readonly http: SyncHttp;
  private readonly pollMs: number;
  private readonly pushBatch: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly now: () => Date;
  private running = false;
  private pushing: Promise<void> | undefined;
  private pulling: Promise<void> | undefined;
  private pushWanted = false;
  private failures = 0;
  private liveAbort: AbortController | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private state: Omit<SyncStatus, 'outbox' | 'cursor' | 'ready'> = {
    link: 'stopped',
    lastPullAt: null,
    lastPushAt: null,
    lastError: null,
    snapshot: null,
  };

  constructor(private readonly options: SyncClientOptions) {
    super();
    this.http = new SyncHttp(options.enrollment);
    this.pollMs = options.pollMs ?? 5000;
    this.pushBatch = options.pushBatch ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
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
    this.update({ link: 'polling' });
    void this.cycle();
    void this.liveLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.liveAbort?.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([this.pushing, this.pulling]);
    this.update({ link: 'stopped' });
    await this.http.close();
  }

  /** A decision was recorded: push soon. */
  kick(): void {
    this.pushWanted = true;
    if (this.running && !this.pushing) void this.pushAll().catch(() => undefined);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) run();
    }, ms);
    this.timers.add(timer);
  }

  /** Exponential backoff with full jitter: stations that lost the server together do not return together. */
  private backoff(): number {
    const ceiling = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(this.failures, 10));
    return Math.round(ceiling * (0.5 + this.random() * 0.5));
  }

  private async cycle(): Promise<void> {
    try {
      if (!this.ready) await this.bootstrap();
      await this.pullAll();
      await this.pushAll();
      this.failures = 0;
      this.later(this.pollMs, () => void this.cycle());
    } catch (error) {
      this.failures++;
      this.fail(error);
      this.later(this.backoff(), () => void this.cycle());
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

  /** Pull until no more; each batch with its cursor in one transaction. Concurrent callers share one run. */
  pullAll(): Promise<void> {
    // .finally runs after the assignment even when the run finishes synchronously.
    this.pulling ??= this.pullLoop().finally(() => (this.pulling = undefined));
    return this.pulling;
  }

  private async pullLoop(): Promise<void> {
    for (;;) {
      const after = this.options.store.cursor;
      const batch = pullResponseSchema.parse(
        await this.http.json(
          'GET',
          `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=${after}&limit=1000`,
        ),
      );
      this.options.store.applyBatch(batch.changes, batch.cursor);
      this.update({
        lastPullAt: this.now().toISOString(),
        lastError: null,
        ...(this.state.link === 'offline' ? { link: 'polling' as const } : {}),
      });
      if (!batch.more) break;
    }
  }

  /** Push the outbox in sequence order until it is empty or the server stops answering. */
  pushAll(): Promise<void> {
    this.pushing ??= this.pushLoop().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  private async pushLoop(): Promise<void> {
    do {
      this.pushWanted = false;
      for (;;) {
        const events = this.options.outbox.pending(this.pushBatch);
        if (events.length === 0) break;
        const answer = pushResponseSchema.parse(
          await this.http.json('POST', '/api/v1/sync/push', {
            protocol: PROTOCOL_VERSION,
            outboxDepth: this.options.outbox.status().depth,
            events,
          }),
        );
        this.options.outbox.acknowledge(answer.ackedThrough);
        // Rejected events are held and acknowledged (the back office sees why): the queue
        // moves on. A conflict (the sequence is held with another event) is not held.
        const rejected = answer.results.find((result) => result.status === 'rejected');
        const conflicts = answer.results.filter((result) => result.status === 'conflict');
        this.update({
          lastPushAt: this.now().toISOString(),
          lastError:
            conflicts[0]?.reason ??
            (rejected ? `server did not apply event ${rejected.seq}: ${rejected.reason}` : null),
        });
        // The server refuses to hold these: retrying at once would spin. Wait for people.
        if (conflicts.length > 0) {
          throw new SyncError(
            `server refused event ${conflicts[0]?.seq}: ${conflicts[0]?.reason}`,
            'refused',
          );
        }
        // Nothing new was taken and the server still lacks earlier events: wait for the next cycle.
        if (
          answer.ackedThrough < (events.at(-1)?.seq ?? 0) &&
          answer.results.every((r) => r.status !== 'accepted')
        )
          break;
      }
    } while (this.pushWanted);
  }

  /** Load every row of the scope (or of `entities`) from a streamed snapshot. */
  async bootstrap(entities: readonly ReplicatedEntity[] = REPLICATED_ENTITIES): Promise<void> {
    const { db, store } = this.options;
    const query =
      entities.length === REPLICATED_ENTITIES.length
        ? ''
        : entities.map((e) => `&entity=${e}`).join('');
    const response = await this.http.request(
      'GET',
      `/api/v1/sync/snapshot?protocol=${PROTOCOL_VERSION}${query}`,
      undefined,
      { stream: true },
    );
    if (!response.body) throw new SyncError('the snapshot had no body', 'offline');
    store.setMeta('ready', '0');
    let header: ReturnType<typeof snapshotHeaderSchema.parse> | undefined;
    let ended: ReturnType<typeof snapshotEndSchema.parse> | undefined;
    let pending: SnapshotRow[] = [];
    let loaded = 0;
    const flush = () => {
      const rows = pending;
      pending = [];
      db.transaction(() =>
        rows.forEach((row) => store.put(row.entity, row.key, row.data, row.text)),
      )();
      loaded += rows.length;
      this.update({ snapshot: { loaded, total: header?.rows ?? loaded } });
    };
    let buffer = '';
    const decoder = new TextDecoder();
    const handle = (line: string) => {
      if (!line) return;
      const value: unknown = JSON.parse(line);
      if (!header) {
        header = snapshotHeaderSchema.parse(value);
        db.transaction(() => store.clear(header?.entities ?? []))();
        return;
      }
      if ((value as { type?: string }).type === 'end') {
        ended = snapshotEndSchema.parse(value);
        return;
      }
      const row = snapshotRow(value);
      // The replica keeps the server's exact text (docs/sync.md); re-serialising a million
      // rows would cost more than storing them.
      row.text = dataText(line, row);
      pending.push(row);
      if (pending.length >= SNAPSHOT_BATCH) flush();
    };
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let start = 0;
        let newline = buffer.indexOf('\n');
        while (newline !== -1) {
          handle(buffer.slice(start, newline));
          start = newline + 1;
          newline = buffer.indexOf('\n', start);
        }
        buffer = buffer.slice(start);
      }
    } catch (error) {
      throw new SyncError(`snapshot interrupted: ${(error as Error).message}`, 'offline');
    }
    handle(buffer);
    flush();
    if (!header || !ended)
      throw new SyncError('the snapshot ended early; it will be fetched again', 'offline');
    const mine = store.checksums(header.entities);
    const diverged = header.entities.filter(
      (entity) => JSON.stringify(mine[entity]) !== JSON.stringify(ended?.checksums[entity]),
    );
    if (diverged.length > 0)
      throw new SyncError(`snapshot checksums differ for ${diverged.join(', ')}`, 'offline');
    const full = entities.length === REPLICATED_ENTITIES.length;
    const cursor = header.cursor;
    db.transaction(() => {
      reapplyUnconfirmedEffects(db);
      // A repair of some entities keeps the cursor: pulling after it ends on the newest rows anyway.
      if (full) store.setMeta('cursor', String(cursor));
      store.setMeta('ready', '1');
    })();
    this.update({ snapshot: null, lastPullAt: this.now().toISOString(), lastError: null });
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

  /** Listen for change notices; fall back to polling (the cycle) while the channel is down. */
  private async liveLoop(): Promise<void> {
    let attempt = 0;
    while (this.running) {
      this.liveAbort = new AbortController();
      try {
        const response = await this.http.request(
          'GET',
          `/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`,
          undefined,
          { stream: true },
        );
        attempt = 0;
        this.update({ link: 'live' });
        let buffer = '';
        const decoder = new TextDecoder();
        for await (const chunk of response.body ?? []) {
          if (!this.running) break;
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          if (buffer.includes('event: changes')) {
            buffer = '';
            if (this.ready) void this.pullAll().catch((error: unknown) => this.fail(error));
          } else if (buffer.length > 4096) buffer = buffer.slice(-100);
        }
      } catch (error) {
        if (!this.running) break;
        this.fail(error);
      }
      if (!this.running) break;
      if (this.state.link === 'live') this.update({ link: 'polling' });
      attempt++;
      await new Promise<void>((resolve) =>
        this.later(
          Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(attempt, 7)) *
            (0.5 + this.random() * 0.5),
          resolve,
        ),
      );
    }
  }
}
