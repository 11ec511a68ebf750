import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  replicaFileBuildingSchema,
  replicaFileManifestSchema,
} from '#core/api/sync.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { replicaFilesOf } from '#server/replication/replica-file.ts';
import type { SnapshotProgress } from '#station/sync/bootstrap.ts';
import { SyncClient, type SyncClientOptions } from '#station/sync/sync-client.ts';
import { SyncHttp } from '#station/sync/sync-http.ts';
import type { SyncTransport } from '#station/sync/sync-transport.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import { releasedOrder } from '../server/station-flow.ts';
import { enrolledReplica, RestartableServer, type TestReplica } from './sync-harness.ts';

/*
 * Bootstrap from a database file (docs/sync.md; issue 14): the server's prebuilt replica of a
 * scope, downloaded compressed, checked, opened, then caught up from the change log. Every
 * fault leaves nothing half-loaded and ends with a correct replica.
 */
const isFilePath = (path: string) => path.startsWith('/api/v1/sync/replica-file/');

/** The station's real link, with the replica file's bytes cut off halfway once. */
function cutOnce(real: SyncHttp): SyncTransport & { cuts: number } {
  const link = {
    cuts: 0,
    close: () => real.close(),
    json: real.json.bind(real),
    async request(...args: Parameters<SyncHttp['request']>) {
      const response = await real.request(...args);
      if (!isFilePath(args[1]) || link.cuts > 0) return response;
      link.cuts++;
      const whole = Buffer.from(await response.arrayBuffer());
      async function* half() {
        yield whole.subarray(0, whole.length >> 1);
        throw new Error('socket hang up');
      }
      return Object.defineProperty(response, 'body', { value: half() });
    },
  };
  return link as SyncTransport & { cuts: number };
}

/** A station's link whose replica-file requests go out with another station's token. */
function filesFrom(real: SyncHttp, other: SyncHttp): SyncTransport {
  return {
    close: () => real.close(),
    request: (method, path, body, options) =>
      (path.startsWith('/api/v1/sync/replica-file') ? other : real).request(
        method,
        path,
        body,
        options,
      ),
    json: <T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number) =>
      (path.startsWith('/api/v1/sync/replica-file') ? other : real).json<T>(
        method,
        path,
        body,
        timeoutMs,
      ),
  };
}

describe.each(STORAGES)('bootstrap from a replica file on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  const open: TestReplica[] = [];
  const station = async (line = 'L1', role: StationRole = 'production') => {
    const replica = await enrolledReplica(plant, admin, role, line);
    open.push(replica);
    return replica;
  };
  const syncWith = (
    replica: TestReplica,
    http: SyncTransport,
    more: Partial<SyncClientOptions> = {},
  ) => new SyncClient({ ...replica, http, pollMs: 60_000, ...more });
  const files = () => {
    const built = replicaFilesOf(plant.context);
    if (!built) throw new Error('the server has no replica files');
    return built;
  };
  /** Run `work` with every ask of a scope without a file answered "building" at once. */
  const neverWaiting = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = files().answerWithinMs;
    files().answerWithinMs = 0;
    try {
      return await work();
    } finally {
      files().answerWithinMs = before;
    }
  };
  /** Run `enrol` without the stations' enrolment starting their scope's build. */
  const unbuilt = async <T>(enrol: () => Promise<T>): Promise<T> => {
    files().buildOnEnrolment = false;
    try {
      return await enrol();
    } finally {
      files().buildOnEnrolment = true;
    }
  };
  /** The snapshot progress a station reported while it bootstrapped. */
  const progressOf = (sync: SyncClient) => {
    const seen: SnapshotProgress[] = [];
    sync.on('status', (status) => status.snapshot && seen.push(status.snapshot));
    return seen;
  };
  const manifestUrl = `/api/v1/sync/replica-file?protocol=${PROTOCOL_VERSION}`;
  const builds = () => replicaFilesOf(plant.context)?.builds ?? 0;
  const downloadsLeft = (replica: TestReplica) => existsSync(`${replica.file}.download`);
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
    await admin.post('/api/v1/lines', { name: 'L1' });
    for (const name of ['L2', 'L3', 'L4', 'L5', 'L6']) await admin.post('/api/v1/lines', { name });
    await admin.post('/api/v1/badges', { name: 'Zhao', role: 'operator' });
  });
  afterAll(async () => {
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  });

  it('loads the file at its cursor, then catches up from the change log after it', async () => {
    const before = await releasedOrder(customer, planner, product, 2);
    const first = await station('L1');
    expect(await first.sync.bootstrap()).toBe('file');
    const fileCursor = first.store.cursor;
    // Changes after the file: the next station gets the same file, then pulls these.
    const after = await releasedOrder(customer, planner, product, 1);
    const second = await station('L1');
    const buildsBefore = builds();
    expect(await second.sync.bootstrap()).toBe('file');
    expect(builds()).toBe(buildsBefore);
    expect(second.store.cursor).toBe(fileCursor);
    expect(resourceCodes(second)).toEqual(
      expect.arrayContaining(before.resources.map((r) => r.code)),
    );
    expect(resourceCodes(second)).not.toContain(after.resources[0]?.code);
    await second.sync.pullAll();
    expect(second.store.cursor).toBeGreaterThan(fileCursor);
    expect(resourceCodes(second)).toEqual(
      expect.arrayContaining(after.resources.map((r) => r.code)),
    );
    expect(second.store.meta('ready')).toBe('1');
    expect(await second.sync.verify()).toEqual([]);
    expect(downloadsLeft(second)).toBe(false);
  });

  it('builds once for many stations of one scope asking at once', async () => {
    await releasedOrder(customer, planner, product, 1);
    const buildsBefore = builds();
    const stations = await Promise.all(Array.from({ length: 5 }, () => station('L1', 'packing')));
    const ways = await Promise.all(stations.map((s) => s.sync.bootstrap()));
    expect(ways).toEqual(['file', 'file', 'file', 'file', 'file']);
    expect(builds()).toBe(buildsBefore + 1);
    const cursors = new Set(stations.map((s) => s.store.cursor));
    expect(cursors.size).toBe(1);
  });

  it('leaves nothing of an interrupted download and loads the file on the next try', async () => {
    await releasedOrder(customer, planner, product, 1);
    const replica = await station('L1', 'shipping');
    const link = cutOnce(new SyncHttp(replica.enrollment));
    const sync = syncWith(replica, link);
    await expect(sync.bootstrap()).rejects.toMatchObject({
      name: 'SyncError',
      kind: 'offline',
      message: expect.stringMatching(/interrupted/),
    });
    expect(link.cuts).toBe(1);
    expect(downloadsLeft(replica)).toBe(false);
    expect(replica.store.meta('ready')).not.toBe('1');
    expect(resourceCodes(replica)).toEqual([]);
    expect(await sync.bootstrap()).toBe('file');
    await sync.pullAll();
    expect(await sync.verify()).toEqual([]);
    await sync.stop();
  });

  it('refuses a file whose checksum is wrong and loads row by row instead', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const replica = await station('L1');
    // The manifest is built (and the file written); then its bytes on the server's disk rot.
    const manifest = replicaFileManifestSchema.parse(
      await new SyncHttp(replica.enrollment).json(
        'GET',
        `/api/v1/sync/replica-file?protocol=${PROTOCOL_VERSION}`,
      ),
    );
    const dir = join(plant.dataDir, 'replica-files');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.gz'))) {
      const bytes = readFileSync(join(dir, name));
      if (bytes.length !== manifest.bytes) continue;
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
      writeFileSync(join(dir, name), bytes);
    }
    const problems: (string | null)[] = [];
    replica.sync.on('status', (status) => problems.push(status.lastError));
    expect(await replica.sync.bootstrap()).toBe('rows');
    expect(problems).toContainEqual(expect.stringMatching(/corrupt|checksum/));
    expect(downloadsLeft(replica)).toBe(false);
    expect(resourceCodes(replica)).toEqual(
      expect.arrayContaining(order.resources.map((r) => r.code)),
    );
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('refuses a file of another scope and loads its own rows instead', async () => {
    const l2 = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Wuxi, 3 Renmin Road',
    });
    await planner.post(`/api/v1/orders/${l2.body.id}/release`, { line: 'L2' });
    const mine = await station('L1');
    const other = await station('L2');
    const sync = syncWith(
      mine,
      filesFrom(new SyncHttp(mine.enrollment), new SyncHttp(other.enrollment)),
    );
    const problems: (string | null)[] = [];
    sync.on('status', (status) => problems.push(status.lastError));
    expect(await sync.bootstrap()).toBe('rows');
    expect(problems).toContainEqual(expect.stringMatching(/holds scope .*L2/));
    expect(resourceCodes(mine).some((code) => code.includes(l2.body.code))).toBe(false);
    expect(await sync.verify()).toEqual([]);
    await sync.stop();
  });

  const releasedTo = async (line: string) => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 8 Ganjiang Road',
    });
    await planner.post(`/api/v1/orders/${order.body.id}/release`, { line });
    return order.body.code as string;
  };

  it('answers "building, ask again" at once while a build runs, then gives the file', async () => {
    const order = await releasedTo('L3');
    const replica = await unbuilt(() => station('L3'));
    const buildsBefore = builds();
    const first = await neverWaiting(() =>
      new SyncHttp(replica.enrollment).request('GET', manifestUrl),
    );
    expect(first.status).toBe(202);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const building = replicaFileBuildingSchema.parse(await first.json());
    expect(building.retryAfterMs).toBeGreaterThan(0);
    expect(Date.parse(building.startedAt)).not.toBeNaN();
    expect(await replica.sync.bootstrap()).toBe('file');
    expect(builds()).toBe(buildsBefore + 1);
    expect(resourceCodes(replica).some((code) => code.includes(order))).toBe(true);
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('builds once for many stations that ask while it builds, each waiting with progress', async () => {
    await releasedTo('L4');
    const stations = await unbuilt(() =>
      Promise.all(Array.from({ length: 5 }, () => station('L4'))),
    );
    const progress = stations.map((s) => progressOf(s.sync));
    const buildsBefore = builds();
    const ways = await neverWaiting(() => Promise.all(stations.map((s) => s.sync.bootstrap())));
    expect(ways).toEqual(['file', 'file', 'file', 'file', 'file']);
    expect(builds()).toBe(buildsBefore + 1);
    // The first ask of the scope started the build and was told to come back.
    expect(progress.flat()).toContainEqual(expect.objectContaining({ building: true, total: 0 }));
    expect(new Set(stations.map((s) => s.store.cursor)).size).toBe(1);
    for (const s of stations) expect(s.store.meta('ready')).toBe('1');
  });

  it('loads row by row when the build fails, and builds again on the next ask', async () => {
    const order = await releasedTo('L5');
    const dir = join(plant.dataDir, 'replica-files');
    // Where the build writes is a file, not a folder: the build fails after "building".
    renameSync(dir, `${dir}.aside`);
    writeFileSync(dir, 'not a folder');
    const broken = await unbuilt(() => station('L5'));
    const problems: (string | null)[] = [];
    broken.sync.on('status', (status) => problems.push(status.lastError));
    try {
      expect(await neverWaiting(() => broken.sync.bootstrap())).toBe('rows');
    } finally {
      rmSync(dir);
      renameSync(`${dir}.aside`, dir);
    }
    expect(problems).toContainEqual(expect.stringMatching(/could not be built.*row by row/));
    expect(resourceCodes(broken).some((code) => code.includes(order))).toBe(true);
    expect(await broken.sync.verify()).toEqual([]);
    const next = await unbuilt(() => station('L5'));
    const buildsBefore = builds();
    expect(await next.sync.bootstrap()).toBe('file');
    expect(builds()).toBe(buildsBefore + 1);
  });

  it('loads row by row when the build takes longer than the station waits', async () => {
    const order = await releasedTo('L6');
    const replica = await unbuilt(() => station('L6'));
    const sync = syncWith(replica, new SyncHttp(replica.enrollment), { maxBuildWaitMs: 0 });
    const problems: (string | null)[] = [];
    sync.on('status', (status) => problems.push(status.lastError));
    expect(await neverWaiting(() => sync.bootstrap())).toBe('rows');
    expect(problems).toContainEqual(expect.stringMatching(/still building.*row by row/));
    expect(resourceCodes(replica).some((code) => code.includes(order))).toBe(true);
    expect(await sync.verify()).toEqual([]);
    await sync.stop();
  });
});
