/**
 * Knowledge topics: old age and unemployment (words: locales/<lang>/knowledge/old-age-unemployment.json;
 * rules: data/rules/sso-rules.json and data/rules/old-age-unemployment.json).
 *
 * The maximum unemployment amounts and the pension example are computed with the calculators in
 * src/rules on the day asked, so the knowledge answer and the calculator never disagree.
 */
import {
  anyRuleHistory,
  anyRuleOn,
  pensionEstimate,
  type UnemploymentCause,
  unemploymentEstimate,
} from '../../rules/index.ts';
import {
  baht,
  date,
  hotline,
  num,
  numberField,
  percent,
  phrase,
  ruleText,
  ruleValue,
  verbatim,
} from '../facts.ts';
import type { Fact, Facts, Topic } from '../types.ts';

const P = 'knowledge.';

// ------------------------------------------------------------------------------------ shared facts

function field(key: string, name: string, day: string): number {
  return numberField(ruleValue(key, day), name);
}

function ceilingThb(day: string): number {
  return field('s33.wage_ceiling', 'wage_ceiling_thb', day);
}

/** `n` months after an ISO day (the first of a month stays the first). */
function addMonths(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + n, d));
  return t.toISOString().slice(0, 10);
}

/** "every month" / "every n months", from unemployment.procedure.report_every_months. */
function reportFrequency(day: string): Fact {
  const n = field('unemployment.procedure', 'report_every_months', day);
  return n === 1
    ? phrase(`${P}unemployment_overview.reportMonthly`)
    : phrase(`${P}unemployment_overview.reportEvery`, { n: num(n) });
}

/** Who qualifies and how to register: shared by the unemployment topics. */
function procedureFacts(day: string): Record<string, Fact> {
  return {
    months: num(field('unemployment.eligibility', 'required_months', day)),
    window: num(field('unemployment.eligibility', 'window_months', day)),
    fromDay: num(field('unemployment.procedure', 'benefit_from_day', day)),
    registerDays: num(field('unemployment.procedure', 'register_within_days', day)),
    site: ruleText('unemployment.procedure', 'register_site', day),
    reportSite: ruleText('unemployment.procedure', 'report_site', day),
    reportFreq: reportFrequency(day),
  };
}

const CAUSE_RULE: Readonly<Record<UnemploymentCause, string>> = {
  laid_off: 'unemployment.laid_off',
  resigned: 'unemployment.resigned',
  contract_ended: 'unemployment.resigned',
  force_majeure: 'unemployment.force_majeure',
};

/**
 * A cause's rate, days and the most it pays at today's ceiling (a wage at the ceiling), plus
 * " (since <date>, was <rate>)" when the rate changed.
 */
function causeFacts(cause: UnemploymentCause, day: string): Record<string, Fact> {
  const e = unemploymentEstimate(cause, ceilingThb(day) * 100, day);
  const key = CAUSE_RULE[cause];
  const history = anyRuleHistory(key);
  const current = anyRuleOn(key, day);
  const i = current ? history.indexOf(current) : -1;
  const previous = i > 0 ? history[i - 1] : undefined;
  return {
    rate: percent(e.ratePercent),
    days: num(e.maxDays),
    max: baht(e.monthlySatang / 100),
    total: baht(e.totalMaxSatang / 100),
    change:
      previous && current
        ? phrase(`${P}unemployment_overview.sinceWas`, {
            since: date(current.effective_from),
            was: percent(numberField(previous.value, 'rate_percent')),
          })
        : verbatim(''),
  };
}

/** Prefixes a fact group's names: `rate` → `laidRate`. */
function prefixed(prefix: string, facts: Record<string, Fact>): Record<string, Fact> {
  const out: Record<string, Fact> = {};
  for (const [k, v] of Object.entries(facts)) out[prefix + k[0]!.toUpperCase() + k.slice(1)] = v;
  return out;
}

function oldAgeFacts(day: string): Record<string, Fact> {
  const p = ruleValue('old_age.pension', day);
  return {
    age: num(numberField(p, 'min_age')),
    pensionMonths: num(numberField(p, 'min_months')),
    basePercent: percent(numberField(p, 'base_percent')),
    stepPercent: percent(numberField(p, 'step_percent')),
    stepMonths: num(numberField(p, 'step_months')),
    avgMonths: num(numberField(p, 'average_of_last_months')),
    ownOnlyMonths: num(field('old_age.lump_sum', 'own_only_below_months', day)),
  };
}

/** The part of each side's contribution that goes to old-age savings (and child allowance). */
function shareFacts(day: string): Record<string, Fact> {
  const share = ruleValue('old_age.contribution_share', day);
  return {
    employeeShare: percent(numberField(share, 'employee_percent')),
    employerShare: percent(numberField(share, 'employer_percent')),
  };
}

/**
 * How the wage ceiling limits the pension average: each month counts at most its own ceiling,
 * so after a rise the average stays below the new ceiling until every averaged month has it.
 * The words are the topic's `capPlain` / `capRecent` phrases.
 */
function capNote(day: string, topicId: string): Fact {
  const key = 's33.wage_ceiling';
  const current = anyRuleOn(key, day);
  if (!current) throw new RangeError(`knowledge: no ${key} rule in force on ${day}`);
  const history = anyRuleHistory(key);
  const i = history.indexOf(current);
  const ceiling = baht(numberField(current.value, 'wage_ceiling_thb'));
  const previous = i > 0 ? history[i - 1] : undefined;
  if (!previous) return phrase(`${P}${topicId}.capPlain`, { ceiling });
  const avgMonths = field('old_age.pension', 'average_of_last_months', day);
  return phrase(`${P}${topicId}.capRecent`, {
    ceiling,
    prev: baht(numberField(previous.value, 'wage_ceiling_thb')),
    since: date(current.effective_from),
    fullFrom: date(addMonths(current.effective_from, avgMonths)),
  });
}

function pensionExample(day: string): Record<string, Fact> {
  const ex = ruleValue('old_age.pension_example', day);
  const wage = numberField(ex, 'avg_wage_thb');
  const months = numberField(ex, 'months');
  const e = pensionEstimate(months, wage * 100, day);
  if (e.kind !== 'pension') throw new RangeError('knowledge: the pension example is not a pension');
  return {
    exWage: baht(wage),
    exMonths: num(months),
    exPercent: percent(e.percent),
    exAmount: baht(e.monthlySatang / 100),
  };
}

// ------------------------------------------------------------------------------------ topics

const UNEMPLOYMENT_INTENTS = ['unemployment_benefit', 'benefit_info'] as const;
const OLD_AGE_INTENTS = ['benefit_info', 'contribution_balance'] as const;

export const OLD_AGE_UNEMPLOYMENT_TOPICS: readonly Topic[] = [
  // -------------------------------------------------------------------------------- unemployment
  {
    id: 'unemployment_overview',
    // Also under benefit_info, where the benefits overview (listed earlier) stays the default.
    match: { benefit: ['unemployment'], intent: [...UNEMPLOYMENT_INTENTS] },
    isDefault: true,
    sections: [33],
    rules: [
      'unemployment.eligibility',
      'unemployment.laid_off',
      'unemployment.procedure',
      'unemployment.resigned',
      'unemployment.force_majeure',
      'unemployment.annual_limit',
      'unemployment.wage_base',
      'unemployment.disqualified',
      's33.wage_ceiling',
    ],
    facts(day): Facts {
      const base = ruleValue('unemployment.wage_base', day);
      return {
        ...procedureFacts(day),
        ...prefixed('laid', causeFacts('laid_off', day)),
        ...prefixed('res', causeFacts('resigned', day)),
        ...prefixed('fm', causeFacts('force_majeure', day)),
        yearDays: num(field('unemployment.annual_limit', 'max_days_per_year_all_claims', day)),
        best: num(numberField(base, 'best_months')),
        within: num(numberField(base, 'within_months')),
        divisor: num(numberField(base, 'divisor_days')),
        ceiling: baht(ceilingThb(day)),
      };
    },
    next: ['calc_unemployment', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'unemployment_benefit',
  },
  {
    id: 'unemployment_laid_off',
    match: { cause: ['laid_off'], benefit: ['unemployment'], intent: [...UNEMPLOYMENT_INTENTS] },
    sections: [33],
    rules: [
      'unemployment.laid_off',
      'unemployment.eligibility',
      'unemployment.procedure',
      's33.wage_ceiling',
    ],
    facts(day): Facts {
      return {
        ...procedureFacts(day),
        ...causeFacts('laid_off', day),
        ceiling: baht(ceilingThb(day)),
      };
    },
    next: ['calc_unemployment', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'unemployment_benefit',
  },
  {
    id: 'unemployment_resigned',
    match: {
      cause: ['resigned', 'contract_ended'],
      benefit: ['unemployment'],
      intent: [...UNEMPLOYMENT_INTENTS],
    },
    sections: [33],
    rules: [
      'unemployment.resigned',
      'unemployment.annual_limit',
      'unemployment.eligibility',
      'unemployment.procedure',
      's33.wage_ceiling',
    ],
    facts(day): Facts {
      return {
        ...procedureFacts(day),
        ...causeFacts('resigned', day),
        ceiling: baht(ceilingThb(day)),
        yearDays: num(field('unemployment.annual_limit', 'max_days_per_year_all_claims', day)),
      };
    },
    next: ['calc_unemployment', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'unemployment_benefit',
  },
  {
    id: 'unemployment_misconduct',
    match: { cause: ['misconduct'], benefit: ['unemployment'], intent: [...UNEMPLOYMENT_INTENTS] },
    sections: [33],
    rules: [
      'unemployment.disqualified',
      'unemployment.misconduct',
      'unemployment.procedure',
      's39.eligibility',
      's39.application_deadline',
      'contact.hotline',
    ],
    facts(day): Facts {
      return {
        ...procedureFacts(day),
        absentDays: num(field('unemployment.misconduct', 'absent_working_days', day)),
        s39Months: num(field('s39.eligibility', 'min_s33_months', day)),
        s39Within: num(field('s39.application_deadline', 'apply_within_months_of_leaving', day)),
        hotline: hotline(day),
      };
    },
    next: ['office_location', 'talk_to_staff', 'link_account'],
    personal: 'unemployment_benefit',
  },
  {
    id: 'unemployment_force_majeure',
    match: {
      cause: ['force_majeure'],
      benefit: ['unemployment'],
      intent: [...UNEMPLOYMENT_INTENTS],
    },
    sections: [33],
    rules: [
      'unemployment.force_majeure',
      'unemployment.laid_off',
      'unemployment.procedure',
      's33.wage_ceiling',
      'contact.hotline',
    ],
    facts(day): Facts {
      return {
        ...procedureFacts(day),
        ...causeFacts('force_majeure', day),
        laidRate: causeFacts('laid_off', day).rate!,
        ceiling: baht(ceilingThb(day)),
        hotline: hotline(day),
      };
    },
    next: ['talk_to_staff', 'office_location', 'calc_unemployment', 'link_account'],
    personal: 'unemployment_benefit',
    unconfirmed: true,
  },
  {
    id: 'unemployment_register',
    match: { topic: ['unemployment_register'], intent: [...UNEMPLOYMENT_INTENTS] },
    sections: [33],
    rules: ['unemployment.procedure', 'unemployment.eligibility', 'contact.hotline'],
    facts(day): Facts {
      return { ...procedureFacts(day), hotline: hotline(day) };
    },
    next: ['calc_unemployment', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'unemployment_benefit',
  },
  {
    id: 'unemployment_report',
    match: { topic: ['unemployment_report'], intent: [...UNEMPLOYMENT_INTENTS] },
    sections: [33],
    rules: ['unemployment.procedure', 'unemployment.disqualified', 'contact.hotline'],
    facts(day): Facts {
      return { ...procedureFacts(day), hotline: hotline(day) };
    },
    next: ['link_account', 'office_location', 'talk_to_staff'],
    personal: 'unemployment_benefit',
  },
  {
    // After the section 33 overview in this list: with the intent alone and no section, the
    // overview wins the tie.
    id: 'unemployment_s39_s40',
    match: { benefit: ['unemployment'], intent: [...UNEMPLOYMENT_INTENTS] },
    isDefault: true,
    sections: [39, 40],
    rules: ['s39.benefits', 'unemployment.eligibility', 'unemployment.procedure'],
    facts(day): Facts {
      return procedureFacts(day);
    },
    next: ['pay_contribution', 'section40_info', 'office_location', 'talk_to_staff'],
  },
  // -------------------------------------------------------------------------------- old age
  {
    id: 'old_age_overview',
    match: { benefit: ['old_age'], intent: [...OLD_AGE_INTENTS] },
    sections: [33, 39],
    rules: [
      'old_age.pension',
      'old_age.lump_sum',
      's33.wage_ceiling',
      'old_age.contribution_share',
    ],
    facts(day): Facts {
      return {
        ...oldAgeFacts(day),
        ...shareFacts(day),
        capNote: capNote(day, 'old_age_overview'),
      };
    },
    next: ['calc_pension', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'old_age_pension',
    match: { topic: ['pension'], benefit: ['old_age'], intent: [...OLD_AGE_INTENTS] },
    sections: [33, 39],
    rules: ['old_age.pension', 'old_age.pension_example', 's33.wage_ceiling'],
    facts(day): Facts {
      return {
        ...oldAgeFacts(day),
        ...pensionExample(day),
        capNote: capNote(day, 'old_age_pension'),
      };
    },
    next: ['calc_pension', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'old_age_lump_sum',
    match: { topic: ['lump_sum'], benefit: ['old_age'], intent: [...OLD_AGE_INTENTS] },
    sections: [33, 39],
    rules: ['old_age.lump_sum', 'old_age.pension', 'old_age.contribution_share'],
    facts(day): Facts {
      return { ...oldAgeFacts(day), ...shareFacts(day) };
    },
    next: ['calc_pension', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
  {
    id: 'old_age_go_home',
    match: { topic: ['go_home'], intent: [...OLD_AGE_INTENTS] },
    sections: [33, 39],
    rules: ['old_age.lump_sum', 'old_age.pension', 'contact.hotline'],
    facts(day): Facts {
      return { ...oldAgeFacts(day), hotline: hotline(day) };
    },
    next: ['talk_to_staff', 'office_location', 'link_account', 'calc_pension'],
    personal: 'contribution_balance',
    unconfirmed: true,
  },
];
