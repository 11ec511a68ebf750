import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/*
 * The benchmark harness: each benchmark is a module exporting a `Benchmark`; `runBenchmark`
 * runs one, stamps the machine it ran on and writes bench/results/<name>.json. Numbers
 * from a shared 2-core CI box vary; the machine block says what they were measured on.
 */
export interface BenchmarkOptions {
  /** Small sizes: a smoke test that the benchmark still runs, not a measurement. */
  quick: boolean;
}

export interface BenchmarkOutcome {
  metrics: Record<string, number>;
  /** Upper bounds some metrics must stay under. */
  targets?: Record<string, number>;
  /** Lower bounds some metrics must reach (speed-ups, throughputs). */
  floors?: Record<string, number>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchmarkOptions): Promise<BenchmarkOutcome>;
}

export interface BenchmarkResult extends BenchmarkOutcome {
  name: string;
  description: string;
  quick: boolean;
  date: string;
  node: string;
  machine: {
    cpus: number;
    model: string;
    memory_bytes: number;
    platform: string;
    arch: string;
    load_average_1m: number;
  };
  /** Every target met. */
  met: boolean;
}

/** Milliseconds of each of `iterations` calls, after `warmup` unmeasured ones. */
export async function timeEach(
  iterations: number,
  work: (index: number) => unknown,
  warmup = Math.min(20, iterations),
): Promise<number[]> {
  for (let index = 0; index < warmup; index++) await work(index);
  const times: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const start = performance.now();
    await work(index);
    times.push(performance.now() - start);
  }
  return times;
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export const median = (values: readonly number[]) => percentile(values, 0.5);
export const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runBenchmark(
  benchmark: Benchmark,
  options: BenchmarkOptions & { resultsDir?: string },
): Promise<BenchmarkResult> {
  const outcome = await benchmark.run(options);
  const cpu = cpus();
  const met =
    Object.entries(outcome.targets ?? {}).every(
      ([metric, max]) => (outcome.metrics[metric] ?? Number.POSITIVE_INFINITY) < max,
    ) &&
    Object.entries(outcome.floors ?? {}).every(
      ([metric, min]) => (outcome.metrics[metric] ?? Number.NEGATIVE_INFINITY) >= min,
    );
  const result: BenchmarkResult = {
    name: benchmark.name,
    description: benchmark.description,
    quick: options.quick,
    date: new Date().toISOString(),
    node: process.version,
    machine: {
      cpus: cpu.length,
      model: cpu[0]?.model ?? 'unknown',
      memory_bytes: totalmem(),
      platform: process.platform,
      arch: process.arch,
      load_average_1m: round(loadavg()[0] ?? 0, 2),
    },
    ...outcome,
    met,
  };
  if (options.resultsDir) {
    mkdirSync(options.resultsDir, { recursive: true });
    writeFileSync(
      join(options.resultsDir, `${benchmark.name}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  }
  return result;
}

/** A short table for people: metric, value, target. */
export function formatResult(result: BenchmarkResult): string {
  const rows = Object.entries(result.metrics).map(([metric, value]) => {
    const target = result.targets?.[metric];
    const floor = result.floors?.[metric];
    const verdict =
      target !== undefined
        ? `< ${target}  ${value < target ? 'ok' : 'MISSED'}`
        : floor !== undefined
          ? `≥ ${floor}  ${value >= floor ? 'ok' : 'MISSED'}`
          : '';
    return [metric, String(value), verdict];
  });
  const width = Math.max(...rows.map(([metric = '']) => metric.length), 6);
  const valueWidth = Math.max(...rows.map(([, value = '']) => value.length), 5);
  const lines = rows.map(([metric = '', value = '', verdict = '']) =>
    `  ${metric.padEnd(width)}  ${value.padStart(valueWidth)}  ${verdict}`.trimEnd(),
  );
  const header = `${result.name}${result.quick ? ' (quick)' : ''} — ${result.machine.cpus}× ${result.machine.model}, node ${result.node}`;
  return [header, ...lines].join('\n');
}
