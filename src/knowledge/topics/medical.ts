/**
 * Knowledge topics: medical care and sickness (words: locales/<lang>/knowledge/medical.json;
 * rules: data/rules/medical.json and sso-rules.json). Who may use the registered hospital and
 * when, changing it, emergencies, dental care, sickness cash (sections 33/39 and 40), and where
 * section 40 members and migrant workers are treated (the gold card is for Thai nationals only).
 */
import {
  baht,
  date,
  hotline,
  num,
  numberField,
  objectField,
  percent,
  phrase,
  ruleSince,
  ruleValue,
  stringField,
  verbatim,
} from '../facts.ts';
import type { Fact, Topic } from '../types.ts';

/** Months of contributions needed within the window before treatment (sections 33/39). */
function eligibility(day: string): { months: Fact; window: Fact } {
  const v = ruleValue('medical.eligibility', day);
  return {
    months: num(numberField(v, 'required_months')),
    window: num(numberField(v, 'window_months')),
  };
}

/**
 * The yearly hospital-change window that is open on `day`, or else the next one, from the
 * month-days of recent years. The correction in docs/sso-rules.md says to show 16 Dec – 31 Mar
 * (with a "check the announced dates" note), so the `dec_to_mar` window is used whatever
 * `bot_states` says.
 */
export function hospitalWindowOn(day: string): { from: string; to: string; open: boolean } {
  const spec = objectField(
    objectField(ruleValue('hospital.change_window', day), 'windows'),
    'dec_to_mar',
  );
  const fromMd = stringField(spec, 'from_month_day');
  const toMd = stringField(spec, 'to_month_day');
  const fromPrevious = spec.from_previous_year === true;
  const year = Number(day.slice(0, 4));
  const windowEnding = (endYear: number) => ({
    from: `${fromPrevious ? endYear - 1 : endYear}-${fromMd}`,
    to: `${endYear}-${toMd}`,
  });
  const current = windowEnding(year);
  if (day <= current.to) return { ...current, open: day >= current.from };
  const next = windowEnding(year + 1);
  return { ...next, open: day >= next.from };
}

export const MEDICAL_TOPICS: readonly Topic[] = [
  {
    id: 'medical_eligibility',
    match: { topic: ['medical_eligibility'], benefit: ['medical'], intent: ['hospital_rights'] },
    isDefault: true,
    sections: [33, 39],
    rules: [
      'medical.eligibility',
      'medical.new_employee',
      'medical.after_leaving',
      'contact.hotline',
      'gold_card.coverage',
    ],
    facts(day) {
      const reg = ruleValue('medical.new_employee', day);
      return {
        ...eligibility(day),
        regDays: num(numberField(reg, 'employer_registers_within_days')),
        regForm: verbatim(stringField(reg, 'registration_form')),
        after: num(numberField(ruleValue('medical.after_leaving', day), 'protected_months')),
        hotline: hotline(day),
      };
    },
    next: ['hospitals_near', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'hospital_rights',
  },
  {
    id: 'hospital_change',
    match: { topic: ['hospital_change'], intent: ['hospital_rights'] },
    sections: [33, 39],
    rules: ['hospital.change_window', 'hospital.mid_year_change', 'hospital.change_channels'],
    facts(day) {
      const w = hospitalWindowOn(day);
      const ch = ruleValue('hospital.change_channels', day);
      const dates = { from: date(w.from), to: date(w.to) };
      return {
        window: phrase(`knowledge.hospital_change.${w.open ? 'windowOpen' : 'windowNext'}`, dates),
        midDays: num(numberField(ruleValue('hospital.mid_year_change', day), 'apply_within_days')),
        website: verbatim(stringField(ch, 'website')),
        app: verbatim(stringField(ch, 'app')),
        form: verbatim(stringField(ch, 'form_code')),
      };
    },
    next: ['hospitals_near', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'hospital_rights',
  },
  {
    id: 'emergency',
    match: { topic: ['emergency'], intent: ['hospital_rights'] },
    sections: [33, 39],
    rules: ['emergency.any_hospital', 'contact.hotline', 'work_injury.compensation'],
    facts(day) {
      return {
        hours: num(numberField(ruleValue('emergency.any_hospital', day), 'critical_free_hours')),
        hotline: hotline(day),
      };
    },
    next: ['hospitals_near', 'talk_to_staff', 'link_account'],
    personal: 'hospital_rights',
    // The reimbursement rates and claim steps outside the registered hospital are not confirmed.
    unconfirmed: true,
  },
  {
    id: 'dental',
    match: { benefit: ['dental'], intent: ['hospital_rights', 'benefit_info'] },
    sections: [33, 39],
    rules: ['dental.annual_limit', 'medical.eligibility', 'contact.hotline'],
    facts(day) {
      return {
        amount: baht(numberField(ruleValue('dental.annual_limit', day), 'max_thb_per_year')),
        ...eligibility(day),
        hotline: hotline(day),
      };
    },
    next: ['hospitals_near', 'link_account', 'talk_to_staff'],
    personal: 'hospital_rights',
  },
  {
    id: 'sickness_cash',
    match: { benefit: ['sickness'], intent: ['benefit_info'] },
    sections: [33, 39],
    rules: [
      'sickness.s33',
      's33.wage_ceiling',
      'sickness.employer_paid_days',
      'work_injury.compensation',
      'contact.hotline',
    ],
    facts(day) {
      const s = ruleValue('sickness.s33', day);
      const rate = numberField(s, 'rate_percent');
      const ceiling = numberField(ruleValue('s33.wage_ceiling', day), 'wage_ceiling_thb');
      return {
        rate: percent(rate),
        perEpisode: num(numberField(s, 'max_days_per_episode')),
        perYear: num(numberField(s, 'max_days_per_year')),
        chronic: num(numberField(s, 'max_days_per_year_chronic')),
        ceiling: baht(ceiling),
        maxMonthly: baht(Math.round((ceiling * rate) / 100)),
        employerDays: num(
          numberField(
            ruleValue('sickness.employer_paid_days', day),
            'employer_paid_sick_days_per_year',
          ),
        ),
        wcfPercent: percent(
          numberField(ruleValue('work_injury.compensation', day), 'income_percent'),
        ),
        hotline: hotline(day),
      };
    },
    next: ['my_claims', 'link_account', 'office_location', 'talk_to_staff'],
    personal: 'my_claims',
  },
  {
    id: 'sickness_s40',
    match: { benefit: ['sickness', 'medical'], intent: ['section40_info'] },
    sections: [40],
    rules: ['s40.benefits', 'contact.hotline', 'gold_card.coverage'],
    facts(day) {
      const b = ruleValue('s40.benefits', day);
      const days = b.sick_days_per_year;
      if (!Array.isArray(days))
        throw new TypeError('knowledge: field sick_days_per_year is not a list');
      const daysOf = (option: number): number => {
        const row = (days as readonly Record<string, unknown>[]).find((d) => d.option === option);
        if (!row) throw new RangeError(`knowledge: no section 40 sick days for option ${option}`);
        return numberField(row, 'days');
      };
      // The text says "options 1 and 2" together.
      if (daysOf(1) !== daysOf(2))
        throw new RangeError('knowledge: section 40 options 1 and 2 now differ');
      return {
        inpatient: baht(numberField(b, 'inpatient_thb_per_day')),
        rest: baht(numberField(b, 'rest_without_admission_thb_per_day')),
        outpatient: baht(numberField(b, 'outpatient_thb_per_visit')),
        visits: num(numberField(b, 'outpatient_max_visits_per_year')),
        minRest: num(numberField(b, 'min_certified_rest_days')),
        days12: num(daysOf(1)),
        days3: num(daysOf(3)),
        since: date(ruleSince('s40.benefits', day)),
        hotline: hotline(day),
      };
    },
    next: ['section40_info', 'pay_contribution', 'office_location', 'talk_to_staff'],
    personal: 'my_claims',
  },
  {
    id: 'gold_card',
    match: { topic: ['gold_card'], benefit: ['medical'], intent: ['hospital_rights'] },
    isDefault: true,
    sections: [40],
    rules: ['gold_card.coverage', 'contact.hotline'],
    facts(day) {
      return { hotline: hotline(day) };
    },
    next: ['section40_info', 'talk_to_staff', 'office_location'],
  },
];
