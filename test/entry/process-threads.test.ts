/**
 * PROCESS_THREADS: webhook events processed on a worker thread, LINE calls relayed to the main
 * thread. The same guarantees as in-process: every event answered once, LINE's errors handled
 * as LINE's errors, and a thread that dies is replaced while its events are finished later.
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { threadExecArgv } from '../../src/entry/process-pool.ts';
import { webhookEvents } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, env: { PROCESS_THREADS: '1' } });
});
afterAll(async () => {
  await app?.dispose();
  await mock?.close();
});
beforeEach(() => mock.reset());
afterEach(() => expect(mock.violations).toEqual([]));

const statuses = () =>
  Object.fromEntries(
    app.store.syncDb
      .select()
      .from(webhookEvents)
      .all()
      .map((r) => [r.webhookEventId, `${r.status}/${r.delivery ?? ''}`]),
  );
const replyTokens = () => mock.replies().map((r) => (r.body as { replyToken: string }).replyToken);

describe('processing threads', () => {
  it('process events off the main thread and answer each once', async () => {
    expect(app.pool?.threads).toBe(1);
    expect(app.deps.events).toBe(app.pool);
    // First contacts (profile lookups) and a request to link (a link token): every LINE call
    // the handlers make crosses the relay.
    const evts = [
      ...Array.from({ length: 6 }, (_, i) =>
        events.text({ userId: demoUserId(`thread-${i}`) }, 'สวัสดีครับ'),
      ),
      events.text({ userId: demoUserId('thread-personal') }, 'ผูกบัญชี'),
    ];
    for (const e of evts) expect((await app.post([e])).status).toBe(200);
    await app.settle();

    expect(replyTokens().sort()).toEqual(evts.map((e) => e.replyToken).sort());
    const ops = mock.requests.map((r) => r.operationId);
    expect(ops.filter((o) => o === 'getProfile')).toHaveLength(7);
    expect(ops.filter((o) => o === 'issueLinkToken')).toHaveLength(1);
    const status = statuses();
    for (const e of evts) expect(status[e.webhookEventId]).toBe('done/reply');
  });

  it('get LINE errors as LINE errors: 5xx retried, an invalid token answered by push', async () => {
    const failedOnce = new Set<string>();
    mock.setResponder((req) => {
      if (req.operationId !== 'replyMessage') return undefined;
      const token = (req.body as { replyToken: string }).replyToken;
      if (token.startsWith('rt-gone'))
        return { status: 400, body: { message: 'Invalid reply token' } };
      if (failedOnce.has(token)) return undefined;
      failedOnce.add(token);
      return { status: 500, body: { message: 'Internal server error' } };
    });
    const retried = events.text({ userId: demoUserId('thread-5xx') }, 'สวัสดีครับ');
    const gone = events.text(
      { userId: demoUserId('thread-400'), replyToken: 'rt-gone-1' },
      'สวัสดีครับ',
    );
    await app.post([retried]);
    await app.post([gone]);
    await app.settle();

    expect(replyTokens()).toEqual([retried.replyToken]);
    const [push] = mock.pushes();
    expect(push?.body).toMatchObject({ to: demoUserId('thread-400') });
    expect(push?.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
    const status = statuses();
    expect(status[retried.webhookEventId]).toBe('done/reply');
    expect(status[gone.webhookEventId]).toBe('done/push');
  });

  it('record on the thread, and a database locked elsewhere is waited out as on the main thread', async () => {
    const other = new Database(app.config.databasePath, { timeout: 5000 });
    other.exec('BEGIN IMMEDIATE');
    const evt = events.text({ userId: demoUserId('thread-locked') }, 'สวัสดีครับ');
    try {
      const started = Date.now();
      // The thread's insert reports SQLITE_BUSY; the webhook retries for 0.75 s, then holds
      // the event in memory and answers 200 well within LINE's 2 s.
      expect((await app.post([evt])).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(app.logs.some((l) => String(l.msg).startsWith('database busy'))).toBe(true);
      expect(statuses()[evt.webhookEventId]).toBeUndefined();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await mock.waitFor((m) => m.replies().length === 1, 5000);
    await app.settle();
    expect(replyTokens()).toEqual([evt.replyToken]);
    expect(statuses()[evt.webhookEventId]).toBe('done/reply');
  });

  it('replace a thread that dies; the sweep finishes the events it held, once', async () => {
    // Hold the profile lookups, so the thread dies with three events half-processed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    mock.setResponder(async (req) => {
      if (req.operationId === 'getProfile') await held;
      return undefined;
    });
    const evts = Array.from({ length: 3 }, (_, i) =>
      events.text({ userId: demoUserId(`thread-dies-${i}`) }, 'สวัสดีครับ'),
    );
    for (const e of evts) await app.post([e]);
    await mock.waitFor(
      (m) => m.requests.filter((r) => r.operationId === 'getProfile').length === 3,
    );

    const dying = app.pool!.workers[0]!;
    await dying.terminate();
    await waitUntil(() =>
      app.logs.some((l) => l.msg === 'processing thread exited; starting another'),
    );
    await app.settle(); // its events are given up here (still 'processing' in the database)
    release();
    // While no thread runs (the replacement is still starting), the main thread answers.
    expect(app.pool!.workers[0]).toBe(dying);
    const during = events.text({ userId: demoUserId('thread-gap') }, 'สวัสดีครับ');
    await app.post([during]);
    await app.settle();
    expect(replyTokens()).toEqual([during.replyToken]);
    await waitUntil(() => app.pool!.workers[0] !== dying);
    const status = statuses();
    for (const e of evts) expect(status[e.webhookEventId]).toBe('processing/');

    // The new thread serves new events, and the sweep finishes the three.
    const after = events.text({ userId: demoUserId('thread-after') }, 'สวัสดีครับ');
    await app.post([after]);
    await app.settle();
    expect(await app.sweep(0)).toBe(3);
    const all = [...evts, during, after];
    expect(replyTokens().sort()).toEqual(all.map((e) => e.replyToken).sort());
    const done = statuses();
    for (const e of all) expect(done[e.webhookEventId]).toBe('done/reply');
  });
});

describe('threadExecArgv', () => {
  it('passes on tsx loader and CPU profiler flags only', () => {
    expect(
      threadExecArgv([
        '--require',
        '/x/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///x/node_modules/tsx/dist/loader.mjs',
        '--expose-gc',
        '--cpu-prof',
        '--cpu-prof-dir=/tmp/p',
      ]),
    ).toEqual([
      '--require',
      '/x/node_modules/tsx/dist/preflight.cjs',
      '--import',
      'file:///x/node_modules/tsx/dist/loader.mjs',
      '--cpu-prof',
      '--cpu-prof-dir=/tmp/p',
    ]);
    expect(threadExecArgv(['--expose-gc'])).toEqual(['--import', 'tsx']);
  });
});

async function waitUntil(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
