/**
 * When each dated notification is due, from the dated rules in data/rules (read through
 * src/rules) and the engine's own lead times. Pure functions of a Bangkok day: the planner turns
 * their answers into SQL (src/notify/plan.ts).
 *
 * The lead times below are this service's choice of when to remind, not SSO rules, so they are
 * constants here rather than dated rules.
 */
import {
  anyRuleOn,
  findRuleOn,
  hospitalChangeWindow,
  section39ContributionSatang,
  section40Options,
} from '../rules/index.ts';
import { addDays, addMonths, dayOf, daysBetween, lastDayOf } from './dates.ts';

/** A contribution reminder goes out this many days before the due date (and on it). */
export const CONTRIBUTION_LEAD_DAYS = 3;
/** Medical rights: warned in the last this-many days of the month that decides them. */
export const MEDICAL_LEAD_DAYS = 7;
/** The unemployment report (รายงานตัว): reminded when due within this many days. */
export const REPORT_LEAD_DAYS = 3;
/**
 * The hospital-change window: announced on its opening day; a run that missed the day (the
 * service was down) still announces it during this many days after.
 */
export const HOSPITAL_WINDOW_GRACE_DAYS = 6;
/** Claim decisions and payments are announced when an import changed them in this period. */
export const CHANGE_LOOKBACK_DAYS = 30;

function numberIn(value: Readonly<Record<string, unknown>>, field: string): number | undefined {
  const v = value[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// Section 39: due dates and the lapse rule

export interface S39Rules {
  /** Day of the month a contribution is due (`s39.payment_due.day_of_month`, [L]). */
  readonly dueDay: number;
  /**
   * The contribution for period P is due in month P + offset. The rule does not say which
   * month's contribution falls due on that day (its note); the engine assumes the month after
   * the period (as section 33's remittance, `s33.payment_deadline`), unless the rule gains a
   * `period_offset_months` field.
   */
  readonly offsetMonths: number;
  /** Unpaid months in a row that end the coverage (`s39.lapse`). */
  readonly lapseMonths: number;
}

export function s39Rules(day: string): S39Rules | undefined {
  const due = anyRuleOn('s39.payment_due', day)?.value;
  const lapse = anyRuleOn('s39.lapse', day)?.value;
  if (!due || !lapse) return undefined;
  const dueDay = numberIn(due, 'day_of_month');
  const lapseMonths = numberIn(lapse, 'max_consecutive_unpaid_months');
  if (dueDay === undefined || lapseMonths === undefined || lapseMonths < 2) return undefined;
  return { dueDay, offsetMonths: numberIn(due, 'period_offset_months') ?? 1, lapseMonths };
}

/** The day a section 39 period's contribution is due. */
export function s39Deadline(period: string, rules: S39Rules): string {
  return dayOf(addMonths(period, rules.offsetMonths), rules.dueDay);
}

/** The latest period whose due date has passed on `day`. */
export function lastOverduePeriod(day: string, rules: S39Rules): string {
  let period = addMonths(day.slice(0, 7), -rules.offsetMonths);
  while (s39Deadline(period, rules) >= day) period = addMonths(period, -1);
  return period;
}

export interface LapseRisk {
  /** The last paid period before the unpaid run (the member was covered then). */
  readonly paidPeriod: string;
  /** The unpaid run so far: these periods have no paid contribution. */
  readonly unpaidFrom: string;
  readonly unpaidTo: string;
  readonly months: number;
  /** The next period: left unpaid, it ends the coverage. */
  readonly period: string;
  readonly deadline: string;
}

/**
 * Section 39 lapse: coverage ends after `lapseMonths` unpaid months in a row. On `day`, a
 * member whose last `lapseMonths - 1` overdue periods are unpaid (and the one before paid:
 * otherwise they have lapsed already, and must not be told to pay) is one missed month away.
 */
export function lapseRisk(day: string): LapseRisk | undefined {
  const rules = s39Rules(day);
  if (!rules) return undefined;
  const last = lastOverduePeriod(day, rules);
  const months = rules.lapseMonths - 1;
  const period = addMonths(last, 1);
  return {
    paidPeriod: addMonths(last, -months),
    unpaidFrom: addMonths(last, -(months - 1)),
    unpaidTo: last,
    months,
    period,
    deadline: s39Deadline(period, rules),
  };
}

export interface ContributionDue {
  readonly section: 39 | 40;
  readonly period: string;
  readonly deadline: string;
  /** Section 39: one amount; section 40: by option (1–3). */
  readonly amountSatang: number | Readonly<Record<number, number>>;
  /**
   * Section 39 only: the periods of which at least one must be paid (a member with all of them
   * unpaid has lapsed and is not reminded).
   */
  readonly coveredFrom?: string;
  readonly coveredTo?: string;
}

/** Section 39: the period due within the lead time of `day`, if any. */
export function s39ContributionDue(day: string): ContributionDue | undefined {
  const rules = s39Rules(day);
  if (!rules) return undefined;
  const period = addMonths(lastOverduePeriod(day, rules), 1);
  const deadline = s39Deadline(period, rules);
  const left = daysBetween(day, deadline);
  if (left < 0 || left > CONTRIBUTION_LEAD_DAYS) return undefined;
  return {
    section: 39,
    period,
    deadline,
    amountSatang: section39ContributionSatang(`${period}-01`),
    coveredFrom: addMonths(period, -rules.lapseMonths),
    coveredTo: addMonths(period, -1),
  };
}

/**
 * Section 40: members pay the current month (and up to 12 ahead) but never a past month
 * (`s40.payment_window`), so a month's contribution is due by its last day. No reminder while
 * the rule allows back payment (the due date would be unknown).
 */
export function s40ContributionDue(day: string): ContributionDue | undefined {
  const window = anyRuleOn('s40.payment_window', day)?.value;
  if (window?.back_payment_allowed !== false) return undefined;
  const period = day.slice(0, 7);
  const deadline = lastDayOf(period);
  if (daysBetween(day, deadline) > CONTRIBUTION_LEAD_DAYS) return undefined;
  const amounts: Record<number, number> = {};
  for (const o of section40Options(`${period}-01`)) amounts[o.option] = o.monthlySatang;
  return { section: 40, period, deadline, amountSatang: amounts };
}

export interface MedicalRisk {
  /** The month whose contribution decides next month's rights. */
  readonly period: string;
  /** Rights now: paid months in [nowFrom, nowTo] ≥ required. */
  readonly nowFrom: string;
  readonly nowTo: string;
  /** Next month without `period` paid: paid months in [nextFrom, nowTo] < required. */
  readonly nextFrom: string;
  readonly required: number;
  readonly sections: readonly number[];
  /** The first day without rights. */
  readonly date: string;
}

/**
 * Medical rights (`medical.eligibility`, 3 paid months in the 15 before the month of
 * treatment): in the last days of month M, people whose rights are active now but would be
 * inactive in M + 1 unless M is paid.
 */
export function medicalRisk(day: string): MedicalRisk | undefined {
  const rule = findRuleOn('medical.eligibility', day)?.value;
  if (!rule) return undefined;
  const period = day.slice(0, 7);
  if (daysBetween(day, lastDayOf(period)) >= MEDICAL_LEAD_DAYS) return undefined;
  return {
    period,
    nowFrom: addMonths(period, -rule.window_months),
    nowTo: addMonths(period, -1),
    nextFrom: addMonths(period, 1 - rule.window_months),
    required: rule.required_months,
    sections: rule.sections,
    date: `${addMonths(period, 1)}-01`,
  };
}

export interface HospitalWindowOpening {
  /** The window's year (it may open in December of the year before). */
  readonly year: number;
  readonly from: string;
  readonly to: string;
  /** Sections that have an SSO hospital (`medical.eligibility`). */
  readonly sections: readonly number[];
}

/** The hospital-change window that opened on `day` or in the grace days before it. */
export function hospitalWindowOpening(day: string): HospitalWindowOpening | undefined {
  const sections = findRuleOn('medical.eligibility', day)?.value.sections;
  if (!sections) return undefined;
  const year = Number(day.slice(0, 4));
  for (const y of [year, year + 1]) {
    let window: { from: string; to: string };
    try {
      window = hospitalChangeWindow(y);
    } catch {
      continue; // no rule for that year in the data
    }
    const last = addDays(window.from, HOSPITAL_WINDOW_GRACE_DAYS);
    if (day >= window.from && day <= last && day <= window.to) {
      return { year: y, from: window.from, to: window.to, sections };
    }
  }
  return undefined;
}
