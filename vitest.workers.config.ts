import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// workerd + D1 lane: the Worker entry runs inside workerd with a local D1 migrated from the
// same drizzle/ folder; the LINE mock runs in Node (global setup) and is reached over HTTP.
// The queues of wrangler.toml are bound (local Miniflare queues), but by default the lane runs
// without them (EVENT_PROCESSING = "inline": an event is answered within its request's
// waitUntil; PUSH_PROCESSING = "cron": the cron sends push jobs), so a test sees the outcome once
// the request's or the cron's work is done. A test sets "queue" in the env it hands the Worker
// to run it as deployed (test/workers/queue*.test.ts, test/workers/conversations.test.ts).
// In CI, a JSON report too, so .ci/run can print one "N passed, N failed" line.
const reporters: ('default' | ['json', { outputFile: string }])[] = process.env.CI
  ? ['default', ['json', { outputFile: '.ci/.results/workers.json' }]]
  : ['default'];

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./drizzle');
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            NODE_ENV: 'test',
            EVENT_PROCESSING: 'inline',
            PUSH_PROCESSING: 'cron',
            LOG_LEVEL: 'silent',
            LINE_CHANNEL_SECRET: 'test-channel-secret',
            LINE_CHANNEL_ACCESS_TOKEN: 'dev-access-token',
            AUDIT_PSEUDONYM_KEY: 'test-audit-pseudonym-key',
            SESSION_SECRET: 'test-session-secret-of-at-least-32-chars',
            LINE_API_BASE_URL: inject('lineMockUrl' as never) as unknown as string,
            LINE_DATA_API_BASE_URL: inject('lineMockUrl' as never) as unknown as string,
          },
        },
      })),
    ],
    test: {
      include: ['test/workers/**/*.test.ts'],
      globalSetup: ['test/workers/global-setup.ts'],
      setupFiles: ['test/workers/apply-migrations.ts'],
      testTimeout: 20_000,
      reporters,
    },
  };
});
