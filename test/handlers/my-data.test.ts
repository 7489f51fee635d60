/**
 * The personal answers over the webhook, on the seeded demo data: linked users get their own
 * figures (masked ID, Buddhist-era dates, THB), every read is audited, and each claim status
 * and section variant has its answer.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { pseudonym } from '../../src/store/audit.ts';
import { DEMO_IDENTITIES } from '../../src/store/demo-data.ts';
import { auditLog, CLAIM_STATUSES, unemploymentClaims } from '../../src/store/schema.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
  await seedDemoData(app.store, { people: 400 });
}, 60_000);
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

async function ask(userId: string, text: string, lang?: 'en'): Promise<string> {
  if (lang) mock.setProfile(userId, { displayName: 'x', language: lang });
  const before = mock.replies().length;
  await app.post([events.text({ userId }, text)]);
  await app.settle();
  const replies = mock.replies();
  expect(replies.length).toBe(before + 1);
  return JSON.stringify(replies.at(-1)!.body);
}

async function linkedUser(personId: number, name: string): Promise<string> {
  const userId = demoUserId(name);
  await bindAccount(app.store, userId, personId, Date.now());
  return userId;
}

const masked = (id: string) => `${id[0]}-${id.slice(1, 5)}-xxxxx-xx-${id[12]}`;

describe('contribution_balance', () => {
  it('shows a long career with totals, the pension outlook and the recent months', async () => {
    const who = DEMO_IDENTITIES[0]!;
    const userId = await linkedUser(who.personId, 'p1');
    const body = await ask(userId, 'เงินสมทบของฉันเท่าไหร่');
    expect(body).toContain('เงินสมทบของฉัน');
    expect(body).toMatch(/จ่ายเงินสมทบแล้ว.*?"\d{3} เดือน"/);
    expect(body).toContain('ประมาณการบำนาญชราภาพ');
    expect(body).toMatch(/\d{1,3}(,\d{3})* บาท/);
    expect(body).toMatch(/25[67]\d/); // Buddhist-era years
    expect(body).toContain(masked(who.nationalId));
    expect(body).not.toContain(who.nationalId);
    const audits = app.store.syncDb
      .select()
      .from(auditLog)
      .where(eq(auditLog.personId, who.personId))
      .all();
    expect(audits.map((a) => a.action)).toContain('read_contributions');
    expect(JSON.stringify(audits)).not.toContain(userId);
    // Pseudonyms are keyed with AUDIT_PSEUDONYM_KEY, never with the channel secret.
    const actor = audits.find((a) => a.action === 'read_contributions')!.actor;
    expect(actor).toBe(await pseudonym(app.deps.config.auditPseudonymKey, userId));
    expect(actor).not.toBe(await pseudonym(TEST_SECRET, userId));
  });

  it('answers a new employee with the lump-sum outlook, and in English with Gregorian dates', async () => {
    const who = DEMO_IDENTITIES[5]!;
    const userId = await linkedUser(who.personId, 'p6');
    const body = await ask(userId, 'how much have i contributed', 'en');
    expect(body).toContain('My contributions');
    expect(body).toContain('Fewer than 180 months');
    expect(body).toMatch(/20[23]\d/);
    expect(body).toMatch(/THB/);
  });

  it('shows section 40 without an employer share', async () => {
    const who = DEMO_IDENTITIES[4]!;
    const body = await ask(await linkedUser(who.personId, 'p5'), 'เช็คเงินสมทบ');
    expect(body).toContain('มาตรา 40 ทางเลือกที่ 3');
    expect(body).not.toContain('ส่วนของนายจ้าง');
  });
});

describe('hospital_rights', () => {
  it('shows the registered hospital, active rights and the change window', async () => {
    const who = DEMO_IDENTITIES[0]!;
    const body = await ask(await linkedUser(who.personId, 'h1'), 'โรงพยาบาลตามสิทธิของฉันคือที่ไหน');
    expect(body).toContain('โรงพยาบาลตามสิทธิ');
    expect(body).toContain('✅ ใช้ได้');
    expect(body).toContain('เปลี่ยนโรงพยาบาล');
    expect(body).toContain('"type":"location"');
    expect(body).toContain('(ข้อมูลสาธิต)');
  });

  it('says rights are not active for a section 39 person with gaps, and what to do', async () => {
    const who = DEMO_IDENTITIES[3]!;
    const body = await ask(await linkedUser(who.personId, 'h4'), 'สิทธิรักษาพยาบาลของฉันใช้ได้ไหม');
    expect(body).toContain('ยังใช้ไม่ได้');
    expect(body).toContain('อย่างน้อย 3 เดือน');
  });

  it('explains section 40 has no SSO hospital', async () => {
    const who = DEMO_IDENTITIES[4]!;
    const body = await ask(await linkedUser(who.personId, 'h5'), 'โรงพยาบาลตามสิทธิ');
    expect(body).toContain('บัตรทอง');
  });
});

describe('unemployment_benefit', () => {
  it('answers every claim status with its timeline', async () => {
    const labels: Record<string, string> = {
      filed: 'ยื่นคำขอแล้ว',
      under_review: 'อยู่ระหว่างพิจารณา',
      approved: 'อนุมัติแล้ว',
      paying: 'กำลังจ่ายเงิน',
      completed: 'จ่ายครบแล้ว',
      rejected: 'ไม่อนุมัติ',
    };
    for (const status of CLAIM_STATUSES) {
      const claim = app.store.syncDb
        .select()
        .from(unemploymentClaims)
        .where(eq(unemploymentClaims.status, status))
        .get();
      expect(claim, `a seeded claim in status ${status}`).toBeDefined();
      const body = await ask(
        await linkedUser(claim!.personId, `c-${status}`),
        'เงินว่างงานของฉันได้เมื่อไหร่',
      );
      expect(body).toContain(labels[status]);
      expect(body).toContain(claim!.id);
      if (status === 'rejected') expect(body).toContain('เหตุผล');
    }
  });

  it('shows the next payment and the reporting date while paying', async () => {
    const who = DEMO_IDENTITIES[1]!;
    const body = await ask(await linkedUser(who.personId, 'u2'), 'ว่างงานเงินเข้ายัง');
    expect(body).toContain('กำลังจ่ายเงิน');
    expect(body).toContain('10,500 บาท');
    expect(body).toContain('งวดถัดไป');
    expect(body).toContain('รายงานตัว');
  });

  it('without a claim: eligibility and laid-off / resigned estimates on the capped wage', async () => {
    const who = DEMO_IDENTITIES[0]!;
    const body = await ask(await linkedUser(who.personId, 'u1'), 'ถ้าตกงานจะได้เงินเท่าไหร่');
    expect(body).toContain('ยังไม่พบคำขอ');
    expect(body).toContain('60%');
    expect(body).toContain('30%');
    expect(body).toContain('10,500 บาท');
  });

  it('tells section 39 and 40 members the benefit is not theirs', async () => {
    const who = DEMO_IDENTITIES[4]!;
    const body = await ask(await linkedUser(who.personId, 'u5'), 'เงินว่างงาน');
    expect(body).toContain('มาตรา 33 เท่านั้น');
  });
});
