/**
 * The console dashboard (C15 "see usage and quota"): counts of what the bot did today and in the
 * last 7 days equal what happened — texts sent through the real webhook, some understood and some
 * not — plus links, pushes, errors and the LINE quota from the mock, over HTTP with SQLite.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { RETENTION_SCHEDULE } from '../../src/retention.ts';
import type { DashboardData } from '../../src/routes/console/dashboard.tsx';
import { statsWindow } from '../../src/store/stats.ts';
import { ConsoleClient, signedIn, useConsoleApp } from './helpers.ts';

const env = useConsoleApp();
const DAY = 24 * 3600_000;

let viewer: ConsoleClient;

const userA = demoUserId('dash-a');
const userB = demoUserId('dash-b');
const userC = demoUserId('dash-c');

async function send(e: unknown) {
  expect((await env.app.post([e])).status).toBe(200);
  await env.app.settle();
}

function insertEvent(row: {
  id: string;
  status: string;
  receivedAt: number;
  type?: string;
  error?: string | null;
  intent?: string | null;
  lang?: string | null;
  userId?: string | null;
}) {
  env.app.store.sqlite
    .prepare(
      `insert into webhook_events (webhook_event_id, type, user_id, event_timestamp, payload, status,
         attempts, error, received_at, processed_at, intent, lang)
       values (?, ?, ?, ?, '{}', ?, 1, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.id,
      row.type ?? 'message',
      row.userId ?? null,
      row.receivedAt,
      row.status,
      row.error ?? null,
      row.receivedAt,
      row.receivedAt,
      row.intent ?? null,
      row.lang ?? null,
    );
}

beforeAll(async () => {
  const now = Date.now();
  // Today, through the webhook: A asks twice (one understood, one not), B asks in English and
  // taps a rich-menu tile, C sends only a sticker (a conversation, not a question).
  await send(events.text({ userId: userA }, 'เงินสมทบมาตรา 33 เดือนละเท่าไร'));
  await send(events.text({ userId: userA }, 'ฟหกดฟหกดฟหกด'));
  await send(events.text({ userId: userB }, 'how do I claim unemployment benefit'));
  await send(events.postback({ userId: userB }, 'action=office_location'));
  await send(events.sticker({ userId: userC }));

  // Earlier this week (3 days ago): A again, one unanswered Burmese question. Eight days ago:
  // outside the window.
  const window = statsWindow(now);
  const threeDaysAgo = window.from + 3 * DAY + 3600_000; // days[3]: today is days[6]
  insertEvent({
    id: 'old-1',
    status: 'done',
    receivedAt: threeDaysAgo,
    userId: userA,
    intent: 'unknown',
    lang: 'my',
  });
  insertEvent({
    id: 'ancient-1',
    status: 'done',
    receivedAt: window.from - DAY,
    userId: userB,
    intent: 'news',
    lang: 'th',
  });
  // Errors: one failed today, one dead letter today, one undeliverable 3 days ago.
  insertEvent({ id: 'err-1', status: 'failed', receivedAt: now - 60_000, error: 'boom' });
  insertEvent({
    id: 'err-2',
    status: 'failed',
    receivedAt: now - 60_000,
    error: 'dead letter: LINE answered 500',
  });
  insertEvent({ id: 'err-3', status: 'undeliverable', receivedAt: threeDaysAgo });

  // A linked follower (A), pushes: a multicast job that reached 3 people today, a broadcast,
  // two notifications (one sent today, one pending), a staff reply accepted by LINE.
  const db = env.app.store.sqlite;
  db.prepare(
    `insert into insured_persons (id, national_id, first_name_th, last_name_th, birth_date, section,
       laser_code_hash, updated_at) values (900, '1100000000001', 'ก', 'ข', '1990-01-01', 33, 'none', 0)`,
  ).run();
  db.prepare('insert into account_links (user_id, person_id, linked_at) values (?, 900, ?)').run(
    userA,
    now,
  );
  db.prepare(
    `insert into news_items (id, title, summary, body, published_date, created_at, updated_at)
     values (900, 'n', 's', 'b', '2026-01-01', 0, 0)`,
  ).run();
  db.prepare(
    `insert into push_jobs (news_id, kind, status, total_recipients, sent_recipients, created_at,
       started_at, finished_at) values (900, 'multicast', 'done', 3, 3, ?, ?, ?)`,
  ).run(now - 5000, now - 4000, now - 3000);
  db.prepare(
    `insert into push_jobs (news_id, kind, status, created_at, started_at, finished_at)
     values (900, 'broadcast', 'done', ?, ?, ?)`,
  ).run(threeDaysAgo, threeDaysAgo, threeDaysAgo);
  db.prepare(
    `insert into notifications (user_id, category, dedupe_key, due_at, params, status, created_at, sent_at)
     values (?, 'claim_decided', 'k1', ?, '{}', 'sent', ?, ?)`,
  ).run(userA, now - 2 * DAY, now - 2 * DAY, now - 1000);
  db.prepare(
    `insert into notifications (user_id, category, dedupe_key, due_at, params, status, created_at)
     values (?, 'claim_decided', 'k2', ?, '{}', 'pending', ?)`,
  ).run(userA, now, now);
  db.prepare(
    `insert into staff_flags (id, user_id, lang, status, created_at) values (900, ?, 'th', 'open', ?)`,
  ).run(userB, now);
  db.prepare(
    `insert into staff_flag_messages (flag_id, at, direction, text, status) values (900, ?, 'staff', 'hi', 'sent')`,
  ).run(now - 1000);
  db.prepare(
    `insert into staff_flag_messages (flag_id, at, direction, text, status) values (900, ?, 'staff', 'x', 'failed')`,
  ).run(now - 1000);

  viewer = (await signedIn(env.app, 'dash-viewer@sso.go.th', 'viewer')).client;
});

async function stats(): Promise<DashboardData> {
  const res = await viewer.get('/console/stats.json');
  expect(res.status).toBe(200);
  return (await res.json()) as DashboardData;
}

describe('console dashboard', () => {
  it('counts people, questions (answered or not), topics and languages as seeded', async () => {
    const s = await stats();
    expect(s.days).toHaveLength(7);
    expect(s.days.at(-1)).toBe(s.today);
    expect(s.conversations.today).toBe(3); // A, B and C (the sticker)
    expect(s.conversations.week).toBe(3); // A again 3 days ago counts once
    expect(s.conversations.perDay.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.questions.today).toEqual({ answered: 3, unanswered: 1 });
    expect(s.questions.week).toEqual({ answered: 3, unanswered: 2 });
    const topic = (i: string) => s.questions.byTopic.find((x) => x.intent === i);
    expect(topic('unknown')).toEqual({ intent: 'unknown', today: 1, week: 2 });
    expect(topic('unemployment_benefit')).toEqual({
      intent: 'unemployment_benefit',
      today: 1,
      week: 1,
    });
    expect(topic('office_location')?.week).toBe(1);
    expect(topic('news')).toBeUndefined(); // eight days ago
    const lang = (l: string) => s.questions.byLang.find((x) => x.lang === l);
    expect(lang('th')).toMatchObject({ today: 3, week: 3 });
    expect(lang('en')).toMatchObject({ today: 1, week: 1 });
    expect(lang('my')).toMatchObject({ today: 0, week: 1 });
    expect(lang('my')!.perDay[3]).toBe(1);
  });

  it('counts the link rate, pushes and errors as seeded', async () => {
    const s = await stats();
    expect(s.links).toEqual({ linked: 1, activeFollowers: 3 });
    expect(s.pushes.newsRecipients).toEqual({ today: 3, week: 3 });
    expect(s.pushes.broadcasts).toEqual({ today: 0, week: 1 });
    expect(s.pushes.notifications).toEqual({ today: 1, week: 1 });
    expect(s.pushes.staffReplies).toEqual({ today: 1, week: 1 });
    expect(s.pushes.total).toEqual({ today: 5, week: 5 });
    expect(s.errors.failed).toEqual({ today: 2, week: 2 });
    expect(s.errors.undeliverable).toEqual({ today: 0, week: 1 });
    expect(s.errors.deadLetters).toEqual({ today: 1, week: 1 });
    expect(s.errors.deadLettersKept).toBe(1);
  });

  it('shows the numbers on the page, with accessible SVG charts and tables', async () => {
    const res = await viewer.get('/console');
    expect(res.status).toBe(200);
    const html = viewer.lastHtml;
    expect(html).toContain('<h1>ภาพรวม</h1>');
    // Charts: role=img named by a <title> that carries the numbers.
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="chart-questions-title"/);
    expect(html).toMatch(/<title id="chart-questions-title">[^<]*ตอบได้ 3 ตอบไม่ได้ 1/);
    expect(html).toMatch(/<title id="chart-topics-title">[^<]*ตอบไม่ได้: 2/);
    // The same numbers in tables with header cells.
    expect(html).toMatch(
      /<tr data-intent="unknown"><th scope="row">ตอบไม่ได้<\/th><td>1<\/td><td>2<\/td><\/tr>/,
    );
    expect(html).toMatch(
      /<tr data-push="newsRecipients"><th scope="row">[^<]+<\/th><td>3<\/td><td>3<\/td><\/tr>/,
    );
    expect(html).toMatch(/<tr data-error="deadLetters"><th scope="row">[^<]+<\/th><td>1<\/td>/);
    expect(html).toContain('ผูกบัญชีแล้ว 1 จากผู้ติดตาม 3 คน');
    expect(html).toContain('33%');
    // The page is in English too.
    await viewer.get('/console?lang=en');
    expect(viewer.lastHtml).toContain('Questions per day');
    expect(viewer.lastHtml).toContain('1 linked of 3 followers');
    await viewer.get('/console?lang=th');
  });

  it('shows the LINE quota from the mock as a meter, and "unknown" when LINE fails', async () => {
    env.mock.setQuota({ limit: 1000, totalUsage: 250 });
    const s = await stats();
    expect(s.quota).toEqual({ status: 'ok', limit: 1000, used: 250, left: 750 });
    await viewer.get('/console');
    expect(viewer.lastHtml).toMatch(/<meter id="quota-meter" min="0" max="1000" value="250"/);
    expect(viewer.lastHtml).toContain('ใช้ไปแล้ว 250 จาก 1,000 ข้อความ (25%)');
    expect(viewer.lastHtml).toContain('<label for="quota-meter">');

    env.mock.setQuota({ limit: null, totalUsage: 12 });
    await viewer.get('/console');
    expect(viewer.lastHtml).toContain('ไม่ได้ตั้งเพดานโควตา ใช้ไปแล้ว 12 ข้อความ');

    env.mock.setResponder((req) =>
      req.path.startsWith('/v2/bot/message/quota') ? { status: 500, body: {} } : undefined,
    );
    try {
      const page = await viewer.get('/console');
      expect(page.status).toBe(200);
      expect(viewer.lastHtml).toContain('data-quota="unknown"');
      expect((await stats()).quota).toEqual({ status: 'unknown' });
    } finally {
      env.mock.setResponder(null);
    }
  });

  it('relies on LINE user ids being kept for at least the 7-day window', () => {
    const rule = RETENTION_SCHEDULE.find((r) => r.key === 'webhook_events.payload')!;
    expect(rule.removes).toMatch(/user ID/);
    expect(rule.keepMs).toBeGreaterThanOrEqual(7 * DAY);
  });

  it('sends a visitor who is not signed in to the login page', async () => {
    const res = await new ConsoleClient(env.app).get('/console/stats.json');
    expect(res.status).toBe(303);
  });
});
