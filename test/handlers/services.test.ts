/**
 * General services over the webhook, no login: section 40, paying contributions, talk to staff
 * (flag + admin API), the language picker, help / unknown, and the calculator. Numbers are
 * checked against src/rules; every reply carries quick replies within LINE's limits.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { SPOKEN } from '../../src/i18n.ts';
import {
  section39ContributionSatang,
  section40Options,
  unemploymentEstimate,
} from '../../src/rules/index.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { DEMO_IDENTITIES } from '../../src/store/demo-data.ts';
import { lineUsers, staffFlags } from '../../src/store/schema.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const TOKEN = 'admin-token-services-0123456789-xyzKQW';
/** 10 Mar 2026, 10:00 in Bangkok: the 17,500 ceiling and the 2026 section 40 benefits apply. */
const START = Date.parse('2026-03-10T03:00:00Z');
let now = START;
let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({
    lineApiBaseUrl: mock.url,
    env: { ADMIN_TOKEN: TOKEN },
    clock: { now: () => now },
  });
}, 60_000);

afterAll(async () => {
  // Every reply sent during the file: quick replies present, ≤ 13 items, labels ≤ 20.
  for (const r of mock.replies()) {
    const messages = (r.body as { messages: { quickReply?: { items: unknown[] } }[] }).messages;
    const items = (messages.at(-1)?.quickReply?.items ?? []) as {
      action: { label: string; data?: string };
    }[];
    expect(items.length, r.rawBody.slice(0, 200)).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(13);
    for (const i of items) expect(i.action.label.length, i.action.label).toBeLessThanOrEqual(20);
  }
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

type Sent = {
  type: string;
  text?: string;
  altText?: string;
  quickReply?: { items: { action: { label: string; data: string } }[] };
};

async function send(event: unknown): Promise<Sent[]> {
  const before = mock.replies().length;
  await app.post([event]);
  await app.settle();
  const replies = mock.replies();
  expect(replies.length).toBe(before + 1);
  return (replies.at(-1)!.body as { messages: Sent[] }).messages;
}

const say = (userId: string, text: string) => send(events.text({ userId }, text));
const tap = (userId: string, data: string) => send(events.postback({ userId }, data));
const json = (m: Sent[]) => JSON.stringify(m);
const qr = (m: Sent[]) => m.at(-1)!.quickReply!.items.map((i) => i.action);

let users = 0;
function newUser(lang?: 'en' | 'th'): string {
  const userId = demoUserId(`services-${++users}`);
  if (lang) mock.setProfile(userId, { displayName: 'x', language: lang });
  return userId;
}

function admin(method: string, path: string) {
  return app.app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` } });
}

const baht = (satang: number) => new Intl.NumberFormat('en-US').format(satang / 100);

describe('section40_info', () => {
  const options = section40Options('2026-03-10');

  it('compares options 1/2/3 side by side in Thai, from the dated rules with a source', async () => {
    const body = json(await say(newUser(), 'ม.40 คืออะไร'));
    expect(options.map((o) => o.monthlySatang)).toEqual([7000, 10000, 30000]);
    expect(body).toContain('มาตรา 40');
    for (const o of options) expect(body).toContain(`"${baht(o.monthlySatang)}"`);
    expect(body).toContain('ทางเลือก 3');
    expect(body).toContain('"3,000"'); // disability, up to
    expect(body).toContain('"90"'); // option 3 sick days
    expect(body).toContain('1 ม.ค. 2569'); // benefits in force, Buddhist era
    expect(body).toContain('ที่มา');
    expect(body).toContain('1506');
    expect(body).toContain('สำนักงานประกันสังคม');
  });

  it('answers in English by the LINE profile language', async () => {
    const body = json(await say(newUser('en'), 'what is section 40'));
    expect(body).toContain('Section 40');
    expect(body).toContain('Option 1');
    expect(body).toContain('Royal Decree No. 5');
    expect(body).toContain('1 Jan 2026');
    expect(body).toContain('Source:');
    expect(body).toMatch(/70 THB.*100 THB.*300 THB/);
  });
});

describe('pay_contribution', () => {
  it('section 39: the amount, the lapse rule (never "pay up"), from section 39 rules only (th)', async () => {
    const messages = await say(newUser(), 'จ่ายเงินสมทบมาตรา 39 ที่ไหน');
    const body = json(messages);
    expect(section39ContributionSatang('2026-03-10')).toBe(43200);
    expect(body).toContain('432 บาท');
    expect(body).toContain('3 เดือนติดต่อกัน');
    expect(body).toContain('ที่มา:');
    expect(body).toContain('1506');
    // Asked about section 39: section 40 amounts are one tap away, not in this answer.
    expect(body).not.toContain('300 บาท');
    expect(qr(messages).map((a) => a.data)).toContain('action=pay_contribution&section=40');
  });

  it('"how do I pay?" gets the payment channels in English, sourced, with what is not confirmed', async () => {
    const messages = await say(newUser('en'), 'how do i pay my contributions');
    const body = json(messages);
    expect(messages[0]!.type).toBe('flex');
    expect(body).toContain('How to pay section 39 and 40 contributions');
    expect(body).toContain('not confirmed');
    expect(body).toContain('Source:');
    expect(body).toContain('1506');
    // Section 40's options are one tap away.
    expect(qr(messages).map((a) => a.data)).toContain('action=section40_info');
  });
});

describe('talk_to_staff', () => {
  it('flags the chat once (masked), lists it in the admin API, and closes it', async () => {
    const userId = newUser();
    const first = await say(userId, 'ขอคุยกับเจ้าหน้าที่ เลขบัตร 3100600123450');
    expect(first[0]!.text).toContain('เจ้าหน้าที่จะติดต่อกลับ');
    expect(first[0]!.text).toContain('1506');
    const again = await say(userId, 'ติดต่อเจ้าหน้าที่');
    expect(again[0]!.text).toContain('อยู่กับเจ้าหน้าที่แล้ว');
    const rows = app.store.syncDb
      .select()
      .from(staffFlags)
      .where(eq(staffFlags.userId, userId))
      .all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.note).toContain('3-1006-xxxxx-xx-0');
    expect(rows[0]!.note).not.toContain('3100600123450');

    const res = await admin('GET', '/admin/staff-flags?status=open');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { id: number; userId: string; note: string; status: string; lang: string }[];
    };
    const mine = items.filter((i) => i.userId === userId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'open', lang: 'th' });
    expect(JSON.stringify(items)).not.toContain('3100600123450');
    expect(first[0]!.text).toContain(`#${mine[0]!.id}`);

    const closed = await admin('POST', `/admin/staff-flags/${mine[0]!.id}/close`);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ status: 'closed' });
    expect((await admin('POST', `/admin/staff-flags/${mine[0]!.id}/close`)).status).toBe(409);
    expect((await admin('POST', '/admin/staff-flags/999999/close')).status).toBe(404);
    const open = (await (await admin('GET', '/admin/staff-flags?status=open')).json()) as {
      items: { userId: string }[];
    };
    expect(open.items.some((i) => i.userId === userId)).toBe(false);
    expect((await admin('GET', '/admin/staff-flags?status=nope')).status).toBe(400);
    expect(
      (await app.app.request('/admin/staff-flags', { headers: { authorization: 'Bearer x' } }))
        .status,
    ).toBe(401);

    // Closed: asking again opens a new flag.
    await say(userId, 'ติดต่อเจ้าหน้าที่');
    expect(
      app.store.syncDb.select().from(staffFlags).where(eq(staffFlags.userId, userId)).all(),
    ).toHaveLength(2);
  });

  it('opens a new flag after 24 hours, and answers in English', async () => {
    const userId = newUser('en');
    const first = await say(userId, 'I want to talk to a person');
    expect(first[0]!.text).toContain('A staff member will follow up');
    expect((await say(userId, 'contact staff please'))[0]!.text).toContain(
      'already with our staff',
    );
    now += 25 * 3600_000;
    try {
      expect((await say(userId, 'contact staff please'))[0]!.text).toContain(
        'I have passed your request',
      );
    } finally {
      now = START;
    }
    const rows = app.store.syncDb
      .select()
      .from(staffFlags)
      .where(eq(staffFlags.userId, userId))
      .all();
    expect(rows).toHaveLength(2);
    const list = (await (await admin('GET', '/admin/staff-flags')).json()) as {
      items: { createdAt: number }[];
    };
    const times = list.items.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
  });
});

describe('change_language', () => {
  it('offers the five languages, each named in itself', async () => {
    const messages = await say(newUser(), 'เปลี่ยนภาษา');
    const actions = qr(messages);
    for (const [label, lang] of [
      ['ไทย', 'th'],
      ['English', 'en'],
      ['မြန်မာ', 'my'],
      ['ខ្មែរ', 'km'],
      ['ລາວ', 'lo'],
    ]) {
      expect(actions).toContainEqual(
        expect.objectContaining({ label, data: `action=change_language&lang=${lang}` }),
      );
    }
    expect(messages[0]!.text).toContain('เลือกภาษา');
    expect(messages[0]!.text).toContain('Choose your language');
  });

  it('stores the choice and answers in it from the next message on', async () => {
    const userId = newUser('th');
    const confirm = await tap(userId, 'action=change_language&lang=en');
    expect(confirm[0]!.text).toContain('I will answer in English');
    const row = app.store.syncDb.select().from(lineUsers).where(eq(lineUsers.userId, userId)).get();
    expect(row?.chosenLanguage).toBe('en');
    const next = json(await say(userId, 'ม.40 คืออะไร'));
    expect(next).toContain('Option 1');
    // …and back to Thai.
    expect((await tap(userId, 'action=change_language&lang=th'))[0]!.text).toContain('ภาษาไทย');
    expect(json(await say(userId, 'help'))).toContain('ผู้ช่วย');
  });

  it('stores Khmer and Burmese even before their translations land, confirming in them', async () => {
    for (const [lang, word, s40] of [
      ['km', 'ខ្មែរ', 'មាត្រា 40'],
      ['my', 'မြန်မာ', 'ပုဒ်မ 40'],
    ] as const) {
      const userId = newUser('th');
      const confirm = await tap(userId, `action=change_language&lang=${lang}`);
      expect(confirm[0]!.text).toContain(word);
      const row = app.store.syncDb
        .select()
        .from(lineUsers)
        .where(eq(lineUsers.userId, userId))
        .get();
      expect(row?.chosenLanguage).toBe(lang);
      const body = json(await tap(userId, 'action=section40_info'));
      // Thai until the language is spoken (its translation.json has `welcome`), then its own.
      expect(body).toContain(SPOKEN.includes(lang) ? s40 : 'มาตรา 40');
      expect(body).toContain('"300"');
    }
  });
});

describe('greeting_help and unknown', () => {
  it('shows the help menu with the new services, in Thai and English', async () => {
    const th = await say(newUser(), 'สวัสดี');
    expect(json(th)).toContain('มาตรา 40: ทางเลือกและสิทธิประโยชน์');
    expect(qr(th).map((a) => a.data)).toEqual(
      expect.arrayContaining(['action=section40_info', 'action=greeting_help&calc=menu']),
    );
    const en = await say(newUser('en'), 'hello');
    expect(json(en)).toContain('Calculator: contribution, unemployment, pension');
    expect(qr(en).map((a) => a.label)).toContain('Calculator');
  });

  it('says politely what it can help with when the text is out of scope', async () => {
    const th = await say(newUser(), 'หวยออกอะไร');
    expect(th[0]!.text).toContain('ตอบได้เฉพาะเรื่องประกันสังคม');
    expect(qr(th).length).toBeGreaterThanOrEqual(6);
    const en = await say(newUser('en'), 'weather today');
    expect(en[0]!.text).toContain('I can only help with Social Security matters');
  });
});

describe('calculator', () => {
  it('section 33 contribution for a wage by postback: 15,000 → 750, 30,000 → 875 (capped)', async () => {
    const userId = newUser();
    const a = json(await tap(userId, 'action=contribution_balance&calc=contribution&wage=15000'));
    expect(a).toContain('"750 บาท"');
    const b = await tap(userId, 'action=contribution_balance&calc=contribution&wage=30000');
    expect(json(b)).toContain('"875 บาท"');
    expect(json(b)).toContain('"17,500 บาท"');
    expect(json(b)).toContain('20,000 บาท'); // the next ceiling, from 2029
    expect(qr(b).map((x) => x.label)).toEqual(
      expect.arrayContaining(['ค่าจ้าง 9,000', 'ค่าจ้าง 15,000', 'ค่าจ้าง 17,500']),
    );
  });

  it('answers typed wages without a link (th), instead of the link prompt', async () => {
    const userId = newUser();
    expect(json(await say(userId, 'คำนวณเงินสมทบ 15000'))).toContain('"750 บาท"');
    expect(json(await say(userId, 'ค่าจ้าง 20000 ส่งเงินสมทบเท่าไหร่'))).toContain('"875 บาท"');
    const u = json(await say(userId, 'ตกงานได้เท่าไหร่ เงินเดือน 25000'));
    const laidOff = unemploymentEstimate('laid_off', 2_500_000, '2026-03-10');
    expect(laidOff.monthlySatang).toBe(1_050_000);
    expect(u).toContain('10,500 บาท');
    expect(u).toContain('5,250 บาท');
    expect(u).toContain('63,000 บาท');
    expect(u).not.toContain('ยืนยันตัวตน');
  });

  it('reads the wage, cause and months from the NLU entities, number words included', async () => {
    const userId = newUser();
    // cause "ลาออก" (resigned): the resignation estimate comes first, the lay-off one second
    const u = json(await say(userId, 'ตกงาน เงินเดือน 25000 ลาออก'));
    expect(u).toContain('5,250 บาท');
    expect(u).toContain('10,500 บาท');
    expect(u.indexOf('5,250 บาท')).toBeLessThan(u.indexOf('10,500 บาท'));
    expect(json(await say(userId, 'คำนวณเงินสมทบ หมื่นห้า'))).toContain('"750 บาท"');
    expect(json(await say(userId, 'เงินเดือน 1.5 หมื่น หักเท่าไหร่'))).toContain('"750 บาท"');
    const p = json(await say(userId, 'คำนวณบำนาญ ส่งมา 20 ปี เงินเดือน 15000'));
    expect(p).toContain('27.5%');
    expect(p).toContain('4,125 บาท');
    expect(json(await say(userId, 'salary 15k how much contribution'))).toMatch(/"750 (บาท|THB)"/);
  });

  it.each([
    ['my', 'အလုပ်လက်မဲ့ 25000', '10,500'],
    ['my', 'ထည့်ဝင်ငွေ တစ်သောင်းခွဲ', '750'],
    ['km', 'ប្រាក់ខែ 1ម៉ឺន5ពាន់ បង់ភាគទានប៉ុន្មាន', '750'],
    ['lo', 'ເງິນສົມທົບ 15 ພັນ', '750'],
  ])('calculates from typed text in %s: %s', async (_lang, question, amount) => {
    const userId = newUser();
    const answer = json(await say(userId, question));
    expect(answer).toMatch(new RegExp(`[" ]${amount} (บาท|THB|ဘတ်|បាត|ບາດ)`));
    expect(answer).not.toContain('/link?linkToken=');
  });

  it('estimates unemployment and the pension in English', async () => {
    const userId = newUser('en');
    const u = json(await say(userId, 'how much unemployment benefit if my salary is 25000'));
    expect(u).toContain('10,500 THB');
    const p = json(
      await tap(userId, 'action=contribution_balance&calc=pension&months=240&wage=15000'),
    );
    expect(p).toContain('27.5%');
    expect(p).toContain('4,125 THB');
    const lump = json(
      await tap(userId, 'action=contribution_balance&calc=pension&months=120&wage=15000'),
    );
    expect(lump).toContain('Lump sum');
    expect(lump).toContain('60 more months');
    // The lump sum is paid from 55 once insured work has ended, never "now".
    expect(lump).toMatch(/age 55/);
    // Each of the last 60 months counts at most its own month's ceiling: on 10 Mar 2026 a
    // 20,000 wage averages (57 × 15,000 + 3 × 17,500) / 60 = 15,125, not 17,500.
    const high = json(
      await tap(userId, 'action=contribution_balance&calc=pension&months=240&wage=20000'),
    );
    expect(high).toContain('15,125 THB');
    expect(high).toContain('4,159 THB');
  });

  it('asks for the missing inputs with quick replies', async () => {
    const userId = newUser();
    const menu = await tap(userId, 'action=greeting_help&calc=menu');
    expect(qr(menu).map((a) => a.data)).toEqual(
      expect.arrayContaining([
        'action=contribution_balance&calc=contribution',
        'action=unemployment_benefit&calc=estimate',
        'action=contribution_balance&calc=pension',
      ]),
    );
    const ask = await say(userId, 'คำนวณเงินสมทบ');
    expect(ask[0]!.text).toContain('ค่าจ้างต่อเดือน');
    expect(qr(ask).map((a) => a.data)).toContain(
      'action=contribution_balance&calc=contribution&wage=15000',
    );
    const months = await tap(userId, 'action=contribution_balance&calc=pension&wage=15000');
    expect(qr(months).map((a) => a.data)).toContain(
      'action=contribution_balance&calc=pension&months=240&wage=15000',
    );
  });

  it('still gives a linked person their own record when no wage is typed', async () => {
    await seedDemoData(app.store, { people: 50 });
    const who = DEMO_IDENTITIES[0]!;
    const userId = newUser();
    await bindAccount(app.store, userId, who.personId, now);
    expect(json(await say(userId, 'เงินสมทบของฉันเท่าไหร่'))).toContain('เดือนล่าสุดที่ชำระ');
    expect(json(await say(userId, 'คำนวณเงินสมทบ 15000'))).toContain('"750 บาท"');
  });
});
