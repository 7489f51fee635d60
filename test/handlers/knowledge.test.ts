/**
 * General and personal answers over the webhook (issue 13): everyone gets the general answer,
 * an unlinked user a "see my own figures" button (never only the link wall), a linked user in a
 * 1:1 chat also their figures, a group only general answers; replies in the language written;
 * what the bot cannot answer is kept masked for the operators, 90 days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { runRetention } from '../../src/retention.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { DEMO_IDENTITIES } from '../../src/store/demo-data.ts';
import { unansweredQuestions } from '../../src/store/schema.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const TOKEN = 'admin-token-knowledge-0123456789-xyzKQW';
/** 4 Dec 2026, 10:00 in Bangkok. */
let now = Date.parse('2026-12-04T03:00:00Z');
let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({
    lineApiBaseUrl: mock.url,
    env: { ADMIN_TOKEN: TOKEN, LINE_BOT_BASIC_ID: '@ssothai' },
    clock: { now: () => now },
  });
  await seedDemoData(app.store, { people: 50 });
}, 60_000);

afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

type Sent = {
  type: string;
  text?: string;
  altText?: string;
  quickReply?: { items: { action: { label: string; data?: string } }[] };
};

async function send(event: unknown): Promise<Sent[]> {
  const before = mock.replies().length;
  await app.post([event]);
  await app.settle();
  expect(mock.replies().length).toBe(before + 1);
  return (mock.replies().at(-1)!.body as { messages: Sent[] }).messages;
}

let n = 0;
function user(lang: 'th' | 'en' = 'th'): string {
  const userId = demoUserId(`knowledge-${++n}`);
  mock.setProfile(userId, { displayName: 'x', language: lang });
  return userId;
}
const say = (userId: string, text: string) => send(events.text({ userId, timestamp: now }, text));
const masked = (id: string) => `${id[0]}-${id.slice(1, 5)}-xxxxx-xx-${id[12]}`;

function inGroup(userId: string, text: string) {
  const e = events.text({ userId, timestamp: now }, text) as Record<string, unknown>;
  return { ...e, source: { type: 'group', groupId: `C${'0'.repeat(32)}`, userId } };
}

describe('general questions without linking', () => {
  it('a resigned worker gets the rate, duration and ceiling-based maximum, sourced and dated', async () => {
    const messages = await say(user(), 'ลาออกจากงาน ได้เงินว่างงานเท่าไหร่');
    const body = JSON.stringify(messages);
    expect(messages[0]!.type).toBe('flex');
    expect(body).toContain('30%');
    expect(body).toContain('90');
    expect(body).toContain('5,250'); // 30 % of the 17,500 ceiling in force on 4 Dec 2026
    expect(body).toContain('unemploy.doe.go.th');
    expect(body).toContain('ข้อมูล ณ 4 ธ.ค. 2569');
    expect(body).toContain('ที่มา:');
    // "See my own figures", not the link wall; the calculator is offered.
    expect(body).toContain('action=link_account');
    expect(body).not.toContain('linkToken=');
    const data = messages.at(-1)!.quickReply!.items.map((i) => i.action.data);
    expect(data).toContain('action=unemployment_benefit&calc=estimate');
  });

  it('the same question on 1 Jan 2029 states the 20,000 ceiling (no code change)', async () => {
    const saved = now;
    now = Date.parse('2029-01-01T03:00:00Z');
    try {
      const body = JSON.stringify(await say(user(), 'ลาออกจากงาน ได้เงินว่างงานเท่าไหร่'));
      expect(body).toContain('6,000'); // 30 % of 20,000
      expect(body).not.toContain('5,250');
    } finally {
      now = saved;
    }
  });

  it('section 39 cost is answered from section 39 rules, never the section 40 table', async () => {
    const body = JSON.stringify(await say(user(), 'มาตรา 39 ต้องจ่ายเดือนละเท่าไหร่'));
    expect(body).toContain('432');
    expect(body).not.toMatch(/ทางเลือกที่ 3/);
  });

  it('other benefits (maternity) are answered by benefit_info in English', async () => {
    const messages = await say(user('en'), 'how much is the maternity grant?');
    const body = JSON.stringify(messages);
    expect(body).toContain('15,000');
    expect(body).toContain('Source:');
  });

  it('my_claims and notifications from an unlinked user: the general answer and the link offer', async () => {
    const claims = JSON.stringify(await say(user(), 'ขอดูสถานะการเบิกค่าคลอดของฉัน'));
    expect(claims).toContain('SSO Connect');
    expect(claims).toContain('action=link_account');
    const notes = JSON.stringify(await say(user(), 'เปิดการแจ้งเตือนเงินเข้าให้หน่อย'));
    expect(notes).toContain('แจ้งเตือน');
    // Asking to turn them on is asking to link: the link button itself.
    expect(notes).toContain('/link?linkToken=');
  });
});

describe('linked users, 1:1 and groups', () => {
  const who = DEMO_IDENTITIES[1]!; // laid off, claim being paid
  let linked: string;
  beforeAll(async () => {
    linked = user();
    await bindAccount(app.store, linked, who.personId, now);
  });

  it('a named general question gets the general answer and their own figures', async () => {
    const messages = await say(linked, 'โดนเลิกจ้าง ได้เงินว่างงานกี่เปอร์เซ็นต์');
    expect(messages.length).toBeGreaterThanOrEqual(2);
    const [general, ...mine] = messages.map((m) => JSON.stringify(m));
    expect(general).toContain('60%');
    expect(general).not.toContain('action=link_account"'); // no "see my figures" for them
    expect(mine.join()).toContain(masked(who.nationalId));
  });

  it('offers "see my own figures" only to users who have not linked', async () => {
    // A subject named under another intent (news) is answered by the knowledge matcher.
    const question = 'มีข่าวเรื่องเพดานเงินสมทบไหม';
    expect(JSON.stringify(await say(user(), question))).toContain('action=link_account');
    expect(JSON.stringify(await say(linked, question))).not.toContain('action=link_account');
  });

  it('"my contributions" gets just the figures', async () => {
    const messages = await say(linked, 'เงินสมทบของฉัน');
    const body = JSON.stringify(messages);
    expect(body).toContain(masked(who.nationalId));
    expect(body).not.toContain('ข้อมูล ณ');
  });

  it('added to a group, the bot introduces itself and says personal data is 1:1 only', async () => {
    const join = {
      type: 'join',
      mode: 'active',
      timestamp: now,
      source: { type: 'group', groupId: `C${'1'.repeat(32)}` },
      webhookEventId: `01JOIN${String(now).slice(-10)}ABCDEFGHJK`,
      deliveryContext: { isRedelivery: false },
      replyToken: 'rt-join-1',
    };
    const messages = await send(join);
    const body = JSON.stringify(messages);
    expect(messages[0]!.type).toBe('flex');
    expect(body).toContain('แชต 1:1');
    expect(body).not.toContain('linkToken=');
    // A button that opens the 1:1 chat with the Official Account, before the topic choices.
    const items = (
      messages.at(-1) as unknown as {
        quickReply: { items: { action: { type: string; uri?: string } }[] };
      }
    ).quickReply.items;
    expect(items[0]!.action).toMatchObject({
      type: 'uri',
      uri: 'https://line.me/R/oaMessage/@ssothai/',
    });
    expect(items.length).toBeGreaterThan(1);
  });

  it('in a group, a linked user gets general answers only and is told to ask 1:1', async () => {
    const messages = await send(inGroup(linked, 'เงินสมทบของฉันเท่าไหร่'));
    const body = JSON.stringify(messages);
    expect(body).not.toContain(masked(who.nationalId));
    expect(body).not.toContain('action=link_account');
    expect(body).toContain('แชต 1:1');
    const link = JSON.stringify(await send(inGroup(linked, 'ผูกบัญชี')));
    expect(link).not.toContain('linkToken=');
    expect(link).toContain('แชต 1:1');
    expect(link).toContain('https://line.me/R/oaMessage/@ssothai/');
  });
});

describe('the language written in', () => {
  it('a Burmese question from a phone set to Thai gets a Burmese answer and a note', async () => {
    const messages = await say(user('th'), 'ကလေးမွေးရင် ဖူလုံရေးက ငွေ ဘယ်လောက် ရမလဲ');
    expect(messages[0]!.altText).toMatch(/[\u1000-\u109f]/);
    expect(JSON.stringify(messages)).toContain('15,000');
    const note = messages.at(-1)!;
    expect(note.type).toBe('text');
    expect(note.text).toMatch(/[\u1000-\u109f]/);
    expect(note.quickReply!.items[0]!.action.data).toBe('action=change_language');
  });

  it('Zawgyi-encoded Burmese is understood too', async () => {
    const body = JSON.stringify(await say(user('th'), 'အလုပ္လက္မဲ့ ေငြ ဘယ္ေတာ့ ရမလဲ'));
    expect(body).toMatch(/[\u1000-\u109f]/);
    expect(body).toContain('unemploy.doe.go.th');
  });

  it('romanised Burmese gets the language picker', async () => {
    const messages = await say(user('th'), 'a lote htwet yin ngway ya lar');
    expect(JSON.stringify(messages)).toContain('action=change_language&lang=my');
  });
});

describe('unanswered questions', () => {
  const admin = (method: string, path: string) =>
    app.app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` } });

  it('are kept masked with the language and closest intents, counted, handled and pruned after 90 days', async () => {
    await say(user(), 'ผมชื่อสมชาย เลข ๓๑๐๐๖๐๐๑๒๓๔๕๐ เกิด 15/03/2513 โทร 081-234-5678 ชอบกินส้มตำ');
    const res = await admin('GET', '/admin/unanswered?days=1');
    expect(res.status).toBe(200);
    const { counts, items } = (await res.json()) as {
      counts: { topic: string | null; count: number }[];
      items: { id: number; text: string; lang: string; alternatives: string[] }[];
    };
    const mine = items.find((i) => i.text.includes('ส้มตำ'))!;
    expect(mine.text).toContain('[ID]');
    expect(mine.text).toContain('[DATE]');
    expect(mine.text).toContain('[PHONE]');
    expect(mine.text).not.toMatch(/๓๑๐๐|3100600|5678/);
    expect(mine.lang).toBe('th');
    expect(Array.isArray(mine.alternatives)).toBe(true);
    expect(counts.reduce((s, c) => s + c.count, 0)).toBeGreaterThanOrEqual(1);
    expect((await admin('POST', `/admin/unanswered/${mine.id}/handled`)).status).toBe(200);
    expect((await admin('POST', `/admin/unanswered/${mine.id}/handled`)).status).toBe(404);

    const count = () => app.store.syncDb.select().from(unansweredQuestions).all().length;
    const before = count();
    expect(before).toBeGreaterThan(0);
    const saved = now;
    now += 91 * 24 * 3600_000;
    try {
      await runRetention(app.deps);
      expect(count()).toBe(0);
    } finally {
      now = saved;
    }
  });
});
