/**
 * Knowledge topics: the SSO's e-services (SSO Connect, E-Self Service, e-Claim, e-payment),
 * employers' filing, the fiscal-year B.E. 2567 policies, the 1506 hotline and the offices, and
 * migrant workers' questions (which card counts, a lost card, an employer who deducts but does
 * not remit). Words: locales/<lang>/knowledge/services.json; figures, form codes and websites:
 * data/rules/services.json (plus the contribution and medical rules they repeat).
 *
 * The e-service answers say only what the thaigov.go.th articles and the rules doc support; the
 * rest is "not confirmed, ask 1506" in the words of each answer. Old-age savings for a worker
 * going home are the old-age domain's (`go_home`), not repeated here.
 */
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
  stringField,
  verbatim,
} from '../facts.ts';
import type { Fact, Topic } from '../types.ts';

type Value = Readonly<Record<string, unknown>>;

const app = (day: string): Fact => ruleText('eservice.sso_connect', 'app', day);

/** The fiscal year of the B.E. 2567 policies: its first and last day, and its year in both eras. */
function fiscalYear(value: Value): Record<string, Fact> {
  const to = stringField(value, 'fiscal_year_to');
  const year = Number(to.slice(0, 4));
  if (!Number.isInteger(year)) throw new TypeError('knowledge: fiscal_year_to is not a date');
  return {
    fyFrom: date(stringField(value, 'fiscal_year_from')),
    fyTo: date(to),
    fy: { kind: 'year', year },
  };
}

export const SERVICES_TOPICS: readonly Topic[] = [
  {
    id: 'sso_connect',
    match: { topic: ['sso_connect'] },
    rules: ['eservice.sso_connect'],
    facts(day) {
      const v = ruleValue('eservice.sso_connect', day);
      return {
        app: app(day),
        line: verbatim(stringField(v, 'news_line')),
        newsDate: date(stringField(v, 'news_date')),
        hotline: hotline(day),
      };
    },
    next: ['link_account', 'contribution_balance', 'hospital_rights', 'talk_to_staff'],
  },
  {
    id: 'e_self_service',
    match: { topic: ['e_self_service'] },
    rules: ['eservice.e_self_service'],
    facts(day) {
      const v = ruleValue('eservice.e_self_service', day);
      return {
        name: verbatim(stringField(v, 'name')),
        website: verbatim(stringField(v, 'website')),
        newsDate: date(stringField(v, 'news_date')),
        app: app(day),
        hotline: hotline(day),
      };
    },
    next: ['link_account', 'hospital_rights', 'office_location', 'talk_to_staff'],
  },
  {
    id: 'e_claim',
    match: { topic: ['e_claim'], intent: ['my_claims'] },
    rules: ['eservice.e_claim', 'unemployment.procedure'],
    facts(day) {
      const v = ruleValue('eservice.e_claim', day);
      return {
        name: verbatim(stringField(v, 'name')),
        policy: verbatim(stringField(v, 'policy')),
        announced: date(stringField(v, 'announced')),
        ...fiscalYear(v),
        website: ruleText('eservice.e_self_service', 'website', day),
        doeSite: ruleText('unemployment.procedure', 'register_site', day),
        hotline: hotline(day),
      };
    },
    next: ['my_claims', 'unemployment_benefit', 'link_account', 'talk_to_staff'],
    personal: 'my_claims',
  },
  {
    // The e-payment service. A section 39 or 40 payer is better served by the contributions
    // domain's `contribution_payment_channels` (every way to pay), so only section 33 (employers)
    // is named here.
    id: 'e_payment',
    match: { topic: ['e_payment'], intent: ['pay_contribution'] },
    sections: [33],
    rules: ['eservice.e_payment', 'employer.filing', 's33.payment_deadline'],
    facts(day) {
      const v = ruleValue('eservice.e_payment', day);
      return {
        name: verbatim(stringField(v, 'name')),
        website: verbatim(stringField(v, 'website')),
        newsDate: date(stringField(v, 'news_date')),
        remitForm: ruleText('employer.filing', 'remit_form', day),
        day: num(numberField(ruleValue('s33.payment_deadline', day), 'day_of_next_month')),
        hotline: hotline(day),
      };
    },
    next: ['pay_contribution', 'section40_info', 'talk_to_staff'],
  },
  {
    id: 'employer_filing',
    match: { topic: ['employer_filing'], intent: ['pay_contribution', 'contribution_balance'] },
    sections: [33],
    // Sources shown (at most 3): the SSO notice, the SSO release on gcc.go.th, the Act.
    rules: [
      'employer.filing',
      'medical.new_employee',
      's33.coverage',
      's33.payment_deadline',
      's33.contribution_rate',
      's33.wage_ceiling',
      'employer.late_surcharge',
      'migrant.registration',
      'employer.electronic_files',
    ],
    facts(day) {
      const f = ruleValue('employer.filing', day);
      const reg = ruleValue('medical.new_employee', day);
      const ceiling = ruleValue('s33.wage_ceiling', day);
      return {
        minEmployees: num(numberField(ruleValue('s33.coverage', day), 'employer_min_employees')),
        regForm: verbatim(stringField(reg, 'registration_form')),
        regDays: num(numberField(reg, 'employer_registers_within_days')),
        leaverForm: verbatim(stringField(f, 'leaver_form')),
        changeForm: verbatim(stringField(f, 'change_form')),
        notifyDay: num(numberField(f, 'notify_by_day_of_next_month')),
        remitForm: verbatim(stringField(f, 'remit_form')),
        payDay: num(numberField(ruleValue('s33.payment_deadline', day), 'day_of_next_month')),
        rate: percent(numberField(ruleValue('s33.contribution_rate', day), 'employer_percent')),
        ceiling: baht(numberField(ceiling, 'wage_ceiling_thb')),
        maxEach: baht(numberField(ceiling, 'max_contribution_thb')),
        surcharge: percent(
          numberField(ruleValue('employer.late_surcharge', day), 'percent_per_month'),
        ),
        website: verbatim(stringField(f, 'website')),
        filesSince: date(stringField(ruleValue('employer.electronic_files', day), 'since')),
        hotline: hotline(day),
      };
    },
    next: ['calc_contribution', 'pay_contribution', 'office_location', 'talk_to_staff'],
  },
  {
    id: 'policy_2024',
    match: { topic: ['policy_2024'], intent: ['news'] },
    rules: ['policy.fy2567'],
    facts(day) {
      const v = ruleValue('policy.fy2567', day);
      return {
        announced: date(stringField(v, 'announced')),
        ...fiscalYear(v),
      };
    },
    next: ['news', 'section40_info', 'my_claims', 'talk_to_staff'],
  },
  {
    // The general answer to "talk to staff" / "what is 1506": the handler also flags the chat.
    id: 'hotline',
    match: { topic: ['hotline'], intent: ['talk_to_staff'] },
    isDefault: true,
    rules: ['contact.hotline', 'contact.hotline_hours', 'eservice.sso_connect'],
    facts(day) {
      const h = ruleValue('contact.hotline_hours', day);
      const hours = num(numberField(h, 'hours_per_day'));
      return {
        hotline: hotline(day),
        hours: phrase(
          h.every_day === true
            ? 'knowledge.hotline.hoursEveryDay'
            : 'knowledge.hotline.hoursSomeDays',
          { hours },
        ),
        line: ruleText('eservice.sso_connect', 'news_line', day),
      };
    },
    next: ['office_location', 'talk_to_staff', 'news'],
  },
  {
    id: 'which_card',
    // "Which card at the hospital?" also carries benefit=medical: with both, this answer wins;
    // a plain medical question still goes to the medical domain's answers.
    match: { topic: ['which_card'], benefit: ['medical'], intent: ['hospital_rights'] },
    sections: [33],
    rules: ['migrant.registration', 'migrant.cards_at_hospital', 'migrant.pink_card_number'],
    facts(day) {
      const pink = ruleValue('migrant.pink_card_number', day);
      return {
        form: ruleText('migrant.registration', 'form', day),
        boardDate: date(stringField(ruleValue('migrant.cards_at_hospital', day), 'board_decision')),
        digits: num(numberField(pink, 'digits')),
        prefix: verbatim(stringField(pink, 'prefix')),
        app: app(day),
        hotline: hotline(day),
      };
    },
    next: ['link_account', 'hospital_rights', 'office_location', 'talk_to_staff'],
    // The pink-card number format has no official source.
    unconfirmed: true,
  },
  {
    id: 'lost_card',
    match: { topic: ['lost_card'], benefit: ['medical'], intent: ['hospital_rights'] },
    // Sources shown: The Nation (the cards), the Act (medical rights), and "not confirmed".
    rules: ['migrant.cards_at_hospital', 'medical.eligibility', 'medical_card.request_form'],
    facts(day) {
      const m = ruleValue('medical.eligibility', day);
      return {
        months: num(numberField(m, 'required_months')),
        window: num(numberField(m, 'window_months')),
        form: ruleText('medical_card.request_form', 'form', day),
        boardDate: date(stringField(ruleValue('migrant.cards_at_hospital', day), 'board_decision')),
        hotline: hotline(day),
      };
    },
    next: ['talk_to_staff', 'office_location', 'hospital_rights'],
    // Whether a lost card is still replaced, and how, is not confirmed.
    unconfirmed: true,
  },
  {
    id: 'employer_not_paying',
    match: { topic: ['employer_not_paying'], intent: ['contribution_balance'] },
    sections: [33],
    rules: ['employee.deducted_contributions', 's33.payment_deadline', 'employer.late_surcharge'],
    facts(day) {
      return {
        day: num(numberField(ruleValue('s33.payment_deadline', day), 'day_of_next_month')),
        surcharge: percent(
          numberField(ruleValue('employer.late_surcharge', day), 'percent_per_month'),
        ),
        app: app(day),
        hotline: hotline(day),
      };
    },
    next: ['contribution_balance', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'contribution_balance',
  },
];
