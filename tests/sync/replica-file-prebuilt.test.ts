import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationRole } from '#core/orders/state-machine.ts';
import { replicaFilesOf } from '#server/replication/replica-file.ts';
import type { SnapshotProgress } from '#station/sync/bootstrap.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import { enrolledReplica, RestartableServer, type TestReplica } from './sync-harness.ts';

/*
 * The scope's replica file is there before a station asks (docs/sync.md "Bootstrap from a
 * database file"; issue 14): an enrolment starts its scope's build, and the server's
 * housekeeping rebuilds a file that fell behind, so a station's first ask finds a file
 * close to the present and does not wait for a build.
 */
describe.each(STORAGES)('replica files built ahead on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  const open: TestReplica[] = [];
  const station = async (line: string, role: StationRole) => {
    const replica = await enrolledReplica(plant, admin, role, line);
    open.push(replica);
    return replica;
  };
  const files = () => {
    const built = replicaFilesOf(plant.context);
    if (!built) throw new Error('the server has no replica files');
    return built;
  };
  const builds = () => files().builds;
  const lineId = async (name: string) =>
    (
      await plant.context.storage.db
        .selectFrom('lines')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  const releasedTo = async (line: string) => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 8 Ganjiang Road',
    });
    await planner.post(`/api/v1/orders/${order.body.id}/release`, { line });
    return order.body.code as string;
  };
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
  });
  afterAll(async () => {
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  });

  it('has the scope’s file built when a station enrols, so its first ask finds it', async () => {
    const order = await releasedTo('L1');
    const buildsBefore = builds();
    const replica = await station('L1', 'packing');
    // No station asked yet: the enrolment started the build; the ask gets its file.
    const built = await files().prepare({ lineId: await lineId('L1'), role: 'packing' });
    expect(builds()).toBe(buildsBefore + 1);
    const progress: SnapshotProgress[] = [];
    replica.sync.on('status', (status) => status.snapshot && progress.push(status.snapshot));
    const answerWithinMs = files().answerWithinMs;
    files().answerWithinMs = 0; // an ask that found no file would hear "building"
    try {
      expect(await replica.sync.bootstrap()).toBe('file');
    } finally {
      files().answerWithinMs = answerWithinMs;
    }
    expect(builds()).toBe(buildsBefore + 1);
    expect(progress).not.toContainEqual(expect.objectContaining({ building: true }));
    expect(replica.store.cursor).toBe(built.cursor);
    expect(resourceCodes(replica).some((code) => code.includes(order))).toBe(true);
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('rebuilds a file that fell behind before a station asks, and serves the newer one', async () => {
    const scope = { lineId: await lineId('L1'), role: 'shipping' as const };
    const old = await files().prepare(scope);
    const later = await releasedTo('L1');
    const refreshAfter = files().refreshAfterChanges;
    files().refreshAfterChanges = 1;
    try {
      await files().refreshStale();
      const fresh = await files().prepare(scope);
      expect(fresh.cursor).toBeGreaterThan(old.cursor);
      expect(fresh.sha256).not.toBe(old.sha256);
      // Nothing changed since: another look builds nothing.
      const buildsBefore = builds();
      await files().refreshStale();
      expect(builds()).toBe(buildsBefore);
      expect((await files().prepare(scope)).sha256).toBe(fresh.sha256);
    } finally {
      files().refreshAfterChanges = refreshAfter;
    }
    const replica = await station('L1', 'shipping');
    expect(await replica.sync.bootstrap()).toBe('file');
    expect(resourceCodes(replica).some((code) => code.includes(later))).toBe(true);
    expect(await replica.sync.verify()).toEqual([]);
  });
});
