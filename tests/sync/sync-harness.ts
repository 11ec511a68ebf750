import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent } from 'undici';
import type { StationRole } from '#core/orders/state-machine.ts';
import { openReplica } from '#db/open-replica.ts';
import type { Outbox } from '#db/outbox.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import { loadServerConfig } from '#server/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import pg from 'pg';
import { createUser } from '#server/auth/users.ts';
import { enroll, type Enrollment } from '#station/sync/enroll.ts';
import { SyncClient } from '#station/sync/sync-client.ts';
import { SyncHttp } from '#station/sync/sync-http.ts';
import type { SyncTransport } from '#station/sync/sync-transport.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import type { Station } from '#station/service/station.ts';
import { identityOf, type SyncLink } from '#station/service/station-context.ts';
import { ApiClient, TEST_DATABASE_URL, type StorageName } from '../server/harness.ts';
import { openSyncParts, stationOver } from '#station/station-parts.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A server that can be stopped and started again on the same port, data and certificate. */
export class RestartableServer {
  server: RunningServer | undefined;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-sync-'));
  readonly schema: string | undefined;
  port = 0;
  /** More server environment, such as GS1_COMPANY_PREFIX. */
  env: NodeJS.ProcessEnv = {};

  /** `schema`: share another instance's PostgreSQL schema (several instances, one database). */
  constructor(
    readonly storage: StorageName,
    schema?: string,
  ) {
    this.schema =
      storage === 'postgres'
        ? (schema ?? `s_${process.pid}_${randomBytes(4).toString('hex')}`)
        : undefined;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get context() {
    if (!this.server) throw new Error('server is stopped');
    return this.server.context;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const config = loadServerConfig({
      flags: {
        port: String(this.port),
        host: '127.0.0.1',
        'data-dir': this.dataDir,
        'log-level': 'silent',
      },
      env: {
        ...this.env,
        ...(this.storage === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
      },
      cwd: this.dataDir,
    });
    this.server = await startServer(config, {
      ...(this.schema ? { schema: this.schema } : {}),
      logger: pino({ level: 'silent' }),
    });
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  client(): ApiClient {
    if (!this.server) throw new Error('server is stopped');
    return new ApiClient(
      this.url,
      new Agent({ connect: { ca: this.server.tls.cert, servername: 'localhost' } }),
    );
  }

  async userClient(role: 'admin' | 'planner' | 'customer' | 'supervisor'): Promise<ApiClient> {
    const email = `${role}.${randomBytes(4).toString('hex')}@example.com`;
    await createUser(
      this.context,
      { kind: 'system', name: 'test' },
      { email, name: role, role, password: 'correct horse battery' },
    );
    const api = this.client();
    await api.post('/api/v1/auth/login', { email, password: 'correct horse battery' });
    return api;
  }

  /** One logged-in client per role, in the order asked. */
  userClients<const R extends readonly ('admin' | 'planner' | 'customer' | 'supervisor')[]>(
    ...roles: R
  ): Promise<{ [K in keyof R]: ApiClient }> {
    return Promise.all(roles.map((role) => this.userClient(role))) as never;
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.schema) {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
      } finally {
        await client.end();
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface TestReplica {
  file: string;
  enrollment: Enrollment;
  store: ReplicaStore;
  outbox: Outbox;
  sync: SyncClient;
  db: ReturnType<typeof openReplica>['db'];
  close(): Promise<void>;
}

/** Create a station on the server and enroll it (pinning the server's certificate). */
export async function enrolledStation(
  plant: RestartableServer,
  admin: ApiClient,
  role: StationRole,
  line: string,
  name = `${role}-${randomBytes(3).toString('hex')}`,
): Promise<Enrollment> {
  const created = await admin.post('/api/v1/stations', { name, role, line });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  return enroll(plant.url, created.body.enrollmentCode, {
    fingerprint: plant.context.fingerprint,
  });
}

/** Create a station on the server, enroll it, and open its replica and sync client. */
export async function enrolledReplica(
  plant: RestartableServer,
  admin: ApiClient,
  role: StationRole,
  line: string,
  dir = mkdtempSync(join(tmpdir(), 'ordertrace-replica-')),
): Promise<TestReplica> {
  const enrollment = await enrolledStation(plant, admin, role, line);
  return openStation(join(dir, 'replica.sqlite'), enrollment);
}

export function openStation(file: string, enrollment: Enrollment, pollMs = 200): TestReplica {
  const { db } = openReplica(file);
  const { store, outbox, sync } = openSyncParts(db, enrollment, { pollMs, maxBackoffMs: 500 });
  return {
    file,
    enrollment,
    store,
    outbox,
    sync,
    db,
    async close() {
      await sync.stop();
      db.close();
    },
  };
}

export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The station service over an enrolled replica, as `ordertrace station` composes it (devices start empty). */
export function stationOn(
  replica: TestReplica,
  role: StationRole,
  sync: SyncLink = replica.sync,
): Station {
  const { db, store, outbox, enrollment } = replica;
  const identity = { ...identityOf(enrollment), role };
  return stationOver({ db, store, outbox, identity, devices: new StationDevices(), sync });
}

/**
 * The station's real HTTPS link with the test in the middle: it counts pulls and can hold
 * one pull's answer; it splits the live channel into its events and passes, drops or holds
 * each `changes` event as told, counting those the station has taken in.
 */
export class SyncTap implements SyncTransport {
  readonly real: SyncHttp;
  /** Pull requests (`/sync/changes`) answered. */
  pulls = 0;
  /** `changes` events the station has read (the next read began, so it handled them). */
  taken = 0;
  /** The highest cursor of any `changes` event the server sent, passed on or not. */
  sentCursor = 0;
  dropped = 0;
  /** The data of every `changes` event that reached the station, in order. */
  readonly delivered: string[] = [];
  /** Drop this many `changes` events before passing any again. */
  dropNext = 0;
  /** While true, `changes` events wait in `waiting` until `release()` or `drop()`. */
  holding = false;
  readonly waiting: string[] = [];
  private released = 0;
  private wake: (() => void) | undefined;
  private pullGate: { held: () => void; release: Promise<void> } | undefined;

  constructor(enrollment: Enrollment) {
    this.real = new SyncHttp(enrollment);
  }

  close(): Promise<void> {
    this.holding = false;
    this.signal();
    return this.real.close();
  }

  /** Let one held event through. */
  release(): void {
    this.released++;
    this.signal();
  }

  /** Throw the oldest held event away. */
  drop(): void {
    if (this.waiting.shift() !== undefined) this.dropped++;
  }

  /**
   * Hold the answer of the next pull until the returned `release` is called; `held`
   * settles once the pull has its answer (read before anything the test does next).
   */
  holdNextPull(): { held: Promise<void>; release: () => void } {
    let release!: () => void;
    let held!: () => void;
    const heldPromise = new Promise<void>((resolve) => (held = resolve));
    this.pullGate = { held, release: new Promise<void>((resolve) => (release = resolve)) };
    return { held: heldPromise, release };
  }

  async request(...args: Parameters<SyncHttp['request']>) {
    const response = await this.real.request(...args);
    if (!args[1].startsWith('/api/v1/sync/live')) return response;
    return Object.defineProperty(response, 'body', {
      value: this.tapped(response.body as AsyncIterable<Uint8Array>),
    });
  }

  async json<T>(...args: Parameters<SyncHttp['json']>): Promise<T> {
    const answer = await this.real.json<T>(...args);
    if (!args[1].startsWith('/api/v1/sync/changes')) return answer;
    this.pulls++;
    const gate = this.pullGate;
    if (gate) {
      this.pullGate = undefined;
      gate.held();
      await gate.release;
    }
    return answer;
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *tapped(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const other: string[] = [];
    let ended = false;
    let buffer = '';
    const pump = (async () => {
      try {
        for await (const chunk of body) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end + 2);
            buffer = buffer.slice(end + 2);
            const cursor = /"cursor":(\d+)/.exec(block);
            if (cursor) this.sentCursor = Math.max(this.sentCursor, Number(cursor[1]));
            if (!block.startsWith('event: changes\n')) other.push(block);
            else if (this.dropNext > 0) {
              this.dropNext--;
              this.dropped++;
            } else this.waiting.push(block);
            this.signal();
          }
        }
      } finally {
        ended = true;
        this.signal();
      }
    })();
    for (;;) {
      const block =
        other.shift() ?? (!this.holding || this.released > 0 ? this.waiting.shift() : undefined);
      if (block !== undefined) {
        const isChanges = block.startsWith('event: changes\n');
        if (isChanges && this.holding) this.released--;
        if (isChanges) this.delivered.push(block.slice(block.indexOf('data: ') + 6, -2));
        yield encoder.encode(block);
        if (isChanges) this.taken++;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await pump;
  }
}

/** The replica's sync client over a SyncTap, its poll a minute away: only what the test lets through arrives. */
export function tappedSync(replica: TestReplica): { sync: SyncClient; tap: SyncTap } {
  const tap = new SyncTap(replica.enrollment);
  const { db, store, outbox, enrollment } = replica;
  const sync = new SyncClient({ db, store, outbox, enrollment, http: tap, pollMs: 60_000 });
  return { sync, tap };
}
