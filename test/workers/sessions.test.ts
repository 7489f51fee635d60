/**
 * D1 read replication through the Sessions API (src/store/d1.ts, src/entry/worker.ts), inside
 * workerd with a local D1: the store works through a session (a write then a read in one session
 * sees it; a bookmark from one session handed to the next sees the write), falls back to the plain
 * binding where `withSession` is missing, and the Worker starts each request's session where it
 * is safe (first-primary for writes and the link page, first-unconstrained or the operator's
 * bookmark for read-only pages).
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import worker from '../../src/entry/worker.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { isD1Bookmark, openD1Session } from '../../src/store/d1.ts';
import { getWebhookEvent, recordWebhookEvents } from '../../src/store/webhook-events.ts';

const bindings = env as unknown as { DB: D1Database };
const signer = createSignatureVerifier('test-channel-secret');
const ADMIN_TOKEN = 'sessions-test-admin-token-0123456789abcdef';

let n = 0;
function eventRow() {
  n += 1;
  return {
    webhookEventId: `sessions-test-${Date.now()}-${n}`,
    type: 'message',
    eventTimestamp: Date.now(),
    isRedelivery: false,
    payload: '{}',
    status: 'done' as const,
    receivedAt: Date.now(),
  };
}

describe('the D1 store through a session', () => {
  it('reads its own write within one first-primary session, and has a bookmark after', async () => {
    const session = openD1Session(bindings.DB, 'first-primary');
    expect(session.bookmark()).toBeUndefined();
    const row = eventRow();
    expect(await recordWebhookEvents(session.store, [row])).toEqual([row.webhookEventId]);
    expect((await getWebhookEvent(session.store, row.webhookEventId))?.webhookEventId).toBe(
      row.webhookEventId,
    );
    expect(await session.store.ping()).toBe(true);
    const batch = await session.store.batch([]);
    expect(batch).toEqual([]);
    expect(isD1Bookmark(session.bookmark())).toBe(true);
  });

  it('hands its bookmark to the next session, which sees the write', async () => {
    const first = openD1Session(bindings.DB, 'first-primary');
    const row = eventRow();
    await recordWebhookEvents(first.store, [row, { ...eventRow() }]);
    const bookmark = first.bookmark();
    expect(isD1Bookmark(bookmark)).toBe(true);
    const next = openD1Session(bindings.DB, { bookmark: bookmark as string });
    expect((await getWebhookEvent(next.store, row.webhookEventId))?.status).toBe('done');
    // The next session is at least as new as the bookmark it started from.
    expect((next.bookmark() ?? '') >= (bookmark as string)).toBe(true);
  });

  it('works unconstrained for reads', async () => {
    const row = eventRow();
    await recordWebhookEvents(openD1Session(bindings.DB, 'first-primary').store, [row]);
    const reader = openD1Session(bindings.DB, 'first-unconstrained');
    // Locally there is no replica: the primary answers.
    expect((await getWebhookEvent(reader.store, row.webhookEventId))?.webhookEventId).toBe(
      row.webhookEventId,
    );
  });

  it('falls back to the plain binding where withSession is missing', async () => {
    const plain = {
      prepare: bindings.DB.prepare.bind(bindings.DB),
      batch: bindings.DB.batch.bind(bindings.DB),
    } as unknown as D1Database;
    const session = openD1Session(plain, 'first-primary');
    const row = eventRow();
    await recordWebhookEvents(session.store, [row]);
    expect((await getWebhookEvent(session.store, row.webhookEventId))?.webhookEventId).toBe(
      row.webhookEventId,
    );
    expect(session.bookmark()).toBeUndefined();
  });

  it('accepts only bookmark-shaped strings from clients', () => {
    expect(isD1Bookmark('00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683')).toBe(true);
    for (const bad of [null, undefined, '', 'first-primary', 'x'.repeat(10), '1-2-3\n']) {
      expect(isD1Bookmark(bad)).toBe(false);
    }
  });
});

/** The Worker's bindings with a DB that records where each session starts. */
function recordingEnv() {
  const starts: string[] = [];
  const db = bindings.DB;
  const DB = {
    prepare: db.prepare.bind(db),
    batch: db.batch.bind(db),
    exec: db.exec.bind(db),
    withSession: (start?: string) => {
      starts.push(start ?? '');
      return db.withSession(start);
    },
  };
  return { starts, workerEnv: { ...(env as object), DB, ADMIN_TOKEN } as never };
}

async function call(workerEnv: never, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('the Worker opens each request in a D1 session where it is safe', () => {
  it('webhook: first-primary (it records, and processing reads what was written)', async () => {
    const { starts, workerEnv } = recordingEnv();
    const body = webhookBody([events.follow({ userId: demoUserId('sessions1') })]);
    const res = await call(
      workerEnv,
      new Request('https://bot.example/webhook', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-line-signature': await signer.sign(body),
        },
        body,
      }),
    );
    expect(res.status).toBe(200);
    expect(starts).toEqual(['first-primary']);
    expect(res.headers.get('x-d1-bookmark')).toBeNull();
  });

  it('link page: first-primary (its link token was stored moments before)', async () => {
    const { starts, workerEnv } = recordingEnv();
    await call(workerEnv, new Request('https://bot.example/link?linkToken=nope'));
    expect(starts).toEqual(['first-primary']);
  });

  it('health: first-unconstrained', async () => {
    const { starts, workerEnv } = recordingEnv();
    expect((await call(workerEnv, new Request('https://bot.example/healthz'))).status).toBe(200);
    expect(starts).toEqual(['first-unconstrained']);
  });

  it("admin lists: first-unconstrained, or the operator's bookmark; the response carries one", async () => {
    const { starts, workerEnv } = recordingEnv();
    const get = (headers: Record<string, string>) =>
      call(
        workerEnv,
        new Request('https://bot.example/admin/dead-letters', {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
        }),
      );
    const first = await get({});
    expect(first.status).toBe(200);
    const bookmark = first.headers.get('x-d1-bookmark');
    expect(isD1Bookmark(bookmark)).toBe(true);
    const again = await get({ 'x-d1-bookmark': bookmark as string });
    expect(again.status).toBe(200);
    const bad = await get({ 'x-d1-bookmark': 'not a bookmark' });
    expect(bad.status).toBe(200);
    expect(starts).toEqual(['first-unconstrained', bookmark, 'first-unconstrained']);
  });
});
