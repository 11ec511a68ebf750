import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  scratchDatabase,
  sharedCertificate,
  startServerProcess,
  type ServerProcess,
} from '../tests/sync/server-processes.ts';
import { runChild } from './fixtures/child.ts';
import { enrollLoadStations, LOAD_RESOURCES_PER_ORDER } from './fixtures/load-stations.ts';
import { startPlant } from './fixtures/plant.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * Several instances (docs/operations.md) under load: the same offered load — `stations`
 * simulated production stations deciding RATE times a second each — pushed first to one
 * `ordertrace server` process, then split evenly over two processes on the same PostgreSQL
 * database. Both phases use separate processes (the benchmark's own process only prepares
 * the data), fresh stations and fresh orders, so neither inherits the other's history.
 * `scale_out_ratio` is two instances' events/s over one's. The machine's CPU use during
 * each phase says what limits it: on 2 cores the instances, PostgreSQL and the load
 * generator share the same two.
 */
const RATE = 25;
const FULL = { stations: 100, seconds: 30 };
const QUICK = { stations: 4, seconds: 2 };

/** Fraction of all cores busy between two readings of os.cpus(). */
function cpuBusy(before: ReturnType<typeof cpus>, after: ReturnType<typeof cpus>): number {
  let busy = 0;
  let total = 0;
  after.forEach((cpu, index) => {
    const was = before[index]?.times;
    if (!was) return;
    const spent = (key: keyof typeof cpu.times) => cpu.times[key] - was[key];
    const all = spent('user') + spent('nice') + spent('sys') + spent('idle') + spent('irq');
    total += all;
    busy += all - spent('idle');
  });
  return total > 0 ? busy / total : NaN;
}

export async function measureScaleOut(size: {
  stations: number;
  seconds: number;
}): Promise<Record<string, number>> {
  const database = await scratchDatabase();
  const tls = await sharedCertificate();
  const instances: ServerProcess[] = [];
  try {
    const plant = await startPlant('postgres', { databaseUrl: database.url });
    let single, pair;
    try {
      single = await enrollLoadStations(plant, { ...size, ratePerStation: RATE });
      pair = await enrollLoadStations(plant, { ...size, ratePerStation: RATE });
    } finally {
      // The data stays in the database; the plant's own server takes no part in the load.
      await plant.close();
    }
    for (let i = 0; i < 2; i++) instances.push(await startServerProcess(database.url, tls));
    const [a, b] = instances as [ServerProcess, ServerProcess];
    const phase = async (stations: typeof single.stations) => {
      const before = cpus();
      const result = await runChild('load', {
        url: a.url,
        certPem: tls.cert,
        fingerprint: tls.fingerprint,
        stations,
        resourcesPerOrder: LOAD_RESOURCES_PER_ORDER,
        ratePerStation: RATE,
        durationMs: size.seconds * 1000,
      });
      const seconds = result.seconds ?? NaN;
      return {
        events_per_s: Math.round((result.accepted ?? 0) / seconds),
        p50_ms: round(result.p50_ms ?? NaN, 1),
        p99_ms: round(result.p99_ms ?? NaN, 1),
        errors: result.errors ?? 0,
        rejected: result.rejected ?? 0,
        cpu_busy: round(cpuBusy(before, cpus()), 2),
      };
    };
    const one = await phase(single.stations);
    const two = await phase(
      pair.stations.map((station, index) => ({ ...station, url: index % 2 ? b.url : a.url })),
    );
    const metrics: Record<string, number> = {
      stations: size.stations,
      seconds: size.seconds,
      offered_events_per_s: size.stations * RATE,
      cores: cpus().length,
    };
    for (const [key, value] of Object.entries(one)) metrics[`one_${key}`] = value;
    for (const [key, value] of Object.entries(two)) metrics[`two_${key}`] = value;
    metrics.scale_out_ratio = round(two.events_per_s / one.events_per_s, 2);
    return metrics;
  } finally {
    for (const instance of instances) await instance.kill();
    await database.drop();
    rmSync(tls.dir, { recursive: true, force: true });
  }
}

export const scaleOutBenchmark: Benchmark = {
  name: 'scale_out',
  description: `The same offered load (${FULL.stations} stations × ${RATE} decisions/s) against one ordertrace server process and against two on one PostgreSQL database`,
  async run({ quick }) {
    return { metrics: await measureScaleOut(quick ? QUICK : FULL) };
  },
};
