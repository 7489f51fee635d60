/**
 * The main conversations on the Worker, end to end inside workerd with D1: every request goes
 * through the Worker's own handlers (`fetch`, `scheduled`), every LINE call to the LINE mock
 * (in Node), which checks it against LINE's OpenAPI document.
 *
 * The Worker has no seeder, so the demo data is written by the Node seed's own generator
 * (`generateDemoData`) through a recorder (test/store-contract/demo-rows.ts): the same statements
 * with the same values, replayed on D1; test/store/contract.test.ts checks that they give exactly
 * the rows `seedDemoData` writes on Node. People 1–8 are the documented demo identities
 * and migrants (docs/demo-identities.md), so the answers must show what the Node runtime shows
 * for them; the expected facts are read back from D1.
 *
 * Conversations: link identity 1 and identity 2 through the real flow (link token, /link page,
 * accountLink event), contributions, hospital, unemployment, offices near a shared location,
 * news (created through the admin API), and a news push job (admin API, then the Cron
 * Trigger's `scheduled` handler sends it). All of it twice: with webhook events processed in the
 * request's `waitUntil` (EVENT_PROCESSING=inline) and through the events queue and its consumer
 * (EVENT_PROCESSING=queue, as deployed; the local queue delivers after its 1 s batch timeout).
 *
 * The LINE mock is shared with the other test files: requests are told apart by reply token and
 * user id, and the mock is never reset here. Answers are polled for, so either way of
 * processing is waited for the same way.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import worker from '../../src/entry/worker.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { DEMO_IDENTITIES, type DemoIdentity } from '../../src/store/demo-data.ts';
import { demoStatements } from '../store-contract/demo-rows.ts';

const ADMIN_TOKEN = 'cT7vQ2xR9mK4pL8wZ3nB6yH1dF5gJ0sAconv';
const bindings = env as unknown as { DB: D1Database; LINE_API_BASE_URL: string };
type Mode = 'inline' | 'queue';
/**
 * The test bindings, with the admin API on and the link page at a public https origin; webhook
 * events processed in the request's `waitUntil` ("inline") or by the events queue's consumer
 * ("queue", as deployed: the local queue delivers to this Worker's `queue` handler, which runs
 * with the lane's own bindings).
 */
const envs: Record<Mode, never> = {
  inline: workerEnvFor('inline'),
  queue: workerEnvFor('queue'),
};
function workerEnvFor(mode: Mode): never {
  return {
    ...env,
    ADMIN_TOKEN,
    PUBLIC_BASE_URL: 'https://bot.example',
    CLIENT_IP_HEADER: 'x-client-ip',
    EVENT_PROCESSING: mode,
  } as never;
}
let workerEnv: never = envs.inline;
const signer = createSignatureVerifier('test-channel-secret');

interface Recorded {
  path: string;
  status: number;
  body: {
    replyToken?: string;
    to?: string[];
    messages?: { type: string; text?: string }[];
  };
  violations: string[];
}

// ---------------------------------------------------------------------------------------------
// The demo data, from the Node seed's generator

async function seedDemoPeople(now: Date): Promise<number> {
  const statements = demoStatements({ people: 8, now });
  const db = bindings.DB;
  for (let i = 0; i < statements.length; i += 200) {
    await db.batch(
      statements.slice(i, i + 200).map((s) => db.prepare(s.sql).bind(...(s.params as never[]))),
    );
  }
  return statements.length;
}

// ---------------------------------------------------------------------------------------------
// Talking to the Worker

async function call(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function mockRequests(): Promise<Recorded[]> {
  return (await (
    await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`)
  ).json()) as Recorded[];
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends one event through the signed webhook and returns the reply LINE would get (as JSON). */
async function say(event: { replyToken?: string }): Promise<string> {
  const body = webhookBody([event]);
  const res = await call(
    new Request('https://bot.example/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': await signer.sign(body) },
      body,
    }),
  );
  expect(res.status).toBe(200);
  const reply = await until(`the reply to ${event.replyToken}`, async () =>
    (await mockRequests()).find(
      (r) => r.path === '/v2/bot/message/reply' && r.body.replyToken === event.replyToken,
    ),
  );
  expect(reply.status).toBe(200);
  expect(reply.violations).toEqual([]);
  return JSON.stringify(reply.body);
}

const text = (userId: string, message: string) => say(events.text({ userId }, message));

function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return call(
    new Request(`https://bot.example${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const masked = (id: string) => `${id[0]}-${id.slice(1, 5)}-xxxxx-xx-${id[12]}`;

/** The whole account-link flow: link token, the /link page, LINE's accountLink event. */
async function link(userId: string, who: DemoIdentity): Promise<void> {
  const offer = await text(userId, 'ผูกบัญชี');
  const token = /\/link\?linkToken=([^&"\\]+)/.exec(offer)?.[1];
  expect(token, offer).toBeDefined();
  const linkToken = decodeURIComponent(token!);
  const page = await call(
    new Request(`https://bot.example/link?linkToken=${encodeURIComponent(linkToken)}`),
  );
  expect(page.status).toBe(200);
  const res = await call(
    new Request('https://bot.example/link', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-client-ip': '203.0.113.50',
      },
      body: new URLSearchParams({
        linkToken,
        nationalId: who.nationalId,
        birthDate: who.birthDate,
        laserCode: who.laserCode,
      }).toString(),
    }),
  );
  expect(res.status, await res.clone().text()).toBe(303);
  const nonce = new URL(res.headers.get('location')!).searchParams.get('nonce')!;
  const confirmation = await say(events.accountLink({ userId }, 'ok', nonce));
  expect(confirmation).toContain('ผูกบัญชีเรียบร้อย');
  expect(confirmation).toContain(masked(who.nationalId));
  expect(confirmation).not.toContain(who.nationalId);
}

// ---------------------------------------------------------------------------------------------

const somchai = DEMO_IDENTITIES[0]!;
const sudarat = DEMO_IDENTITIES[1]!;

beforeAll(async () => {
  expect(await seedDemoPeople(new Date())).toBeGreaterThan(100);
}, 60_000);

describe.each(['inline', 'queue'] as const)('the main conversations on the Worker, %s', (mode) => {
  // Each mode links the same two people to its own LINE users (a link moves to the newest).
  const userA = demoUserId(`workerd-conversations-${mode}-1`);
  const userB = demoUserId(`workerd-conversations-${mode}-2`);
  beforeAll(() => {
    workerEnv = envs[mode];
  });

  it('has the demo people the Node seed writes', async () => {
    const people = await bindings.DB.prepare(
      'select id, national_id as nationalId from insured_persons order by id',
    ).all<{ id: number; nationalId: string }>();
    expect(people.results.slice(0, 6)).toEqual(
      DEMO_IDENTITIES.map((d) => ({ id: d.personId, nationalId: d.nationalId })),
    );
  });

  it('links demo identities 1 and 2 through the link page', async () => {
    await link(userA, somchai);
    await link(userB, sudarat);
    const links = await bindings.DB.prepare(
      'select user_id as userId, person_id as personId from account_links where user_id in (?, ?) order by person_id',
    )
      .bind(userA, userB)
      .all();
    expect(links.results).toEqual([
      { userId: userA, personId: somchai.personId },
      { userId: userB, personId: sudarat.personId },
    ]);
  }, 60_000);

  it('answers contributions with the months D1 holds', async () => {
    const row = await bindings.DB.prepare(
      'select count(distinct period) as months from contributions where person_id = ? and paid_date is not null',
    )
      .bind(somchai.personId)
      .first<{ months: number }>();
    expect(row!.months).toBeGreaterThan(180);
    const body = await text(userA, 'เงินสมทบของฉันเท่าไหร่');
    expect(body).toContain('เงินสมทบของฉัน');
    expect(body).toContain(`${row!.months} เดือน`);
    expect(body).toContain('ประมาณการบำนาญชราภาพ');
    expect(body).toContain(masked(somchai.nationalId));
    expect(body).not.toContain(somchai.nationalId);
    const audit = await bindings.DB.prepare(
      "select count(*) as n from audit_log where person_id = ? and action = 'read_contributions'",
    )
      .bind(somchai.personId)
      .first<{ n: number }>();
    expect(audit!.n).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('answers hospital rights with the current registration', async () => {
    const current = await bindings.DB.prepare(
      'select h.name_th as name from hospital_registrations r join hospitals h on h.id = r.hospital_id where r.person_id = ? and r.valid_to is null',
    )
      .bind(somchai.personId)
      .first<{ name: string }>();
    const body = await text(userA, 'โรงพยาบาลตามสิทธิของฉันคือที่ไหน');
    expect(body).toContain('โรงพยาบาลตามสิทธิ');
    expect(body).toContain(current!.name);
    expect(body).toContain('✅ ใช้ได้');
    expect(body).toContain('(ข้อมูลสาธิต)');
  }, 30_000);

  it('answers unemployment with the claim being paid, and the estimate without a claim', async () => {
    const claim = await bindings.DB.prepare(
      'select id, status from unemployment_claims where person_id = ?',
    )
      .bind(sudarat.personId)
      .first<{ id: string; status: string }>();
    expect(claim?.status).toBe('paying');
    const paying = await text(userB, 'ว่างงานเงินเข้ายัง');
    expect(paying).toContain('กำลังจ่ายเงิน');
    expect(paying).toContain(claim!.id);
    expect(paying).toContain('งวดถัดไป');
    expect(paying).toContain('รายงานตัว');
    const estimate = await text(userA, 'ถ้าตกงานจะได้เงินเท่าไหร่');
    expect(estimate).toContain('ยังไม่พบคำขอ');
    expect(estimate).toContain('60%');
  }, 30_000);

  it('finds the offices nearest a shared location (reference offices loaded in D1)', async () => {
    const body = await say(events.location({ userId: userA }, 18.79, 98.98, 'เชียงใหม่'));
    expect(body).toContain('สำนักงานประกันสังคมจังหวัดเชียงใหม่');
    const offices = await bindings.DB.prepare('select count(*) as n from offices').first<{
      n: number;
    }>();
    expect(offices!.n).toBe(89);
  }, 30_000);

  it('shows news created through the admin API, and pushes it with a job the cron runs', async () => {
    const title = `ข่าวทดสอบบน Worker ${Date.now()}`;
    const created = await admin('POST', '/admin/news', {
      title,
      summary: 'สรุปข่าวทดสอบ',
      body: 'เนื้อหาข่าวทดสอบบน Cloudflare Workers',
      publishedDate: new Date().toISOString().slice(0, 10),
      sourceUrl: `https://www.sso.go.th/wpr/main/news/worker-test-${mode}`,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const news = (await created.json()) as { id: number; title: string };
    expect(news.title).toBe(title);

    const latest = await text(userA, 'ข่าวล่าสุด');
    expect(latest).toContain(title);

    const job = await admin('POST', '/admin/push-jobs', {
      newsId: news.id,
      kind: 'multicast',
      segment: { linked: true },
    });
    expect(job.status, await job.clone().text()).toBe(201);
    const { id } = (await job.json()) as { id: number };

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }),
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const progress = await until('the push job to finish', async () => {
      const res = await admin('GET', `/admin/push-jobs/${id}`);
      const p = (await res.json()) as { status: string; sentRecipients: number };
      return p.status === 'done' || p.status === 'failed' ? p : undefined;
    });
    expect(progress).toMatchObject({ status: 'done', sentRecipients: 2 });
    const multicasts = (await mockRequests()).filter(
      (r) =>
        r.path === '/v2/bot/message/multicast' &&
        (r.body.to ?? []).some((u) => u === userA || u === userB),
    );
    expect(multicasts.map((r) => r.status)).toEqual([200]);
    expect(multicasts[0]!.violations).toEqual([]);
    expect([...(multicasts[0]!.body.to ?? [])].sort()).toEqual([userA, userB].sort());
    expect(JSON.stringify(multicasts[0]!.body.messages)).toContain(title);
  }, 60_000);
});
