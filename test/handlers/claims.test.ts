/**
 * `my_claims` over the webhook with the LINE mock (issue 16 item 1): a linked user gets a Flex
 * carousel of every claim, newest first, each with its status, timeline, amounts, masked reason
 * and next step, audited; more than 12 claims end with a "how many more" bubble; no claims get a
 * short "how to claim"; unlinked users get the general answer with the link offer; groups get
 * nothing personal; every language renders within LINE's limits; the unemployment bubble's
 * "details" button gives the unemployment answer unchanged.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { bangkokDate } from '../../src/format.ts';
import { myClaims } from '../../src/handlers/claims.ts';
import type { Ctx } from '../../src/handlers/context.ts';
import { LANGUAGES, type Lang } from '../../src/i18n.ts';
import { findLimitViolations, LIMITS, type Message } from '../../src/line/limits.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { pseudonym } from '../../src/store/audit.ts';
import { listClaimsForPerson } from '../../src/store/claims.ts';
import { DEMO_IDENTITIES } from '../../src/store/demo-data.ts';
import {
  auditLog,
  type Benefit,
  type BenefitClaimStatus,
  benefitClaimHistory,
  benefitClaims,
  benefitPayments,
  unemploymentClaims,
} from '../../src/store/schema.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson } from '../helpers/people.ts';

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
  await seedDemoData(app.store, { people: 50 });
}, 60_000);
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const today = bangkokDate(Date.now());
/** `days` before today (Bangkok), YYYY-MM-DD. */
function ago(days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
const masked = (id: string) => `${id[0]}-${id.slice(1, 5)}-xxxxx-xx-${id[12]}`;

interface ClaimSpec {
  id: string;
  benefit: Benefit;
  filedDaysAgo: number;
  status: BenefitClaimStatus;
  history: [BenefitClaimStatus, number][];
  decidedDaysAgo?: number;
  reason?: string;
  /** Satang. */
  approved?: number;
  installments?: number;
  payments?: {
    installment: number;
    amount: number;
    daysAgo: number;
    status: 'scheduled' | 'paid' | 'held';
  }[];
}

function insertClaim(personId: number, c: ClaimSpec): void {
  const db = app.store.syncDb;
  db.insert(benefitClaims)
    .values({
      id: c.id,
      personId,
      benefit: c.benefit,
      filedDate: ago(c.filedDaysAgo),
      status: c.status,
      decisionDate: c.decidedDaysAgo === undefined ? null : ago(c.decidedDaysAgo),
      reason: c.reason ?? null,
      approvedAmount: c.approved ?? null,
      installments: c.installments ?? null,
      updatedAt: 0,
    })
    .run();
  for (const [status, daysAgo] of c.history)
    db.insert(benefitClaimHistory)
      .values({ claimId: c.id, status, at: ago(daysAgo), note: null })
      .run();
  for (const p of c.payments ?? [])
    db.insert(benefitPayments)
      .values({
        claimId: c.id,
        installment: p.installment,
        amount: p.amount,
        payDate: ago(p.daysAgo),
        status: p.status,
        updatedAt: 0,
      })
      .run();
}

type Sent = {
  type: string;
  altText?: string;
  text?: string;
  contents?: { type: string; contents: unknown[] };
  quickReply?: { items: { action: { label: string; data?: string; type: string } }[] };
};

let users = 0;
function newUser(lang: Lang = 'th'): string {
  const userId = demoUserId(`claims-${++users}`);
  mock.setProfile(userId, { displayName: 'x', language: lang });
  return userId;
}

async function send(event: unknown): Promise<Sent[]> {
  const before = mock.replies().length;
  await app.post([event]);
  await app.settle();
  expect(mock.replies().length).toBe(before + 1);
  const messages = (mock.replies().at(-1)!.body as { messages: Sent[] }).messages;
  expect(findLimitViolations(messages as unknown as Message[])).toEqual([]);
  return messages;
}
const postback = (userId: string, data: string) => send(events.postback({ userId }, data));
const say = (userId: string, text: string) => send(events.text({ userId }, text));

/** The carousel's bubbles (the first flex message). */
function bubbles(messages: Sent[]): Record<string, unknown>[] {
  const flex = messages.find((m) => m.type === 'flex');
  expect(flex, 'a Flex message').toBeDefined();
  expect(flex!.contents!.type).toBe('carousel');
  return flex!.contents!.contents as Record<string, unknown>[];
}
/** Every text in a bubble, in order. */
function texts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) texts(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'text' && typeof o.text === 'string') out.push(o.text);
    for (const [k, v] of Object.entries(o)) if (k !== 'action') texts(v, out);
  }
  return out;
}
function postbacks(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) postbacks(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'postback' && typeof o.data === 'string') out.push(o.data);
    for (const v of Object.values(o)) postbacks(v, out);
  }
  return out;
}
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;

function audits(personId: number, action: string) {
  return app.store.syncDb
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.personId, personId), eq(auditLog.action, action)))
    .all();
}

// ---------------------------------------------------------------------------------------------
// A demo identity with several claims: DEMO_IDENTITIES[1], laid off (unemployment `paying`),
// plus claims for other benefits in several statuses.

const who = DEMO_IDENTITIES[1]!;
const SICK_REASON_ID = '3100600123450';
const demoClaims: ClaimSpec[] = [
  {
    id: 'T-SICK-0001',
    benefit: 'sickness',
    filedDaysAgo: 10,
    status: 'more_documents',
    history: [
      ['received', 10],
      ['reviewing', 8],
      ['more_documents', 5],
    ],
    // Stored masked on import; an unmasked one here proves the answer masks it anyway.
    reason: `ใบรับรองแพทย์ฉบับจริง (ผู้ป่วย ${SICK_REASON_ID})`,
  },
  {
    id: 'T-MAT-0001',
    benefit: 'maternity',
    filedDaysAgo: 200,
    status: 'paid',
    decidedDaysAgo: 190,
    history: [
      ['received', 200],
      ['reviewing', 196],
      ['approved', 190],
      ['paid', 185],
    ],
    approved: 1_500_000,
    payments: [{ installment: 1, amount: 1_500_000, daysAgo: 185, status: 'paid' }],
  },
  {
    id: 'T-CHILD-0001',
    benefit: 'child_allowance',
    filedDaysAgo: 170,
    status: 'paying',
    decidedDaysAgo: 160,
    history: [
      ['received', 170],
      ['approved', 160],
      ['paying', 150],
    ],
    approved: 80_000,
    installments: 72,
    payments: [
      { installment: 1, amount: 80_000, daysAgo: 150, status: 'paid' },
      { installment: 2, amount: 80_000, daysAgo: 120, status: 'paid' },
      { installment: 3, amount: 80_000, daysAgo: -10, status: 'scheduled' },
    ],
  },
  {
    id: 'T-INV-0001',
    benefit: 'invalidity',
    filedDaysAgo: 400,
    status: 'rejected',
    decidedDaysAgo: 380,
    history: [
      ['received', 400],
      ['reviewing', 395],
      ['rejected', 380],
    ],
    reason: 'ไม่ครบ 3 เดือนใน 15 เดือนก่อนทุพพลภาพ',
  },
];

describe('a linked user with several claims', () => {
  let userId: string;
  beforeAll(async () => {
    for (const c of demoClaims) insertClaim(who.personId, c);
    userId = newUser();
    await bindAccount(app.store, userId, who.personId, Date.now());
  });

  it('gets a carousel newest first: statuses, amounts, timeline in Buddhist-era dates, masked, audited', async () => {
    const messages = await say(userId, 'คำขอรับสิทธิของฉัน');
    const all = await listClaimsForPerson(app.store, who.personId);
    const shown = bubbles(messages);
    expect(shown.length).toBe(Math.min(all.length, 12));
    // Newest filed first, unemployment included, one bubble per claim in the store's order.
    const ids = shown.map((b) => all.findIndex((c) => texts(b).includes(c.id)));
    expect(ids).toEqual(ids.map((_, i) => i));
    const filed = ids.map((i) => all[i]!.filedDate);
    expect([...filed].sort().reverse()).toEqual(filed);
    const unemployment = all.find((c) => c.benefit === 'unemployment');
    expect(unemployment, 'the seeded unemployment claim').toBeDefined();

    const bubbleOf = (id: string) => texts(shown.find((b) => texts(b).includes(id)));
    const sick = bubbleOf('T-SICK-0001');
    expect(sick).toContain('เงินทดแทนกรณีเจ็บป่วย');
    expect(sick).toContain('รอเอกสารเพิ่มเติม');
    expect(sick.join('\n')).toContain('เอกสารที่ต้องเตรียม');
    expect(sick.join('\n')).toContain('ใบรับรองแพทย์ที่ระบุจำนวนวัน');
    expect(sick.join('\n')).toContain('เอกสารที่ขาด: ใบรับรองแพทย์ฉบับจริง');
    expect(sick.join('\n')).toMatch(/25[67]\d/); // Buddhist era

    const maternity = bubbleOf('T-MAT-0001').join('\n');
    expect(maternity).toContain('จ่ายเงินแล้ว');
    expect(maternity).toContain('15,000 บาท');
    expect(maternity).not.toContain('เอกสารที่ต้องเตรียม');

    const child = bubbleOf('T-CHILD-0001').join('\n');
    expect(child).toContain('กำลังจ่ายเงิน');
    expect(child).toContain('งวดละ 800 บาท × 72 งวด');
    expect(child).toContain('1,600 บาท'); // paid so far
    expect(child).toContain('งวดถัดไป');
    expect(child).toMatch(/จนบุตรอายุครบ \d+ ปี/); // from data/rules

    const invalidity = bubbleOf('T-INV-0001').join('\n');
    expect(invalidity).toContain('ไม่อนุมัติ');
    expect(invalidity).toContain('เหตุผลที่ไม่อนุมัติ: ไม่ครบ 3 เดือน');
    expect(invalidity).toContain('อุทธรณ์');

    const u = bubbleOf(unemployment!.id).join('\n');
    expect(u).toContain('เงินทดแทนกรณีว่างงาน');
    expect(u).toContain('กำลังจ่ายเงิน');
    expect(u).toContain('unemploy.doe.go.th');

    const body = JSON.stringify(messages);
    expect(body).toContain(masked(who.nationalId));
    expect(body).not.toContain(who.nationalId);
    expect(body).not.toContain(SICK_REASON_ID);
    expect(body).toContain('[ID]');
    const flex = messages.find((m) => m.type === 'flex')!;
    expect(flex.altText!.length).toBeLessThanOrEqual(LIMITS.altTextLength);
    expect(flex.altText).toContain('คำขอรับสิทธิของฉัน');
    expect(bytes(flex.contents)).toBeLessThanOrEqual(LIMITS.carouselBytes);
    const quick = messages.at(-1)!.quickReply!.items.map((i) => i.action.data);
    expect(quick).toContain('action=benefit_info');
    expect(quick).toContain('action=notifications');

    const entries = audits(who.personId, 'read_claims');
    expect(entries.length).toBe(1);
    expect(entries[0]!.actor).toBe(await pseudonym(app.deps.config.auditPseudonymKey, userId));
    expect(JSON.stringify(entries)).not.toContain(userId);
  });

  it('each benefit bubble offers its general answer; the unemployment one the details button', async () => {
    const shown = bubbles(await postback(userId, 'action=my_claims'));
    const data = shown.map((b) => postbacks(b));
    expect(data.flat()).toContain('action=benefit_info&topic=maternity_grant');
    expect(data.flat()).toContain('action=benefit_info&topic=sickness_cash');
    const unemploymentBubble = data.find((d) => d.includes('action=unemployment_benefit'));
    expect(unemploymentBubble).toEqual(['action=unemployment_benefit']);
  });

  it('the details button gives the unemployment answer unchanged (and audits that read)', async () => {
    const before = audits(who.personId, 'read_unemployment_claim').length;
    const viaButton = await postback(userId, 'action=unemployment_benefit');
    const body = JSON.stringify(viaButton);
    const claim = app.store.syncDb
      .select()
      .from(unemploymentClaims)
      .where(eq(unemploymentClaims.personId, who.personId))
      .get()!;
    expect(body).toContain('เงินทดแทนกรณีว่างงาน');
    expect(body).toContain(claim.id);
    expect(body).toContain('รายงานตัว');
    expect(body).toContain('10,500 บาท');
    expect(viaButton[0]!.type).toBe('flex');
    expect(viaButton[0]!.contents!.type).toBe('bubble'); // the unemployment card, not the list
    // The same card as asking for it in words (which may add the general answer before it).
    const asked = await say(userId, 'เงินว่างงานของฉันได้เมื่อไหร่');
    const strip = (m: Sent[]) => JSON.stringify(m.map(({ quickReply, ...rest }) => rest));
    expect(strip(asked.slice(-viaButton.length))).toBe(strip(viaButton));
    expect(audits(who.personId, 'read_unemployment_claim').length).toBe(before + 2);
  });

  it('"my maternity claim" shows that claim only, with a way back to all of them', async () => {
    const messages = await say(userId, 'ขอดูสถานะการเบิกค่าคลอดของฉัน');
    const shown = bubbles(messages);
    const maternity = (await listClaimsForPerson(app.store, who.personId)).filter(
      (c) => c.benefit === 'maternity',
    );
    expect(shown.length).toBe(maternity.length);
    for (const b of shown) expect(texts(b)[0]).toBe('เงินทดแทนกรณีคลอดบุตร');
    expect(shown.some((b) => texts(b).includes('T-MAT-0001'))).toBe(true);
    const quick = messages.at(-1)!.quickReply!.items.map((i) => i.action.data);
    expect(quick).toContain('action=my_claims');
  });

  it('renders in English with Gregorian dates, and in Burmese (Unicode), Khmer and Lao', async () => {
    const english = await postback(await newLinked('en'), 'action=my_claims');
    const en = JSON.stringify(english);
    expect(en).toContain('Sickness benefit');
    expect(en).toContain('Documents needed');
    expect(en).toContain('What to bring');
    expect(en).toContain('800 THB × 72 installments');
    expect(en).toMatch(/\d{1,2} \w+ 20[23]\d/);
    expect(en).not.toMatch(/\d{1,2} \S+ 25[67]\d/); // no Buddhist-era dates
    expect(english.find((m) => m.type === 'flex')!.altText).toMatch(/^My claims/);

    const burmese = await postback(await newLinked('my'), 'action=my_claims');
    const my = JSON.stringify(burmese);
    expect(my).toContain('နာမကျန်းခြင်း ခံစားခွင့်ငွေ');
    expect(my).toContain('စာရွက်စာတမ်း ထပ်လိုအပ်');
    expect(my).toContain('အသေးစိတ်'); // the details button
    // Unicode Burmese: nothing in the range Zawgyi misuses.
    expect(my).not.toMatch(/[\u1060-\u1097]/);
    for (const lang of ['km', 'lo'] as const) {
      const messages = await postback(await newLinked(lang), 'action=my_claims');
      const flex = messages.find((m) => m.type === 'flex')!;
      expect(flex.altText).toMatch(lang === 'km' ? /[\u1780-\u17ff]/ : /[\u0e80-\u0eff]/);
      expect(bytes(flex.contents)).toBeLessThanOrEqual(LIMITS.carouselBytes);
    }
  });

  async function newLinked(lang: Lang): Promise<string> {
    const id = newUser(lang);
    await bindAccount(app.store, id, who.personId, Date.now());
    return id;
  }
});

// ---------------------------------------------------------------------------------------------

describe('many claims, none, unlinked, groups', () => {
  it('more than 12 claims: the 11 newest and a last bubble saying how many more and where', async () => {
    const person = insertPerson(app.store);
    const benefits: Benefit[] = [
      'sickness',
      'maternity',
      'child_allowance',
      'invalidity',
      'death',
      'old_age',
    ];
    for (let i = 0; i < 15; i++) {
      // Long histories and the longest status, to push the carousel towards 50 KB.
      const history: [BenefitClaimStatus, number][] = [];
      for (let s = 0; s < 10; s++)
        history.push([s % 2 ? 'reviewing' : 'more_documents', 30 * i + 20 - s]);
      insertClaim(person.id, {
        id: `T-MANY-${String(i).padStart(4, '0')}`,
        benefit: benefits[i % benefits.length]!,
        filedDaysAgo: 30 * i + 25,
        status: 'more_documents',
        history,
        reason: 'เอกสารไม่ครบ '.repeat(20),
      });
    }
    for (const lang of LANGUAGES) {
      const userId = newUser(lang);
      await bindAccount(app.store, userId, person.id, Date.now());
      const messages = await postback(userId, 'action=my_claims');
      const shown = bubbles(messages);
      expect(shown.length, lang).toBe(12);
      const idsShown = shown.slice(0, 11).map((b) => texts(b).find((t) => t.startsWith('T-MANY-')));
      expect(idsShown, lang).toEqual(
        Array.from({ length: 11 }, (_, i) => `T-MANY-${String(i).padStart(4, '0')}`),
      );
      // Shortened to fit 50 KB, if at all, from the oldest: the newest keeps what to bring.
      expect(JSON.stringify(shown[0]), lang).toContain(
        String(app.deps.i18n.t(lang)('claims.bringTitle')),
      );
      const last = texts(shown[11]).join('\n');
      expect(last).toContain('1506');
      expect(last).toContain('SSO Connect');
      expect(last).toContain('4');
      const flex = messages.find((m) => m.type === 'flex')!;
      expect(bytes(flex.contents), lang).toBeLessThanOrEqual(LIMITS.carouselBytes);
      expect(flex.altText!.length).toBeLessThanOrEqual(LIMITS.altTextLength);
      if (lang === 'th') expect(last).toContain('ยังมีคำขออีก 4 รายการ');
    }
  });

  it('no claims: a short text on how to claim, with the benefits quick reply', async () => {
    const person = insertPerson(app.store);
    const userId = newUser();
    await bindAccount(app.store, userId, person.id, Date.now());
    const messages = await postback(userId, 'action=my_claims');
    expect(messages.length).toBe(1);
    expect(messages[0]!.type).toBe('text');
    expect(messages[0]!.text).toContain('ยังไม่พบคำขอ');
    expect(messages[0]!.text).toContain('e-Claim');
    expect(messages[0]!.text).toContain('1506');
    expect(messages[0]!.text).toContain('unemploy.doe.go.th'); // a section 33 person
    const quick = messages[0]!.quickReply!.items.map((i) => i.action.data);
    expect(quick).toContain('action=benefit_info');
    expect(audits(person.id, 'read_claims').length).toBe(1);

    // Section 40 has no unemployment benefit: not offered.
    const s40 = insertPerson(app.store, { section: 40, section40Option: 3 });
    const other = newUser();
    await bindAccount(app.store, other, s40.id, Date.now());
    const [s40Answer] = await postback(other, 'action=my_claims');
    expect(s40Answer!.text).toContain('ยังไม่พบคำขอ');
    expect(s40Answer!.text).not.toContain('unemploy.doe.go.th');
    const s40Quick = s40Answer!.quickReply!.items.map((i) => i.action.data);
    expect(s40Quick).not.toContain('action=unemployment_benefit');
  });

  it('unlinked: the general answer with the "see my own figures" offer, nothing personal', async () => {
    const userId = newUser();
    const messages = await postback(userId, 'action=my_claims');
    const body = JSON.stringify(messages);
    expect(messages[0]!.type).toBe('flex');
    expect(messages[0]!.contents!.type).toBe('bubble');
    expect(body).toContain('มาตรา 33'); // the overview of every benefit
    expect(body).toContain('action=link_account'); // "see my own figures", not the link wall
    expect(body).not.toContain('linkToken=');
    expect(body).toContain('SSO Connect');
    expect(body).not.toContain('T-');

    // A named benefit gets that benefit's topic (the maternity grant from data/rules).
    const maternity = JSON.stringify(await say(newUser(), 'ขอดูสถานะการเบิกค่าคลอดของฉัน'));
    expect(maternity).toContain('15,000');
    expect(maternity).toContain('action=link_account');
    expect(maternity).toContain('SSO Connect');
  });

  it('in a group, a linked user gets "1:1 only" and no claim; the handler refuses too', async () => {
    const userId = newUser();
    await bindAccount(app.store, userId, who.personId, Date.now());
    const before = audits(who.personId, 'read_claims').length;
    for (const event of [
      events.text({ userId }, 'คำขอรับสิทธิของฉัน'),
      events.postback({ userId }, 'action=my_claims'),
    ]) {
      const inGroup = {
        ...(event as Record<string, unknown>),
        source: { type: 'group', groupId: `C${'7'.repeat(32)}`, userId },
      };
      const body = JSON.stringify(await send(inGroup));
      expect(body).toContain('แชต 1:1');
      expect(body).not.toContain('T-MAT-0001');
      expect(body).not.toContain(masked(who.nationalId));
      expect(body).not.toContain('linkToken=');
    }
    expect(audits(who.personId, 'read_claims').length).toBe(before);

    // Even if the router's guard were bypassed, the handler itself answers "1:1 only".
    const ctx = {
      deps: app.deps,
      event: {},
      userId,
      user: undefined,
      lang: 'th',
      t: app.deps.i18n.t('th'),
      now: Date.now(),
      isPrivate: false,
    } as unknown as Ctx;
    const direct = JSON.stringify(
      await myClaims(ctx, { intent: 'my_claims', confidence: 1, entities: {}, alternatives: [] }),
    );
    expect(direct).toContain('แชต 1:1');
    expect(direct).not.toContain('T-MAT-0001');
    expect(audits(who.personId, 'read_claims').length).toBe(before);
  });
});
