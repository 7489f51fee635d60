/**
 * The webhook contract again, inside workerd with D1: the same app, the Worker entry
 * (waitUntil), real migrations, and the LINE mock in Node validating every request.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import worker, * as entry from '../../src/entry/worker.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';

const bindings = env as unknown as { DB: D1Database; LINE_API_BASE_URL: string };
const signer = createSignatureVerifier('test-channel-secret');

interface Recorded {
  path: string;
  status: number;
  body: { replyToken?: string; messages?: { type: string; text?: string }[] };
  violations: string[];
}

async function mockRequests(): Promise<Recorded[]> {
  const res = await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`);
  return (await res.json()) as Recorded[];
}

async function post(body: string, signature?: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? await signer.sign(body) : signature;
  if (sig !== null) headers['x-line-signature'] = sig;
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request('https://bot.example/webhook', { method: 'POST', headers, body }),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const statusOf = async (id: string) =>
  (
    await bindings.DB.prepare('select status from webhook_events where webhook_event_id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status;

beforeEach(async () => {
  await fetch(`${bindings.LINE_API_BASE_URL}/__mock/reset`, { method: 'POST' });
});

describe('the Worker module', () => {
  it('exports only what workerd accepts (handlers and functions), so `wrangler dev` starts', () => {
    const wrong = Object.entries(entry)
      .filter(([name, value]) => name !== 'default' && typeof value !== 'function')
      .map(([name]) => name);
    expect(wrong).toEqual([]);
  });
});

describe('workerd + D1: POST /webhook', () => {
  it('rejects a forged signature with 401 and records nothing', async () => {
    const evt = events.text({ userId: demoUserId('w1') }, 'สวัสดี');
    const res = await post(webhookBody([evt]), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(res.status).toBe(401);
    expect(await statusOf(evt.webhookEventId)).toBeUndefined();
    expect(await mockRequests()).toEqual([]);
  });

  it('answers 400 to non-JSON and 200 to empty events', async () => {
    expect((await post('not json')).status).toBe(400);
    expect((await post(webhookBody([]))).status).toBe(200);
  });

  it('welcomes a follower with a reply that LINE would accept', async () => {
    const evt = events.follow({ userId: demoUserId('w2') });
    expect((await post(webhookBody([evt]))).status).toBe(200);
    const reqs = await mockRequests();
    const replies = reqs.filter((r) => r.path === '/v2/bot/message/reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.violations).toEqual([]);
    expect(replies[0]?.body.messages?.[0]?.text).toContain('ยินดีต้อนรับ');
    expect(await statusOf(evt.webhookEventId)).toBe('done');
  });

  it('processes a repeated and redelivered event once', async () => {
    const evt = events.text({ userId: demoUserId('w3') }, 'สวัสดี');
    await post(webhookBody([evt]));
    await post(webhookBody([evt]));
    await post(webhookBody([{ ...evt, deliveryContext: { isRedelivery: true } }]));
    const replies = (await mockRequests()).filter((r) => r.path === '/v2/bot/message/reply');
    expect(replies).toHaveLength(1);
  });

  it('answers every event of a many-event POST, skipping standby and unknown types', async () => {
    const many = Array.from({ length: 15 }, (_, i) =>
      events.text({ userId: demoUserId(`m${i}`) }, 'เมนู'),
    );
    const standby = { ...events.text({ userId: demoUserId('sb') }, 'hi'), mode: 'standby' };
    const unknown = { ...events.follow({ userId: demoUserId('uk') }), type: 'brandNewType' };
    expect((await post(webhookBody([...many, standby, unknown]))).status).toBe(200);
    const reqs = await mockRequests();
    const replies = reqs.filter((r) => r.path === '/v2/bot/message/reply');
    expect(replies).toHaveLength(15);
    expect(reqs.flatMap((r) => r.violations)).toEqual([]);
    expect(await statusOf(standby.webhookEventId)).toBe('skipped');
    expect(await statusOf(unknown.webhookEventId)).toBe('skipped');
  });

  it('answers a general question from the knowledge base, and keeps an unanswered one masked in D1', async () => {
    const question = events.text({ userId: demoUserId('w-k1') }, 'ลาออกจากงาน ได้เงินว่างงานเท่าไหร่');
    const odd = events.text({ userId: demoUserId('w-k2') }, 'ชอบกินส้มตำ โทร 081-234-5678');
    expect((await post(webhookBody([question, odd]))).status).toBe(200);
    const reqs = await mockRequests();
    expect(reqs.flatMap((r) => r.violations)).toEqual([]);
    const answer = reqs.find((r) => r.body?.replyToken === question.replyToken);
    expect(
      answer,
      JSON.stringify(
        reqs.map((r) => [r.path, r.status, String(JSON.stringify(r.body)).slice(0, 300)]),
      ),
    ).toBeDefined();
    const body = JSON.stringify(answer!.body);
    expect(body).toContain('30%');
    expect(body).toContain('ที่มา:');
    expect(body).toContain('action=link_account');
    const row = await bindings.DB.prepare(
      "select text from unanswered_questions where text like '%ส้มตำ%'",
    ).first<{ text: string }>();
    expect(row?.text).toContain('[PHONE]');
    expect(row?.text).not.toContain('5678');
  });

  it('reports health from D1', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('https://bot.example/healthz'), env as never, ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
