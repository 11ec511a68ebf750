import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '#server/storage/backup.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import { STORAGES, TEST_DATABASE_URL } from '../server/harness.ts';
import { releasedOrder } from '../server/station-flow.ts';
import {
  RestartableServer,
  enrolledReplica,
  eventually,
  type TestReplica,
} from '../sync/sync-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/ordertrace.js', import.meta.url));
const cli = promisify(execFile);

describe.each(STORAGES)('backup and restore on %s', (storage) => {
  const plant = new RestartableServer(storage);
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-backups-'));
  const stations: TestReplica[] = [];
  let order: string;
  const target = () => ({
    dataDir: plant.dataDir,
    ...(storage === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, schema: plant.schema } : {}),
  });
  /** The real command on SQLite; on PostgreSQL the same functions, in this run's schema. */
  const backup = async (out: string) => {
    if (storage === 'postgres') return backupDatabase(target(), out);
    const { stdout } = await cli(process.execPath, [
      BIN,
      'backup',
      '--data-dir',
      plant.dataDir,
      '--out',
      out,
    ]);
    return JSON.parse(stdout) as { bytes: number };
  };
  const restore = async (from: string) => {
    if (storage === 'postgres') return restoreDatabase(target(), from);
    const { stdout } = await cli(process.execPath, [
      BIN,
      'restore',
      '--data-dir',
      plant.dataDir,
      '--from',
      from,
    ]);
    return JSON.parse(stdout) as { previous: string | null };
  };
  const serverSeqs = async (station: TestReplica) =>
    (
      await plant.context.storage.db
        .selectFrom('events')
        .select('seq')
        .where('station_id', '=', station.enrollment.stationId)
        .orderBy('seq')
        .execute()
    ).map((row) => Number(row.seq));
  const record = (n: number) => {
    for (const station of stations) {
      for (let i = 0; i < n; i++) station.outbox.record({ type: 'order.loaded', order }, null);
      station.sync.kick();
    }
  };
  const allPushed = () =>
    eventually(
      () => stations.every((s) => s.outbox.status().depth === 0),
      15_000,
      'every event pushed',
    );

  beforeAll(async () => {
    await plant.start();
    const [admin, planner, customer] = await plant.userClients('admin', 'planner', 'customer');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1' });
    order = (await releasedOrder(customer, planner, product, 1)).code;
    for (const role of ['production', 'packing'] as const) {
      const station = await enrolledReplica(plant, admin, role, 'L1');
      stations.push(station);
      station.sync.start();
      await eventually(() => station.sync.ready, 10_000, 'station ready');
    }
  }, 60_000);
  afterAll(async () => {
    for (const station of stations) await station.close().catch(() => undefined);
    await plant.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores an older backup under running stations, which re-send what the server lost: none lost', async () => {
    record(5);
    await allPushed();
    // Online: the stations keep pushing while the backup is taken.
    const out = join(dir, `ordertrace-${storage}.backup`);
    const pushing = (async () => {
      record(3);
      await allPushed();
    })();
    const taken = await backup(out);
    await pushing;
    expect(taken.bytes).toBeGreaterThan(0);
    record(4);
    await allPushed();
    for (const station of stations) expect(await serverSeqs(station)).toHaveLength(12);

    await plant.stop();
    const restored = await restore(out);
    if (storage === 'sqlite') expect(existsSync(String(restored.previous))).toBe(true);
    await plant.start();
    for (const station of stations) {
      const kept = await serverSeqs(station);
      // The backup holds the first five and, depending on the race, some of the next three.
      expect(kept.length).toBeGreaterThanOrEqual(5);
      expect(kept.length).toBeLessThan(12);
    }
    record(1);
    for (const station of stations) {
      await eventually(
        async () => (await serverSeqs(station)).length === 13,
        20_000,
        'the lost events re-sent',
      );
      expect(await serverSeqs(station)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    }
  });

  it('refuses to overwrite a file, and refuses a file that is not a backup without touching the database', async () => {
    const existing = join(dir, `exists-${storage}`);
    writeFileSync(existing, 'keep me');
    await expect(backupDatabase(target(), existing)).rejects.toThrow(/exists already/);
    const before = await serverSeqs(stations[0]!);
    await plant.stop();
    const junk = join(dir, `junk-${storage}.backup`);
    writeFileSync(junk, 'this is not a database backup at all, just text\n'.repeat(50));
    await expect(restoreDatabase(target(), junk)).rejects.toThrow(
      storage === 'postgres' ? /pg_restore failed/ : /is not an SQLite database/,
    );
    await expect(restoreDatabase(target(), join(dir, 'missing'))).rejects.toThrow(/no backup at/);
    await plant.start();
    expect(await serverSeqs(stations[0]!)).toEqual(before);
    if (storage === 'sqlite')
      expect(readdirSync(plant.dataDir).filter((f) => f.includes('before-restore'))).toHaveLength(
        1,
      );
  });
});
