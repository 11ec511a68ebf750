import type { Benchmark } from './harness.ts';
import { labelsBenchmark } from './labels.ts';

/** Every benchmark `npm run bench` knows, by name. Add yours here. */
export const BENCHMARKS: readonly Benchmark[] = [labelsBenchmark];
