import { describe, expect, it } from 'vitest';
import rulesJson from '../../data/rules/sso-rules.json' with { type: 'json' };
import {
  cappedWageSatang,
  findRuleOn,
  HOTLINE,
  hospitalChangeWindow,
  MEDICAL_REQUIRED_MONTHS,
  MEDICAL_WINDOW_MONTHS,
  medicalRightsActive,
  PENSION_MIN_AGE,
  PENSION_MIN_MONTHS,
  pensionEstimate,
  RULES_DATA_FROM,
  type RuleKey,
  ruleHistory,
  ruleOn,
  section33ContributionSatang,
  section39ContributionSatang,
  section40Options,
  toIsoDay,
  UNEMPLOYMENT_BENEFIT_FROM_DAY,
  UNEMPLOYMENT_MAX_DAYS_PER_YEAR,
  UNEMPLOYMENT_MIN_DAYS_UNEMPLOYED,
  UNEMPLOYMENT_REGISTER_WITHIN_DAYS,
  UNEMPLOYMENT_REQUIRED_MONTHS,
  UNEMPLOYMENT_WINDOW_MONTHS,
  unemploymentEligibility,
  unemploymentEstimate,
  validateRules,
  wageCeilingSatang,
} from '../../src/rules/index.ts';

const THB = 100; // satang per baht

/** 'YYYY-MM' for each month from `from` to `to` inclusive. */
function months(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7));
  while (y * 12 + m <= end) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

interface RawEntry {
  effective_from: string;
  effective_to?: string;
  confidence: string;
  source: string[];
  value: unknown;
}
const rawRules = (rulesJson as unknown as { rules: Record<string, RawEntry[]> }).rules;

describe('rules data (data/rules/sso-rules.json)', () => {
  const isValidDay = (s: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

  it('every entry has a source, a confidence and a valid effective_from', () => {
    const keys = Object.keys(rawRules);
    expect(keys.length).toBeGreaterThanOrEqual(25);
    for (const key of keys) {
      const entries = rawRules[key]!;
      expect(entries.length, key).toBeGreaterThan(0);
      for (const e of entries) {
        expect(isValidDay(e.effective_from), `${key} effective_from ${e.effective_from}`).toBe(
          true,
        );
        if (e.effective_to !== undefined) {
          expect(isValidDay(e.effective_to), `${key} effective_to`).toBe(true);
          expect(e.effective_to >= e.effective_from, `${key} effective_to order`).toBe(true);
        }
        expect(['H', 'M', 'L'], `${key} confidence`).toContain(e.confidence);
        expect(Array.isArray(e.source) && e.source.length > 0, `${key} source`).toBe(true);
        for (const s of e.source) expect(s.trim().length, `${key} source`).toBeGreaterThan(0);
        expect(typeof e.value, `${key} value`).toBe('object');
      }
    }
  });

  it('versions of one key never overlap in time', () => {
    for (const [key, entries] of Object.entries(rawRules)) {
      const sorted = [...entries].sort((a, b) => a.effective_from.localeCompare(b.effective_from));
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1]!;
        const cur = sorted[i]!;
        expect(prev.effective_to, `${key}: open-ended version followed by another`).toBeDefined();
        expect(
          prev.effective_to! < cur.effective_from,
          `${key}: overlap at ${cur.effective_from}`,
        ).toBe(true);
      }
    }
  });

  it('the validator accepts the data and rejects overlaps, bad dates and missing sources', () => {
    expect(validateRules(rulesJson)).toEqual([]);
    const entry = {
      effective_from: '2025-01-01',
      effective_from_basis: 'data_start',
      value: { x: 1 },
      confidence: 'H',
      source: ['a'],
    };
    const bad = {
      data_from: '2025-01-01',
      rules: {
        overlap: [entry, { ...entry, effective_from: '2026-01-01' }],
        dates: [{ ...entry, effective_from: '2025-02-30' }],
        to_before_from: [{ ...entry, effective_to: '2024-12-31' }],
        sourceless: [{ ...entry, source: [] }],
        unsure: [{ ...entry, confidence: 'X' }],
      },
    };
    const problems = validateRules(bad);
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/overlap\[1\]: overlaps/);
    expect(problems.join('\n')).toMatch(/dates\[0\]: effective_from/);
    expect(problems.join('\n')).toMatch(/to_before_from\[0\]: effective_to is before/);
    expect(problems.join('\n')).toMatch(/sourceless\[0\]: source/);
    expect(problems.join('\n')).toMatch(/unsure\[0\]: confidence/);
  });

  it('each ceiling version carries a max contribution of 5 % of the ceiling', () => {
    for (const e of ruleHistory('s33.wage_ceiling')) {
      expect(e.value.max_contribution_thb).toBe(e.value.wage_ceiling_thb * 0.05);
      const c = section33ContributionSatang(1_000_000 * THB, e.effective_from);
      expect(c.employeeSatang).toBe(e.value.max_contribution_thb * THB);
    }
  });

  it('Section 39 monthly amount is 9 % of the notional wage in every version', () => {
    for (const e of ruleHistory('s39.contribution')) {
      expect(e.value.monthly_thb).toBe((e.value.notional_wage_thb * e.value.rate_percent) / 100);
    }
  });

  it('exports constants that come from the data', () => {
    expect(HOTLINE).toBe('1506');
    expect(MEDICAL_REQUIRED_MONTHS).toBe(3);
    expect(MEDICAL_WINDOW_MONTHS).toBe(15);
    expect(UNEMPLOYMENT_REQUIRED_MONTHS).toBe(6);
    expect(UNEMPLOYMENT_WINDOW_MONTHS).toBe(15);
    expect(UNEMPLOYMENT_MIN_DAYS_UNEMPLOYED).toBe(8);
    expect(UNEMPLOYMENT_BENEFIT_FROM_DAY).toBe(8);
    expect(UNEMPLOYMENT_REGISTER_WITHIN_DAYS).toBe(30);
    expect(UNEMPLOYMENT_MAX_DAYS_PER_YEAR).toBe(180);
    expect(PENSION_MIN_MONTHS).toBe(180);
    expect(PENSION_MIN_AGE).toBe(55);
    expect(RULES_DATA_FROM).toBe('2025-01-01');
  });
});

describe('ruleOn', () => {
  it('returns the version in force with its source and confidence', () => {
    const r = ruleOn('unemployment.laid_off', '2025-07-01');
    expect(r.value.rate_percent).toBe(60);
    expect(r.effective_from).toBe('2025-06-28');
    expect(r.confidence).toBe('H');
    expect(r.source.some((s) => s.includes('bangkokpost.com'))).toBe(true);
    expect(r.note).toMatch(/Saturday/);
    expect(r.note).toMatch(/1 Jul 2025/);
  });

  it('marks the government rate M and the rounding rule L', () => {
    expect(ruleOn('s33.government_rate', '2026-01-01').value.government_percent).toBe(2.75);
    expect(ruleOn('s33.government_rate', '2026-01-01').confidence).toBe('M');
    expect(ruleOn('s33.rounding', '2026-01-01').confidence).toBe('L');
    expect(ruleOn('unemployment.force_majeure', '2026-01-01').confidence).toBe('L');
  });

  it('throws before the data starts; findRuleOn returns undefined', () => {
    expect(() => ruleOn('s33.wage_ceiling', '2024-12-31')).toThrow(RangeError);
    expect(findRuleOn('s33.wage_ceiling', '2024-12-31')).toBeUndefined();
    expect(findRuleOn('s40.benefits', '2025-12-31')).toBeUndefined();
    expect(findRuleOn('s40.benefits', '2026-01-01')?.value.inpatient_thb_per_day).toBe(300);
  });

  it('rejects malformed dates', () => {
    expect(() => ruleOn('s33.wage_ceiling', '2026-02-30')).toThrow(RangeError);
    expect(() => ruleOn('s33.wage_ceiling', '26-01-01')).toThrow(RangeError);
    expect(() => ruleOn('s33.wage_ceiling', new Date(Number.NaN))).toThrow(RangeError);
  });

  it('reads a Date as a Thai calendar day (UTC+7)', () => {
    expect(toIsoDay(new Date('2025-12-31T16:59:59Z'))).toBe('2025-12-31');
    expect(toIsoDay(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01');
    expect(wageCeilingSatang(new Date('2025-12-31T16:59:59Z'))).toBe(15_000 * THB);
    expect(wageCeilingSatang(new Date('2025-12-31T17:00:00Z'))).toBe(17_500 * THB);
  });

  it('every key in the JSON is reachable through ruleHistory', () => {
    for (const key of Object.keys(rawRules)) {
      expect(ruleHistory(key as RuleKey).length, key).toBe(rawRules[key]!.length);
    }
  });
});

describe('wage ceiling and capped wage', () => {
  it.each([
    ['2025-01-01', 15_000],
    ['2025-12-31', 15_000],
    ['2026-01-01', 17_500],
    ['2028-12-31', 17_500],
    ['2029-01-01', 20_000],
    ['2031-12-31', 20_000],
    ['2032-01-01', 23_000],
    ['2040-06-15', 23_000],
  ])('ceiling on %s is %i THB', (date, thb) => {
    expect(wageCeilingSatang(date)).toBe(thb * THB);
  });

  it('clamps to the floor and the ceiling', () => {
    expect(cappedWageSatang(1_000 * THB, '2026-01-01')).toBe(1_650 * THB);
    expect(cappedWageSatang(1_650 * THB, '2026-01-01')).toBe(1_650 * THB);
    expect(cappedWageSatang(12_345_67, '2026-01-01')).toBe(12_345_67);
    expect(cappedWageSatang(30_000 * THB, '2025-12-31')).toBe(15_000 * THB);
    expect(cappedWageSatang(30_000 * THB, '2026-01-01')).toBe(17_500 * THB);
    expect(() => cappedWageSatang(-1, '2026-01-01')).toThrow(RangeError);
    expect(() => cappedWageSatang(1.5, '2026-01-01')).toThrow(RangeError);
  });
});

describe('section33ContributionSatang', () => {
  it('2025 at the ceiling: 750 each side, old age 450 each', () => {
    expect(section33ContributionSatang(30_000 * THB, '2025-12-31')).toEqual({
      cappedWageSatang: 15_000 * THB,
      employeeSatang: 750 * THB,
      employerSatang: 750 * THB,
      governmentSatang: 413 * THB, // 412.50 rounded half-up
      oldAgeEmployeeSatang: 450 * THB,
      oldAgeEmployerSatang: 450 * THB,
      governmentConfidence: 'M',
      roundingConfidence: 'L',
    });
  });

  it('2026 at the ceiling: 875 each side (1,750 in total)', () => {
    const c = section33ContributionSatang(30_000 * THB, '2026-01-01');
    expect(c.employeeSatang + c.employerSatang).toBe(1_750 * THB);
    expect(c.employeeSatang).toBe(875 * THB);
    expect(c.governmentSatang).toBe(481 * THB); // 481.25
    expect(c.oldAgeEmployeeSatang).toBe(525 * THB);
  });

  it('2029 and 2032 ceilings: 1,000 and 1,150', () => {
    expect(section33ContributionSatang(50_000 * THB, '2028-12-31').employeeSatang).toBe(875 * THB);
    expect(section33ContributionSatang(50_000 * THB, '2029-01-01').employeeSatang).toBe(
      1_000 * THB,
    );
    expect(section33ContributionSatang(50_000 * THB, '2032-01-01').employeeSatang).toBe(
      1_150 * THB,
    );
  });

  it('uses the floor below 1,650 and rounds to whole baht', () => {
    const c = section33ContributionSatang(1_000 * THB, '2026-01-01');
    expect(c.cappedWageSatang).toBe(1_650 * THB);
    expect(c.employeeSatang).toBe(83 * THB); // 82.50 → 83
    expect(c.oldAgeEmployeeSatang).toBe(49_50); // share, not rounded to baht
    expect(section33ContributionSatang(10_010 * THB, '2026-01-01').employeeSatang).toBe(501 * THB); // 500.50
    expect(section33ContributionSatang(10_009 * THB, '2026-01-01').employeeSatang).toBe(500 * THB); // 500.45
  });
});

describe('section39ContributionSatang', () => {
  it('is 432 THB, [H] in 2025 and [L] (assumed unchanged) from 2026', () => {
    expect(section39ContributionSatang('2025-06-01')).toBe(432 * THB);
    expect(section39ContributionSatang('2026-06-01')).toBe(432 * THB);
    expect(ruleOn('s39.contribution', '2025-12-31').confidence).toBe('H');
    expect(ruleOn('s39.contribution', '2026-01-01').confidence).toBe('L');
  });
});

describe('section40Options', () => {
  it('2026: costs, coverage and the Royal Decree No. 5 benefits', () => {
    const [o1, o2, o3] = section40Options('2026-01-01');
    expect(section40Options('2026-01-01')).toHaveLength(3);
    expect([o1?.monthlySatang, o2?.monthlySatang, o3?.monthlySatang]).toEqual([
      70 * THB,
      100 * THB,
      300 * THB,
    ]);
    expect([
      o1?.governmentMonthlySatang,
      o2?.governmentMonthlySatang,
      o3?.governmentMonthlySatang,
    ]).toEqual([30 * THB, 50 * THB, 150 * THB]);
    expect(o1?.covers).toEqual(['sickness_income', 'disability', 'death']);
    expect(o2?.covers).toContain('old_age_lump_sum');
    expect(o2?.covers).not.toContain('old_age_pension');
    expect(o3?.covers).toEqual(expect.arrayContaining(['old_age_pension', 'child_allowance']));

    expect(o1?.benefits).toEqual({
      inpatientPerDaySatang: 300 * THB,
      restWithoutAdmissionPerDaySatang: 200 * THB,
      outpatientPerVisitSatang: 200 * THB,
      outpatientMaxVisitsPerYear: 3,
      minCertifiedRestDays: 1,
      sickDaysPerYear: 30,
      disabilityMaxMonthlySatang: 3_000 * THB,
      childAllowance: null,
      funeralMaxSatang: 50_000 * THB,
    });
    expect(o2?.benefits?.sickDaysPerYear).toBe(30);
    expect(o2?.benefits?.childAllowance).toBeNull();
    expect(o3?.benefits?.sickDaysPerYear).toBe(90);
    expect(o3?.benefits?.childAllowance).toEqual({
      perChildMonthlySatang: 300 * THB,
      maxChildren: 2,
      untilAge: 7,
    });
  });

  it('2025: costs known, 2026 benefit amounts not applied yet', () => {
    const options = section40Options('2025-12-31');
    expect(options.map((o) => o.monthlySatang)).toEqual([70 * THB, 100 * THB, 300 * THB]);
    for (const o of options) expect(o.benefits).toBeNull();
  });
});

describe('medicalRightsActive (3 paid months in the 15 months before the month of the date)', () => {
  it('window for a date in April 2026 is 2025-01..2026-03', () => {
    const r = medicalRightsActive([], '2026-04-10');
    expect(r).toEqual({
      active: false,
      monthsInWindow: 0,
      required: 3,
      windowMonths: 15,
      windowFrom: '2025-01',
      windowTo: '2026-03',
    });
  });

  it('exactly 3 months at the edges of the window is enough', () => {
    const r = medicalRightsActive(['2025-01', '2025-02', '2026-03'], '2026-04-30');
    expect(r.active).toBe(true);
    expect(r.monthsInWindow).toBe(3);
  });

  it('a month just before the window does not count', () => {
    const r = medicalRightsActive(['2024-12', '2025-01', '2025-02'], '2026-04-01');
    expect(r.active).toBe(false);
    expect(r.monthsInWindow).toBe(2);
  });

  it('the month of the date itself does not count', () => {
    const r = medicalRightsActive(['2026-02', '2026-03', '2026-04'], '2026-04-15');
    expect(r.monthsInWindow).toBe(2);
    expect(r.active).toBe(false);
    expect(medicalRightsActive(['2026-02', '2026-03', '2026-04'], '2026-05-01').active).toBe(true);
  });

  it('counts duplicates once, crosses year ends, rejects bad periods', () => {
    expect(
      medicalRightsActive(['2025-12', '2025-12', '2025-11'], '2026-01-05').monthsInWindow,
    ).toBe(2);
    expect(medicalRightsActive(['2024-10'], '2026-01-05').windowFrom).toBe('2024-10');
    expect(medicalRightsActive(['2024-10'], '2026-01-05').monthsInWindow).toBe(1);
    expect(() => medicalRightsActive(['2025-13'], '2026-01-05')).toThrow(RangeError);
    expect(() => medicalRightsActive(['2025-1'], '2026-01-05')).toThrow(RangeError);
  });
});

describe('unemploymentEligibility (6 paid months in the 15 months ending with the last work month)', () => {
  it('window for a last work day in March 2026 is 2025-01..2026-03', () => {
    const r = unemploymentEligibility(months('2025-10', '2026-03'), '2026-03-15');
    expect(r).toEqual({
      eligible: true,
      monthsInWindow: 6,
      required: 6,
      windowMonths: 15,
      windowFrom: '2025-01',
      windowTo: '2026-03',
    });
  });

  it('5 months is not enough', () => {
    const r = unemploymentEligibility(months('2025-11', '2026-03'), '2026-03-15');
    expect(r.eligible).toBe(false);
    expect(r.monthsInWindow).toBe(5);
  });

  it('exactly 6 months including the first month of the window; a month before it does not count', () => {
    const inside = ['2025-01', ...months('2025-06', '2025-10')];
    expect(unemploymentEligibility(inside, '2026-03-31').eligible).toBe(true);
    const outside = ['2024-12', ...months('2025-06', '2025-10')];
    expect(unemploymentEligibility(outside, '2026-03-31').monthsInWindow).toBe(5);
    expect(unemploymentEligibility(outside, '2026-03-31').eligible).toBe(false);
  });

  it('months after the last work month do not count', () => {
    const r = unemploymentEligibility(
      [...months('2025-12', '2026-03'), '2026-04', '2026-05'],
      '2026-03-01',
    );
    expect(r.monthsInWindow).toBe(4);
    expect(r.eligible).toBe(false);
  });
});

describe('unemploymentEstimate', () => {
  it('laid off 2026-03-01, wage 30,000 → capped 17,500, 60 %, 10,500/month, 63,000 max', () => {
    expect(unemploymentEstimate('laid_off', 30_000 * THB, '2026-03-01')).toEqual({
      cause: 'laid_off',
      ratePercent: 60,
      maxDays: 180,
      dailySatang: 350 * THB,
      monthlySatang: 10_500 * THB,
      totalMaxSatang: 63_000 * THB,
      cappedWageSatang: 17_500 * THB,
      ruleEffectiveFrom: '2025-06-28',
      confidence: 'H',
      source: ruleOn('unemployment.laid_off', '2026-03-01').source,
    });
  });

  it('laid off 2025-03-01, wage 20,000 → capped 15,000, 50 %, 7,500/month', () => {
    const e = unemploymentEstimate('laid_off', 20_000 * THB, '2025-03-01');
    expect(e.cappedWageSatang).toBe(15_000 * THB);
    expect(e.ratePercent).toBe(50);
    expect(e.monthlySatang).toBe(7_500 * THB);
    expect(e.dailySatang).toBe(250 * THB);
    expect(e.totalMaxSatang).toBe(45_000 * THB);
    expect(e.ruleEffectiveFrom).toBe('2025-01-01');
  });

  it('the laid-off rate changes between 2025-06-27 and 2025-06-28', () => {
    expect(unemploymentEstimate('laid_off', 15_000 * THB, '2025-06-27').ratePercent).toBe(50);
    expect(unemploymentEstimate('laid_off', 15_000 * THB, '2025-06-27').monthlySatang).toBe(
      7_500 * THB,
    );
    expect(unemploymentEstimate('laid_off', 15_000 * THB, '2025-06-28').ratePercent).toBe(60);
    expect(unemploymentEstimate('laid_off', 15_000 * THB, '2025-06-28').monthlySatang).toBe(
      9_000 * THB,
    );
  });

  it('resigned 2026 with 17,500 → 30 %, 5,250/month, 90 days, 15,750', () => {
    const e = unemploymentEstimate('resigned', 17_500 * THB, '2026-05-20');
    expect(e).toMatchObject({
      ratePercent: 30,
      maxDays: 90,
      monthlySatang: 5_250 * THB,
      dailySatang: 175 * THB,
      totalMaxSatang: 15_750 * THB,
      cappedWageSatang: 17_500 * THB,
    });
    expect(unemploymentEstimate('contract_ended', 17_500 * THB, '2026-05-20').monthlySatang).toBe(
      5_250 * THB,
    );
  });

  it('force majeure is 50 % for 180 days, confidence L', () => {
    const e = unemploymentEstimate('force_majeure', 17_500 * THB, '2026-01-15');
    expect(e.ratePercent).toBe(50);
    expect(e.maxDays).toBe(180);
    expect(e.monthlySatang).toBe(8_750 * THB);
    expect(e.confidence).toBe('L');
  });

  it('uses the ceiling in force on the last work date (2028-12-31 vs 2029-01-01)', () => {
    expect(unemploymentEstimate('laid_off', 30_000 * THB, '2028-12-31').monthlySatang).toBe(
      10_500 * THB,
    );
    expect(unemploymentEstimate('laid_off', 30_000 * THB, '2029-01-01').monthlySatang).toBe(
      12_000 * THB,
    );
    expect(unemploymentEstimate('laid_off', 30_000 * THB, '2025-12-31').cappedWageSatang).toBe(
      15_000 * THB,
    );
    expect(unemploymentEstimate('laid_off', 30_000 * THB, '2026-01-01').cappedWageSatang).toBe(
      17_500 * THB,
    );
  });

  it('rounds the daily amount to the satang and uses the floor', () => {
    const e = unemploymentEstimate('resigned', 10_001 * THB, '2026-02-01');
    expect(e.monthlySatang).toBe(3_000_30); // 30 % of 10,001
    expect(e.dailySatang).toBe(100_01); // 3,000.30 / 30
    expect(e.totalMaxSatang).toBe(9_000_90); // 3 months
    expect(unemploymentEstimate('laid_off', 1_000 * THB, '2026-02-01').cappedWageSatang).toBe(
      1_650 * THB,
    );
  });
});

describe('pensionEstimate', () => {
  it('240 months, average 15,000 → 27.5 %, 4,125/month', () => {
    expect(pensionEstimate(240, 15_000 * THB)).toEqual({
      kind: 'pension',
      percent: 27.5,
      monthlySatang: 4_125 * THB,
      fullYearsBeyondMinimum: 5,
      minAge: 55,
    });
  });

  it('179 months is a lump sum; 180 and 191 are 20 %; 192 is 21.5 %', () => {
    expect(pensionEstimate(179, 15_000 * THB).kind).toBe('lump_sum');
    expect(pensionEstimate(180, 15_000 * THB)).toMatchObject({
      kind: 'pension',
      percent: 20,
      monthlySatang: 3_000 * THB,
    });
    expect(pensionEstimate(191, 15_000 * THB)).toMatchObject({
      kind: 'pension',
      percent: 20,
      monthlySatang: 3_000 * THB,
    });
    expect(pensionEstimate(192, 15_000 * THB)).toMatchObject({
      kind: 'pension',
      percent: 21.5,
      monthlySatang: 3_225 * THB,
    });
  });

  it('lump sum: own contributions below 12 months, both sides plus returns from 12', () => {
    expect(pensionEstimate(11, 10_000 * THB)).toEqual({
      kind: 'lump_sum',
      descriptionKey: 'own_contributions',
      contributionsApproxSatang: 3_300 * THB, // 11 × 3 % × 10,000
      approximate: true,
      minAge: 55,
    });
    expect(pensionEstimate(12, 10_000 * THB)).toMatchObject({
      kind: 'lump_sum',
      descriptionKey: 'own_and_employer_contributions_plus_returns',
      contributionsApproxSatang: 7_200 * THB, // 12 × 6 % × 10,000
    });
    expect(pensionEstimate(179, 15_000 * THB)).toMatchObject({
      descriptionKey: 'own_and_employer_contributions_plus_returns',
    });
  });

  it('takes an optional date and validates input', () => {
    expect(pensionEstimate(240, 17_500 * THB, '2026-06-01')).toMatchObject({
      percent: 27.5,
      monthlySatang: 4_812_50,
    });
    expect(() => pensionEstimate(240, 17_500 * THB, '2024-01-01')).toThrow(RangeError);
    expect(() => pensionEstimate(-1, 0)).toThrow(RangeError);
    expect(() => pensionEstimate(180.5, 0)).toThrow(RangeError);
  });
});

describe('hospitalChangeWindow', () => {
  it('states 16 Dec – 31 Mar (M, the recent sources) and keeps the 1 Jan alternative', () => {
    expect(hospitalChangeWindow(2026)).toEqual({
      from: '2025-12-16',
      to: '2026-03-31',
      confidence: 'M',
      alternatives: [{ from: '2026-01-01', to: '2026-03-31' }],
      source: ruleOn('hospital.change_window', '2026-01-01').source,
    });
    expect(ruleOn('hospital.change_window', '2026-01-01').value.bot_states).toBe('dec_to_mar');
    expect(() => hospitalChangeWindow(2026.5)).toThrow(RangeError);
  });
});

describe('wage floor and ceiling before the data starts', () => {
  it('caps historic months at the pre-2026 ceiling (the source: 15,000 "before 2026")', async () => {
    const { cappedWageSatang } = await import('../../src/rules/index.ts');
    expect(cappedWageSatang(3_000_000, '1998-07-01')).toBe(1_500_000);
    expect(cappedWageSatang(100_000, '2010-01-01')).toBe(165_000);
  });
});

describe('averageCappedWageSatang', () => {
  it('caps each month at its own ceiling (15,000 before 2026, 17,500 from 2026)', async () => {
    const { averageCappedWageSatang } = await import('../../src/rules/index.ts');
    // Jan 2022 – Dec 2026: 48 months at 15,000 and 12 at 17,500.
    expect(averageCappedWageSatang(2_000_000, '2026-12-04', 60)).toBe(1_550_000);
    expect(averageCappedWageSatang(1_000_000, '2026-12-04', 60)).toBe(1_000_000);
    expect(() => averageCappedWageSatang(2_000_000, '2026-12-04', 0)).toThrow(RangeError);
  });
});
