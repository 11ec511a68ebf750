import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './benchmarks.ts';
import { formatResult, runBenchmark } from './harness.ts';

/*
 * npm run bench [-- NAME… [--quick]]: run the named benchmarks (all by default), write
 * bench/results/<name>.json, print a table. Exit 1 when a benchmark misses a target,
 * 2 for an unknown name.
 */
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false } },
});
const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(
    `bench: no benchmark named ${unknown.join(', ')}; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen =
  positionals.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => positionals.includes(b.name));

let allMet = true;
for (const benchmark of chosen) {
  const result = await runBenchmark(benchmark, { quick: values.quick, resultsDir: RESULTS_DIR });
  console.log(formatResult(result));
  console.log(`  → bench/results/${benchmark.name}.json\n`);
  allMet &&= result.met || result.quick;
}
process.exitCode = allMet ? 0 : 1;
