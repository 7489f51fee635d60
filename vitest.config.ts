import { defineConfig } from 'vitest/config';

// Node lane: the app over app.request / a real port, better-sqlite3, the LINE mock over HTTP.
// The workerd + D1 lane is vitest.workers.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/workers/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // In CI, a JSON report too, so .ci/run can print one "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.ci/.results/node.json' }]]
      : ['default'],
  },
});
