import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Child, runChild } from './fixtures/child.ts';
import { startPlant } from './fixtures/plant.ts';
import { startPouchServer } from './fixtures/pouch.ts';
import { generateReleasedOrders } from './fixtures/released-orders.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * A production station that worked offline: `events` decisions in its outbox (Outbox.record:
 * an order loaded, then each of its resources scanned and consumed), pushed after reconnect
 * by SyncClient.pushAll() over HTTPS, in a child process. The server applies every event
 * (consumes the resource, logs the change, starts production). Checked against the server's
 * events table: nothing lost, nothing twice. Beside it PouchDB pushing the same events as
 * documents to express-pouchdb. Three sizes for the cost curve.
 */
export const POUCH_PUSH_BATCH_SIZE = 500;

const FULL = [
  { events: 1_000, label: 'e1k' },
  { events: 10_000, label: 'e10k' },
  { events: 100_000, label: 'e100k' },
];
const QUICK = [
  { events: 120, label: 'e120' },
  { events: 400, label: 'e400' },
];

export async function measurePush(events: number): Promise<Record<string, number>> {
  // One station's whole offline backlog as fast as the server takes it: the per-station byte
  // quota (a policy, 1 MiB a second by default) would measure itself, not the ingest.
  const plant = await startPlant('sqlite', { env: { STATION_PUSH_BYTES_PER_S: String(2 ** 30) } });
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-bench-push-'));
  try {
    const resourcesPerOrder = 10;
    const data = await generateReleasedOrders(plant, {
      orders: Math.ceil(events / (resourcesPerOrder + 1)),
      resourcesPerOrder,
    });
    const enrollment = await plant.station('production');
    const child = new Child('push', {
      enrollment,
      file: join(dir, 'station.sqlite'),
      orderCodes: data.orderCodes,
      resourcesPerOrder,
      events,
    });
    let ours: Record<string, number>;
    let serverCpu: NodeJS.CpuUsage;
    try {
      // The server runs in this process: its CPU while the station pushes (the outbox is
      // recorded before, in the child, with the server idle).
      await child.next('pushing', 600_000);
      const before = process.cpuUsage();
      ours = await child.done;
      serverCpu = process.cpuUsage(before);
    } finally {
      await child.finish();
    }
    const { db } = plant.context.storage;
    const held = await sql<{ n: number; seqs: number; ids: number; inRange: number }>`
      SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS seqs, COUNT(DISTINCT id) AS ids,
        SUM(CASE WHEN seq BETWEEN 1 AND ${events} THEN 1 ELSE 0 END) AS "inRange"
      FROM events WHERE station_id = ${enrollment.stationId}`.execute(db);
    const row = held.rows[0] ?? { n: 0, seqs: 0, ids: 0, inRange: 0 };
    const consumed = await db
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consumed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const lost = events - Math.min(Number(row.seqs), Number(row.inRange));
    const duplicated = Number(row.n) - Math.min(Number(row.seqs), Number(row.ids));
    if (ours.outbox_depth !== 0) throw new Error(`${ours.outbox_depth} events still in the outbox`);

    const pouch = await startPouchServer(dir);
    let pouchSeconds: number;
    try {
      const target = pouch.db('events');
      await target.info();
      const theirs = await runChild('pouchPush', {
        remote: pouch.url('events'),
        dir,
        stationId: enrollment.stationId,
        orderCodes: data.orderCodes,
        resourcesPerOrder,
        events,
        batchSize: POUCH_PUSH_BATCH_SIZE,
      });
      const info = await target.info();
      if (info.doc_count !== events)
        throw new Error(`PouchDB holds ${info.doc_count} of ${events} events`);
      pouchSeconds = theirs.seconds ?? NaN;
    } finally {
      await pouch.close();
    }
    const seconds = ours.seconds ?? NaN;
    // The first and the last window of events (10,000 at the full size): flat when a push
    // costs the same whatever the station's history on the server.
    const window = ours.window_events ?? NaN;
    const firstPerS = window / (ours.first_window_seconds ?? NaN);
    const lastPerS = window / (ours.last_window_seconds ?? NaN);
    const windowLabel = window >= 1000 ? `${window / 1000}k` : String(window);
    return {
      events,
      seconds: round(seconds, 3),
      events_per_s: Math.round(events / seconds),
      lost,
      duplicated,
      consumed: Number(consumed.n),
      record_seconds: round(ours.record_seconds ?? NaN, 2),
      // Where the push's time goes: CPU per event on each side (µs), against wall time per
      // event. The two run one after the other per batch, so their sum bounds the rate.
      station_cpu_us_per_event: round(((ours.cpu_seconds ?? NaN) * 1e6) / events, 1),
      server_cpu_us_per_event: round((serverCpu.user + serverCpu.system) / events, 1),
      wall_us_per_event: round((seconds * 1e6) / events, 1),
      peak_rss_mb: round(ours.peak_rss_mb ?? NaN, 1),
      pouchdb_seconds: round(pouchSeconds, 3),
      ratio_vs_pouchdb: round(pouchSeconds / seconds, 2),
      [`first_${windowLabel}_events_per_s`]: Math.round(firstPerS),
      [`last_${windowLabel}_events_per_s`]: Math.round(lastPerS),
      last_vs_first: round(lastPerS / firstPerS, 2),
    };
  } finally {
    await plant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const pushBenchmark: Benchmark = {
  name: 'push',
  description:
    'Offline station events pushed after reconnect over HTTPS and applied by the server; PouchDB pushing the same events',
  async run({ quick }) {
    const metrics: Record<string, number> = {};
    let last: Record<string, number> = {};
    for (const size of quick ? QUICK : FULL) {
      last = await measurePush(size.events);
      for (const [key, value] of Object.entries(last)) metrics[`${size.label}_${key}`] = value;
    }
    return {
      metrics: { ...last, ...metrics },
      targets: { lost: 1, duplicated: 1 },
      floors: { ratio_vs_pouchdb: 15 },
    };
  },
};
