import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent } from 'undici';
import type { StationRole } from '#core/orders/state-machine.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { loadServerConfig } from '#server/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import pg from 'pg';
import { createUser } from '#server/auth/users.ts';
import { enroll, type Enrollment } from '#station/sync/enroll.ts';
import { SyncClient } from '#station/sync/sync-client.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import { sqliteLookup } from '#station/replica/sqlite-lookup.ts';
import { Station } from '#station/service/station.ts';
import type { SyncLink } from '#station/service/station-context.ts';
import { ApiClient, TEST_DATABASE_URL, type StorageName } from '../server/harness.ts';

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

/** Create a station on the server, enroll it, and open its replica and sync client. */
export async function enrolledReplica(
  plant: RestartableServer,
  admin: ApiClient,
  role: StationRole,
  line: string,
  dir = mkdtempSync(join(tmpdir(), 'ordertrace-replica-')),
): Promise<TestReplica> {
  const created = await admin.post('/api/v1/stations', {
    name: `${role}-${randomBytes(3).toString('hex')}`,
    role,
    line,
  });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  const enrollment = await enroll(plant.url, created.body.enrollmentCode, {
    fingerprint: plant.context.fingerprint,
  });
  return openStation(join(dir, 'replica.sqlite'), enrollment);
}

export function openStation(file: string, enrollment: Enrollment, pollMs = 200): TestReplica {
  const { db } = openReplica(file);
  const store = new ReplicaStore(db);
  const outbox = new Outbox(db, enrollment.stationId);
  const sync = new SyncClient({ db, store, outbox, enrollment, pollMs, maxBackoffMs: 500 });
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
  return new Station({
    db,
    store,
    outbox,
    replica: sqliteLookup(db),
    identity: {
      id: enrollment.stationId,
      name: enrollment.stationName,
      role,
      line: enrollment.line,
      serverUrl: enrollment.serverUrl,
    },
    devices: new StationDevices(),
    sync,
  });
}
