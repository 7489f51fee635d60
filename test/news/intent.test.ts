/**
 * The news intent over the webhook: the carousel (≤ 12 bubbles, within LINE's limits, th and
 * en), filtered by section and province for a linked user; "หยุดรับข่าว" / "รับข่าว" by text and
 * postback, and an opted-out user left out of the next push job.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { newsSubcommand } from '../../src/handlers/news.ts';
import { findLimitViolations, type Message } from '../../src/line/limits.ts';
import { createNewsPushJob, runPushJobs } from '../../src/news/push-jobs.ts';
import { classify, extractEntities } from '../../src/nlu/index.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { createNews, type NewsInput } from '../../src/store/news.ts';
import { insuredPersons, lineUsers } from '../../src/store/schema.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { acceptedMulticasts } from './helpers.ts';

let mock: LineMock;
let app: TestApp;
let person: { id: number; section: number; provinceCode: string };

const LONG = 'สำนักงานประกันสังคมแจ้งผู้ประกันตนทุกมาตราให้ตรวจสอบสิทธิประโยชน์ '.repeat(12);

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
  await seedDemoData(app.store, { people: 60 });
  const p = app.store.syncDb
    .select()
    .from(insuredPersons)
    .where(eq(insuredPersons.section, 33))
    .all()
    .find((x) => x.provinceCode);
  person = { id: p!.id, section: p!.section, provinceCode: p!.provinceCode! };
  const otherProvince = person.provinceCode === '96' ? '95' : '96';
  const add = (n: Partial<NewsInput> & { title: string; publishedDate: string }) =>
    createNews(app.store, { summary: `สรุป ${n.title}`, body: 'เนื้อหา', ...n }, Date.now());
  await add({
    title: 'ข่าวสำหรับทุกคน',
    publishedDate: '2026-03-10',
    sourceUrl: 'https://www.sso.go.th/n/all',
    imageUrl: 'https://www.sso.go.th/n/all.jpg',
  });
  await add({
    title: 'ข่าวเฉพาะมาตรา 33 ในจังหวัดของคุณ',
    publishedDate: '2026-03-12',
    targetSections: [33],
    targetProvinces: [person.provinceCode],
    sourceUrl: 'https://www.sso.go.th/n/mine',
  });
  await add({ title: 'ข่าวเฉพาะมาตรา 40', publishedDate: '2026-03-11', targetSections: [40] });
  await add({
    title: 'ข่าวเฉพาะจังหวัดอื่น',
    publishedDate: '2026-03-09',
    targetProvinces: [otherProvince],
  });
  await add({ title: 'ร่างข่าว', publishedDate: '2026-03-13', status: 'draft' });
  for (let i = 0; i < 14; i++) {
    await add({
      title: `${LONG.slice(0, 150)} ${i}`,
      summary: LONG,
      publishedDate: `2025-0${1 + (i % 9)}-1${i % 10}`,
      sourceUrl: `https://www.sso.go.th/n/old-${i}`,
      imageUrl: `https://www.sso.go.th/n/old-${i}.jpg`,
      languages: ['th', 'en'],
    });
  }
}, 60_000);
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

async function send(event: unknown): Promise<Message[]> {
  const before = mock.replies().length;
  expect((await app.post([event])).status).toBe(200);
  await app.settle();
  expect(mock.replies().length).toBe(before + 1);
  return (mock.replies().at(-1)!.body as { messages: Message[] }).messages;
}
const ask = (userId: string, text: string) => send(events.text({ userId }, text));

function bubbles(messages: Message[]): string[] {
  const flex = messages[0] as { type: string; contents: { type: string; contents: unknown[] } };
  expect(flex.type).toBe('flex');
  expect(flex.contents.type).toBe('carousel');
  return flex.contents.contents.map((b) => JSON.stringify(b));
}

describe('news intent', () => {
  it('shows a linked user the latest items that concern them, within LINE limits (th)', async () => {
    const userId = demoUserId('news-linked');
    await bindAccount(app.store, userId, person.id, Date.now());
    const messages = await ask(userId, 'ข่าวล่าสุด');
    expect(findLimitViolations(messages)).toEqual([]);
    const cards = bubbles(messages);
    expect(cards.length).toBeLessThanOrEqual(12);
    expect(cards[0]).toContain('ข่าวเฉพาะมาตรา 33 ในจังหวัดของคุณ');
    expect(cards[1]).toContain('ข่าวสำหรับทุกคน');
    const all = cards.join('\n');
    expect(all).not.toContain('ข่าวเฉพาะมาตรา 40');
    expect(all).not.toContain('ข่าวเฉพาะจังหวัดอื่น');
    expect(all).not.toContain('ร่างข่าว');
    expect(cards[0]).toContain('12 มี.ค. 2569'); // Buddhist era
    expect(cards[1]).toContain('"type":"image"'); // hero only when there is an image
    expect(cards[0]).not.toContain('"hero"');
    expect(cards[1]).toContain('อ่านต่อ');
    expect(cards[1]).toContain('https://www.sso.go.th/n/all');
    expect(JSON.stringify(messages[0])).toContain('action=news&sub=stop');
  });

  it('shows everything to a user whose section is unknown, in English with Gregorian dates', async () => {
    const userId = demoUserId('news-en');
    mock.setProfile(userId, { language: 'en' });
    const messages = await ask(userId, 'latest news');
    expect(findLimitViolations(messages)).toEqual([]);
    const cards = bubbles(messages);
    expect(cards).toHaveLength(12);
    // English-available items first, then the newest Thai-only ones.
    expect(cards[0]).toMatch(/2025/);
    expect(cards.join()).toContain('Read more');
    expect(cards.join()).not.toContain('อ่านต่อ');
    const bytes = new TextEncoder().encode(JSON.stringify(messages[0])).byteLength;
    expect(bytes).toBeLessThan(50 * 1024);
  });

  it('stops and restarts news pushes by text and by postback', async () => {
    const userId = demoUserId('news-toggle');
    const optOut = () =>
      app.store.syncDb.select().from(lineUsers).where(eq(lineUsers.userId, userId)).get()
        ?.newsOptOut;

    const stopped = await ask(userId, 'หยุดรับข่าว');
    expect(JSON.stringify(stopped)).toContain('หยุดส่งข่าวให้คุณแล้ว');
    expect(JSON.stringify(stopped)).toContain('action=news&sub=start');
    expect(optOut()).toBe(true);

    // Opted out: the next push job leaves this user out.
    const { job } = await createNewsPushJob(app.deps, {
      newsId: 1,
      kind: 'multicast',
      segment: {},
    });
    await runPushJobs(app.deps, { jobId: job.id });
    const sentTo = acceptedMulticasts(mock).flatMap((r) => (r.body as { to: string[] }).to);
    expect(sentTo.length).toBeGreaterThan(0);
    expect(sentTo).not.toContain(userId);

    const started = await send(events.postback({ userId }, 'action=news&sub=start'));
    expect(JSON.stringify(started)).toContain('เปิดรับข่าวแล้ว');
    expect(optOut()).toBe(false);

    await ask(userId, 'stop news');
    expect(optOut()).toBe(true);
    await ask(userId, 'รับข่าว');
    expect(optOut()).toBe(false);
    // Asking for the news changes nothing.
    await ask(userId, 'ข่าวล่าสุด');
    expect(optOut()).toBe(false);
  });
});

describe('stop / start words in every language (the NLU news entity)', () => {
  it.each([
    ['หยุดรับข่าว', 'stop'],
    ['ไม่ต้องส่งข่าวมาแล้ว', 'stop'],
    ['รับข่าว', 'start'],
    ['เปิดรับข่าวด้วย', 'start'],
    ['stop news', 'stop'],
    ['Unsubscribe', 'stop'],
    ['start news', 'start'],
    ['subscribe to news', 'start'],
    ['သတင်း ရပ်ပါ', 'stop'],
    ['သတင်း မပို့ပါနဲ့တော့', 'stop'],
    ['သတင်း ပြန်ပို့ပါ', 'start'],
    ['ឈប់ផ្ញើព័ត៌មាន', 'stop'],
    ['ចាប់ផ្តើមទទួលព័ត៌មាន', 'start'],
    ['ចាប់ផ្ដើមទទួលព័ត៌មាន', 'start'],
    ['ຢຸດສົ່ງຂ່າວ', 'stop'],
    ['ບໍ່ຮັບຂ່າວແລ້ວ', 'stop'],
    ['ເປີດຮັບຂ່າວ', 'start'],
    ['ข่าวล่าสุด', undefined],
    ['latest news', undefined],
    ['ព័ត៌មានថ្មី', undefined],
    ['ມີຂ່າວໃໝ່ບໍ', undefined],
  ])('%s → %s', (text, expected) => {
    expect(newsSubcommand(extractEntities(text))).toBe(expected);
    expect(classify(text).entities.news).toBe(expected);
  });

  it('a postback sub= wins over the text, and no entity means the news', () => {
    expect(newsSubcommand({ news: 'stop' }, { sub: 'start' })).toBe('start');
    expect(newsSubcommand({}, { sub: 'stop' })).toBe('stop');
    expect(newsSubcommand({})).toBeUndefined();
    expect(newsSubcommand(undefined)).toBeUndefined();
  });
});
