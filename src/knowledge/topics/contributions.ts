/**
 * Knowledge topics: contributions and the three sections (words:
 * locales/<lang>/knowledge/contributions.json; rules: data/rules/sso-rules.json and
 * data/rules/contributions.json).
 *
 * Order matters only for ties (an earlier topic wins): the payment-channel answer comes first so
 * it is the plain `pay_contribution` answer; the section 33 rate follows and answers
 * `contribution_balance`, and a named section (39, 40) outranks both through `sections`. The
 * general answers (sections, joining) come before the section-specific ones, which win only when
 * the question names their section.
 */
import { anyRuleHistory, anyRuleOn } from '../../rules/index.ts';
import {
  arrayField,
  baht,
  date,
  hotline,
  num,
  numberField,
  percent,
  phrase,
  ruleValue,
  stringField,
  verbatim,
  year as yearOf,
} from '../facts.ts';
import type { Fact, Topic } from '../types.ts';

const K = 'knowledge.contributions_common';

const LIST_KEYS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'] as const;
const SLOTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;

/** Items joined the way the language joins a list ("a, b and c"). */
function list(items: readonly Fact[]): Fact {
  const key = LIST_KEYS[items.length - 1];
  if (!key) throw new RangeError(`knowledge: cannot list ${items.length} items`);
  const values: Record<string, Fact> = {};
  items.forEach((item, i) => {
    values[SLOTS[i]!] = item;
  });
  return phrase(`${K}.list.${key}`, values);
}

/** The benefit cases a rule lists (ids such as `sickness`, `old_age_pension`), in words. */
function cases(ids: readonly unknown[]): Fact {
  return list(
    ids.map((id) => {
      if (typeof id !== 'string' || !/^[a-z_]+$/.test(id))
        throw new TypeError(`knowledge: bad case ${String(id)}`);
      return phrase(`${K}.case.${id}`);
    }),
  );
}

/** A YYYY-MM month in words ("ตุลาคม 2568", "October 2025"). */
function month(period: string): Fact {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) throw new TypeError(`knowledge: ${period} is not a YYYY-MM month`);
  return phrase(`${K}.monthYear`, {
    month: phrase(`${K}.month.${Number(m[2])}`),
    // Buddhist era in Thai
    year: yearOf(Number(m[1])),
  });
}

/** The versions of `key` that start after `day` (scheduled changes), oldest first. */
function laterVersions(key: string, day: string) {
  return anyRuleHistory(key).filter((e) => e.effective_from > day);
}

interface Section40Option {
  readonly option: number;
  readonly monthly: number;
  readonly covers?: readonly unknown[];
}

function section40Options(value: Readonly<Record<string, unknown>>): Section40Option[] {
  return arrayField(value, 'options').map((o) => {
    const r = o as Readonly<Record<string, unknown>>;
    return {
      option: numberField(r, 'option'),
      monthly: numberField(r, 'monthly_thb'),
      ...(Array.isArray(r.covers) ? { covers: r.covers } : {}),
    };
  });
}

function option(options: readonly Section40Option[], n: number): Section40Option {
  const o = options.find((x) => x.option === n);
  if (!o) throw new RangeError(`knowledge: no section 40 option ${n}`);
  return o;
}

/** The cheapest section 40 option a month. */
function section40From(day: string): Fact {
  return baht(Math.min(...section40Options(ruleValue('s40.options', day)).map((o) => o.monthly)));
}

export const CONTRIBUTIONS_TOPICS: readonly Topic[] = [
  {
    id: 'contribution_payment_channels',
    // Topic e_payment belongs to the e-payment service (services.ts).
    match: { topic: ['payment_channels'], intent: ['pay_contribution'] },
    isDefault: true,
    rules: ['contribution.payment_channels', 'contribution.payment_channels_reported'],
    facts(day) {
      const reported = ruleValue('contribution.payment_channels_reported', day);
      const retail = arrayField(reported, 'retail').map(String);
      return {
        website: verbatim(stringField(ruleValue('contribution.payment_channels', day), 'website')),
        retail: verbatim(retail.join(' / ')),
        hotline: hotline(day),
      };
    },
    next: ['office_location', 'section40_info', 'talk_to_staff'],
  },
  {
    id: 'contribution_rate_s33',
    match: {
      topic: ['contribution_rate', 'wage_ceiling'],
      intent: ['contribution_balance', 'pay_contribution'],
    },
    isDefault: true,
    sections: [33],
    rules: [
      's33.contribution_rate',
      's33.wage_floor',
      's33.wage_ceiling',
      's33.government_rate',
      'old_age.contribution_share',
    ],
    facts(day) {
      const rate = ruleValue('s33.contribution_rate', day);
      const employerPercent = numberField(rate, 'employer_percent');
      const ceiling = ruleValue('s33.wage_ceiling', day);
      const ceilingThb = numberField(ceiling, 'wage_ceiling_thb');
      const share = ruleValue('old_age.contribution_share', day);
      // Every scheduled rise (2029, 2032 …): people ask about the later ones too.
      const later = laterVersions('s33.wage_ceiling', day);
      return {
        employee: percent(numberField(rate, 'employee_percent')),
        employer: percent(employerPercent),
        floor: baht(numberField(ruleValue('s33.wage_floor', day), 'wage_floor_thb')),
        ceiling: baht(ceilingThb),
        maxEmployee: baht(numberField(ceiling, 'max_contribution_thb')),
        maxEmployer: baht((ceilingThb * employerPercent) / 100),
        government: percent(
          numberField(ruleValue('s33.government_rate', day), 'government_percent'),
        ),
        oldAgeEmployee: percent(numberField(share, 'employee_percent')),
        oldAgeEmployer: percent(numberField(share, 'employer_percent')),
        next:
          later.length > 0
            ? phrase('knowledge.contribution_rate_s33.next', {
                steps: list(
                  later.map((v) =>
                    phrase('knowledge.contribution_rate_s33.step', {
                      ceiling: baht(numberField(v.value, 'wage_ceiling_thb')),
                      max: baht(numberField(v.value, 'max_contribution_thb')),
                      from: date(v.effective_from),
                    }),
                  ),
                ),
              })
            : phrase('knowledge.contribution_rate_s33.noNext'),
      };
    },
    next: ['calc_contribution', 'link_account', 'calc_pension', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'contribution_deadlines',
    match: { topic: ['payment_deadline'], intent: ['pay_contribution'] },
    rules: ['s33.payment_deadline', 's39.payment_due', 's40.payment_window', 's39.lapse'],
    facts(day) {
      return {
        day33: num(numberField(ruleValue('s33.payment_deadline', day), 'day_of_next_month')),
        day39: num(numberField(ruleValue('s39.payment_due', day), 'day_of_month')),
        ahead: num(numberField(ruleValue('s40.payment_window', day), 'advance_months_max')),
        unpaid: num(numberField(ruleValue('s39.lapse', day), 'max_consecutive_unpaid_months')),
        hotline: hotline(day),
      };
    },
    next: ['pay_contribution', 'link_account', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'insurance_sections',
    match: { topic: ['sections', 'age_limit'] },
    rules: ['s33.coverage', 's39.eligibility', 's39.application_deadline', 's40.coverage'],
    facts(day) {
      const s33 = ruleValue('s33.coverage', day);
      const s40 = ruleValue('s40.coverage', day);
      return {
        s33Min: num(numberField(s33, 'min_age')),
        s33Max: num(numberField(s33, 'max_age')),
        employees: num(numberField(s33, 'employer_min_employees')),
        s39Months: num(numberField(ruleValue('s39.eligibility', day), 'min_s33_months')),
        s39Within: num(
          numberField(ruleValue('s39.application_deadline', day), 'apply_within_months_of_leaving'),
        ),
        s40Min: num(numberField(s40, 'min_age')),
        s40Max: num(numberField(s40, 'max_age')),
        hotline: hotline(day),
      };
    },
    next: ['section40_info', 'pay_contribution', 'link_account', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'join_switch_section',
    match: { topic: ['join', 'switch_section'] },
    rules: ['s39.eligibility', 's39.application_deadline', 's39.contribution', 's40.options'],
    facts(day) {
      return {
        s39Months: num(numberField(ruleValue('s39.eligibility', day), 'min_s33_months')),
        s39Within: num(
          numberField(ruleValue('s39.application_deadline', day), 'apply_within_months_of_leaving'),
        ),
        s39Cost: baht(numberField(ruleValue('s39.contribution', day), 'monthly_thb')),
        s40From: section40From(day),
        hotline: hotline(day),
      };
    },
    next: ['office_location', 'section40_info', 'pay_contribution', 'talk_to_staff'],
  },
  {
    id: 's39_coverage_lapse',
    match: { topic: ['s39_lapse'] },
    sections: [39],
    rules: ['s39.lapse', 's39.payment_reminders', 'old_age.pension'],
    facts(day) {
      const lapse = ruleValue('s39.lapse', day);
      return {
        unpaid: num(numberField(lapse, 'max_consecutive_unpaid_months')),
        paid: num(numberField(lapse, 'min_paid_months')),
        window: num(numberField(lapse, 'window_months')),
        line: verbatim(stringField(ruleValue('s39.payment_reminders', day), 'line_account')),
        age: num(numberField(ruleValue('old_age.pension', day), 'min_age')),
        s40From: section40From(day),
        hotline: hotline(day),
      };
    },
    next: ['section40_info', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'section39_cost_benefits',
    match: {
      topic: ['sections', 'join', 'contribution_rate'],
      intent: ['pay_contribution', 'contribution_balance'],
    },
    isDefault: true,
    sections: [39],
    rules: [
      's39.contribution',
      's39.benefits',
      's39.eligibility',
      's39.application_deadline',
      's39.lapse',
    ],
    facts(day) {
      const entry = anyRuleOn('s39.contribution', day);
      if (!entry) throw new RangeError(`knowledge: no s39.contribution rule in force on ${day}`);
      const c = entry.value;
      const benefits = ruleValue('s39.benefits', day);
      const covers = arrayField(benefits, 'covers');
      return {
        cost: phrase(
          entry.confidence === 'L'
            ? 'knowledge.section39_cost_benefits.costUnconfirmed'
            : 'knowledge.section39_cost_benefits.cost',
          {
            amount: baht(numberField(c, 'monthly_thb')),
            rate: percent(numberField(c, 'rate_percent')),
            wage: baht(numberField(c, 'notional_wage_thb')),
          },
        ),
        count: num(covers.length),
        covers: cases(covers),
        unemployment: phrase(
          benefits.unemployment === true
            ? 'knowledge.section39_cost_benefits.withUnemployment'
            : 'knowledge.section39_cost_benefits.noUnemployment',
        ),
        months: num(numberField(ruleValue('s39.eligibility', day), 'min_s33_months')),
        within: num(
          numberField(ruleValue('s39.application_deadline', day), 'apply_within_months_of_leaving'),
        ),
        unpaid: num(numberField(ruleValue('s39.lapse', day), 'max_consecutive_unpaid_months')),
      };
    },
    next: ['link_account', 'office_location', 'hospital_rights', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'section40_join',
    match: {
      topic: ['sections', 'join', 'age_limit', 'contribution_rate'],
      intent: ['pay_contribution', 'contribution_balance'],
    },
    isDefault: true,
    sections: [40],
    rules: ['s40.benefits_start', 's40.options', 's40.government_share', 's40.coverage'],
    facts(day) {
      const coverage = ruleValue('s40.coverage', day);
      const pays = section40Options(ruleValue('s40.options', day));
      const gov = section40Options(ruleValue('s40.government_share', day));
      const start = ruleValue('s40.benefits_start', day);
      const inForce = anyRuleHistory('s40.benefits')[0]?.effective_from;
      if (!inForce) throw new RangeError('knowledge: no s40.benefits rule');
      const facts: Record<string, Fact> = {
        min: num(numberField(coverage, 'min_age')),
        max: num(numberField(coverage, 'max_age')),
        hotline: hotline(day),
        decree: phrase(
          inForce <= day
            ? 'knowledge.section40_join.decreeSince'
            : 'knowledge.section40_join.decreeFrom',
          {
            no: num(numberField(start, 'decree_no')),
            from: date(inForce),
            gazette: date(stringField(start, 'royal_gazette_published')),
            mol: month(stringField(start, 'mol_announced_month')),
            hotline: hotline(day),
          },
        ),
      };
      for (const n of [1, 2, 3]) {
        const o = option(pays, n);
        facts[`o${n}`] = baht(o.monthly);
        facts[`g${n}`] = baht(option(gov, n).monthly);
        facts[`c${n}`] = cases(o.covers ?? []);
      }
      return facts;
    },
    next: ['section40_info', 'office_location', 'pay_contribution', 'talk_to_staff'],
  },
];
