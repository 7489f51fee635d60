/** A fresh Node runtime per test: its own SQLite file, the LINE mock, fast retry timings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Tuning } from '../../src/deps.ts';
import { webhookBody } from '../../src/dev/webhook-events.ts';
import { createNodeRuntime, type NodeRuntime } from '../../src/entry/node-runtime.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { createLogger } from '../../src/log.ts';
import { type LineMock, startLineMock } from './line-mock.ts';

export const TEST_SECRET = 'test-channel-secret';
export const TEST_TOKEN = 'dev-access-token';

export interface TestApp extends NodeRuntime {
  logs: Record<string, unknown>[];
  rawLogLines: string[];
  post(events: unknown[], init?: { signature?: string | null; body?: string }): Promise<Response>;
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

export const FAST_TUNING: Partial<Tuning> = { retryBaseMs: 5, replyAttempts: 3, pushAttempts: 4 };

export async function createTestApp(options: {
  lineApiBaseUrl: string;
  databasePath?: string;
  env?: Record<string, string>;
  tuning?: Partial<Tuning>;
  clock?: { now(): number };
}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'sso-bot-test-'));
  const logs: Record<string, unknown>[] = [];
  const rawLogLines: string[] = [];
  const log = createLogger('debug', (line) => {
    rawLogLines.push(line);
    logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const runtime = await createNodeRuntime({
    env: {
      NODE_ENV: 'test',
      DATABASE_PATH: options.databasePath ?? join(dir, 'test.sqlite'),
      LINE_CHANNEL_SECRET: TEST_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TEST_TOKEN,
      AUDIT_PSEUDONYM_KEY: 'test-audit-pseudonym-key',
      SESSION_SECRET: 'test-session-secret-of-at-least-32-chars',
      LINE_API_BASE_URL: options.lineApiBaseUrl,
      LINE_DATA_API_BASE_URL: options.lineApiBaseUrl,
      SEED_DEMO: '0',
      ...options.env,
    },
    log,
    tuning: { ...FAST_TUNING, ...options.tuning },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const signer = createSignatureVerifier(TEST_SECRET);
  return Object.assign(runtime, {
    logs,
    rawLogLines,
    async post(events: unknown[], init: { signature?: string | null; body?: string } = {}) {
      const body = init.body ?? webhookBody(events);
      const signature = init.signature === undefined ? await signer.sign(body) : init.signature;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signature !== null) headers['x-line-signature'] = signature;
      return runtime.app.request('/webhook', { method: 'POST', headers, body });
    },
    settle: () => runtime.queue.idle(),
    async dispose() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * A LINE mock and a test app talking to it, started before the enclosing suite (file or
 * `describe`) and closed after it. Read `env.app` / `env.mock` inside tests and hooks.
 */
export function useAppAndMock(): { readonly app: TestApp; readonly mock: LineMock } {
  const env = {} as { app: TestApp; mock: LineMock };
  beforeAll(async () => {
    env.mock = await startLineMock();
    env.app = await createTestApp({ lineApiBaseUrl: env.mock.url });
  });
  afterAll(async () => {
    await env.app?.dispose();
    await env.mock?.close();
  });
  return env;
}
