/**
 * Knowledge topics: family and life benefits of sections 33, 39 and 40 (an overview, maternity,
 * child allowance, invalidity, death grants, a pensioner's death). Words:
 * locales/<lang>/knowledge/benefits.json; figures: data/rules/benefits.json and sso-rules.json.
 */
import {
  baht,
  date,
  hotline,
  num,
  numberField,
  objectField,
  percent,
  ruleSince,
  ruleValue,
} from '../facts.ts';
import type { Facts, Topic } from '../types.ts';

type Value = Readonly<Record<string, unknown>>;

/** What a section 40 option costs a month (rule s40.options). */
function s40OptionMonthly(day: string, option: number): number {
  const options = ruleValue('s40.options', day).options;
  if (!Array.isArray(options)) throw new TypeError('knowledge: s40.options has no options');
  const found = (options as Value[]).find((o) => o.option === option);
  if (!found) throw new RangeError(`knowledge: s40.options has no option ${option}`);
  return numberField(found, 'monthly_thb');
}

/** Section 40 facts from Royal Decree No. 5 (rule s40.benefits; in the data from 2026). */
function s40Since(day: string): Facts {
  return { s40Since: date(ruleSince('s40.benefits', day)) };
}

export const BENEFITS_TOPICS: readonly Topic[] = [
  {
    id: 'benefits_overview',
    match: { intent: ['benefit_info'] },
    isDefault: true,
    sections: [33, 39, 40],
    rules: [
      's39.benefits',
      's40.options',
      'maternity.delivery_grant',
      'child_allowance.s33_s39',
      'death.funeral_grant',
    ],
    facts(day) {
      return {
        maternity: baht(
          numberField(ruleValue('maternity.delivery_grant', day), 'amount_thb_per_birth'),
        ),
        funeral: baht(numberField(ruleValue('death.funeral_grant', day), 'amount_thb')),
        child: baht(
          numberField(ruleValue('child_allowance.s33_s39', day), 'thb_per_month_per_child'),
        ),
        o1: baht(s40OptionMonthly(day, 1)),
        o2: baht(s40OptionMonthly(day, 2)),
        o3: baht(s40OptionMonthly(day, 3)),
      };
    },
    next: ['my_claims', 'section40_info', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'my_claims',
  },
  {
    id: 'maternity_grant',
    match: { benefit: ['maternity'], intent: ['benefit_info'] },
    sections: [33, 39, 40],
    rules: ['maternity.delivery_grant', 'maternity.prenatal_care', 'maternity.leave_allowance'],
    facts(day) {
      const v = ruleValue('maternity.delivery_grant', day);
      const leave = ruleValue('maternity.leave_allowance', day);
      return {
        amount: baht(numberField(v, 'amount_thb_per_birth')),
        months: num(numberField(v, 'required_months')),
        window: num(numberField(v, 'window_months')),
        prenatal: baht(numberField(ruleValue('maternity.prenatal_care', day), 'total_thb')),
        leaveRate: percent(numberField(leave, 'rate_percent')),
        leaveDays: num(numberField(leave, 'days')),
        announcedDays: num(numberField(leave, 'announced_days')),
        hotline: hotline(day),
      };
    },
    next: ['my_claims', 'link_account', 'hospital_rights', 'office_location', 'talk_to_staff'],
    personal: 'my_claims',
    // The 98-day leave allowance was announced but is not confirmed to be in force.
    unconfirmed: true,
  },
  {
    id: 'child_allowance',
    match: { benefit: ['child_allowance'], intent: ['benefit_info'] },
    sections: [33, 39, 40],
    rules: ['child_allowance.s33_s39', 's40.benefits'],
    facts(day) {
      const v = ruleValue('child_allowance.s33_s39', day);
      const s40 = objectField(ruleValue('s40.benefits', day), 'child_allowance');
      return {
        amount: baht(numberField(v, 'thb_per_month_per_child')),
        untilAge: num(numberField(v, 'until_age')),
        maxChildren: num(numberField(v, 'max_children')),
        months: num(numberField(v, 'required_months')),
        window: num(numberField(v, 'window_months')),
        reported: baht(numberField(v, 'reported_unconfirmed_thb')),
        s40Amount: baht(numberField(s40, 'thb_per_month_per_child')),
        s40Max: num(numberField(s40, 'max_children')),
        s40Age: num(numberField(s40, 'until_age')),
        ...s40Since(day),
        hotline: hotline(day),
      };
    },
    next: ['my_claims', 'link_account', 'section40_info', 'office_location', 'talk_to_staff'],
    personal: 'my_claims',
    // [M] amounts whose only sources are news and another bot; 1,000 THB was not found.
    unconfirmed: true,
  },
  {
    id: 'invalidity',
    match: { benefit: ['invalidity'], intent: ['benefit_info'] },
    sections: [33, 39, 40],
    rules: [
      'invalidity.eligibility',
      'invalidity.monthly_benefit',
      's40.benefits',
      's33.wage_ceiling',
    ],
    facts(day) {
      const e = ruleValue('invalidity.eligibility', day);
      const b = ruleValue('invalidity.monthly_benefit', day);
      return {
        months: num(numberField(e, 'required_months')),
        window: num(numberField(e, 'window_months')),
        rate: percent(numberField(b, 'rate_percent')),
        announced: percent(numberField(b, 'announced_rate_percent')),
        cap: baht(numberField(ruleValue('s33.wage_ceiling', day), 'wage_ceiling_thb')),
        s40Max: baht(numberField(ruleValue('s40.benefits', day), 'disability_max_thb_per_month')),
        ...s40Since(day),
        hotline: hotline(day),
      };
    },
    next: [
      'my_claims',
      'link_account',
      'hospital_rights',
      'section40_info',
      'office_location',
      'talk_to_staff',
    ],
    personal: 'my_claims',
    // The announced rise to 70 % is not confirmed to be in force.
    unconfirmed: true,
  },
  {
    id: 'death_grants',
    match: { benefit: ['death', 'funeral', 'survivor'], intent: ['benefit_info'] },
    sections: [33, 39, 40],
    // Sources shown (at most 3): the SSO, the Act, the Workmen's Compensation Act.
    rules: [
      'death.funeral_grant',
      'death.survivor_grant',
      'death.work_related',
      's40.funeral_grant',
      's33.wage_ceiling',
    ],
    facts(day) {
      const f = ruleValue('death.funeral_grant', day);
      const s = ruleValue('death.survivor_grant', day);
      const w = ruleValue('death.work_related', day);
      const cap = numberField(ruleValue('s33.wage_ceiling', day), 'wage_ceiling_thb');
      const short = numberField(s, 'short_times_monthly_wage');
      const long = numberField(s, 'long_times_monthly_wage');
      const longMonths = numberField(s, 'long_months');
      return {
        funeral: baht(numberField(f, 'amount_thb')),
        fMonths: num(numberField(f, 'required_months')),
        fWindow: num(numberField(f, 'window_months')),
        short: num(short),
        long: num(long),
        minMonths: num(numberField(s, 'min_months')),
        maxShort: num(longMonths - 1),
        longMonths: num(longMonths),
        cap: baht(cap),
        exShort: baht(short * cap),
        exLong: baht(long * cap),
        wcRate: percent(numberField(w, 'monthly_percent_of_wage')),
        wcYears: num(numberField(w, 'years')),
        wcFuneral: baht(numberField(w, 'funeral_thb')),
        s40Funeral: baht(numberField(ruleValue('s40.funeral_grant', day), 'max_thb')),
        hotline: hotline(day),
      };
    },
    next: [
      'contribution_balance',
      'link_account',
      'section40_info',
      'office_location',
      'talk_to_staff',
    ],
    // A linked user's own months paid decide the survivor grant.
    personal: 'contribution_balance',
  },
  {
    // Only "pension" together with "death"/"survivor"; "death" alone goes to death_grants,
    // "pension" alone to the old-age topics.
    id: 'pensioner_death',
    match: { topic: ['pension'], benefit: ['death', 'survivor'], all: true },
    sections: [33, 39],
    rules: ['old_age.pensioner_death'],
    facts(day) {
      const v = ruleValue('old_age.pensioner_death', day);
      return {
        months: num(numberField(v, 'within_months')),
        times: num(numberField(v, 'older_rule_times_last_pension')),
        hotline: hotline(day),
      };
    },
    next: ['talk_to_staff', 'office_location', 'calc_pension'],
  },
];
