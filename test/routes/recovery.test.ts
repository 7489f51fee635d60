/**
 * Events accepted before a crash are finished at the next start, exactly once: reply while the
 * token may be valid, else push with the stable retry key; an uncertain reply is not repeated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { webhookEvents } from '../../src/store/schema.ts';
import { recordWebhookEvents } from '../../src/store/webhook-events.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock;
let dir: string;
let dbPath: string;
const apps: TestApp[] = [];

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.reset();
  dir = mkdtempSync(join(tmpdir(), 'sso-recovery-'));
  dbPath = join(dir, 'bot.sqlite');
});
afterEach(async () => {
  expect(mock.violations).toEqual([]);
  for (const a of apps.splice(0)) await a.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function boot(): Promise<TestApp> {
  const a = await createTestApp({ lineApiBaseUrl: mock.url, databasePath: dbPath });
  apps.push(a);
  return a;
}

/** The `webhook_events` row of an accepted, not yet processed event (received when sent). */
function acceptedRow(
  e: ReturnType<typeof events.text>,
  extra: Partial<typeof webhookEvents.$inferInsert> = {},
): typeof webhookEvents.$inferInsert {
  return {
    webhookEventId: e.webhookEventId,
    type: e.type,
    userId: e.source.userId,
    replyToken: e.replyToken,
    eventTimestamp: e.timestamp,
    payload: JSON.stringify(e),
    receivedAt: e.timestamp,
    ...extra,
  };
}

/** A process that accepted events and died before processing them. */
async function crashAfterAccepting(
  evts: ReturnType<typeof events.text>[],
  extra: Partial<typeof webhookEvents.$inferInsert> = {},
) {
  const first = await boot();
  await recordWebhookEvents(
    first.store,
    evts.map((e) => acceptedRow(e, extra)),
  );
  apps.splice(apps.indexOf(first), 1);
  first.store.close();
}

describe('recovery at start-up', () => {
  it('leaves events received after the start to the process that accepted them', async () => {
    const old = events.text({ userId: demoUserId('before') }, 'สวัสดี');
    await crashAfterAccepting([old]);
    const second = await boot();
    // Accepted by this process (already claimed, on its way to a reply) while recovery runs.
    const mine = events.text({ userId: demoUserId('after') }, 'สวัสดี');
    await recordWebhookEvents(second.store, [
      acceptedRow(mine, { status: 'processing', attempts: 1, receivedAt: Date.now() + 1 }),
    ]);
    expect(await second.recover()).toBe(1);
    const rows = second.store.syncDb.select().from(webhookEvents).all();
    const status = Object.fromEntries(rows.map((r) => [r.webhookEventId, r.status]));
    expect(status).toEqual({ [old.webhookEventId]: 'done', [mine.webhookEventId]: 'processing' });
    expect(mock.replies().map((r) => (r.body as { replyToken: string }).replyToken)).toEqual([
      old.replyToken,
    ]);
  });

  it('replies to events whose token may still be valid', async () => {
    const e = events.text({ userId: demoUserId('a') }, 'สวัสดี');
    await crashAfterAccepting([e]);
    const second = await boot();
    expect(await second.recover()).toBe(1);
    expect(mock.replies()).toHaveLength(1);
    expect(mock.pushes()).toHaveLength(0);
  });

  it('pushes with a stable retry key when the token is stale, once even if recovered twice', async () => {
    const e = events.text({ userId: demoUserId('b'), timestamp: Date.now() - 5 * 60_000 }, 'สวัสดี');
    await crashAfterAccepting([e]);
    const second = await boot();
    await second.recover();
    // A crash after the push but before it was marked done: the push is repeated with the same key.
    second.store.syncDb
      .update(webhookEvents)
      .set({ status: 'processing', payload: JSON.stringify(e) })
      .run();
    await second.recover();
    const pushes = mock.requests.filter((r) => r.path === '/v2/bot/message/push');
    expect(pushes.map((p) => p.status)).toEqual([200, 409]);
    expect(pushes[0]?.headers['x-line-retry-key']).toBe(pushes[1]?.headers['x-line-retry-key']);
    expect(mock.pushes()).toHaveLength(1);
  });

  it('does not re-send a reply whose outcome is unknown once its token has expired', async () => {
    const e = events.text({ userId: demoUserId('c'), timestamp: Date.now() - 5 * 60_000 }, 'สวัสดี');
    await crashAfterAccepting([e], {
      status: 'processing',
      attempts: 1,
      replyAttemptedAt: Date.now() - 4 * 60_000,
    });
    const second = await boot();
    await second.recover();
    expect(mock.requests.filter((r) => r.path.startsWith('/v2/bot/message'))).toHaveLength(0);
    const [row] = second.store.syncDb.select().from(webhookEvents).all();
    expect(row?.status).toBe('undeliverable');
    expect(row?.error).toMatch(/not re-sent/);
  });

  it('treats a rejected token after an uncertain reply as delivered', async () => {
    const e = events.text({ userId: demoUserId('d') }, 'สวัสดี');
    await crashAfterAccepting([e], {
      status: 'processing',
      attempts: 1,
      replyAttemptedAt: Date.now(),
    });
    mock.setResponder((req) =>
      req.path === '/v2/bot/message/reply'
        ? { status: 400, body: { message: 'Invalid reply token' } }
        : undefined,
    );
    const second = await boot();
    await second.recover();
    expect(mock.pushes()).toHaveLength(0);
    const [row] = second.store.syncDb.select().from(webhookEvents).all();
    expect(row).toMatchObject({ status: 'done', delivery: 'reply' });
  });
});

describe('sweep while running', () => {
  it('finishes an event left unfinished for over a minute, only while the queue is idle', async () => {
    const app = await boot();
    const old = events.text(
      { userId: demoUserId('swept'), timestamp: Date.now() - 2 * 60_000 },
      'สวัสดี',
    );
    const fresh = events.text({ userId: demoUserId('not-yet') }, 'สวัสดี');
    // Recorded but never queued (as when processing gave up on a database busy for minutes).
    await recordWebhookEvents(app.store, [acceptedRow(old), acceptedRow(fresh)]);

    // Busy queue: the sweep leaves everything to it.
    let release!: () => void;
    app.queue.push(() => new Promise<void>((r) => (release = r)));
    expect(await app.sweep()).toBe(0);
    release();
    await app.settle();

    expect(await app.sweep()).toBe(1);
    const rows = app.store.syncDb.select().from(webhookEvents).all();
    const status = Object.fromEntries(rows.map((r) => [r.webhookEventId, r.status]));
    expect(status[old.webhookEventId]).toBe('done');
    expect(status[fresh.webhookEventId]).toBe('pending');
    // Once old enough, the other one goes too; nothing is answered twice.
    expect(await app.sweep(0)).toBe(1);
    // The old one's token has expired: a push with its retry key; the fresh one a reply.
    const tokens = mock.replies().map((r) => (r.body as { replyToken: string }).replyToken);
    expect(tokens).toEqual([fresh.replyToken]);
    expect(mock.pushes().map((r) => (r.body as { to: string }).to)).toEqual([old.source.userId]);
  });
});
