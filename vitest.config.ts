import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Vitest runs cores − 1 files at once: one on a 2-core machine, which then waits on
    // fsyncs, servers and browsers with a core idle. Two files at once use both; every test
    // makes its own database, files and ports, so files do not meet.
    maxWorkers: 2,
    testTimeout: 30_000,
    // Servers and browsers start slowly on a busy 2-core machine; a hook is not a benchmark.
    hookTimeout: 180_000,
  },
});
