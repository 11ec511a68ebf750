import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { buildCli } from '../build/build-cli.ts';
import { freePort } from '../tests/sync/sync-harness.ts';
import { startPlant } from './fixtures/plant.ts';
import { enrolledStationProcess } from './fixtures/station-process.ts';
import { median, round, type Benchmark } from './harness.ts';

/*
 * How fast the `ordertrace` command starts (issue 14), each time against `node -e 0` in the
 * same run, since a busy machine slows every process alike: `ordertrace parse CODE` and
 * `ordertrace --help` from the compiled build (dist/cli/), the same parse compiled on the fly
 * from the TypeScript sources (what every start cost before the build), the server from
 * spawn to its first 200 on /api/v1/health (an existing data directory: certificate and
 * database made by an earlier start), and an enrolled station from spawn to its local API
 * answering with its replica ready (enrolled and bootstrapped by an earlier start).
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/ordertrace.js');
const CODE = ']C100106141411234567897';

/** Wall milliseconds of one process run to its exit. */
function timeRun(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

/** Medians of `runs` interleaved rounds, so load that comes and goes hits every command alike. */
function interleaved<Name extends string>(
  commands: Record<Name, string[]>,
  runs: number,
): Record<Name, number> {
  const names = Object.keys(commands) as Name[];
  const times = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of names) times.get(name)?.push(timeRun(commands[name]));
  }
  return Object.fromEntries(names.map((name) => [name, median(times.get(name) ?? [])])) as Record<
    Name,
    number
  >;
}

/** Milliseconds from spawning `ordertrace server` to its first healthy answer. */
async function serverStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'server', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}`);
      if (performance.now() - start > 60_000) throw new Error('the server did not answer in 60 s');
      const answer = await fetch(`https://127.0.0.1:${port}/api/v1/health`, {
        dispatcher: agent,
      }).catch(() => undefined);
      if (answer?.status === 200) return performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await agent.close();
  }
}

/** Restarts of an enrolled production station of a bench plant (a few orders released). */
async function stationStarts(runs: number): Promise<number[]> {
  const plant = await startPlant('sqlite');
  const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-cli-start-station-'));
  try {
    // The first start enrolls and bootstraps; what is timed is starting again, as every day.
    const station = await enrolledStationProcess(plant, dataDir);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await station.again()).readyMs);
    return times;
  } finally {
    await plant.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const cliStartBenchmark: Benchmark = {
  name: 'cli_start',
  description:
    'ordertrace parse / --help / server start / station start, as ratios to node -e 0 in the same run',
  async run({ quick }) {
    await buildCli();
    const runs = quick ? 3 : 15;
    const ms = interleaved(
      {
        node: ['-e', '0'],
        parse: [BIN, 'parse', CODE],
        help: [BIN, '--help'],
        parseFromSource: [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { main } = await import('./cli/main.ts'); process.exitCode = await main(['parse', '${CODE}']);`,
        ],
      },
      runs,
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-cli-start-'));
    const serverMs: number[] = [];
    try {
      await serverStart(dataDir); // makes the certificate and the database
      for (let i = 0; i < (quick ? 1 : 5); i++) serverMs.push(await serverStart(dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const station = median(await stationStarts(quick ? 1 : 5));
    const node = ms.node;
    const server = median(serverMs);
    return {
      metrics: {
        node_ms: round(node, 1),
        parse_ms: round(ms.parse, 1),
        help_ms: round(ms.help, 1),
        parse_from_source_ms: round(ms.parseFromSource, 1),
        server_health_ms: round(server, 1),
        parse_over_node: round(ms.parse / node, 2),
        help_over_node: round(ms.help / node, 2),
        parse_from_source_over_node: round(ms.parseFromSource / node, 2),
        server_health_over_node: round(server / node, 2),
        station_ready_ms: round(station, 1),
        station_ready_over_node: round(station / node, 2),
      },
      targets: { parse_over_node: 3 },
    };
  },
};
