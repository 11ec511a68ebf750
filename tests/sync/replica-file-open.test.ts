import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, replicaFileManifestSchema } from '#core/api/sync.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { SETTINGS_KEY } from '#station/service/settings-keeper.ts';
import { openSyncParts } from '#station/station-parts.ts';
import type { Enrollment } from '#station/sync/enroll.ts';
import { replicaFilesOf } from '#server/replication/replica-file.ts';
import { openFreshReplica } from '#station/sync/replica-file-open.ts';
import { SyncError, SyncHttp } from '#station/sync/sync-http.ts';
import type { SyncTransport } from '#station/sync/sync-transport.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import { releasedOrder } from '../server/station-flow.ts';
import { enrolledStation, RestartableServer, type TestReplica } from './sync-harness.ts';

/*
 * A fresh station opens the server's replica file AS its replica (docs/sync.md "Bootstrap
 * from a database file", decision 0007 amended; station/sync/replica-file-open.ts): the file
 * renamed into place before the replica is opened, the station's own tables carried into it,
 * then caught up from the change log. A station with unsent events copies instead; a crash
 * or a refused file leaves a station that starts as it was.
 */

/** A station's link whose replica-file requests go out with another station's token. */
function filesFrom(real: SyncHttp, other: SyncHttp): SyncTransport {
  const pick = (path: string) => (path.startsWith('/api/v1/sync/replica-file') ? other : real);
  return {
    close: () => real.close(),
    request: (method, path, body, options) => pick(path).request(method, path, body, options),
    json: <T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number) =>
      pick(path).json<T>(method, path, body, timeoutMs),
  };
}

describe.each(STORAGES)('a fresh station opening the replica file on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  const open: TestReplica[] = [];
  const builds = () => replicaFilesOf(plant.context)?.builds ?? 0;
  const manifestUrl = `/api/v1/sync/replica-file?protocol=${PROTOCOL_VERSION}`;
  const resourceCodes = (replica: TestReplica) =>
    replica.db.prepare('SELECT code FROM resources ORDER BY code').pluck().all() as string[];

  beforeAll(async () => {
    await plant.start();
    [admin, planner, customer] = await Promise.all([
      plant.userClient('admin'),
      plant.userClient('planner'),
      plant.userClient('customer'),
    ]);
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    for (const name of ['L1', 'L2']) await admin.post('/api/v1/lines', { name });
  });
  afterAll(async () => {
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  });

  /**
   * A data directory with nothing in it yet (its replica not opened) for a station of `line`.
   * The stations of these cases share one enrolment per line (enrolments are rate-limited
   * per minute); none of them pushes.
   */
  const enrolled = new Map<string, Promise<Enrollment>>();
  const freshDir = async (line = 'L1') => {
    let enrollment = enrolled.get(line);
    if (!enrollment) {
      enrollment = enrolledStation(plant, admin, 'production', line);
      enrolled.set(line, enrollment);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-fresh-'));
    return { enrollment: await enrollment, file: join(dir, 'replica.sqlite') };
  };
  /** The station's parts over a replica opened by openFreshReplica, closed by the test's end. */
  const partsOver = (
    opened: { db: TestReplica['db'] },
    fresh: { enrollment: Enrollment; file: string },
  ) => {
    const parts = openSyncParts(opened.db, fresh.enrollment, { pollMs: 60_000 });
    const replica: TestReplica = {
      ...fresh,
      ...parts,
      db: opened.db,
      async close() {
        await parts.sync.stop();
        opened.db.close();
      },
    };
    open.push(replica);
    return replica;
  };
  const SETTINGS = JSON.stringify({ kiosk: true });

  it('opens the file as a fresh station’s replica, keeps its own tables, then catches up after the file’s cursor', async () => {
    const before = await releasedOrder(customer, planner, product, 2);
    const fresh = await freshDir('L1');
    // A station started once before (offline): its settings, an event it sent long ago,
    // and a table it made at run time are its own and must survive the file.
    {
      const { db } = openReplica(fresh.file);
      const store = new ReplicaStore(db);
      store.setMeta(SETTINGS_KEY, SETTINGS);
      const outbox = new Outbox(db, fresh.enrollment.stationId);
      outbox.record({ type: 'order.loaded', order: before.code }, null);
      outbox.acknowledge(1);
      db.exec(
        `CREATE TABLE made_at_run_time (note TEXT); INSERT INTO made_at_run_time VALUES ('kept')`,
      );
      db.close();
    }
    const { cursor: fileCursor } = replicaFileManifestSchema.parse(
      await new SyncHttp(fresh.enrollment).json('GET', manifestUrl),
    );
    const after = await releasedOrder(customer, planner, product, 1);
    const buildsBefore = builds();
    const opened = await openFreshReplica(fresh);
    expect(opened.way).toBe('opened');
    expect(builds()).toBe(buildsBefore);
    expect(existsSync(`${fresh.file}.download`)).toBe(false);
    const replica = partsOver(opened, fresh);
    expect(replica.store.meta('ready')).toBe('1');
    expect(replica.store.cursor).toBe(fileCursor);
    expect(replica.store.meta(SETTINGS_KEY)).toBe(SETTINGS);
    expect(replica.outbox.status()).toMatchObject({ depth: 0 });
    expect(replica.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(1);
    expect(replica.db.prepare('SELECT note FROM made_at_run_time').pluck().get()).toBe('kept');
    expect(replica.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(resourceCodes(replica)).toEqual(
      expect.arrayContaining(before.resources.map((r) => r.code)),
    );
    await replica.sync.pullAll();
    expect(resourceCodes(replica)).toEqual(
      expect.arrayContaining(after.resources.map((r) => r.code)),
    );
    expect(await replica.sync.verify()).toEqual([]);
    // The next start finds a ready replica and opens it as it is.
    await replica.close();
    const again = await openFreshReplica(fresh);
    expect(again.way).toBe('ready');
    again.db.close();
  });

  it('copies the file into the replica of a station with unsent events, keeping them', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const fresh = await freshDir('L1');
    {
      const { db } = openReplica(fresh.file);
      new Outbox(db, fresh.enrollment.stationId).record(
        { type: 'order.loaded', order: order.code },
        null,
      );
      db.close();
    }
    const opened = await openFreshReplica(fresh);
    expect(opened.way).toBe('unsent events');
    const replica = partsOver(opened, fresh);
    expect(replica.store.meta('ready')).not.toBe('1');
    expect(await replica.sync.bootstrap()).toBe('file');
    expect(replica.outbox.status()).toMatchObject({ depth: 1 });
    await replica.sync.pullAll();
    expect(resourceCodes(replica)).toEqual(
      expect.arrayContaining(order.resources.map((r) => r.code)),
    );
  });

  it('starts correctly after a crash between the download and the rename', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const fresh = await freshDir('L1');
    {
      const { db } = openReplica(fresh.file);
      new ReplicaStore(db).setMeta(SETTINGS_KEY, SETTINGS);
      db.close();
    }
    // What a crash mid-way leaves: a download beside the replica, whole or not.
    writeFileSync(`${fresh.file}.download`, 'SQLite format 3\0 cut short');
    const offline: SyncTransport = {
      close: async () => undefined,
      request: () => Promise.reject(new SyncError('connect ECONNREFUSED', 'offline')),
      json: () => Promise.reject(new SyncError('connect ECONNREFUSED', 'offline')),
    };
    const started = await openFreshReplica({ ...fresh, http: offline });
    expect(started.way).toBe('offline');
    expect(existsSync(`${fresh.file}.download`)).toBe(false);
    expect(new ReplicaStore(started.db).meta(SETTINGS_KEY)).toBe(SETTINGS);
    started.db.close();
    // Online again, the next start takes the file.
    writeFileSync(`${fresh.file}.download`, 'SQLite format 3\0 cut short');
    const opened = await openFreshReplica(fresh);
    expect(opened.way).toBe('opened');
    const replica = partsOver(opened, fresh);
    expect(replica.store.meta(SETTINGS_KEY)).toBe(SETTINGS);
    expect(replica.store.meta('ready')).toBe('1');
    await replica.sync.pullAll();
    expect(resourceCodes(replica)).toEqual(
      expect.arrayContaining(order.resources.map((r) => r.code)),
    );
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('opens the replica as it is when the server’s file is refused', async () => {
    await releasedOrder(customer, planner, product, 1);
    const fresh = await freshDir('L1');
    const { enrollment: other } = await freshDir('L2');
    const opened = await openFreshReplica({
      ...fresh,
      http: filesFrom(new SyncHttp(fresh.enrollment), new SyncHttp(other)),
    });
    expect(opened.way).toBe('file refused');
    expect(existsSync(`${fresh.file}.download`)).toBe(false);
    const replica = partsOver(opened, fresh);
    expect(replica.store.meta('ready')).not.toBe('1');
    expect(await replica.sync.bootstrap()).toBe('file');
    expect(await replica.sync.verify()).toEqual([]);
  });
});
