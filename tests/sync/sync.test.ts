import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendChanges, compactChangeLog } from '#server/replication/change-log.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { releasedOrder } from '../server/station-flow.ts';
import {
  enrolledReplica,
  eventually,
  RestartableServer,
  tappedSync,
  type TestReplica,
} from './sync-harness.ts';

describe.each(STORAGES)('station replica and sync on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;
  let operator: string;
  const open: TestReplica[] = [];
  const station = async (line = 'L1', role: StationRole = 'production') => {
    const replica = await enrolledReplica(plant, admin, role, line);
    open.push(replica);
    return replica;
  };
  const serverEvents = async (stationId: string) =>
    plant.context.storage.db
      .selectFrom('events')
      .select(['id', 'seq'])
      .where('station_id', '=', stationId)
      .orderBy('seq')
      .execute();

  beforeAll(async () => {
    await plant.start();
    [admin, planner, customer] = await plant.userClients('admin', 'planner', 'customer');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1' });
    await admin.post('/api/v1/lines', { name: 'L2' });
    operator = (await admin.post('/api/v1/badges', { name: 'Zhao', role: 'operator' })).body
      .code as string;
  });
  afterAll(async () => {
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  });

  it('bootstraps a fresh station with exactly its line’s rows, matching the server’s checksums', async () => {
    const l1 = await releasedOrder(customer, planner, product, 2);
    const l2Order = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Wuxi, 3 Renmin Road',
    });
    await planner.post(`/api/v1/orders/${l2Order.body.id}/release`, { line: 'L2' });
    const replica = await station('L1');
    await replica.sync.bootstrap();
    expect(replica.store.meta('ready')).toBe('1');
    const codes = replica.db.prepare('SELECT code FROM resources').pluck().all() as string[];
    expect(codes).toEqual(expect.arrayContaining(l1.resources.map((r) => r.code)));
    expect(codes.some((code) => code.includes(l2Order.body.code))).toBe(false);
    expect(replica.db.prepare('SELECT COUNT(*) FROM badges').pluck().get()).toBe(1);
    const order = JSON.parse(
      replica.db.prepare('SELECT data FROM orders WHERE code = ?').pluck().get(l1.code) as string,
    );
    expect(order).toMatchObject({
      code: l1.code,
      state: 'released',
      unitsOrdered: 2,
      lines: [{ quantity: 2, bom: expect.any(Array) }],
    });
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('applies a change made on the server within moments over the live channel', async () => {
    const replica = await station('L1');
    replica.sync.start();
    await eventually(
      () => replica.sync.status().link === 'live' && replica.sync.ready,
      10_000,
      'live and ready',
    );
    const startedAt = Date.now();
    const order = await releasedOrder(customer, planner, product, 1);
    await eventually(
      () => replica.db.prepare('SELECT 1 FROM orders WHERE code = ?').get(order.code),
      5000,
      'the new order',
    );
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });

  it('pulls again when a delivery that needs a pull arrives while a pull is in flight (no wait for the poll)', async () => {
    const replica = await station('L1');
    // The real HTTPS link with the test in the middle: it holds one pull's answer and loses
    // one live delivery, so the next delivery shows a gap while that pull is still out. A
    // station that dropped the notice would wait for its poll, a minute away.
    const { sync, tap } = tappedSync(replica);
    sync.start();
    try {
      await eventually(() => sync.status().link === 'live' && sync.ready, 10_000, 'live');
      await sync.pullAll(); // the start-up pull is over: the next pull is the test's
      const badges = () => replica.db.prepare('SELECT COUNT(*) FROM badges').pluck().get();
      const before = badges() as number;
      const pull = tap.holdNextPull();
      const pulled = sync.pullAll();
      await pull.held; // its answer is read: it has neither badge
      tap.dropNext = 1;
      await admin.post('/api/v1/badges', { name: 'Qian', role: 'operator' });
      await eventually(() => tap.dropped === 1, 5000, 'the first delivery lost');
      const taken = tap.taken;
      await admin.post('/api/v1/badges', { name: 'Sun', role: 'operator' });
      await eventually(() => tap.taken > taken, 5000, 'the second delivery, mid-pull');
      expect(badges()).toBe(before); // a gap: nothing applied, a pull is due
      const pullsBefore = tap.pulls;
      pull.release();
      await pulled;
      await eventually(() => badges() === before + 2, 3000, 'both badges on the station');
      expect(tap.pulls).toBeGreaterThan(pullsBefore);
    } finally {
      await sync.stop();
    }
  });

  it('applies a delivery that arrives while a pull is in flight at once, and the pull then takes nothing back', async () => {
    const replica = await station('L1');
    const { sync, tap } = tappedSync(replica);
    sync.start();
    try {
      await eventually(() => sync.status().link === 'live' && sync.ready, 10_000, 'live');
      await sync.pullAll();
      const badge = (name: string) =>
        replica.db.prepare("SELECT 1 FROM badges WHERE json_extract(data, '$.name') = ?").get(name);
      const pull = tap.holdNextPull();
      const pulled = sync.pullAll();
      await pull.held;
      await admin.post('/api/v1/badges', { name: 'Zhou', role: 'operator' });
      await eventually(() => badge('Zhou'), 5000, 'the badge, live, while the pull is held');
      const cursor = replica.store.cursor;
      pull.release();
      await pulled;
      expect(badge('Zhou')).toBeTruthy();
      expect(replica.store.cursor).toBeGreaterThanOrEqual(cursor);
    } finally {
      await sync.stop();
    }
  });

  it('keeps deciding offline and delivers every event exactly once, in order, when the server returns', async () => {
    const replica = await station('L1');
    replica.sync.start();
    await eventually(() => replica.sync.ready, 10_000, 'ready');
    const order = await releasedOrder(customer, planner, product, 3);
    await eventually(
      () => replica.db.prepare('SELECT 1 FROM orders WHERE code = ?').get(order.code),
      5000,
      'order',
    );
    await plant.stop();
    for (const resource of order.resources) {
      replica.outbox.record(
        {
          type: 'scan.decided',
          role: 'production',
          currentOrder: order.code,
          scanned: resource.code,
          code: resource.code,
          scannedOrder: order.code,
          verdict: 'accepted',
          reason: 'ok',
          effect: { kind: 'consume', resource: resource.code },
        },
        operator,
      );
      replica.sync.kick();
    }
    await eventually(() => replica.sync.status().link === 'offline', 5000, 'offline');
    expect(replica.outbox.status().depth).toBe(order.resources.length);
    await plant.start();
    await eventually(() => replica.outbox.status().depth === 0, 15_000, 'outbox drained').catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}: ${JSON.stringify(replica.sync.status())}`);
      },
    );
    const held = await serverEvents(replica.enrollment.stationId);
    expect(held.map((e) => e.seq)).toEqual(order.resources.map((_, i) => i + 1));
    const consumed = await plant.context.storage.db
      .selectFrom('resources')
      .select('consumed_at')
      .where('order_id', '=', order.id)
      .execute();
    expect(consumed.every((r) => r.consumed_at !== null)).toBe(true);
  });

  it('detects a diverged replica and refetches only the entity that differs', async () => {
    const replica = await station('L1');
    await replica.sync.bootstrap();
    replica.db
      .prepare(
        "UPDATE resources SET data = json_set(data, '$.materialName', 'tampered') WHERE rowid = (SELECT MIN(rowid) FROM resources)",
      )
      .run();
    replica.db.prepare('DELETE FROM units WHERE rowid = (SELECT MIN(rowid) FROM units)').run();
    expect(await replica.sync.verify()).toEqual(['resource', 'unit']);
    expect(
      replica.db
        .prepare("SELECT COUNT(*) FROM resources WHERE data LIKE '%tampered%'")
        .pluck()
        .get(),
    ).toBe(0);
    expect(await replica.sync.verify()).toEqual([]);
  });

  it('tells a station behind the compaction horizon to resync, and it does', async () => {
    const replica = await station('L1');
    await replica.sync.bootstrap();
    const cursorBefore = replica.store.cursor;
    await plant.context.storage.db
      .transaction()
      .execute((trx) =>
        appendChanges(trx, plant.context.storage.kind, new Date(Date.now() - 90 * 86_400_000), [
          { entity: 'badge', key: 'BG0000000', lineId: null, data: null },
        ]),
      );
    const compacted = await compactChangeLog(plant.context, 30);
    expect(compacted.horizon).toBeGreaterThan(cursorBefore);
    await expect(replica.sync.pullAll()).rejects.toMatchObject({ code: 'OT_ERR_RESYNC' });
    replica.sync.start();
    await eventually(
      () => replica.sync.ready && replica.store.cursor >= compacted.horizon,
      10_000,
      'resynced',
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(replica.sync.status())}`);
    });
  });

  it('re-sends what a server restored from an older backup lost', async () => {
    if (storage === 'postgres') {
      // PostgreSQL restores are pg_dump/pg_restore; the station's side is the same, so one storage proves it.
      return;
    }
    const replica = await station('L1');
    replica.sync.start();
    await eventually(() => replica.sync.ready, 10_000, 'ready');
    const record = (n: number) => {
      for (let i = 0; i < n; i++)
        replica.outbox.record(
          {
            type: 'order.loaded',
            order: open[0]!.db.prepare('SELECT code FROM orders LIMIT 1').pluck().get() as string,
          },
          null,
        );
      replica.sync.kick();
    };
    record(5);
    await eventually(() => replica.outbox.status().depth === 0, 10_000, 'first five pushed');
    await plant.stop();
    const file = `${plant.dataDir}/ordertrace.sqlite`;
    copyFileSync(file, `${file}.backup`);
    await plant.start();
    record(5);
    await eventually(() => replica.outbox.status().depth === 0, 10_000, 'next five pushed');
    await plant.stop();
    copyFileSync(`${file}.backup`, file);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) writeFileSync(file + suffix, '');
    await plant.start();
    expect((await serverEvents(replica.enrollment.stationId)).length).toBe(5);
    record(1);
    await eventually(
      async () => (await serverEvents(replica.enrollment.stationId)).length === 11,
      15_000,
      'the lost five re-sent',
    );
    expect((await serverEvents(replica.enrollment.stationId)).map((e) => e.seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => i + 1),
    );
  });
});
