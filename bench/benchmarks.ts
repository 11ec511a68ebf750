import { cliStartBenchmark } from './cli-start.ts';
import type { Benchmark } from './harness.ts';
import { floodIsolationBenchmark } from './flood-isolation.ts';
import { ingestLoadBenchmark } from './ingest-load.ts';
import { initialSyncBenchmark } from './initial-sync.ts';
import { labelsBenchmark } from './labels.ts';
import { livePropagationBenchmark } from './live-propagation.ts';
import { pushBenchmark } from './push.ts';
import { scaleOutBenchmark } from './scale-out.ts';
import { stationMemoryBenchmark } from './station-memory.ts';
import { scanVerdictBenchmark } from './scan-verdict.ts';
import { similarBenchmark } from './similar.ts';

/** Every benchmark `npm run bench` knows, by name. Add yours here. */
export const BENCHMARKS: readonly Benchmark[] = [
  labelsBenchmark,
  scanVerdictBenchmark,
  initialSyncBenchmark,
  pushBenchmark,
  livePropagationBenchmark,
  ingestLoadBenchmark,
  floodIsolationBenchmark,
  scaleOutBenchmark,
  stationMemoryBenchmark,
  similarBenchmark,
  cliStartBenchmark,
];
