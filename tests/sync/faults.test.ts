import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { mintOrderCode } from '#core/codes/formats.ts';
import type { ApiClient } from '../server/harness.ts';
import { enrolledStation, eventually, openStation, RestartableServer } from './sync-harness.ts';

const WORKER = fileURLToPath(new URL('./fixtures/push-worker.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Run the station worker; kill it with SIGKILL after `killAfterMs` unless it ends first. */
function runWorker(
  replica: string,
  enrollment: string,
  record: number,
  killAfterMs?: number,
): Promise<{ outcome: 'killed' | 'finished'; pushMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [WORKER, replica, enrollment, String(record)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The kill lands while it pushes: timed from when it has recorded, not from spawn.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let recordedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (recordedAt === undefined && chunk.toString().includes('recorded')) {
        recordedAt = performance.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const pushMs = performance.now() - (recordedAt ?? performance.now());
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', pushMs });
      else if (code === 0) resolve({ outcome: 'finished', pushMs });
      else reject(new Error(`worker exited ${code}: ${stderr}`));
    });
  });
}

describe('faults that must lose nothing', () => {
  const plant = new RestartableServer('sqlite');
  let admin: ApiClient;

  beforeAll(async () => {
    await plant.start();
    admin = await plant.userClient('admin');
    await admin.post('/api/v1/lines', { name: 'L1' });
  });
  afterAll(() => plant.destroy());

  it(
    'delivers every event exactly once although the station is killed with SIGKILL 20 times mid-push',
    // Twenty cold starts of a station process: 367 s were seen at load 20 on two cores.
    { timeout: 600_000 },
    async () => {
      const enrollment = await enrolledStation(plant, admin, 'production', 'L1', 'killed-station');
      const dir = mkdtempSync(join(tmpdir(), 'ordertrace-kill-'));
      const enrollmentFile = join(dir, 'enrollment.json');
      writeFileSync(enrollmentFile, JSON.stringify(enrollment));
      const replica = join(dir, 'replica.sqlite');
      // How long pushing 150 decisions takes on this machine now, so that the kills land
      // within it however fast or busy the machine is.
      const { pushMs } = await runWorker(replica, enrollmentFile, 150);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        // Each run records 150 decisions, then pushes in batches; the kill lands anywhere.
        const killAfterMs = Math.floor(Math.random() * 0.8 * pushMs);
        outcomes.push((await runWorker(replica, enrollmentFile, 150, killAfterMs)).outcome);
      }
      expect(outcomes.filter((o) => o === 'killed').length).toBeGreaterThan(10);
      await runWorker(replica, enrollmentFile, 0);

      const { db } = openReplica(replica);
      const local = db.prepare('SELECT seq, id FROM outbox ORDER BY seq').all() as {
        seq: number;
        id: string;
      }[];
      const pending = db
        .prepare('SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL')
        .pluck()
        .get();
      db.close();
      const held = await plant.context.storage.db
        .selectFrom('events')
        .select(['seq', 'id'])
        .where('station_id', '=', enrollment.stationId)
        .orderBy('seq')
        .execute();
      expect(pending).toBe(0);
      expect(local.length).toBeGreaterThan(150);
      expect(held).toEqual(local);
      expect(local.map((e) => e.seq)).toEqual(local.map((_, i) => i + 1));
    },
  );

  it('moves a corrupt replica aside, keeps the outbox it can read, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-corrupt-'));
    const file = join(dir, 'replica.sqlite');
    const first = openReplica(file);
    const outbox = new Outbox(first.db, 'station-1');
    for (let i = 0; i < 3; i++)
      outbox.record({ type: 'order.loaded', order: mintOrderCode() }, null);
    first.db.pragma('wal_checkpoint(TRUNCATE)');
    first.db.close();
    // Destroy the header: the file no longer opens as SQLite at all.
    const bytes = readFileSync(file);
    bytes.fill(0x42, 0, 100);
    writeFileSync(file, bytes);
    const reopened = openReplica(file);
    expect(reopened.recovered).toMatchObject({
      movedTo: expect.stringContaining('replica.sqlite.corrupt-'),
      outboxLost: true,
    });
    expect(readFileSync(reopened.recovered!.movedTo).subarray(0, 4).toString()).toBe('BBBB');
    expect(reopened.db.pragma('quick_check', { simple: true })).toBe('ok');
    reopened.db.close();
  });

  it('salvages the outbox of a replica whose other tables are damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-damaged-'));
    const file = join(dir, 'replica.sqlite');
    const first = openReplica(file);
    const outbox = new Outbox(first.db, 'station-1');
    const recorded = [0, 1, 2].map(
      () => outbox.record({ type: 'order.loaded', order: mintOrderCode() }, null).event.id,
    );
    // Fill the resources table so it has pages of its own, then break its index.
    const insert = first.db.prepare(
      "INSERT INTO resources (code, order_code, resource_type, material_name, step, data) VALUES (?, 'O', 't', 'm', 's', '{}')",
    );
    first.db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`R${i}`);
    })();
    first.db.pragma('wal_checkpoint(TRUNCATE)');
    const page = first.db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'resources_order'")
      .pluck()
      .get() as number;
    const pageSize = first.db.pragma('page_size', { simple: true }) as number;
    first.db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xff, (page - 1) * pageSize + 8, page * pageSize);
    writeFileSync(file, bytes);
    const reopened = openReplica(file);
    expect(reopened.recovered).toMatchObject({ outboxSaved: 3, outboxLost: false });
    expect(reopened.db.prepare('SELECT id FROM outbox ORDER BY seq').pluck().all()).toEqual(
      recorded,
    );
    reopened.db.close();
  });

  it('refuses a server whose certificate is not the pinned one', async () => {
    const enrollment = await enrolledStation(plant, admin, 'production', 'L1', 'pinned-station');
    const other = new RestartableServer('sqlite');
    await other.start();
    try {
      const impostor = openStation(
        join(mkdtempSync(join(tmpdir(), 'ordertrace-pin-')), 'r.sqlite'),
        { ...enrollment, serverUrl: other.url },
      );
      await expect(impostor.sync.pullAll()).rejects.toThrow(
        /certificate is not the one pinned at enrollment/,
      );
      await impostor.close();
    } finally {
      await other.destroy();
    }
  });

  it('records both clocks and keeps syncing when the station clock is a day off', async () => {
    const enrollment = await enrolledStation(plant, admin, 'production', 'L1', 'skewed-station');
    const station = openStation(
      join(mkdtempSync(join(tmpdir(), 'ordertrace-skew-')), 'r.sqlite'),
      enrollment,
    );
    const skewed = new Outbox(
      station.db,
      enrollment.stationId,
      () => new Date(Date.now() - 86_400_000),
    );
    const { event } = skewed.record({ type: 'order.loaded', order: mintOrderCode() }, null);
    station.sync.start();
    await eventually(() => station.outbox.status().depth === 0, 10_000, 'pushed');
    const row = await plant.context.storage.db
      .selectFrom('events')
      .select(['station_time', 'server_time'])
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.station_time).toBe(event.stationTime);
    expect(Date.parse(row.server_time) - Date.parse(row.station_time)).toBeGreaterThan(86_000_000);
    await station.close();
  });
});
