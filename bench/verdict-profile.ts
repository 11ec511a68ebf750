import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintBadgeCode, mintOrderCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { WalCheckpointer } from '#db/wal-checkpointer.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import { stationOver } from '#station/station-parts.ts';
import { BENCH_BOM } from './fixtures/plant.ts';
import { resourceCode } from './fixtures/released-orders.ts';

/*
 * The verdict path alone, for a profiler (docs/performance.md "scan_verdict: where the time
 * goes"): a production station over a local replica of ORDERS orders (10 resources each),
 * no server and no sync, deciding SCANS scans as a line scans them (job card, resources, a
 * repeat, a misread) after a warm-up, each followed by a bare durable commit of one
 * outbox-sized row, as bench/scan-verdict.ts does. Instruction counts under callgrind are
 * repeatable on a busy machine where microseconds are not (the difference of two SCANS is
 * the scans' own count):
 *
 *   SCANS=200 valgrind --tool=callgrind node --import tsx bench/verdict-profile.ts
 *   node --import tsx --cpu-prof bench/verdict-profile.ts
 *
 * SYNCHRONOUS=OFF takes the disk out of both (no fsync in either commit): what is left of
 * the scan beyond the bare commit is then the verdict's own work, which the disk's noise on
 * a shared machine hides otherwise.
 *
 * Prints the median scan and bare commit (wall time) and the CPU time per scan and commit.
 */
const ORDERS = Number(process.env.ORDERS ?? 2000);
const SCANS = Number(process.env.SCANS ?? 2000);
const PER_ORDER = 10;

const dir = mkdtempSync(join(tmpdir(), 'ordertrace-verdict-profile-'));
const { db } = openReplica(join(dir, 'replica.sqlite'));
if (process.env.SYNCHRONOUS) db.pragma(`synchronous = ${process.env.SYNCHRONOUS}`);
const store = new ReplicaStore(db);
const operator = mintBadgeCode();
const orderCodes = Array.from({ length: ORDERS }, () => mintOrderCode());
db.transaction(() => {
  for (const code of orderCodes) {
    store.put('order', code, {
      code,
      state: 'released',
      lineId: 'L1',
      shipTo: '苏州工业园区星湖街 1 号 3 号楼',
      carrier: 'SF',
      customerReference: 'R-1',
      unitsOrdered: 1,
      packageCount: null,
      lines: [
        {
          position: 1,
          product: 'P',
          nameEn: 'Table',
          nameZh: '桌子',
          quantity: 1,
          bom: BENCH_BOM(PER_ORDER),
        },
      ],
    });
    BENCH_BOM(PER_ORDER).forEach((item, index) => {
      const resource = resourceCode(code, index + 1);
      store.put('resource', resource, {
        code: resource,
        order: code,
        serial: index + 1,
        resourceType: item.resourceType,
        materialName: item.materialName,
        step: item.step,
        consumedAt: null,
      });
    });
  }
  store.put('badge', operator, { code: operator, name: 'Zhao', role: 'operator', revokedAt: null });
})();

const devices = new StationDevices();
const station = stationOver({
  db,
  store,
  outbox: new Outbox(db, 'station-1'),
  identity: { id: 'station-1', name: 'profile', role: 'production', line: 'L1', serverUrl: '' },
  devices,
});
// As sync runs it in production: checkpoints on a worker's connection, none in a commit.
const checkpoints = new WalCheckpointer(db);
checkpoints.start();
let verdictAt = 0;
station.on('event', (event) => {
  if (event.type === 'verdict') verdictAt = performance.now();
});

function* lineScans(): Generator<string> {
  for (const order of orderCodes) {
    yield order;
    for (let serial = 1; serial <= PER_ORDER; serial++) {
      const code = resourceCode(order, serial);
      yield serial === 8 ? `${code.slice(0, -1)}#` : code;
      if (serial === 4) yield code;
    }
  }
}
const scans = lineScans();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

await station.start();
station.scan(operator);
for (let i = 0; i < 200; i++) {
  station.decideScan(scans.next().value as string);
  await nextTurn();
}
db.exec('CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, event TEXT NOT NULL)');
const sample = db.prepare('SELECT event FROM outbox ORDER BY seq DESC LIMIT 1').pluck().get();
const insert = db.prepare('INSERT INTO bench_commit (event) VALUES (?)');
const commit = db.transaction((text: unknown) => insert.run(text));
const commits: number[] = [];
const times: number[] = [];
const cpuStart = process.cpuUsage();
for (let i = 0; i < SCANS; i++) {
  const text = scans.next().value;
  if (text === undefined) throw new Error('ORDERS too few for SCANS');
  const start = performance.now();
  station.decideScan(text);
  times.push(verdictAt - start);
  await nextTurn();
  const commitStart = performance.now();
  commit(sample);
  commits.push(performance.now() - commitStart);
  await nextTurn();
}
const cpu = process.cpuUsage(cpuStart);

station.stop();
await checkpoints.stop();
await devices.close();
db.close();
rmSync(dir, { recursive: true, force: true });
const us = (ms: number) => Math.round(ms * 1000);
console.log(
  JSON.stringify({
    scans: SCANS,
    p50_us: us(median(times)),
    commit_p50_us: us(median(commits)),
    p50_over_commit: Math.round((median(times) / median(commits)) * 100) / 100,
    cpu_us_per_scan_and_commit: Math.round((cpu.user + cpu.system) / SCANS),
  }),
);
