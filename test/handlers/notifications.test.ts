/**
 * The notifications intent over the webhook with the LINE mock: the settings card (linked,
 * unlinked, group) within LINE's limits in every language, the consent shown before the first
 * turn-on and stored only on confirmation (date and a record of the exact wording), per-category
 * toggles, all on / all off, "stop notifications", and the lone "stop" in every language (news
 * stopped too). Also: the NLU's notify entities, and the push texts the engine renders.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { notificationRequest } from '../../src/handlers/notifications.ts';
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import { findLimitViolations, type Message } from '../../src/line/limits.ts';
import { classify } from '../../src/nlu/index.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import {
  CONSENT_VERSION,
  getNotificationPrefs,
  turnNotificationsOn,
} from '../../src/store/notification-prefs.ts';
import {
  auditLog,
  lineUsers,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
} from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson } from '../helpers/people.ts';

let mock: LineMock;
let app: TestApp;
let s33: number;
let s39: number;
const i18n = createI18n();

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
  s33 = insertPerson(app.store, { section: 33 }).id;
  s39 = insertPerson(app.store, { section: 39, firstNameTh: 'มาลี' }).id;
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
  const messages = (mock.replies().at(-1)!.body as { messages: Message[] }).messages;
  expect(findLimitViolations(messages)).toEqual([]);
  return messages;
}
const say = (userId: string, text: string) => send(events.text({ userId }, text));
const tap = (userId: string, data: string) => send(events.postback({ userId }, data));

let n = 0;
async function linkedUser(personId: number, lang: Lang = 'th'): Promise<string> {
  const userId = demoUserId(`notify-${n++}`);
  mock.setProfile(userId, { displayName: 'x', language: lang });
  await bindAccount(app.store, userId, personId, Date.now());
  return userId;
}
function unlinkedUser(lang: Lang = 'th'): string {
  const userId = demoUserId(`notify-${n++}`);
  mock.setProfile(userId, { displayName: 'x', language: lang });
  return userId;
}

const prefs = async (userId: string) =>
  Object.fromEntries((await getNotificationPrefs(app.store, userId)).map((p) => [p.category, p]));
const enabled = async (userId: string) =>
  (await getNotificationPrefs(app.store, userId)).filter((p) => p.enabled).map((p) => p.category);
const newsOptOut = (userId: string) =>
  app.store.syncDb.select().from(lineUsers).where(eq(lineUsers.userId, userId)).get()?.newsOptOut;

interface FlexNode {
  type?: string;
  text?: string;
  action?: { type: string; label?: string; data?: string };
  contents?: FlexNode[] | FlexNode;
  body?: FlexNode;
  footer?: FlexNode;
  header?: FlexNode;
}
type Flex = { type: 'flex'; altText: string; contents: FlexNode };

function flexOf(messages: Message[]): Flex {
  const flex = messages.find((m) => m.type === 'flex') as Flex | undefined;
  expect(flex, JSON.stringify(messages)).toBeDefined();
  return flex!;
}
function walk(node: unknown, out: FlexNode[] = []): FlexNode[] {
  if (Array.isArray(node)) for (const x of node) walk(x, out);
  else if (node && typeof node === 'object') {
    out.push(node as FlexNode);
    for (const v of Object.values(node)) if (typeof v === 'object') walk(v, out);
  }
  return out;
}
/** Postback data of every button in the Flex message. */
const buttons = (flex: Flex) =>
  walk(flex.contents)
    .filter((x) => x.type === 'button' && x.action?.type === 'postback')
    .map((x) => x.action!.data!);
/** The toggle of one category on the card: its postback data. */
function toggle(flex: Flex, category: NotificationCategory): string {
  const data = buttons(flex).find((d) => d.includes(`cat=${category}&`));
  expect(data).toBeDefined();
  return data!;
}
/** The consent card's wording (the only text in its body) and its confirm button. */
function consentOf(messages: Message[]): { wording: string; confirm: string } {
  const flex = flexOf(messages);
  const body = (flex.contents as { body: FlexNode }).body;
  const texts = walk(body).filter((x) => x.type === 'text');
  expect(texts).toHaveLength(1);
  const confirm = buttons(flex).find((d) => d.includes('consent=1'));
  expect(confirm).toBeDefined();
  return { wording: texts[0]!.text!, confirm: confirm! };
}
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const quickData = (m: Message) =>
  (m.quickReply?.items ?? []).map((i) => (i.action as { data?: string }).data);

describe('the settings card', () => {
  it('shows a linked user every category, off, with a toggle each, in every language', async () => {
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const userId = await linkedUser(s33, lang);
      const messages = await tap(userId, 'action=notifications');
      const flex = flexOf(messages);
      const json = JSON.stringify(flex);
      for (const c of NOTIFICATION_CATEGORIES) {
        expect(json, `${lang} ${c}`).toContain(String(t(`notify.category.${c}.name`)));
        expect(toggle(flex, c)).toBe(`action=notifications&cat=${c}&on=1`);
      }
      expect(json).toContain(String(t('notify.stateOff')));
      expect(json).not.toContain(String(t('notify.stateOn')));
      expect(buttons(flex)).toContain('action=notifications&all=on');
      expect(buttons(flex)).not.toContain('action=notifications&all=off');
      expect(json).toContain(String(t('notify.subtitle', { on: 0, total: 7 })));
      expect(json).not.toContain('{{'); // every placeholder filled
      // The longest consent text (every category) fits too; nothing is stored by showing it.
      const consent = consentOf(await tap(userId, 'action=notifications&all=on'));
      expect(consent.wording).toContain(String(t('notify.category.hospital_window.name')));
      expect(consent.confirm).toContain(`lang=${lang}`);
      expect(await enabled(userId)).toEqual([]);
    }
    const audits = app.store.syncDb.select().from(auditLog).where(eq(auditLog.personId, s33)).all();
    expect(audits.some((a) => a.purpose.startsWith('notification settings'))).toBe(true);
  });

  it('says which categories are for other sections, with the numbers from the dated rules', async () => {
    const t = i18n.t('th');
    const note33 = (sections: string) => String(t('notify.notFor', { sections, section: 33 }));
    const card33 = JSON.stringify(flexOf(await say(await linkedUser(s33), 'ตั้งค่าการแจ้งเตือน')));
    expect(card33).toContain(note33('39')); // lapse_risk
    expect(card33).toContain(note33('39/40')); // contribution_due
    expect(card33).toContain('3 เดือนติดต่อกัน'); // s39.lapse
    expect(card33).toContain('3 เดือนใน 15 เดือน'); // medical.eligibility
    const card39 = JSON.stringify(flexOf(await say(await linkedUser(s39), 'การแจ้งเตือน')));
    expect(card39).not.toContain('สำหรับผู้ประกันตนมาตรา 39 (');
    expect(card39).toContain(String(t('notify.notFor', { sections: 33, section: 39 }))); // unemployment
  });

  it('gives an unlinked user what notifications are and the link offer; nothing is stored', async () => {
    const userId = unlinkedUser();
    const t = i18n.t('th');
    for (const event of [
      events.text({ userId }, 'การแจ้งเตือน'),
      events.postback({ userId }, 'action=notifications&cat=payment_made&on=1'),
      events.postback({ userId }, 'action=notifications&all=on'),
    ]) {
      const messages = await send(event);
      const json = JSON.stringify(messages);
      expect(json).toContain('การแจ้งเตือนส่วนตัวจากประกันสังคม');
      expect(json).toContain(String(t('notify.category.payment_made.name')));
      expect(json).toContain('/link?linkToken=');
    }
    // A confirmation (an old card, a crafted postback) does not turn anything on either.
    await tap(userId, 'action=notifications&cat=payment_made&on=1&consent=1&lang=th&h=00');
    expect(await enabled(userId)).toEqual([]);
    expect((await prefs(userId)).payment_made!.updatedAt).toBeNull();
  });

  it('in a group answers "only in a 1:1 chat" and changes nothing', async () => {
    const userId = await linkedUser(s33);
    const group = (e: Record<string, unknown>) => ({
      ...e,
      source: { type: 'group', groupId: `C${'5'.repeat(32)}`, userId },
    });
    for (const event of [
      group(events.text({ userId }, 'การแจ้งเตือน')),
      group(events.postback({ userId }, 'action=notifications&all=on')),
      group(events.text({ userId }, 'หยุด')),
    ]) {
      const json = JSON.stringify(await send(event));
      expect(json).toContain('แชต 1:1');
      expect(json).not.toContain('"flex"');
    }
    expect(await enabled(userId)).toEqual([]);
    expect(newsOptOut(userId)).toBe(false);
  });
});

describe('consent and toggles', () => {
  it('asks for consent the first time and stores it, dated, only on confirmation', async () => {
    const userId = await linkedUser(s39);
    const consentMessages = await tap(userId, 'action=notifications&cat=payment_made&on=1');
    expect(await enabled(userId)).toEqual([]);
    expect((await prefs(userId)).payment_made!.consentAt).toBeNull();
    const { wording, confirm } = consentOf(consentMessages);
    expect(wording).toContain('LINE');
    expect(wording).toContain('หยุดแจ้งเตือน');
    expect(wording).toContain(String(i18n.t('th')('notify.category.payment_made.name')));
    expect(confirm).toMatch(/^action=notifications&cat=payment_made&on=1&consent=1&lang=th&h=/);
    expect(confirm).toContain(`h=${sha256(wording).slice(0, 16)}`);

    const before = Date.now();
    const done = await tap(userId, confirm);
    const pref = (await prefs(userId)).payment_made!;
    expect(pref.enabled).toBe(true);
    expect(pref.consentAt).toBeGreaterThanOrEqual(before);
    expect(pref.consentAt).toBeLessThanOrEqual(Date.now());
    expect(pref.consentText).toBe(`th:${sha256(wording)}:${CONSENT_VERSION}`);
    expect(await enabled(userId)).toEqual(['payment_made']);
    expect(JSON.stringify(done[0])).toContain('เปิดการแจ้งเตือน \\"เงินเข้า\\" แล้ว');
    const card = flexOf(done);
    expect(toggle(card, 'payment_made')).toBe('action=notifications&cat=payment_made&on=0');
    expect(toggle(card, 'claim_decided')).toBe('action=notifications&cat=claim_decided&on=1');
    expect(buttons(card)).toContain('action=notifications&all=off');
  });

  it('turns one category off keeping the consent, and back on without asking again', async () => {
    const userId = await linkedUser(s33);
    const { confirm } = consentOf(await tap(userId, 'action=notifications&cat=claim_decided&on=1'));
    await tap(userId, confirm);
    const consented = (await prefs(userId)).claim_decided!;

    const off = await tap(userId, 'action=notifications&cat=claim_decided&on=0');
    expect(JSON.stringify(off[0])).toContain('ปิดการแจ้งเตือน');
    const after = (await prefs(userId)).claim_decided!;
    expect(after.enabled).toBe(false);
    expect(after.consentAt).toBe(consented.consentAt);
    expect(after.consentText).toBe(consented.consentText);
    expect(after.updatedAt).toBeGreaterThanOrEqual(consented.updatedAt!);

    const again = await tap(userId, 'action=notifications&cat=claim_decided&on=1');
    expect(JSON.stringify(again)).not.toContain('consent=1');
    expect(await enabled(userId)).toEqual(['claim_decided']);
    expect((await prefs(userId)).claim_decided!.consentAt).toBe(consented.consentAt);
  });

  it('shows the consent again instead of storing it when the wording is not the one shown', async () => {
    const userId = await linkedUser(s33);
    const { confirm } = consentOf(await tap(userId, 'action=notifications&cat=lapse_risk&on=1'));
    const forged = confirm.replace(/h=[0-9a-f]+/, 'h=0123456789abcdef');
    const messages = await tap(userId, forged);
    expect(JSON.stringify(messages[0])).toContain('ข้อความขอความยินยอมมีการเปลี่ยนแปลง');
    expect(consentOf(messages).confirm).toBe(confirm);
    expect(await enabled(userId)).toEqual([]);
    expect((await prefs(userId)).lapse_risk!.consentAt).toBeNull();
  });

  it('records the language the consent was shown in', async () => {
    const userId = await linkedUser(s39, 'km');
    const { wording, confirm } = consentOf(
      await tap(userId, 'action=notifications&cat=hospital_window&on=1'),
    );
    expect(confirm).toContain('lang=km');
    expect(wording).toContain('LINE');
    await tap(userId, confirm);
    expect((await prefs(userId)).hospital_window!.consentText).toBe(
      `km:${sha256(wording)}:${CONSENT_VERSION}`,
    );
  });

  it('turns everything on after one consent listing every category, and all off', async () => {
    const userId = await linkedUser(s39, 'en');
    const consent = consentOf(await tap(userId, 'action=notifications&all=on'));
    for (const c of NOTIFICATION_CATEGORIES) {
      expect(consent.wording).toContain(String(i18n.t('en')(`notify.category.${c}.name`)));
    }
    expect(consent.confirm).toMatch(/^action=notifications&all=on&consent=1&lang=en&h=/);
    await tap(userId, consent.confirm);
    expect(await enabled(userId)).toEqual([...NOTIFICATION_CATEGORIES]);
    const record = `en:${sha256(consent.wording)}:${CONSENT_VERSION}`;
    for (const p of Object.values(await prefs(userId))) expect(p.consentText).toBe(record);

    const off = await tap(userId, 'action=notifications&all=off');
    expect(JSON.stringify(off)).toContain('All notifications are off');
    expect(quickData(off.at(-1)!)).toContain('action=notifications');
    expect(await enabled(userId)).toEqual([]);
    // Consent kept: all back on without asking.
    await tap(userId, 'action=notifications&all=on');
    expect(await enabled(userId)).toEqual([...NOTIFICATION_CATEGORIES]);
  });

  it('understands typed requests: one category on (consent first) or off, all off', async () => {
    const userId = await linkedUser(s39);
    const consent = consentOf(await say(userId, 'เปิดแจ้งเตือนเงินเข้า'));
    expect(consent.confirm).toContain('cat=payment_made&on=1&consent=1');
    await tap(userId, consent.confirm);
    await tap(userId, 'action=notifications&cat=hospital_window&on=1').then(async (m) =>
      tap(userId, consentOf(m).confirm),
    );
    expect(await enabled(userId)).toEqual(['payment_made', 'hospital_window']);

    await say(userId, 'ปิดการเตือนเรื่องโรงพยาบาล');
    expect(await enabled(userId)).toEqual(['payment_made']);

    const off = await say(userId, 'หยุดแจ้งเตือน');
    expect(JSON.stringify(off)).toContain('ปิดการแจ้งเตือนทั้งหมดแล้ว');
    expect(await enabled(userId)).toEqual([]);
    expect(newsOptOut(userId)).toBe(false); // "stop notifications" is not "stop news"
  });
});

describe('"stop"', () => {
  const STOP: Record<Lang, readonly string[]> = {
    th: ['หยุด', 'หยุดเลยค่ะ'],
    en: ['stop', 'STOP please!'],
    my: ['ရပ်', 'ရပ်လိုက်ပါ'],
    km: ['ឈប់', 'សូមឈប់'],
    lo: ['ຢຸດ', 'ຢຸດເດີ'],
  };

  for (const lang of LANGUAGES) {
    it(`a lone stop word (${lang}) turns every notification and the news off`, async () => {
      const t = i18n.t(lang);
      for (const word of STOP[lang]) {
        const userId = await linkedUser(s39, lang);
        await turnNotificationsOn(app.store, userId, NOTIFICATION_CATEGORIES, Date.now(), {
          at: Date.now(),
          text: `${lang}:test:${CONSENT_VERSION}`,
        });
        const messages = await say(userId, word);
        expect(JSON.stringify(messages), word).toContain(
          JSON.stringify(String(t('notify.stopped'))).slice(1, -1),
        );
        expect(await enabled(userId), word).toEqual([]);
        expect(newsOptOut(userId), word).toBe(true);
        const data = quickData(messages.at(-1)!);
        expect(data).toContain('action=notifications');
        expect(data).toContain('action=news&sub=start');
        // The consent record stays: turning back on does not ask again.
        expect((await prefs(userId)).payment_made!.consentText).toBe(
          `${lang}:test:${CONSENT_VERSION}`,
        );
      }
    });
  }

  it('works for an unlinked user too (news off; no notification was on)', async () => {
    const userId = unlinkedUser('en');
    await say(userId, 'hello');
    expect(newsOptOut(userId)).toBe(false);
    const messages = await say(userId, 'stop');
    expect(JSON.stringify(messages)).toContain('Notifications and news messages are both stopped');
    expect(newsOptOut(userId)).toBe(true);
    expect((await prefs(userId)).claim_decided!.updatedAt).toBeNull();
  });
});

describe("the NLU's notify entities", () => {
  it.each([
    ['หยุด', { kind: 'stop' }],
    ['Stop!', { kind: 'stop' }],
    ['ရပ်ပါ', { kind: 'stop' }],
    ['ឈប់ទៅ', { kind: 'stop' }],
    ['ຢຸດໂລດ', { kind: 'stop' }],
    ['หยุดแจ้งเตือน', { kind: 'off', categories: 'all' }],
    ['stop notifications', { kind: 'off', categories: 'all' }],
    ['ปิดการแจ้งเตือนทั้งหมด', { kind: 'off', categories: 'all' }],
    ['turn off all notifications', { kind: 'off', categories: 'all' }],
    ['အသိပေးချက် ပိတ်', { kind: 'off', categories: 'all' }],
    ['បិទការជូនដំណឹង', { kind: 'off', categories: 'all' }],
    ['ປິດແຈ້ງເຕືອນ', { kind: 'off', categories: 'all' }],
    ['ไม่ต้องเตือนเรื่องเงินสมทบแล้ว', { kind: 'off', categories: 'contribution_due' }],
    ['stop payment reminders', { kind: 'off', categories: 'contribution_due' }],
    ['turn off hospital reminders', { kind: 'off', categories: 'hospital_window' }],
    ['แจ้งฉันเมื่อคำขอได้รับการอนุมัติ', { kind: 'on', categories: 'claim_decided' }],
    ['notify me when my claim is paid', { kind: 'on', categories: 'payment_made' }],
    ['remind me if my coverage is about to lapse', { kind: 'on', categories: 'lapse_risk' }],
    ['ဆေးကုသခွင့် ကုန်ခါနီးရင် သတိပေးပါ', { kind: 'on', categories: 'medical_inactive' }],
    ['ជូនដំណឹងខ្ញុំពេលលុយចូល', { kind: 'on', categories: 'payment_made' }],
    ['ເຕືອນຂ້ອຍເວລາຮອດມື້ຈ່າຍ ມາດຕາ 40', { kind: 'on', categories: 'contribution_due' }],
    ['เปิดแจ้งเตือนทุกหมวด', { kind: 'on', categories: 'all' }],
    ['enable all notifications', { kind: 'on', categories: 'all' }],
    ['turn on notifications', { kind: 'card' }],
    ['แจ้งเตือนเยอะไป ปิดบางอันได้ไหม', { kind: 'card' }],
    ['notification settings', { kind: 'card' }],
    ['การแจ้งเตือน', { kind: 'card' }],
  ] as const)('%s → %o', (text, request) => {
    const result = classify(text);
    expect(result.intent).toBe('notifications');
    expect(notificationRequest({ entities: result.entities as Record<string, unknown> })).toEqual(
      request,
    );
  });

  it('reads only whole messages as a lone stop', () => {
    for (const text of ['stop news', 'หยุดงาน', 'หยุดรับข่าว', 'stopped', 'ឈប់ធ្វើការ']) {
      expect(classify(text).entities.notify, text).not.toBe('stop');
    }
    expect(classify('หยุดรับข่าว').intent).toBe('news');
  });

  it('postbacks: card, toggles, all, the confirmation; anything else shows the card', () => {
    const req = (data: string) =>
      notificationRequest({ entities: {}, params: Object.fromEntries(new URLSearchParams(data)) });
    expect(req('action=notifications')).toEqual({ kind: 'card' });
    expect(req('action=notifications&cat=lapse_risk&on=0')).toEqual({
      kind: 'off',
      categories: 'lapse_risk',
    });
    expect(req('action=notifications&all=on&consent=1&lang=my&h=ab')).toEqual({
      kind: 'on',
      categories: 'all',
      consent: { lang: 'my', hash: 'ab' },
    });
    expect(req('action=notifications&cat=nope&on=1')).toEqual({ kind: 'card' });
    expect(req('action=notifications&cat=lapse_risk')).toEqual({ kind: 'card' });
  });
});

describe('push texts (rendered by the notification engine)', () => {
  const PARAMS: Record<string, Record<string, string>> = {
    claim_approved: { benefit: 'B', claimId: 'SC-2026-000123' },
    claim_rejected: { benefit: 'B', claimId: 'SC-2026-000123' },
    payment_made: { benefit: 'B', amount: '1,234.00', date: 'D' },
    lapse_risk: { months: '2', deadline: 'D' },
    contribution_due: { section: '39', amount: '432.00', period: 'P', deadline: 'D' },
    medical_inactive: { date: 'D' },
    hospital_window: { from: 'F', to: 'T' },
    unemployment_report: { date: 'D' },
    footer: {},
  };

  it('exist in every language with every parameter used, short, one line of footer', () => {
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      for (const [key, params] of Object.entries(PARAMS)) {
        const value = String(t(`notify.msg.${key}`, params));
        expect(value, `${lang} ${key}`).not.toMatch(/\{\{|\}\}|^notify\./);
        for (const v of Object.values(params)) expect(value, `${lang} ${key}`).toContain(v);
        expect(value.length, `${lang} ${key}`).toBeLessThanOrEqual(400);
        expect(value).not.toContain('\n');
      }
      const label = String(t('notify.settingsButton'));
      expect(label.length, lang).toBeLessThanOrEqual(20);
      expect(label.length).toBeGreaterThan(0);
    }
  });

  it('tell the user to type phrases the bot understands', () => {
    const phrases: Record<Lang, Record<string, string>> = {
      th: { stop: 'หยุดแจ้งเตือน', claims: 'คำขอรับสิทธิของฉัน' },
      en: { stop: 'stop notifications', claims: 'my claims' },
      my: { stop: 'အသိပေးချက် ပိတ်', claims: 'ကျွန်ုပ်၏လျှောက်လွှာ' },
      km: { stop: 'បិទការជូនដំណឹង', claims: 'ពាក្យស្នើរបស់ខ្ញុំ' },
      lo: { stop: 'ປິດແຈ້ງເຕືອນ', claims: 'ຄຳຮ້ອງຂອງຂ້ອຍ' },
    };
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const { stop, claims } = phrases[lang];
      expect(String(t('notify.msg.footer')), lang).toContain(stop);
      expect(String(t('notify.msg.claim_approved', PARAMS.claim_approved!)), lang).toContain(
        claims,
      );
      expect(classify(stop!).intent, stop).toBe('notifications');
      expect(classify(stop!).entities.notify, stop).toBe('off');
      expect(classify(claims!).intent, claims).toBe('my_claims');
    }
  });
});
