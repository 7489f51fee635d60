/**
 * SSO benefit rules and pure calculators.
 *
 * Every number comes from data/rules/sso-rules.json (human-readable provenance:
 * docs/sso-rules.md). Each rule key holds dated versions; the functions here take an explicit
 * date and use the version in force on it. Nothing here reads the clock or does I/O.
 *
 * Money is returned in satang (integer, 1 THB = 100 satang); every money name ends in `Satang`.
 * The JSON keeps THB (fields ending `_thb`) because people edit it.
 *
 * A `Date` argument is read as a calendar day in Thailand (UTC+7, no daylight saving), so a
 * Date at 2025-12-31T20:00Z counts as 2026-01-01. Strings must be 'YYYY-MM-DD'.
 */
import benefitsJson from '../../data/rules/benefits.json' with { type: 'json' };
import contributionsJson from '../../data/rules/contributions.json' with { type: 'json' };
import medicalJson from '../../data/rules/medical.json' with { type: 'json' };
import oldAgeUnemploymentJson from '../../data/rules/old-age-unemployment.json' with {
  type: 'json',
};
import servicesJson from '../../data/rules/services.json' with { type: 'json' };
import rulesJson from '../../data/rules/sso-rules.json' with { type: 'json' };

export type Confidence = 'H' | 'M' | 'L';
export type DateInput = Date | string;

/** One dated version of a rule, as stored in the JSON. */
export interface RuleEntry<V> {
  readonly effective_from: string;
  /** Last day in force (inclusive); absent = still in force. */
  readonly effective_to?: string;
  /** legal_start: the rule's real start; data_start: in force on that date, real start earlier. */
  readonly effective_from_basis: 'legal_start' | 'data_start';
  readonly value: V;
  readonly confidence: Confidence;
  /** URLs or short citations (see docs/sso-rules.md). */
  readonly source: readonly string[];
  /**
   * What a citizen is shown as the source: ids of `sources.<id>` in locales/<lang>/knowledge/
   * (a name in each language, official sources first). `source` keeps the research trail.
   */
  readonly cite?: readonly string[];
  readonly note?: string;
}

type Section = 33 | 39 | 40;
type OptionNo = 1 | 2 | 3;
export type Section40Cover =
  | 'sickness_income'
  | 'disability'
  | 'death'
  | 'old_age_lump_sum'
  | 'old_age_pension'
  | 'child_allowance';

interface HospitalWindowSpec {
  readonly from_month_day: string;
  readonly from_previous_year: boolean;
  readonly to_month_day: string;
}

interface UnemploymentRate {
  readonly rate_percent: number;
  readonly max_days: number;
  readonly max_days_per?: 'calendar_year';
}

/** Value shape of every rule key in data/rules/sso-rules.json. */
export interface RuleValues {
  'contact.hotline': { readonly phone: string };
  's33.coverage': {
    readonly min_age: number;
    readonly max_age: number;
    readonly employer_min_employees: number;
  };
  's33.contribution_rate': { readonly employee_percent: number; readonly employer_percent: number };
  's33.government_rate': { readonly government_percent: number };
  's33.wage_floor': { readonly wage_floor_thb: number };
  's33.wage_ceiling': { readonly wage_ceiling_thb: number; readonly max_contribution_thb: number };
  's33.rounding': { readonly unit_thb: number; readonly mode: 'half_up' };
  'old_age.contribution_share': {
    readonly employee_percent: number;
    readonly employer_percent: number;
  };
  's39.contribution': {
    readonly notional_wage_thb: number;
    readonly rate_percent: number;
    readonly monthly_thb: number;
  };
  's39.eligibility': { readonly min_s33_months: number };
  's39.application_deadline': { readonly apply_within_months_of_leaving: number };
  's39.benefits': { readonly covers: readonly string[]; readonly unemployment: boolean };
  's40.options': {
    readonly options: readonly {
      readonly option: OptionNo;
      readonly monthly_thb: number;
      readonly covers: readonly Section40Cover[];
    }[];
  };
  's40.government_share': {
    readonly options: readonly { readonly option: OptionNo; readonly monthly_thb: number }[];
  };
  's40.benefits': {
    readonly inpatient_thb_per_day: number;
    readonly rest_without_admission_thb_per_day: number;
    readonly outpatient_thb_per_visit: number;
    readonly outpatient_max_visits_per_year: number;
    readonly min_certified_rest_days: number;
    readonly sick_days_per_year: readonly { readonly option: OptionNo; readonly days: number }[];
    readonly disability_max_thb_per_month: number;
    readonly child_allowance: {
      readonly options: readonly OptionNo[];
      readonly thb_per_month_per_child: number;
      readonly max_children: number;
      readonly until_age: number;
    };
  };
  's40.funeral_grant': { readonly max_thb: number };
  'medical.eligibility': {
    readonly required_months: number;
    readonly window_months: number;
    readonly sections: readonly Section[];
  };
  'hospital.change_window': {
    readonly changes_per_year: number;
    readonly windows: Readonly<Record<string, HospitalWindowSpec>>;
    readonly bot_states: string;
  };
  'hospital.mid_year_change': {
    readonly apply_within_days: number;
    readonly causes: readonly string[];
  };
  'sickness.s33': {
    readonly rate_percent: number;
    readonly max_days_per_episode: number;
    readonly max_days_per_year: number;
    readonly max_days_per_year_chronic: number;
  };
  'unemployment.eligibility': {
    readonly required_months: number;
    readonly window_months: number;
    readonly sections: readonly Section[];
  };
  'unemployment.procedure': {
    readonly min_days_unemployed: number;
    readonly benefit_from_day: number;
    readonly register_within_days: number;
    readonly register_with: string;
    readonly register_site: string;
    readonly report_every_months: number;
    readonly report_site: string;
  };
  'unemployment.laid_off': UnemploymentRate;
  'unemployment.resigned': UnemploymentRate;
  'unemployment.force_majeure': UnemploymentRate;
  'unemployment.annual_limit': { readonly max_days_per_year_all_claims: number };
  'unemployment.wage_base': {
    readonly capped_by: 's33.wage_ceiling';
    readonly ceiling_on: 'last_work_date';
    readonly days_per_month: number;
  };
  'unemployment.disqualified': { readonly causes: readonly string[] };
  'old_age.pension': {
    readonly min_months: number;
    readonly base_percent: number;
    readonly step_percent: number;
    readonly step_months: number;
    readonly average_of_last_months: number;
    readonly min_age: number;
  };
  'old_age.lump_sum': { readonly below_months: number; readonly own_only_below_months: number };
  'death.funeral_grant': {
    readonly amount_thb: number;
    readonly required_months: number;
    readonly window_months: number;
    readonly sections: readonly Section[];
  };
  'maternity.delivery_grant': {
    readonly amount_thb_per_birth: number;
    readonly required_months: number;
    readonly window_months: number;
    readonly sections: readonly Section[];
  };
}

export type RuleKey = keyof RuleValues;

interface RulesFile {
  readonly data_from: string;
  readonly rules: { readonly [K in RuleKey]: readonly RuleEntry<RuleValues[K]>[] };
}

// ---------------------------------------------------------------------------------------------
// Validation (run once at load; also exported for tests)

const CONFIDENCES: readonly string[] = ['H', 'M', 'L'];
const BASES: readonly string[] = ['legal_start', 'data_start'];
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

function isIsoDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Problems in a rules document (empty when valid): every entry needs a valid `effective_from`,
 * an `effective_to` (if any) not before it, a basis, a confidence H/M/L, a non-empty `source`
 * and an object `value`; the versions of a key must be listed in date order and never overlap.
 */
export function validateRules(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc) || !isRecord(doc.rules)) return ['document has no "rules" object'];
  if (!isIsoDay(doc.data_from)) problems.push('data_from is not a valid YYYY-MM-DD date');
  for (const [key, entries] of Object.entries(doc.rules)) {
    if (!Array.isArray(entries) || entries.length === 0) {
      problems.push(`${key}: must be a non-empty array of versions`);
      continue;
    }
    let previous: { from: string; to: string | undefined } | undefined;
    entries.forEach((entry: unknown, i) => {
      const at = `${key}[${i}]`;
      if (!isRecord(entry)) {
        problems.push(`${at}: not an object`);
        return;
      }
      const from = entry.effective_from;
      const to = entry.effective_to;
      if (!isIsoDay(from)) problems.push(`${at}: effective_from is not a valid YYYY-MM-DD date`);
      if (to !== undefined && !isIsoDay(to)) {
        problems.push(`${at}: effective_to is not a valid YYYY-MM-DD date`);
      }
      if (isIsoDay(from) && isIsoDay(to) && to < from) {
        problems.push(`${at}: effective_to is before effective_from`);
      }
      if (
        typeof entry.effective_from_basis !== 'string' ||
        !BASES.includes(entry.effective_from_basis)
      ) {
        problems.push(`${at}: effective_from_basis must be one of ${BASES.join(', ')}`);
      }
      if (typeof entry.confidence !== 'string' || !CONFIDENCES.includes(entry.confidence)) {
        problems.push(`${at}: confidence must be H, M or L`);
      }
      const src = entry.source;
      if (
        !Array.isArray(src) ||
        src.length === 0 ||
        !src.every((s) => typeof s === 'string' && s.trim() !== '')
      ) {
        problems.push(`${at}: source must be a non-empty list of non-empty strings`);
      }
      const cite = entry.cite;
      if (
        cite !== undefined &&
        (!Array.isArray(cite) ||
          cite.length === 0 ||
          !cite.every((c) => typeof c === 'string' && /^[a-z0-9_]+$/.test(c)))
      ) {
        problems.push(`${at}: cite must be a non-empty list of source ids ([a-z0-9_]+)`);
      }
      if (!isRecord(entry.value)) problems.push(`${at}: value must be an object`);
      if (isIsoDay(from)) {
        if (previous) {
          if (from <= previous.from) {
            problems.push(`${at}: versions must be listed in effective_from order`);
          } else if (previous.to === undefined || previous.to >= from) {
            problems.push(`${at}: overlaps the previous version`);
          }
        }
        previous = { from, to: isIsoDay(to) ? to : undefined };
      }
    });
  }
  return problems;
}

/**
 * The rules files, one per domain (data/rules/*.json, all in the same format): sso-rules.json
 * holds the rules the calculators use; the others the knowledge base's further rules. A key
 * lives in exactly one file.
 */
export const RULE_FILES: Readonly<Record<string, unknown>> = {
  'sso-rules.json': rulesJson,
  'contributions.json': contributionsJson,
  'medical.json': medicalJson,
  'benefits.json': benefitsJson,
  'old-age-unemployment.json': oldAgeUnemploymentJson,
  'services.json': servicesJson,
};

function loadRules(): RulesFile {
  const problems: string[] = [];
  const merged: Record<string, unknown> = {};
  for (const [name, doc] of Object.entries(RULE_FILES)) {
    const own = validateRules(
      name === 'sso-rules.json' ? doc : { data_from: '2025-01-01', ...(doc as object) },
    );
    problems.push(...own.map((p) => `${name}: ${p}`));
    const rules = isRecord(doc) && isRecord(doc.rules) ? doc.rules : {};
    for (const [key, entries] of Object.entries(rules)) {
      if (key in merged) problems.push(`${name}: ${key} is already defined in another file`);
      merged[key] = entries;
    }
  }
  if (problems.length > 0) throw new Error(`data/rules is invalid:\n${problems.join('\n')}`);
  return {
    data_from: (rulesJson as { data_from: string }).data_from,
    rules: merged,
  } as unknown as RulesFile;
}

const RULES = loadRules();

/** First day the data answers for; rules before it are not recorded. */
export const RULES_DATA_FROM: string = RULES.data_from;

// ---------------------------------------------------------------------------------------------
// Dates

const BANGKOK_OFFSET_MS = 7 * 60 * 60 * 1000;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** 'YYYY-MM-DD' of a date input (a Date is read as a calendar day in Thailand, UTC+7). */
export function toIsoDay(date: DateInput): string {
  if (typeof date === 'string') {
    if (!isIsoDay(date)) throw new RangeError(`Not a valid YYYY-MM-DD date: ${date}`);
    return date;
  }
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid Date');
  const bkk = new Date(t + BANGKOK_OFFSET_MS);
  return `${bkk.getUTCFullYear()}-${pad2(bkk.getUTCMonth() + 1)}-${pad2(bkk.getUTCDate())}`;
}

/** Months since year 0 (year * 12 + month - 1), for month arithmetic. */
function monthIndexOfDay(isoDay: string): number {
  return Number(isoDay.slice(0, 4)) * 12 + Number(isoDay.slice(5, 7)) - 1;
}

function monthIndexOfPeriod(period: string): number {
  const m = ISO_MONTH.exec(period);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    throw new RangeError(`Not a valid YYYY-MM period: ${period}`);
  }
  return Number(m[1]) * 12 + month - 1;
}

function periodOfIndex(index: number): string {
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

// ---------------------------------------------------------------------------------------------
// Generic lookup

/** The version of `key` in force on `date`, or undefined when the data has none for that date. */
export function findRuleOn<K extends RuleKey>(
  key: K,
  date: DateInput,
): RuleEntry<RuleValues[K]> | undefined {
  const day = toIsoDay(date);
  const entries: readonly RuleEntry<RuleValues[K]>[] = RULES.rules[key];
  return entries.find(
    (e) => e.effective_from <= day && (e.effective_to === undefined || day <= e.effective_to),
  );
}

/**
 * The version of `key` in force on `date` (value, source, confidence, dates). Throws a RangeError
 * when the data has none, e.g. before RULES_DATA_FROM.
 */
export function ruleOn<K extends RuleKey>(key: K, date: DateInput): RuleEntry<RuleValues[K]> {
  const entry = findRuleOn(key, date);
  if (!entry) throw new RangeError(`No ${key} rule in force on ${toIsoDay(date)}`);
  return entry;
}

/** Every version of `key`, oldest first. */
export function ruleHistory<K extends RuleKey>(key: K): readonly RuleEntry<RuleValues[K]>[] {
  return RULES.rules[key];
}

/**
 * Untyped access for the knowledge base, whose rules (data/rules/*.json) have many shapes: the
 * version of `key` in force on `date`, or undefined. Calculators use the typed `ruleOn`.
 */
export function anyRuleOn(
  key: string,
  date: DateInput,
): RuleEntry<Readonly<Record<string, unknown>>> | undefined {
  const entries = (
    RULES.rules as unknown as Record<string, readonly RuleEntry<Record<string, unknown>>[]>
  )[key];
  if (!entries) return undefined;
  const day = toIsoDay(date);
  return entries.find(
    (e) => e.effective_from <= day && (e.effective_to === undefined || day <= e.effective_to),
  );
}

/** Every version of any rule key (oldest first); empty for an unknown key. */
export function anyRuleHistory(
  key: string,
): readonly RuleEntry<Readonly<Record<string, unknown>>>[] {
  return (
    (RULES.rules as unknown as Record<string, readonly RuleEntry<Record<string, unknown>>[]>)[
      key
    ] ?? []
  );
}

/** Every rule key in data/rules. */
export function ruleKeys(): string[] {
  return Object.keys(RULES.rules);
}

/** The newest version of `key` (for constants of rules that have not changed in the data). */
function latestRule<K extends RuleKey>(key: K): RuleEntry<RuleValues[K]> {
  const entries = RULES.rules[key];
  return entries[entries.length - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Constants (from the newest version in the data; use ruleOn for a given date)

export const HOTLINE: string = latestRule('contact.hotline').value.phone;
export const MEDICAL_REQUIRED_MONTHS: number =
  latestRule('medical.eligibility').value.required_months;
export const MEDICAL_WINDOW_MONTHS: number = latestRule('medical.eligibility').value.window_months;
export const UNEMPLOYMENT_REQUIRED_MONTHS: number = latestRule('unemployment.eligibility').value
  .required_months;
export const UNEMPLOYMENT_WINDOW_MONTHS: number = latestRule('unemployment.eligibility').value
  .window_months;
export const UNEMPLOYMENT_MIN_DAYS_UNEMPLOYED: number =
  latestRule('unemployment.procedure').value.min_days_unemployed;
export const UNEMPLOYMENT_BENEFIT_FROM_DAY: number =
  latestRule('unemployment.procedure').value.benefit_from_day;
export const UNEMPLOYMENT_REGISTER_WITHIN_DAYS: number =
  latestRule('unemployment.procedure').value.register_within_days;
export const UNEMPLOYMENT_REPORT_EVERY_MONTHS: number =
  latestRule('unemployment.procedure').value.report_every_months;
export const UNEMPLOYMENT_MAX_DAYS_PER_YEAR: number = latestRule('unemployment.annual_limit').value
  .max_days_per_year_all_claims;
export const PENSION_MIN_MONTHS: number = latestRule('old_age.pension').value.min_months;
export const PENSION_MIN_AGE: number = latestRule('old_age.pension').value.min_age;

// ---------------------------------------------------------------------------------------------
// Money helpers

function thbToSatang(thb: number): number {
  return Math.round(thb * 100);
}

/** amountSatang × percent / 100, unrounded (percent taken to 2 decimals to avoid float noise). */
function percentOf(amountSatang: number, percent: number): number {
  return (amountSatang * Math.round(percent * 100)) / 10_000;
}

function assertSatang(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of satang, got ${value}`);
  }
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Section 33 contributions and the capped wage

/** The Section 33 wage ceiling in force on `date`. */
export function wageCeilingSatang(date: DateInput): number {
  return thbToSatang(ruleOnOrEarliest('s33.wage_ceiling', date).value.wage_ceiling_thb);
}

/** The Section 33 wage floor in force on `date`. */
export function wageFloorSatang(date: DateInput): number {
  return thbToSatang(ruleOnOrEarliest('s33.wage_floor', date).value.wage_floor_thb);
}

/**
 * For the floor and ceiling only: a date before the data starts gets the earliest entry. The
 * source says the 15,000 ceiling held for every month "before 2026" and the 1,650 floor is
 * unchanged, and a contribution history reaches back decades, so this is the source's own
 * statement rather than a guess. Other rules stay strict (ruleOn throws).
 */
function ruleOnOrEarliest<K extends 's33.wage_ceiling' | 's33.wage_floor'>(
  key: K,
  date: DateInput,
) {
  return toIsoDay(date) < RULES.data_from ? RULES.rules[key][0]! : ruleOn(key, date);
}

/** The contribution (and cash-benefit) wage: `wageSatang` clamped to the floor and ceiling. */
export function cappedWageSatang(wageSatang: number, date: DateInput): number {
  assertSatang(wageSatang, 'wageSatang');
  return Math.min(Math.max(wageSatang, wageFloorSatang(date)), wageCeilingSatang(date));
}

/**
 * The average of a constant wage over the `count` months that end with `endDay`'s month, each
 * month capped at the floor and ceiling in force that month (the pension's 60-month average):
 * months before 2026 count at most 15,000 even when the wage was higher.
 */
export function averageCappedWageSatang(
  wageSatang: number,
  endDay: DateInput,
  count: number,
): number {
  assertSatang(wageSatang, 'wageSatang');
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Not a month count: ${count}`);
  const end = monthIndexOfDay(toIsoDay(endDay));
  let sum = 0;
  for (let i = end - count + 1; i <= end; i++)
    sum += cappedWageSatang(wageSatang, `${periodOfIndex(i)}-01`);
  return Math.round(sum / count);
}

export interface Section33Contribution {
  cappedWageSatang: number;
  /** Employee's monthly contribution, rounded to whole baht. */
  employeeSatang: number;
  /** Employer's monthly contribution, rounded to whole baht. */
  employerSatang: number;
  /** Government's share, rounded to whole baht (rate is [M]). */
  governmentSatang: number;
  /** Part of the employee's contribution that goes to old age (not rounded to baht). */
  oldAgeEmployeeSatang: number;
  /** Part of the employer's contribution that goes to old age (not rounded to baht). */
  oldAgeEmployerSatang: number;
  governmentConfidence: Confidence;
  /** Confidence of the whole-baht rounding rule ([L]: SSO's exact rule was not found). */
  roundingConfidence: Confidence;
}

/** Monthly Section 33 contributions on `wageSatang` under the rules in force on `date`. */
export function section33ContributionSatang(
  wageSatang: number,
  date: DateInput,
): Section33Contribution {
  const base = cappedWageSatang(wageSatang, date);
  const rate = ruleOn('s33.contribution_rate', date).value;
  const government = ruleOn('s33.government_rate', date);
  const share = ruleOn('old_age.contribution_share', date).value;
  const rounding = ruleOn('s33.rounding', date);
  const unit = thbToSatang(rounding.value.unit_thb);
  // half_up (the only mode in the data): Math.round rounds .5 up for the positive amounts here.
  const round = (raw: number) => Math.round(raw / unit) * unit;
  return {
    cappedWageSatang: base,
    employeeSatang: round(percentOf(base, rate.employee_percent)),
    employerSatang: round(percentOf(base, rate.employer_percent)),
    governmentSatang: round(percentOf(base, government.value.government_percent)),
    oldAgeEmployeeSatang: Math.round(percentOf(base, share.employee_percent)),
    oldAgeEmployerSatang: Math.round(percentOf(base, share.employer_percent)),
    governmentConfidence: government.confidence,
    roundingConfidence: rounding.confidence,
  };
}

/** Section 39 monthly contribution in force on `date` (432 THB; [L] from 2026, see the data). */
export function section39ContributionSatang(date: DateInput): number {
  return thbToSatang(ruleOn('s39.contribution', date).value.monthly_thb);
}

// ---------------------------------------------------------------------------------------------
// Section 40

export interface Section40ChildAllowance {
  perChildMonthlySatang: number;
  maxChildren: number;
  untilAge: number;
}

export interface Section40OptionBenefits {
  inpatientPerDaySatang: number;
  restWithoutAdmissionPerDaySatang: number;
  outpatientPerVisitSatang: number;
  outpatientMaxVisitsPerYear: number;
  minCertifiedRestDays: number;
  sickDaysPerYear: number;
  /** Upper bound; the actual amount depends on contribution period and option. */
  disabilityMaxMonthlySatang: number;
  /** Null when the option has no child allowance. */
  childAllowance: Section40ChildAllowance | null;
  /** Up to this amount ([M], exact per-option amount not confirmed); null if not in the data. */
  funeralMaxSatang: number | null;
}

export interface Section40Option {
  option: OptionNo;
  /** What the insured person pays each month. */
  monthlySatang: number;
  /** The government's part ([M]); null if not in the data for the date. */
  governmentMonthlySatang: number | null;
  covers: readonly Section40Cover[];
  /** Benefit amounts in force on the date; null when the data has none (before 2026-01-01). */
  benefits: Section40OptionBenefits | null;
}

/** Section 40 options 1–3 with their cost and the benefits in force on `date`. */
export function section40Options(date: DateInput): Section40Option[] {
  const options = ruleOn('s40.options', date).value.options;
  const government = findRuleOn('s40.government_share', date)?.value.options;
  const benefits = findRuleOn('s40.benefits', date)?.value;
  const funeral = findRuleOn('s40.funeral_grant', date)?.value;
  return options.map((o) => {
    const gov = government?.find((g) => g.option === o.option);
    let optionBenefits: Section40OptionBenefits | null = null;
    if (benefits) {
      const sick = benefits.sick_days_per_year.find((s) => s.option === o.option);
      const child = benefits.child_allowance;
      optionBenefits = {
        inpatientPerDaySatang: thbToSatang(benefits.inpatient_thb_per_day),
        restWithoutAdmissionPerDaySatang: thbToSatang(benefits.rest_without_admission_thb_per_day),
        outpatientPerVisitSatang: thbToSatang(benefits.outpatient_thb_per_visit),
        outpatientMaxVisitsPerYear: benefits.outpatient_max_visits_per_year,
        minCertifiedRestDays: benefits.min_certified_rest_days,
        sickDaysPerYear: sick ? sick.days : 0,
        disabilityMaxMonthlySatang: thbToSatang(benefits.disability_max_thb_per_month),
        childAllowance: child.options.includes(o.option)
          ? {
              perChildMonthlySatang: thbToSatang(child.thb_per_month_per_child),
              maxChildren: child.max_children,
              untilAge: child.until_age,
            }
          : null,
        funeralMaxSatang: funeral ? thbToSatang(funeral.max_thb) : null,
      };
    }
    return {
      option: o.option,
      monthlySatang: thbToSatang(o.monthly_thb),
      governmentMonthlySatang: gov ? thbToSatang(gov.monthly_thb) : null,
      covers: o.covers,
      benefits: optionBenefits,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Contribution-window tests (medical 3-in-15, unemployment 6-in-15)

export interface ContributionWindow {
  /** Distinct paid months inside the window. */
  monthsInWindow: number;
  required: number;
  windowMonths: number;
  /** First month of the window, 'YYYY-MM' (inclusive). */
  windowFrom: string;
  /** Last month of the window, 'YYYY-MM' (inclusive). */
  windowTo: string;
}

function countWindow(
  paidPeriods: readonly string[],
  fromIndex: number,
  toIndex: number,
  required: number,
  windowMonths: number,
): ContributionWindow {
  const paid = new Set(paidPeriods.map(monthIndexOfPeriod));
  let monthsInWindow = 0;
  for (const i of paid) if (i >= fromIndex && i <= toIndex) monthsInWindow++;
  return {
    monthsInWindow,
    required,
    windowMonths,
    windowFrom: periodOfIndex(fromIndex),
    windowTo: periodOfIndex(toIndex),
  };
}

export interface MedicalRights extends ContributionWindow {
  active: boolean;
}

/**
 * Medical rights (Sections 33/39): at least 3 paid months within the 15 months before treatment.
 *
 * Window: the 15 calendar months BEFORE the month of `date`; the month of `date` itself is not
 * counted (its contribution is not due yet). Treatment on any day of 2026-04 → 2025-01..2026-03.
 * `paidPeriods` are 'YYYY-MM' months with a paid contribution; duplicates count once.
 */
export function medicalRightsActive(
  paidPeriods: readonly string[],
  date: DateInput,
): MedicalRights {
  const rule = ruleOn('medical.eligibility', date).value;
  const month = monthIndexOfDay(toIsoDay(date));
  const window = countWindow(
    paidPeriods,
    month - rule.window_months,
    month - 1,
    rule.required_months,
    rule.window_months,
  );
  return { active: window.monthsInWindow >= window.required, ...window };
}

export interface UnemploymentEligibility extends ContributionWindow {
  eligible: boolean;
}

/**
 * Unemployment contribution test (Section 33): at least 6 paid months within the 15 months
 * before unemployment.
 *
 * Window: the 15 calendar months ENDING WITH the month of `lastWorkDate` (that month had wages
 * and a contribution; unemployment starts the next day). Last work day 2026-03-15 →
 * 2025-01..2026-03. Other conditions (≥ 8 days unemployed, DOE registration, cause) are not
 * checked here.
 */
export function unemploymentEligibility(
  paidPeriods: readonly string[],
  lastWorkDate: DateInput,
): UnemploymentEligibility {
  const rule = ruleOn('unemployment.eligibility', lastWorkDate).value;
  const month = monthIndexOfDay(toIsoDay(lastWorkDate));
  const window = countWindow(
    paidPeriods,
    month - rule.window_months + 1,
    month,
    rule.required_months,
    rule.window_months,
  );
  return { eligible: window.monthsInWindow >= window.required, ...window };
}

// ---------------------------------------------------------------------------------------------
// Unemployment benefit

/** 'contract_ended' follows the resigned rule; 'force_majeure' is [L]. */
export type UnemploymentCause = 'laid_off' | 'resigned' | 'contract_ended' | 'force_majeure';

const CAUSE_RULE = {
  laid_off: 'unemployment.laid_off',
  resigned: 'unemployment.resigned',
  contract_ended: 'unemployment.resigned',
  force_majeure: 'unemployment.force_majeure',
} as const satisfies Record<UnemploymentCause, RuleKey>;

export interface UnemploymentEstimate {
  cause: UnemploymentCause;
  ratePercent: number;
  /** Maximum paid days for this cause (all claims in a year together ≤ 180 days). */
  maxDays: number;
  /** monthlySatang / 30, rounded to the satang. */
  dailySatang: number;
  monthlySatang: number;
  /** monthlySatang × maxDays / 30, rounded to the satang. */
  totalMaxSatang: number;
  /** The average wage clamped to the floor and the ceiling in force on the last work date. */
  cappedWageSatang: number;
  /** effective_from of the rate rule used. */
  ruleEffectiveFrom: string;
  confidence: Confidence;
  source: readonly string[];
}

/** Unemployment benefit estimate with the rate and ceiling in force on `lastWorkDate`. */
export function unemploymentEstimate(
  cause: UnemploymentCause,
  avgMonthlyWageSatang: number,
  lastWorkDate: DateInput,
): UnemploymentEstimate {
  const key = CAUSE_RULE[cause];
  if (!key) throw new RangeError(`Unknown unemployment cause: ${String(cause)}`);
  const rule = ruleOn(key, lastWorkDate);
  const daysPerMonth = ruleOn('unemployment.wage_base', lastWorkDate).value.days_per_month;
  const capped = cappedWageSatang(avgMonthlyWageSatang, lastWorkDate);
  const monthly = Math.round(percentOf(capped, rule.value.rate_percent));
  return {
    cause,
    ratePercent: rule.value.rate_percent,
    maxDays: rule.value.max_days,
    dailySatang: Math.round(monthly / daysPerMonth),
    monthlySatang: monthly,
    totalMaxSatang: Math.round((monthly * rule.value.max_days) / daysPerMonth),
    cappedWageSatang: capped,
    ruleEffectiveFrom: rule.effective_from,
    confidence: rule.confidence,
    source: rule.source,
  };
}

// ---------------------------------------------------------------------------------------------
// Old age

export interface PensionEstimate {
  kind: 'pension';
  /** 20 + 1.5 per full 12 months beyond 180. */
  percent: number;
  monthlySatang: number;
  fullYearsBeyondMinimum: number;
  minAge: number;
}

export interface LumpSumEstimate {
  kind: 'lump_sum';
  /**
   * own_contributions: < 12 months, the insured's own old-age contributions.
   * own_and_employer_contributions_plus_returns: ≥ 12 months, both sides' old-age
   * contributions plus returns declared by SSO.
   */
  descriptionKey: 'own_contributions' | 'own_and_employer_contributions_plus_returns';
  /**
   * Rough size of the contributions part: months × average capped wage × old-age share
   * (3 %, or 3 % + 3 %). Excludes returns, and uses the last-60-month average for every month.
   */
  contributionsApproxSatang: number;
  approximate: true;
  minAge: number;
}

export type OldAgeEstimate = PensionEstimate | LumpSumEstimate;

/**
 * Old-age benefit: a pension from 180 months of contributions, a lump sum below that.
 * `date` picks the rule version (the newest in the data when omitted; the formula has not
 * changed in the data).
 */
export function pensionEstimate(
  monthsContributed: number,
  avgLast60CappedWageSatang: number,
  date?: DateInput,
): OldAgeEstimate {
  assertCount(monthsContributed, 'monthsContributed');
  assertSatang(avgLast60CappedWageSatang, 'avgLast60CappedWageSatang');
  const pension =
    date === undefined ? latestRule('old_age.pension') : ruleOn('old_age.pension', date);
  const lump =
    date === undefined ? latestRule('old_age.lump_sum') : ruleOn('old_age.lump_sum', date);
  const share =
    date === undefined
      ? latestRule('old_age.contribution_share')
      : ruleOn('old_age.contribution_share', date);
  const p = pension.value;
  if (monthsContributed >= p.min_months) {
    const years = Math.floor((monthsContributed - p.min_months) / p.step_months);
    const percent = Math.round((p.base_percent + years * p.step_percent) * 100) / 100;
    return {
      kind: 'pension',
      percent,
      monthlySatang: Math.round(percentOf(avgLast60CappedWageSatang, percent)),
      fullYearsBeyondMinimum: years,
      minAge: p.min_age,
    };
  }
  const ownOnly = monthsContributed < lump.value.own_only_below_months;
  const sharePercent = ownOnly
    ? share.value.employee_percent
    : share.value.employee_percent + share.value.employer_percent;
  return {
    kind: 'lump_sum',
    descriptionKey: ownOnly ? 'own_contributions' : 'own_and_employer_contributions_plus_returns',
    contributionsApproxSatang: Math.round(
      percentOf(avgLast60CappedWageSatang * monthsContributed, sharePercent),
    ),
    approximate: true,
    minAge: p.min_age,
  };
}

// ---------------------------------------------------------------------------------------------
// Hospital change window

export interface HospitalChangeWindow {
  /** 'YYYY-MM-DD', inclusive. */
  from: string;
  /** 'YYYY-MM-DD', inclusive. */
  to: string;
  confidence: Confidence;
  /** Windows other sources give for the same year (e.g. 16 Dec of the year before – 31 Mar). */
  alternatives: { from: string; to: string }[];
  source: readonly string[];
}

/** The annual hospital-change window the bot states for `year` ([M]: sources disagree). */
export function hospitalChangeWindow(year: number): HospitalChangeWindow {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`Not a valid year: ${year}`);
  }
  const rule = ruleOn('hospital.change_window', `${year}-01-01`);
  const dates = (w: HospitalWindowSpec) => ({
    from: `${w.from_previous_year ? year - 1 : year}-${w.from_month_day}`,
    to: `${year}-${w.to_month_day}`,
  });
  const stated = rule.value.windows[rule.value.bot_states];
  if (!stated)
    throw new Error(`hospital.change_window: unknown bot_states ${rule.value.bot_states}`);
  const alternatives = Object.entries(rule.value.windows)
    .filter(([name]) => name !== rule.value.bot_states)
    .map(([, w]) => dates(w));
  return { ...dates(stated), confidence: rule.confidence, alternatives, source: rule.source };
}
