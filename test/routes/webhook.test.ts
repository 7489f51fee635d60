import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import { intentHandlers } from '../../src/handlers/index.ts';
import { lineUsers, webhookEvents } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
});
afterEach(async () => {
  // Every request the bot sent during the test must satisfy LINE's spec and limits.
  expect(mock.violations).toEqual([]);
  await app.dispose();
  vi.restoreAllMocks();
});

const user = (name = 'somchai') => ({ userId: demoUserId(name) });
const rows = () => app.store.syncDb.select().from(webhookEvents).all();
type SentMessage = {
  type: string;
  text?: string;
  altText?: string;
  quickReply?: { items: unknown[] };
};
const repliedMessages = () =>
  mock.replies().flatMap((r) => (r.body as { messages: SentMessage[] }).messages);

describe('POST /webhook: what is accepted', () => {
  it('rejects a bad signature with 401 and records nothing', async () => {
    const res = await app.post([events.text(user(), 'สวัสดี')], {
      signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(res.status).toBe(401);
    await app.settle();
    expect(rows()).toHaveLength(0);
    expect(mock.requests).toHaveLength(0);
  });

  it('rejects a missing signature with 401', async () => {
    const res = await app.post([events.text(user(), 'สวัสดี')], { signature: null });
    expect(res.status).toBe(401);
    expect(rows()).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not JSON, and to JSON without events', async () => {
    expect((await app.post([], { body: '{"events": [' })).status).toBe(400);
    expect((await app.post([], { body: '"just a string"' })).status).toBe(400);
    expect((await app.post([], { body: '{"destination":"U1"}' })).status).toBe(400);
  });

  it('answers 413 to a body over 1 MiB without reading it as events', async () => {
    const huge = webhookBody([events.text(user(), 'ก'.repeat(400_000))]);
    expect(new TextEncoder().encode(huge).byteLength).toBeGreaterThan(1024 * 1024);
    const res = await app.post([], { body: huge });
    expect(res.status).toBe(413);
    expect(rows()).toHaveLength(0);
  });

  it('answers 200 to an empty events array (LINE verify)', async () => {
    const res = await app.post([]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it('records events durably before answering 200', async () => {
    // Nothing is processed yet when the response arrives: the queue is paused.
    const pause = vi.spyOn(app.deps, 'defer').mockImplementation(() => {});
    const evt = events.text(user(), 'สวัสดีครับ');
    const res = await app.post([evt]);
    expect(res.status).toBe(200);
    expect(pause).toHaveBeenCalledTimes(1);
    const [row] = rows();
    // Recorded already claimed by this process: a crash now leaves it to recovery.
    expect(row).toMatchObject({
      webhookEventId: evt.webhookEventId,
      status: 'processing',
      attempts: 1,
      type: 'message',
    });
  });
});

describe('POST /webhook: processing', () => {
  it('welcomes a new follower in Thai with quick replies and a privacy line', async () => {
    await app.post([events.follow(user())]);
    await app.settle();
    const [msg] = repliedMessages();
    expect(msg?.type).toBe('text');
    expect(msg?.text).toContain('ยินดีต้อนรับ');
    expect(msg?.text).toContain('PDPA');
    expect(msg?.quickReply?.items.length).toBeGreaterThanOrEqual(4);
    const [u] = app.store.syncDb.select().from(lineUsers).all();
    expect(u).toMatchObject({ status: 'active', profileLanguage: 'th' });
  });

  it('welcomes in English when the LINE profile language is English', async () => {
    mock.setProfile(demoUserId('john'), { displayName: 'John', language: 'en' });
    await app.post([events.follow(user('john'))]);
    await app.settle();
    expect(repliedMessages()[0]?.text).toContain('welcome to the Social Security assistant');
  });

  it('falls back to Thai when the profile language is one we do not speak', async () => {
    mock.setProfile(demoUserId('yuki'), { displayName: 'Yuki', language: 'ja' });
    await app.post([events.follow(user('yuki'))]);
    await app.settle();
    expect(repliedMessages()[0]?.text).toContain('ยินดีต้อนรับ');
  });

  it('processes the same event once, whether repeated or redelivered', async () => {
    const evt = events.text(user(), 'สวัสดี');
    await app.post([evt]);
    await app.post([evt]);
    await app.post([{ ...evt, deliveryContext: { isRedelivery: true } }]);
    await app.settle();
    expect(mock.replies()).toHaveLength(1);
    expect(rows()).toHaveLength(1);
  });

  it('answers every event of a POST carrying many users', async () => {
    const batch = Array.from({ length: 12 }, (_, i) => events.text(user(`user-${i}`), 'เมนู'));
    const res = await app.post(batch);
    expect(res.status).toBe(200);
    await app.settle();
    expect(mock.replies()).toHaveLength(12);
    expect(
      new Set(mock.replies().map((r) => (r.body as { replyToken: string }).replyToken)).size,
    ).toBe(12);
  });

  it('isolates a throwing handler: logged, marked failed, neighbours still answered', async () => {
    vi.spyOn(intentHandlers, 'news').mockRejectedValue(new Error('news store exploded'));
    const bad = events.postback(user('a'), 'action=news');
    const good = events.text(user('b'), 'สวัสดีค่ะ');
    await app.post([bad, good]);
    await app.settle();
    expect(mock.replies()).toHaveLength(1);
    expect((mock.replies()[0]!.body as { replyToken: string }).replyToken).toBe(good.replyToken);
    const failed = app.store.syncDb
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, bad.webhookEventId))
      .get();
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('news store exploded');
    const line = app.logs.find(
      (l) => l.webhookEventId === bad.webhookEventId && l.level === 'error',
    );
    expect(line).toMatchObject({ type: 'postback', error: 'Error: news store exploded' });
  });

  it('sends nothing in standby mode and still answers 200', async () => {
    const res = await app.post([{ ...events.text(user(), 'สวัสดี'), mode: 'standby' }]);
    expect(res.status).toBe(200);
    await app.settle();
    expect(mock.requests).toHaveLength(0);
    expect(rows()[0]?.status).toBe('skipped');
  });

  it('ignores unknown event types with 200', async () => {
    const evt = { ...events.follow(user()), type: 'somethingNew', somethingNew: { x: 1 } };
    const res = await app.post([evt, { type: 'memberJoined', nothing: true }, 42, null]);
    expect(res.status).toBe(200);
    await app.settle();
    expect(mock.requests).toHaveLength(0);
  });

  it('answers stickers and images politely, saying what the bot can do', async () => {
    await app.post([events.sticker(user('s')), events.image(user('i'))]);
    await app.settle();
    const texts = repliedMessages().map((m) => m.text ?? '');
    expect(texts).toHaveLength(2);
    expect(texts.some((t) => t.includes('สติกเกอร์'))).toBe(true);
    expect(texts.some((t) => t.includes('รูปภาพ'))).toBe(true);
    for (const t of texts) expect(t).toContain('พิมพ์คำถาม');
  });

  it('marks an unfollowing user inactive and sends nothing', async () => {
    await app.post([events.follow(user())]);
    await app.settle();
    mock.reset();
    await app.post([events.unfollow(user())]);
    await app.settle();
    expect(mock.requests).toHaveLength(0);
    const [u] = app.store.syncDb.select().from(lineUsers).all();
    expect(u?.status).toBe('inactive');
  });

  it('routes postbacks by their action, and unknown actions to the menu', async () => {
    await app.post([
      events.postback(user(), 'action=greeting_help'),
      events.postback(user('x'), 'action=drop_tables'),
    ]);
    await app.settle();
    const types = repliedMessages().map((m) => m.type);
    expect(types).toEqual(['flex', 'flex']);
  });
});

describe('delivery when the reply token cannot be used', () => {
  it('pushes with a stable retry key when the reply token is rejected', async () => {
    mock.setResponder((req) =>
      req.path === '/v2/bot/message/reply'
        ? { status: 400, body: { message: 'Invalid reply token' } }
        : undefined,
    );
    const evt = events.text(user(), 'สวัสดี');
    await app.post([evt]);
    await app.settle();
    const pushes = mock.pushes();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.headers['x-line-retry-key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect((pushes[0]!.body as { to: string }).to).toBe(demoUserId('somchai'));
    expect(rows()[0]).toMatchObject({ status: 'done', delivery: 'push' });
  });

  it('pushes directly when the event is older than the reply window', async () => {
    const evt = events.text({ ...user(), timestamp: Date.now() - 120_000 }, 'สวัสดี');
    await app.post([evt]);
    await app.settle();
    expect(mock.replies()).toHaveLength(0);
    expect(mock.pushes()).toHaveLength(1);
  });

  it('retries a push through 429 and 500, and counts 409 as delivered, without a duplicate', async () => {
    const script = [429, 500, 409];
    mock.setResponder((req) => {
      if (req.path === '/v2/bot/message/reply')
        return { status: 400, body: { message: 'Invalid reply token' } };
      if (req.path !== '/v2/bot/message/push') return undefined;
      const status = script.shift();
      if (status === 409) {
        return {
          status: 409,
          headers: { 'x-line-accepted-request-id': 'accepted-1' },
          body: { message: 'dup' },
        };
      }
      return status ? { status, body: { message: 'try later' } } : undefined;
    });
    await app.post([events.text(user(), 'สวัสดี')]);
    await app.settle();
    const pushAttempts = mock.requests.filter((r) => r.path === '/v2/bot/message/push');
    expect(pushAttempts.map((r) => r.status)).toEqual([429, 500, 409]);
    expect(new Set(pushAttempts.map((r) => r.headers['x-line-retry-key'])).size).toBe(1);
    expect(rows()[0]).toMatchObject({
      status: 'done',
      delivery: 'push',
      lineRequestId: 'accepted-1',
    });
  });

  it('records a push that never gets through as undeliverable, with the reason', async () => {
    mock.setResponder((req) =>
      req.path === '/v2/bot/message/reply'
        ? { status: 400, body: { message: 'Invalid reply token' } }
        : { status: 500, body: { message: 'down' } },
    );
    await app.post([events.text(user(), 'สวัสดี')]);
    await app.settle();
    expect(rows()[0]?.status).toBe('undeliverable');
    expect(rows()[0]?.error).toMatch(/push failed after 4 attempts/);
    expect(app.logs.some((l) => l.level === 'error' && typeof l.lineRequestId === 'string')).toBe(
      true,
    );
  });

  it('retries a reply after a 429 while the token is fresh', async () => {
    let first = true;
    mock.setResponder((req) => {
      if (req.path === '/v2/bot/message/reply' && first) {
        first = false;
        return { status: 429, body: { message: 'Too many requests' } };
      }
      return undefined;
    });
    await app.post([events.text(user(), 'สวัสดี')]);
    await app.settle();
    expect(mock.replies()).toHaveLength(1);
    expect(mock.pushes()).toHaveLength(0);
  });
});

describe('GET /healthz', () => {
  it('is ok while the database answers, 503 when it does not', async () => {
    const ok = await app.app.request('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    app.store.sqlite.close();
    const down = await app.app.request('/healthz');
    expect(down.status).toBe(503);
  });
});
