import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { measureFlood } from './flood-isolation.ts';
import type { BenchStorage } from './fixtures/plant.ts';

/*
 * flood_isolation at a chosen size, for a profiler (docs/performance.md "flood_isolation"):
 * the server runs in this process, and with PROFILE=file.cpuprofile its CPU is profiled from
 * the moment the load starts to its end (the plant's setup left out):
 *
 *   STORAGE=postgres STATIONS=100 SECONDS=15 PROFILE=/tmp/pg.cpuprofile node --import tsx bench/flood-profile.ts
 *
 * The stations, the flooder and the health probe are child processes. Prints the benchmark's figures, the event loop's delay, and on PostgreSQL how
 * many queries waited for a pool connection (sampled every 10 ms).
 */
const storage = (process.env.STORAGE ?? 'sqlite') as BenchStorage;
const stations = Number(process.env.STATIONS ?? 100);
const seconds = Number(process.env.SECONDS ?? 15);

const loop = monitorEventLoopDelay({ resolution: 5 });
const poolWaits: number[] = [];
const sampler = setInterval(() => {
  const pool = (globalThis as { benchPool?: { waitingCount: number } }).benchPool;
  if (pool) poolWaits.push(pool.waitingCount);
}, 10);
const profile = process.env.PROFILE;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
loop.enable();
let started: Promise<unknown> = Promise.resolve();
// Inside the server: how long a small push took from its request event to its answer, and
// how long each pool connection was waited for.
const serverPush: number[] = [];
const connectWaits: number[] = [];
const result = await measureFlood(storage, { stations, seconds }, (plant) => {
  const pool = plant.context.storage.pool;
  (globalThis as { benchPool?: unknown }).benchPool = pool;
  if (pool) {
    const connect = pool.connect.bind(pool) as () => Promise<unknown>;
    (pool as { connect: () => Promise<unknown> }).connect = async () => {
      const asked = performance.now();
      const client = await connect();
      connectWaits.push(performance.now() - asked);
      return client;
    };
  }
  plant.server.app.server.prependListener('request', (request, response) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (request.url !== '/api/v1/sync/push' || length > 64 * 1024) return;
    const at = performance.now();
    response.once('finish', () => serverPush.push(performance.now() - at));
  });
  loop.reset();
  if (profile) started = session.post('Profiler.start');
});
loop.disable();
if (profile) {
  await started;
  const { profile: taken } = await session.post('Profiler.stop');
  writeFileSync(profile, JSON.stringify(taken));
}
session.disconnect();
clearInterval(sampler);
poolWaits.sort((a, b) => a - b);
const sorted = (values: number[]) => values.sort((a, b) => a - b);
const at = (values: number[], fraction: number) =>
  Math.round((values[Math.floor(values.length * fraction)] ?? NaN) * 10) / 10;
sorted(serverPush);
sorted(connectWaits);
const ms = (ns: number) => Math.round(ns / 1e5) / 10;
console.log(
  JSON.stringify(
    {
      storage,
      ...result,
      loop_delay_p50_ms: ms(loop.percentile(50)),
      loop_delay_p99_ms: ms(loop.percentile(99)),
      loop_delay_max_ms: ms(loop.max),
      pool_waiting_p50: poolWaits[Math.floor(poolWaits.length / 2)] ?? 0,
      pool_waiting_p99: poolWaits[Math.floor(poolWaits.length * 0.99)] ?? 0,
      pool_waiting_max: poolWaits.at(-1) ?? 0,
      server_push_p50_ms: at(serverPush, 0.5),
      server_push_p99_ms: at(serverPush, 0.99),
      connect_wait_p50_ms: at(connectWaits, 0.5),
      connect_wait_p99_ms: at(connectWaits, 0.99),
    },
    null,
    2,
  ),
);
