import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    testTimeout: 30_000,
    // Servers and browsers start slowly on a busy 2-core machine; a hook is not a benchmark.
    hookTimeout: 180_000,
  },
});
