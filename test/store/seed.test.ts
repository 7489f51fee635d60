import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeedArgs } from '../../src/cli/seed.ts';
import { anyRuleOn, cappedWageSatang, ruleOn, section40Options } from '../../src/rules/index.ts';
import { DEMO_IDENTITIES, DEMO_MIGRANTS, DEMO_NAME_LISTS } from '../../src/store/demo-data.ts';
import { verifyLaserCode, verifySecret } from '../../src/store/laser-code.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { BENEFIT_CLAIM_STATUSES, BENEFITS, CLAIM_STATUSES } from '../../src/store/schema.ts';
import { DEMO_SEED_VERSION, isSeeded, seedDemoData } from '../../src/store/seed.ts';

const NOW = new Date('2026-05-20T03:00:00Z'); // Bangkok: 2026-05-20, current period 2026-05
const TODAY = '2026-05-20';
const PEOPLE = 300;

const TABLES: Record<string, string> = {
  employers: 'select * from employers order by id',
  hospitals: 'select * from hospitals order by id',
  insured_persons: 'select * from insured_persons order by id',
  contributions: 'select * from contributions order by person_id, period, payer_id',
  hospital_registrations: 'select * from hospital_registrations order by id',
  unemployment_claims: 'select * from unemployment_claims order by id',
  claim_status_history: 'select * from claim_status_history order by claim_id, at, status',
  unemployment_payments: 'select * from unemployment_payments order by claim_id, installment',
  benefit_claims: 'select * from benefit_claims order by id',
  benefit_claim_history: 'select * from benefit_claim_history order by claim_id, at, status',
  benefit_payments: 'select * from benefit_payments order by claim_id, installment',
};

/** An independent implementation of the national ID checksum. */
/** Thai IDs start 1–8; pink card numbers (non-Thai residents) start 00. */
function validNationalId(id: string): boolean {
  if (!/^([1-8]\d|00)\d{11}$/.test(id)) return false;
  const digits = [...id].map(Number);
  const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (13 - i), 0);
  return (11 - (sum % 11)) % 10 === digits[12];
}

function digest(store: NodeStore, sql: string): string {
  const h = createHash('sha256');
  for (const row of store.sqlite.prepare(sql).raw().iterate()) h.update(JSON.stringify(row));
  return h.digest('hex');
}

let dir: string;
let a: NodeStore;
let b: NodeStore;

function fresh(name: string): NodeStore {
  const store = openNodeStore(join(dir, name));
  migrateNodeStore(store);
  return store;
}

const all = <T>(sql: string, ...params: unknown[]): T[] =>
  a.sqlite.prepare(sql).all(...params) as T[];
const one = <T>(sql: string, ...params: unknown[]): T => a.sqlite.prepare(sql).get(...params) as T;
const count = (sql: string, ...params: unknown[]): number =>
  a.sqlite
    .prepare(sql)
    .pluck()
    .get(...params) as number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sso-seed-test-'));
  a = fresh('a.sqlite');
  b = fresh('b.sqlite');
  const ra = await seedDemoData(a, { people: PEOPLE, now: NOW });
  const rb = await seedDemoData(b, { people: PEOPLE, now: NOW });
  expect(ra.seeded && rb.seeded).toBe(true);
});

afterAll(() => {
  a?.close();
  b?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seedDemoData', () => {
  it('fills every table and reports the counts', async () => {
    for (const table of Object.keys(TABLES)) {
      expect(count(`select count(*) from ${table}`), table).toBeGreaterThan(0);
    }
    expect(count('select count(*) from insured_persons')).toBe(PEOPLE);
    expect(count('select count(*) from employers')).toBeGreaterThanOrEqual(50);
    expect(await isSeeded(a)).toBe(true);
    expect(one<{ value: string }>("select value from meta where key = 'demo_seed'").value).toBe(
      DEMO_SEED_VERSION,
    );
  });

  it('writes consistent foreign keys', () => {
    expect(all('pragma foreign_key_check')).toEqual([]);
    expect(count('pragma foreign_keys')).toBe(1); // restored after the bulk load
  });

  it('gives every person a valid, unique national ID', () => {
    const ids = all<{ national_id: string }>('select national_id from insured_persons');
    expect(ids.length).toBe(PEOPLE);
    for (const { national_id } of ids) expect(validNationalId(national_id), national_id).toBe(true);
    expect(new Set(ids.map((r) => r.national_id)).size).toBe(ids.length);
  });

  it('uses titles that match the name lists and romanised names', () => {
    const male = new Set(DEMO_NAME_LISTS.male.map((n) => n[0]));
    const female = new Set(DEMO_NAME_LISTS.female.map((n) => n[0]));
    expect(male.size).toBeGreaterThanOrEqual(40);
    expect(male.size + female.size).toBeGreaterThanOrEqual(80);
    expect(DEMO_NAME_LISTS.surnames.length).toBeGreaterThanOrEqual(80);
    const rows = all<{ title_th: string; first_name_th: string; first_name_en: string }>(
      'select title_th, first_name_th, first_name_en from insured_persons where id > 8',
    );
    for (const r of rows) {
      if (r.title_th === 'นาย') expect(male.has(r.first_name_th), r.first_name_th).toBe(true);
      else expect(female.has(r.first_name_th), r.first_name_th).toBe(true);
      expect(r.first_name_en).toMatch(/^[A-Z][a-z-]+$/);
    }
  });

  it('is deterministic: two fresh databases hold identical rows', () => {
    for (const [table, sql] of Object.entries(TABLES)) {
      expect(digest(a, sql), table).toBe(digest(b, sql));
    }
  });

  it('depends on the date it is seeded for', async () => {
    const c = fresh('c.sqlite');
    try {
      await seedDemoData(c, { people: PEOPLE, now: new Date('2026-08-20T03:00:00Z') });
      expect(digest(c, TABLES.contributions!)).not.toBe(digest(a, TABLES.contributions!));
      expect(digest(c, TABLES.employers!)).toBe(digest(a, TABLES.employers!));
    } finally {
      c.close();
    }
  });

  it('mixes the sections roughly 70/15/15 and all section 40 options', () => {
    const rows = all<{ section: number; n: number }>(
      'select section, count(*) n from insured_persons group by section',
    );
    const by = Object.fromEntries(rows.map((r) => [r.section, r.n / PEOPLE]));
    expect(by[33]).toBeGreaterThan(0.6);
    expect(by[39]).toBeGreaterThan(0.08);
    expect(by[40]).toBeGreaterThan(0.08);
    expect(
      all<{ o: number }>(
        'select distinct section40_option o from insured_persons where section = 40 order by 1',
      ).map((r) => r.o),
    ).toEqual([1, 2, 3]);
    expect(
      count('select count(*) from insured_persons where section = 33 and employer_id is null'),
    ).toBe(0);
  });

  it('has the documented demo identities, verifiable by laser code', async () => {
    expect(DEMO_IDENTITIES.length).toBe(6);
    for (const d of DEMO_IDENTITIES) {
      expect(validNationalId(d.nationalId), d.nationalId).toBe(true);
      const row = one<{ id: number; birth_date: string; section: number; laser_code_hash: string }>(
        'select id, birth_date, section, laser_code_hash from insured_persons where national_id = ?',
        d.nationalId,
      );
      expect(row.id).toBe(d.personId);
      expect(row.birth_date).toBe(d.birthDate);
      expect(row.section).toBe(d.section);
      expect(row.laser_code_hash.startsWith('pbkdf2-sha256-chain$6$100000$')).toBe(true);
      expect(await verifyLaserCode(d.laserCode, row.laser_code_hash)).toBe(true);
      expect(await verifyLaserCode(d.laserCode.toLowerCase(), row.laser_code_hash)).toBe(true);
      expect(await verifyLaserCode('ZZ0000000000', row.laser_code_hash)).toBe(false);
    }
    // Generated people (after the 6 identities and the 2 migrants) are hashed with 1 iteration
    // (demo only) and verify too.
    const p = one<{ laser_code_hash: string }>(
      'select laser_code_hash from insured_persons where id = 9',
    );
    expect(p.laser_code_hash.startsWith('pbkdf2-sha256$1$')).toBe(true);
  });

  it('seeds the two migrant workers: no laser code, a pink card or a passport, a working link code', async () => {
    expect(DEMO_MIGRANTS.map((m) => m.personId)).toEqual([7, 8]);
    for (const m of DEMO_MIGRANTS) {
      const row = one<{ id: number; national_id: string; laser_code_hash: string }>(
        'select id, national_id, laser_code_hash from insured_persons where id = ?',
        m.personId,
      );
      expect(row).toEqual({ id: m.personId, national_id: m.nationalId, laser_code_hash: 'none' });
      expect(m.nationalId.startsWith('00')).toBe(true);
      const code = one<{ code_hash: string; used_at: number | null }>(
        'select code_hash, used_at from link_codes where person_id = ?',
        m.personId,
      );
      expect(code.used_at).toBeNull();
      expect((await verifySecret(m.linkCode, code.code_hash)).ok).toBe(true);
    }
    const passport = one<{ person_id: number; country: string; number: string }>(
      'select person_id, country, number from identity_documents',
    );
    expect(passport).toEqual({ person_id: 8, country: 'KHM', number: 'N01234567' });
  });

  it('gives each identity the records it is documented for', () => {
    const months = (id: number) =>
      all<{ period: string; paid_date: string | null }>(
        'select period, paid_date from contributions where person_id = ? order by period',
        id,
      );
    // Periods 2025-03 .. 2026-05 are the 15 months up to the seed month.
    const paidInLast15 = (id: number) =>
      months(id).filter((m) => m.period >= '2025-03' && m.paid_date !== null).length;

    // 1: long career, rights active.
    expect(months(1).length).toBeGreaterThanOrEqual(200);
    expect(paidInLast15(1)).toBeGreaterThanOrEqual(3);
    expect(
      count('select count(*) from hospital_registrations where person_id = 1 and valid_to is null'),
    ).toBe(1);
    // 2: laid off, paying, with paid and scheduled installments.
    const c2 = one<{
      id: string;
      cause: string;
      status: string;
      monthly_satang: number;
      approved_days: number;
    }>('select * from unemployment_claims where person_id = 2');
    expect([c2.cause, c2.status, c2.approved_days]).toEqual(['laid_off', 'paying', 180]);
    expect(c2.monthly_satang).toBe(1_050_000); // 60 % of the 17,500 cap
    const pays = all<{ status: string }>(
      'select status from unemployment_payments where claim_id = ? order by installment',
      c2.id,
    ).map((p) => p.status);
    expect(pays).toEqual(['paid', 'paid', 'scheduled', 'scheduled', 'scheduled', 'scheduled']);
    // 3: rejected with a reason.
    const c3 = one<{ status: string; rejection_reason: string }>(
      'select * from unemployment_claims where person_id = 3',
    );
    expect(c3.status).toBe('rejected');
    expect(c3.rejection_reason).toMatch(/เงินสมทบ/);
    // 4: section 39, fewer than 3 paid months in the last 15: rights not active.
    expect(paidInLast15(4)).toBeLessThan(3);
    expect(months(4).some((m) => m.period < '2025-03')).toBe(true);
    // 5: section 40 option 3, 300 THB a month, no hospital.
    expect(
      one<{ o: number }>('select section40_option o from insured_persons where id = 5').o,
    ).toBe(3);
    expect(
      count('select count(*) from contributions where person_id = 5 and employee_satang != 30000'),
    ).toBe(0);
    expect(count('select count(*) from hospital_registrations where person_id = 5')).toBe(0);
    // 6: new employee, fewer than 12 months, rights active.
    expect(months(6).length).toBeLessThan(12);
    expect(paidInLast15(6)).toBeGreaterThanOrEqual(3);
  });

  it('has claims in every status, with history and payments', () => {
    const statuses = all<{ status: string }>('select distinct status from unemployment_claims').map(
      (r) => r.status,
    );
    expect([...statuses].sort()).toEqual([...CLAIM_STATUSES].sort());
    expect(
      count(
        `select count(*) from unemployment_claims c where not exists
           (select 1 from claim_status_history h where h.claim_id = c.id and h.status = c.status)`,
      ),
    ).toBe(0);
    expect(
      count(
        `select count(*) from unemployment_claims where status = 'rejected' and rejection_reason is null`,
      ),
    ).toBe(0);
    expect(
      count(
        `select count(*) from unemployment_claims c where status in ('paying', 'completed')
           and not exists (select 1 from unemployment_payments p where p.claim_id = c.id and p.status = 'paid')`,
      ),
    ).toBe(0);
    expect(
      count(
        `select count(*) from unemployment_payments where status = 'paid' and reported_at is null`,
      ),
    ).toBe(0);
    expect(
      count(
        `select count(*) from unemployment_payments where status = 'paid' and pay_date > '2026-05-20'`,
      ),
    ).toBe(0);
    // Amounts: 60 % / 50 % laid off, 30 % otherwise, of at most the ceiling.
    expect(
      count(`select count(*) from unemployment_claims where status in ('approved','paying','completed')
               and (monthly_satang > 17500 * 60 or monthly_satang <= 0
                    or (cause != 'laid_off' and monthly_satang > 17500 * 30)
                    or approved_days != case cause when 'laid_off' then 180 else 90 end)`),
    ).toBe(0);
    // Only section 33 people claim.
    expect(
      count(`select count(*) from unemployment_claims c join insured_persons p on p.id = c.person_id
               where p.section != 33`),
    ).toBe(0);
  });

  it('gives the identities and migrants claims for every benefit, in every status', () => {
    const claims = all<{ person_id: number; benefit: string; status: string }>(
      'select person_id, benefit, status from benefit_claims where person_id <= 8 order by id',
    );
    expect(new Set(claims.map((c) => c.benefit))).toEqual(new Set(BENEFITS));
    expect(new Set(claims.map((c) => c.status))).toEqual(new Set(BENEFIT_CLAIM_STATUSES));
    // Every one of the eight has at least one claim to show.
    expect(new Set(claims.map((c) => c.person_id))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    const of = (id: number) =>
      claims.filter((c) => c.person_id === id).map((c) => `${c.benefit}:${c.status}`);
    expect(of(1).sort()).toEqual(['old_age:rejected', 'sickness:paid']);
    expect(of(2).sort()).toEqual(['child_allowance:paying', 'maternity:paid']);
    expect(of(3)).toEqual(['sickness:more_documents']);
    expect(of(4)).toEqual(['invalidity:rejected']);
    expect(of(5).sort()).toEqual(['child_allowance:paying', 'sickness:received']);
    expect(of(6)).toEqual(['death:approved']);
    expect(of(7).sort()).toEqual(['maternity:reviewing', 'sickness:closed']);
    expect(of(8)).toEqual(['sickness:reviewing']);
  });

  it("computes the identities' benefit amounts from the rules in force", () => {
    const claim = (personId: number, benefit: string) =>
      one<{
        id: string;
        filed_date: string;
        decision_date: string | null;
        approved_satang: number | null;
        installments: number | null;
        reason: string | null;
      }>('select * from benefit_claims where person_id = ? and benefit = ?', personId, benefit);
    const payments = (id: string) =>
      all<{ installment: number; amount_satang: number; pay_date: string; status: string }>(
        'select * from benefit_payments where claim_id = ? order by installment',
        id,
      );
    // 2: the insured mother: delivery grant + 50 % of the capped wage for the leave days.
    const maternity = claim(2, 'maternity');
    const grant = ruleOn('maternity.delivery_grant', maternity.filed_date).value
      .amount_thb_per_birth;
    const leave = anyRuleOn('maternity.leave_allowance', maternity.filed_date)!.value as {
      rate_percent: number;
      days: number;
    };
    const capped = cappedWageSatang(2_200_000, maternity.filed_date); // her wage is above the cap
    expect(maternity.approved_satang).toBe(
      grant * 100 + Math.round((capped * leave.rate_percent * leave.days) / 100 / 30),
    );
    expect(payments(maternity.id)).toEqual([
      expect.objectContaining({
        installment: 1,
        amount_satang: maternity.approved_satang,
        status: 'paid',
      }),
    ]);
    // 2: child allowance (sections 33/39), monthly until the child is 6.
    const allowance = claim(2, 'child_allowance');
    const rule = anyRuleOn('child_allowance.s33_s39', allowance.decision_date!)!.value as {
      thb_per_month_per_child: number;
      until_age: number;
    };
    expect(allowance.approved_satang).toBe(rule.thb_per_month_per_child * 100);
    expect(allowance.installments).toBeGreaterThan(rule.until_age * 12 - 3);
    expect(allowance.installments).toBeLessThanOrEqual(rule.until_age * 12);
    const paid = payments(allowance.id);
    expect(paid.length).toBeGreaterThanOrEqual(12);
    expect(paid.slice(0, -1).every((p) => p.status === 'paid' && p.pay_date <= TODAY)).toBe(true);
    expect(paid.at(-1)).toMatchObject({ status: 'scheduled' });
    expect(paid.at(-1)!.pay_date > TODAY).toBe(true);
    // 5: section 40 option 3 child allowance.
    const s40 = claim(5, 'child_allowance');
    const option3 = section40Options(
      s40.decision_date! < '2026-01-01' ? '2026-01-01' : s40.decision_date!,
    ).find((o) => o.option === 3)!;
    expect(s40.approved_satang).toBe(option3.benefits!.childAllowance!.perChildMonthlySatang);
    // 6: the funeral grant, approved, paid in a few days.
    const death = claim(6, 'death');
    expect(death.approved_satang).toBe(
      ruleOn('death.funeral_grant', death.filed_date).value.amount_thb * 100,
    );
    expect(payments(death.id)).toEqual([
      expect.objectContaining({ installment: 1, status: 'scheduled' }),
    ]);
    expect(payments(death.id)[0]!.pay_date > TODAY).toBe(true);
    // 1: 50 days off: sickness pay on the capped wage for the days after the employer's.
    const sick = claim(1, 'sickness');
    const rate = ruleOn('sickness.s33', sick.filed_date).value.rate_percent;
    const employerDays = (
      anyRuleOn('sickness.employer_paid_days', sick.filed_date)!.value as {
        employer_paid_sick_days_per_year: number;
      }
    ).employer_paid_sick_days_per_year;
    expect(sick.approved_satang).toBe(
      Math.round(
        (cappedWageSatang(3_200_000, sick.filed_date) * rate * (50 - employerDays)) / 100 / 30,
      ),
    );
    // Rejections and missing documents say why, in the rules' own numbers.
    expect(claim(4, 'invalidity').reason).toBe(
      'ส่งเงินสมทบไม่ครบ 3 เดือนภายในระยะเวลา 15 เดือนก่อนทุพพลภาพ',
    );
    expect(claim(1, 'old_age').reason).toContain(
      String(ruleOn('old_age.pension', TODAY).value.min_age),
    );
    expect(claim(3, 'sickness').reason).toMatch(/ใบรับรองแพทย์/);
  });

  it('keeps benefit claims consistent: history, decisions, payments, dates', () => {
    // Seeded rows never trigger a notification.
    expect(count('select count(*) from benefit_claims where updated_at != 0')).toBe(0);
    expect(count('select count(*) from benefit_payments where updated_at != 0')).toBe(0);
    expect(count('select count(*) from unemployment_claims where updated_at != 0')).toBe(0);
    expect(count('select count(*) from unemployment_payments where updated_at != 0')).toBe(0);
    // Every claim's history starts with received on the filing date and reaches its status.
    expect(
      count(`select count(*) from benefit_claims c where not exists (select 1 from benefit_claim_history h
               where h.claim_id = c.id and h.status = 'received' and h.at = c.filed_date)
             or not exists (select 1 from benefit_claim_history h where h.claim_id = c.id
               and h.status = c.status)`),
    ).toBe(0);
    expect(
      count(`select count(*) from benefit_claim_history h join benefit_claims c on c.id = h.claim_id
               where h.at < c.filed_date or h.at > '${TODAY}'`),
    ).toBe(0);
    // Decisions: dated for decided claims, not before; amounts only once approved.
    expect(
      count(`select count(*) from benefit_claims where
               (status in ('received', 'reviewing', 'more_documents') and (decision_date is not null or approved_satang is not null))
               or (status not in ('received', 'reviewing', 'more_documents') and decision_date is null)
               or decision_date < filed_date or decision_date > '${TODAY}'
               or (status = 'rejected' and (reason is null or approved_satang is not null))
               or (status = 'more_documents' and reason is null)
               or (status in ('approved', 'paying', 'paid', 'closed') and (approved_satang is null or approved_satang <= 0))`),
    ).toBe(0);
    // One sum: paid once; installments: paid monthly then the next one scheduled.
    expect(
      count(`select count(*) from benefit_claims c where status in ('paid', 'closed') and
               (installments is not null or (select count(*) from benefit_payments p
                 where p.claim_id = c.id and p.status = 'paid') != 1)`),
    ).toBe(0);
    expect(
      count(`select count(*) from benefit_claims c where status = 'paying' and (installments is null
               or not exists (select 1 from benefit_payments p where p.claim_id = c.id and p.status = 'paid')
               or (select count(*) from benefit_payments p where p.claim_id = c.id and p.status = 'scheduled') != 1)`),
    ).toBe(0);
    expect(
      count(`select count(*) from benefit_claims c where status = 'approved' and
               (select count(*) from benefit_payments p where p.claim_id = c.id and p.status = 'scheduled') != 1`),
    ).toBe(0);
    expect(
      count(`select count(*) from benefit_claims c where status in ('received', 'reviewing', 'more_documents', 'rejected')
               and exists (select 1 from benefit_payments p where p.claim_id = c.id)`),
    ).toBe(0);
    expect(
      count(`select count(*) from benefit_payments p join benefit_claims c on c.id = p.claim_id
               where p.pay_date < c.decision_date or (p.status = 'paid' and p.pay_date > '${TODAY}')
               or (p.status = 'scheduled' and p.pay_date <= '${TODAY}')
               or p.amount_satang != c.approved_satang
               or (c.installments > 0 and p.installment > c.installments)`),
    ).toBe(0);
    // 0 installments (monthly for life) only for a pension or an invalidity benefit.
    expect(
      count(
        "select count(*) from benefit_claims where installments = 0 and benefit not in ('old_age', 'invalidity')",
      ),
    ).toBe(0);
    // Section 40 members claim only what their option covers: no maternity, no invalidity here.
    expect(
      count(`select count(*) from benefit_claims c join insured_persons p on p.id = c.person_id
               where p.section = 40 and (c.benefit in ('maternity', 'invalidity', 'old_age')
                 or (c.benefit = 'child_allowance' and p.section40_option != 3))`),
    ).toBe(0);
    // Claim numbers: unique across unemployment and the other benefits.
    expect(
      count('select count(*) from benefit_claims b join unemployment_claims u on u.id = b.id'),
    ).toBe(0);
    // Generated people claim too, a few of them.
    const generated = count('select count(*) from benefit_claims where person_id > 8');
    expect(generated).toBeGreaterThan(0);
    expect(generated).toBeLessThan(PEOPLE * 0.1);
  });

  it('registers hospitals for sections 33 and 39 only, at demo hospitals', () => {
    expect(
      count(`select count(*) from hospital_registrations r join insured_persons p on p.id = r.person_id
               where p.section = 40`),
    ).toBe(0);
    expect(
      count(`select count(*) from insured_persons p where section in (33, 39) and not exists
               (select 1 from hospital_registrations r where r.person_id = p.id)`),
    ).toBe(0);
    expect(
      count('select count(*) from hospital_registrations where valid_to is not null'),
    ).toBeGreaterThan(0);
    expect(
      count(
        'select count(*) from hospitals where is_demo != 1 or location_precision != ?',
        'province_seat_approx',
      ),
    ).toBe(0);
    expect(
      count(
        "select count(*) from hospitals where id not like 'DEMO-%' or address_th not like '%สาธิต%'",
      ),
    ).toBe(0);
    expect(count('select count(distinct province_code) from hospitals')).toBe(77);
    expect(count("select count(*) from hospitals where province_code = '10'")).toBeGreaterThan(5);
  });

  it('computes section 33 contributions on the wage capped by the period ceiling', () => {
    const bad = count(
      `select count(*) from contributions where payer_id != 'self' and (
         employee_satang != 5 * min(wage_satang / 100, case when period < '2026-01' then 15000 else 17500 end)
         or employer_satang != employee_satang
         or old_age_satang != 6 * min(wage_satang / 100, case when period < '2026-01' then 15000 else 17500 end)
         or government_satang != 2.75 * min(wage_satang / 100, case when period < '2026-01' then 15000 else 17500 end))`,
    );
    expect(bad).toBe(0);
    // Both ceilings are exercised.
    expect(
      count(
        "select count(*) from contributions where period = '2025-12' and employee_satang = 75000",
      ),
    ).toBeGreaterThan(0);
    expect(
      count(
        "select count(*) from contributions where period = '2026-01' and employee_satang = 87500",
      ),
    ).toBeGreaterThan(0);
    expect(
      count(
        "select max(employee_satang) from contributions where period < '2026-01' and payer_id != 'self'",
      ),
    ).toBe(75_000);
    // Section 39 pays 432 THB, section 40 70/100/300 THB.
    expect(
      all<{ e: number }>(
        `select distinct c.employee_satang e from contributions c join insured_persons p on p.id = c.person_id
           where p.section = 39 and c.payer_id = 'self'`,
      ).map((r) => r.e),
    ).toEqual([43_200]);
    expect(
      all<{ e: number }>(
        `select distinct c.employee_satang e from contributions c join insured_persons p on p.id = c.person_id
           where p.section = 40 order by 1`,
      ).map((r) => r.e),
    ).toEqual([7_000, 10_000, 30_000]);
  });

  it('ends histories at the seed month with realistic payment dates and gaps', () => {
    expect(count('select max(period) from contributions')).toBe('2026-05');
    expect(
      count(
        "select count(*) from contributions where period = '2026-05' and paid_date is not null",
      ),
    ).toBe(0);
    expect(count("select count(*) from contributions where paid_date > '2026-05-20'")).toBe(0);
    // Paid in the month after the period.
    expect(
      count(`select count(*) from contributions where paid_date is not null
               and substr(paid_date, 1, 7) != strftime('%Y-%m', period || '-01', '+1 month')`),
    ).toBe(0);
    const lengths = all<{ n: number }>(
      'select count(*) n from contributions group by person_id',
    ).map((r) => r.n);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(3);
    expect(lengths.filter((n) => n > 180).length).toBeGreaterThan(0);
  });

  it('does nothing when already seeded, and --force seeds the same data again', async () => {
    const before = digest(a, TABLES.contributions!);
    const again = await seedDemoData(a, { people: 50, now: NOW });
    expect(again.seeded).toBe(false);
    expect(count('select count(*) from insured_persons')).toBe(PEOPLE);
    const forced = await seedDemoData(a, { people: PEOPLE, now: NOW, force: true });
    expect(forced.seeded).toBe(true);
    expect(forced.counts?.insuredPersons).toBe(PEOPLE);
    expect(digest(a, TABLES.contributions!)).toBe(before);
    expect(digest(a, TABLES.hospital_registrations!)).toBe(
      digest(b, TABLES.hospital_registrations!),
    );
  });

  it('leaves a database with foreign insured persons alone', async () => {
    const c = fresh('d.sqlite');
    try {
      c.sqlite
        .prepare(
          `insert into insured_persons (national_id, first_name_th, last_name_th, birth_date, section,
             laser_code_hash, updated_at) values ('1101700207366', 'ก', 'ข', '1990-01-01', 33, 'x', 0)`,
        )
        .run();
      const r = await seedDemoData(c, { people: 10, now: NOW });
      expect(r.seeded).toBe(false);
      expect(c.sqlite.prepare('select count(*) from insured_persons').pluck().get()).toBe(1);
    } finally {
      c.close();
    }
  });
});

describe('seed CLI arguments', () => {
  it('parses --people and --force', () => {
    expect(parseSeedArgs([])).toEqual({ people: 2000, force: false });
    expect(parseSeedArgs(['--people', '100000', '--force'])).toEqual({
      people: 100_000,
      force: true,
    });
    expect(parseSeedArgs(['--people=100_000'])).toEqual({ people: 100_000, force: false });
  });

  it('rejects bad values', () => {
    expect(typeof parseSeedArgs(['--people', 'many'])).toBe('string');
    expect(typeof parseSeedArgs(['--people'])).toBe('string');
    expect(typeof parseSeedArgs(['--people', '0'])).toBe('string');
    expect(typeof parseSeedArgs(['--bogus'])).toBe('string');
  });
});
