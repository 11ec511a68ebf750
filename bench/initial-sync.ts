import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { ReplicatedEntity } from '#core/api/sync.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { replicaFilesOf } from '#server/replication/replica-file.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { Child, runChild } from './fixtures/child.ts';
import { startPlant, type BenchPlant } from './fixtures/plant.ts';
import { startPouchServer } from './fixtures/pouch.ts';
import { generateReleasedOrders, type ReleasedOrders } from './fixtures/released-orders.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * A fresh station bootstrapping every order, resource and unit of its line over HTTPS on
 * loopback (SyncClient.bootstrap in a child process, so its memory is its own), beside
 * PouchDB replicating the same data (one document per order, its resources and unit in
 * it) from express-pouchdb on loopback, and beside the same rows put straight into a fresh
 * replica file in one transaction (the physical limit). Three sizes for the cost curve. At
 * the largest, FLEET_STATIONS fresh stations of the line bootstrapping at once: the wall time
 * until the last is ready and how many replica files the server built for them (one).
 */
export const POUCH_BATCH_SIZE = 500;

export interface SyncSize {
  orders: number;
  label: string;
}

const FULL: readonly SyncSize[] = [
  { orders: 1_000, label: 'r10k' },
  { orders: 10_000, label: 'r100k' },
  { orders: 100_000, label: 'r1m' },
];
const QUICK: readonly SyncSize[] = [
  { orders: 20, label: 'r200' },
  { orders: 60, label: 'r600' },
];

/** Stations of one line bootstrapping together (the fleet figures), at the largest size only. */
export const FLEET_STATIONS = 20;
/** Quick mode's fleet: enough to show one build for many, few processes to start. */
export const QUICK_FLEET_STATIONS = 5;

const workDir = () => mkdtempSync(join(tmpdir(), 'ordertrace-bench-sync-'));

/** Every replicated row of the line, read in chunks from the server's file. */
function* serverRows(
  plant: BenchPlant,
  chunk = 50_000,
): Generator<[ReplicatedEntity, string, string][]> {
  const reader = new SqliteDatabase(plant.context.storage.location, { readonly: true });
  try {
    const page = reader
      .prepare(
        `SELECT entity, entity_key, data FROM replica_current WHERE op = 'upsert' AND (entity, entity_key) > (?, ?)
         ORDER BY entity, entity_key LIMIT ?`,
      )
      .raw();
    let after: [string, string] = ['', ''];
    for (;;) {
      const rows = page.all(after[0], after[1], chunk) as [ReplicatedEntity, string, string][];
      if (rows.length === 0) return;
      yield rows;
      const last = rows.at(-1) as [string, string, string];
      after = [last[0], last[1]];
    }
  } finally {
    reader.close();
  }
}

/** The same rows into a fresh replica: ReplicaStore.put in one transaction, no network. */
function localInsert(plant: BenchPlant, dir: string): { seconds: number; rows: number } {
  const { db } = openReplica(join(dir, 'local-insert.sqlite'));
  const store = new ReplicaStore(db);
  let timed = 0;
  let rows = 0;
  db.exec('BEGIN');
  for (const chunk of serverRows(plant)) {
    const parsed = chunk.map(([entity, key, text]) => ({
      entity,
      key,
      text,
      data: JSON.parse(text) as Record<string, unknown>,
    }));
    const start = performance.now();
    for (const row of parsed) store.put(row.entity, row.key, row.data, row.text);
    timed += performance.now() - start;
    rows += parsed.length;
  }
  const commit = performance.now();
  db.exec('COMMIT');
  timed += performance.now() - commit;
  db.close();
  return { seconds: timed / 1000, rows };
}

/** Load the server-side PouchDB with one document per order, then replicate it in a child. */
async function pouchdbSync(
  plant: BenchPlant,
  data: ReleasedOrders,
  dir: string,
): Promise<{ seconds: number; loadSeconds: number }> {
  const pouch = await startPouchServer(dir);
  try {
    const source = pouch.db('orders');
    const reader = new SqliteDatabase(plant.context.storage.location, { readonly: true });
    const loadStart = performance.now();
    try {
      const one = reader
        .prepare(`SELECT data FROM replica_current WHERE entity = ? AND entity_key = ?`)
        .pluck();
      const range = reader
        .prepare(
          `SELECT data FROM replica_current WHERE entity = 'resource' AND entity_key > ? AND entity_key < ? ORDER BY entity_key`,
        )
        .pluck();
      for (let i = 0; i < data.orderCodes.length; i += 1000) {
        const docs = data.orderCodes.slice(i, i + 1000).map((code) => ({
          _id: code,
          order: JSON.parse(one.get('order', code) as string) as unknown,
          resources: (range.all(`RS${code}`, `RS${code}~`) as string[]).map(
            (text) => JSON.parse(text) as unknown,
          ),
          units: [JSON.parse(one.get('unit', unitCodeOf(code)) as string) as unknown],
        }));
        await source.bulkDocs(docs);
      }
    } finally {
      reader.close();
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const result = await runChild('pouchReplicate', {
      remote: pouch.url('orders'),
      dir,
      batchSize: POUCH_BATCH_SIZE,
    });
    if (result.doc_count !== data.orderCodes.length)
      throw new Error(`PouchDB replicated ${result.doc_count} of ${data.orderCodes.length} orders`);
    return { seconds: result.seconds ?? NaN, loadSeconds };
  } finally {
    await pouch.close();
  }
}

/**
 * FLEET_STATIONS fresh stations of the line bootstrapping at once, each in its own process
 * (as each has its own machine), all told to start together once every process is up. They
 * are packing stations: a scope (line and role) no station has asked for yet, so the server
 * has no replica file for it and the fleet's first ask starts its build; the line's rows
 * carry no role, so each station takes the same rows as the production station above.
 */
async function fleetBootstrap(plant: BenchPlant, dir: string, rows: number, stations: number) {
  const files = replicaFilesOf(plant.context);
  const buildsBefore = files?.builds ?? 0;
  const enrollments = [];
  for (let i = 0; i < stations; i++) enrollments.push(await plant.station('packing'));
  // Each child's 'loaded' is listened for in the same turn it is started, so none is missed.
  const fleet = enrollments.map(
    (enrollment, i) =>
      new Child('fleetStation', { enrollment, file: join(dir, `fleet-${i}.sqlite`) }),
  );
  try {
    await Promise.all(fleet.map((child) => child.next('loaded', 300_000)));
    const start = performance.now();
    for (const child of fleet) child.send({ type: 'go' });
    const results = await Promise.all(fleet.map((child) => child.done));
    const seconds = (performance.now() - start) / 1000;
    const short = results.find((result) => result.rows !== rows);
    if (short)
      throw new Error(`a fleet station holds ${short.rows} rows, the server released ${rows}`);
    return {
      fleet_stations: fleet.length,
      fleet_bootstrap_seconds: round(seconds, 3),
      fleet_from_file: results.reduce((sum, result) => sum + (result.from_file ?? 0), 0),
      server_builds: (files?.builds ?? NaN) - buildsBefore,
      // Requests the server did not answer in time (connect timeouts), asked again.
      fleet_retries: results.reduce((sum, result) => sum + (result.retries ?? 0), 0),
      fleet_station_peak_rss_mb: round(Math.max(...results.map((r) => r.peak_rss_mb ?? NaN)), 1),
    };
  } finally {
    await Promise.all(fleet.map((child) => child.finish()));
  }
}

const unitCodeOf = (order: string) => mintOrderScopedCode('unit', order, 1);

export async function measureInitialSync(
  size: SyncSize,
  fleetStations = 0,
): Promise<Record<string, number>> {
  const plant = await startPlant('sqlite');
  const dir = workDir();
  try {
    const data = await generateReleasedOrders(plant, { orders: size.orders });
    // The enrolment starts the scope's replica-file build (as on a plant, where a station
    // is enrolled before it first starts); the station starts once the file is there.
    const buildCpu = process.cpuUsage();
    const buildStart = performance.now();
    const enrollment = await plant.station('production');
    const built = await replicaFilesOf(plant.context)?.prepare({
      lineId: plant.lineId,
      role: 'production',
    });
    const buildSeconds = (performance.now() - buildStart) / 1000;
    const buildUsed = process.cpuUsage(buildCpu);
    plant.wire.reset();
    const serverCpu = process.cpuUsage();
    const ours = await runChild('bootstrap', {
      enrollment,
      file: join(dir, 'station.sqlite'),
    });
    const wireBytes = plant.wire.bytes();
    const serverUsed = process.cpuUsage(serverCpu);
    if (ours.rows !== data.rows)
      throw new Error(`the station holds ${ours.rows} rows, the server released ${data.rows}`);
    const seconds = ours.seconds ?? NaN;
    const fleet =
      fleetStations > 0 ? await fleetBootstrap(plant, dir, data.rows, fleetStations) : {};
    const local = localInsert(plant, dir);
    const pouch = await pouchdbSync(plant, data, dir);
    return {
      orders: size.orders,
      resources: size.orders * data.resourcesPerOrder,
      rows: data.rows,
      generate_seconds: round(data.seconds, 2),
      seconds: round(seconds, 3),
      rows_per_s: Math.round(data.rows / seconds),
      bytes_per_row: round(wireBytes / data.rows, 1),
      peak_rss_mb: round(ours.peak_rss_mb ?? NaN, 1),
      peak_heap_mb: round(ours.peak_heap_mb ?? NaN, 1),
      // CPU time, for reading the wall-clock numbers on a shared machine.
      station_cpu_seconds: round(ours.cpu_seconds ?? NaN, 2),
      server_cpu_seconds: round((serverUsed.user + serverUsed.system) / 1e6, 2),
      // The server's build of the scope's file, before the station started: enrolment to
      // file ready, its CPU (SQL, gzip), the file plain and compressed.
      build_seconds: round(buildSeconds, 3),
      build_cpu_seconds: round((buildUsed.user + buildUsed.system) / 1e6, 2),
      file_mb: round((built?.rawBytes ?? NaN) / 1e6, 3),
      file_gz_mb: round((built?.bytes ?? NaN) / 1e6, 3),
      // A line's very first station, were the file not built ahead: build + its bootstrap.
      ratio_vs_pouchdb_with_build: round(pouch.seconds / (seconds + buildSeconds), 2),
      pouchdb_seconds: round(pouch.seconds, 3),
      pouchdb_load_seconds: round(pouch.loadSeconds, 2),
      ratio_vs_pouchdb: round(pouch.seconds / seconds, 2),
      local_insert_seconds: round(local.seconds, 3),
      overhead_vs_local_insert: round(seconds / local.seconds, 2),
      ...fleet,
    };
  } finally {
    await plant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const initialSyncBenchmark: Benchmark = {
  name: 'initial_sync',
  description:
    'A fresh station bootstraps its line (orders, resource codes, units) over HTTPS; PouchDB replicating the same data; the same rows put locally',
  async run({ quick }) {
    const sizes = quick ? QUICK : FULL;
    const metrics: Record<string, number> = {};
    let last: Record<string, number> = {};
    for (const size of sizes) {
      const fleet = size === sizes.at(-1) ? (quick ? QUICK_FLEET_STATIONS : FLEET_STATIONS) : 0;
      last = await measureInitialSync(size, fleet);
      for (const [key, value] of Object.entries(last)) metrics[`${size.label}_${key}`] = value;
    }
    return {
      // The largest size first, unprefixed: the headline numbers.
      metrics: { ...last, ...metrics },
      // server_builds: the fleet must cost the server one build, not one per station.
      targets: { overhead_vs_local_insert: 3, server_builds: 2 },
      floors: { ratio_vs_pouchdb: 10 },
    };
  },
};
