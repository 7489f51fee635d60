/**
 * General services that need no login (SPEC C9, C12): section 40 explained, how to pay section
 * 39/40 contributions, handover to staff, and the language picker. Every number comes from
 * src/rules on today's date in Bangkok, with the rule's effective date and source; where
 * docs/sso-rules.md has no source (payment channels, due dates, hotline hours) the answer says
 * so and points to the 1506 hotline instead of guessing.
 */
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import { bangkokDate, formatBaht, formatDate, formatNumber } from '../format.ts';
import { LANGUAGES, type Lang } from '../i18n.ts';
import type { IntentName } from '../intents.ts';
import {
  findRuleOn,
  HOTLINE,
  type RuleEntry,
  ruleOn,
  type Section40Option,
  section39ContributionSatang,
  section40Options,
} from '../rules/index.ts';
import { setLineUserLanguage } from '../store/line-users.ts';
import { flagForStaff } from '../store/staff-flags.ts';
import { calcMenuChoice, citation, since } from './calculator.ts';
import {
  type Ctx,
  choiceQuickReplies,
  clip,
  type IntentHandler,
  type IntentMatch,
  type QuickChoice,
  text,
  withQuickReplies,
} from './context.ts';

const num = (satang: number) => formatNumber(satang / 100);

function sourceLine(ctx: Ctx, rules: readonly (RuleEntry<unknown> | undefined)[]): string {
  const unique = [...new Set(rules.filter((r) => r !== undefined).map(citation))];
  return String(ctx.t('services.source', { sources: unique.join('; ') }));
}

// ---------------------------------------------------------------------------------------------
// section40_info

export const section40Info: IntentHandler = async (ctx) => {
  const t = ctx.t;
  const today = bangkokDate(ctx.now);
  const options = section40Options(today);
  const optionsRule = ruleOn('s40.options', today);
  const benefitsRule = findRuleOn('s40.benefits', today);
  const funeralRule = findRuleOn('s40.funeral_grant', today);
  const byOption = (f: (o: Section40Option) => string) => ({
    o1: f(options[0]!),
    o2: f(options[1]!),
    o3: f(options[2]!),
  });
  const dash = '–';
  const rows: { label: string; o1: string; o2: string; o3: string }[] = [
    { label: String(t('services.s40.pay')), ...byOption((o) => num(o.monthlySatang)) },
  ];
  if (options.every((o) => o.governmentMonthlySatang !== null)) {
    rows.push({
      label: String(t('services.s40.gov')),
      ...byOption((o) => num(o.governmentMonthlySatang!)),
    });
  }
  const b = options[0]!.benefits;
  if (b) {
    rows.push(
      {
        label: String(t('services.s40.inpatient')),
        ...byOption((o) => num(o.benefits!.inpatientPerDaySatang)),
      },
      {
        label: String(t('services.s40.rest')),
        ...byOption((o) => num(o.benefits!.restWithoutAdmissionPerDaySatang)),
      },
      {
        label: String(t('services.s40.outpatient', { visits: b.outpatientMaxVisitsPerYear })),
        ...byOption((o) => num(o.benefits!.outpatientPerVisitSatang)),
      },
      {
        label: String(t('services.s40.sickDays')),
        ...byOption((o) => String(o.benefits!.sickDaysPerYear)),
      },
      {
        label: String(t('services.s40.disability')),
        ...byOption((o) => num(o.benefits!.disabilityMaxMonthlySatang)),
      },
    );
    if (b.funeralMaxSatang !== null) {
      rows.push({
        label: String(t('services.s40.funeral')),
        ...byOption((o) => num(o.benefits!.funeralMaxSatang ?? 0)),
      });
    }
  } else {
    rows.push({
      label: String(t('services.s40.covers')),
      ...byOption((o) => String(t('services.s40.coversCount', { count: o.covers.length }))),
    });
  }
  rows.push(
    {
      label: String(t('services.s40.oldAge')),
      ...byOption((o) =>
        o.covers.includes('old_age_pension')
          ? String(t('services.s40.oldAgePension'))
          : o.covers.includes('old_age_lump_sum')
            ? String(t('services.s40.oldAgeLump'))
            : dash,
      ),
    },
    {
      label: String(t('services.s40.child')),
      ...byOption((o) =>
        o.benefits?.childAllowance
          ? num(o.benefits.childAllowance.perChildMonthlySatang)
          : o.covers.includes('child_allowance')
            ? '✓'
            : dash,
      ),
    },
  );

  const notes = [String(t('services.s40.who')), String(t('services.s40.hospital'))];
  if (b) {
    notes.push(
      String(
        t('services.s40.sickNote', {
          restDays: b.minCertifiedRestDays,
          visits: b.outpatientMaxVisitsPerYear,
        }),
      ),
    );
    const child = options.find((o) => o.benefits?.childAllowance)?.benefits?.childAllowance;
    if (child) {
      notes.push(
        String(
          t('services.s40.childNote', {
            amount: formatBaht(t, child.perChildMonthlySatang),
            max: child.maxChildren,
            age: child.untilAge,
          }),
        ),
      );
    }
    notes.push(String(t('services.s40.disabilityNote')));
  } else {
    notes.push(String(t('services.s40.noBenefits', { hotline: HOTLINE })));
  }
  notes.push(String(t('services.s40.oldAgeNote')));
  notes.push(String(t('services.s40.apply', { hotline: HOTLINE })));

  const dates: string[] = [];
  if (optionsRule.effective_from_basis === 'legal_start') {
    dates.push(
      String(
        t('services.s40.optionsFrom', { date: formatDate(ctx.lang, optionsRule.effective_from) }),
      ),
    );
  }
  if (benefitsRule) {
    dates.push(
      String(
        t('services.s40.benefitsFrom', { date: formatDate(ctx.lang, benefitsRule.effective_from) }),
      ),
    );
  }
  const source = [
    String(t('services.asOf', { date: formatDate(ctx.lang, today) })),
    ...dates,
    sourceLine(ctx, [optionsRule, benefitsRule, funeralRule]),
  ].join(' ');

  const bubble = renderFlex(
    templates.section40Compare,
    {
      title: String(t('services.s40.title')),
      subtitle: String(t('services.s40.subtitle')),
      head: {
        label: String(t('services.s40.optionHeader')),
        ...byOption((o) => String(t('services.s40.option', { option: o.option }))),
      },
      rows,
      notes,
      source,
      buttons: [
        { label: String(t('intent.pay_contribution')), data: 'action=pay_contribution&section=40' },
        { label: String(t('intent.office_location')), data: 'action=office_location' },
      ],
    },
    t,
  );
  const alt = String(
    t('services.s40.alt', {
      o1: formatBaht(t, options[0]!.monthlySatang),
      o2: formatBaht(t, options[1]!.monthlySatang),
      o3: formatBaht(t, options[2]!.monthlySatang),
    }),
  );
  return withQuickReplies(
    [flexMessage(alt, bubble)],
    choiceQuickReplies(t, [
      { label: String(t('intent.pay_contribution')), data: 'action=pay_contribution&section=40' },
      'office_location',
      'hospital_rights',
      calcMenuChoice(ctx),
      'talk_to_staff',
      'news',
      'change_language',
      'greeting_help',
    ]),
  );
};

// ---------------------------------------------------------------------------------------------
// pay_contribution

/**
 * The section the user named (text entity or postback). A linked person's own section is
 * personal data and is not read for this general answer, so without one both are explained.
 */
function sectionOf(match: IntentMatch): 39 | 40 | undefined {
  const n = Number(match.params?.section ?? match.entities.section);
  return n === 39 || n === 40 ? n : undefined;
}

export const payContribution: IntentHandler = async (ctx, match) => {
  const t = ctx.t;
  const today = bangkokDate(ctx.now);
  const section = sectionOf(match);
  const parts: string[] = [String(t('services.pay.title'))];
  const sources: RuleEntry<unknown>[] = [];

  if (section !== 40) {
    const s39 = ruleOn('s39.contribution', today);
    const elig = ruleOn('s39.eligibility', today).value;
    const deadline = ruleOn('s39.application_deadline', today).value;
    const medical = ruleOn('medical.eligibility', today).value;
    parts.push(
      String(
        t('services.pay.s39', {
          amount: formatBaht(t, section39ContributionSatang(today)),
          wage: formatBaht(t, s39.value.notional_wage_thb * 100),
          rate: s39.value.rate_percent,
          months: elig.min_s33_months,
          within: deadline.apply_within_months_of_leaving,
        }),
      ),
      String(
        t('services.pay.s39Missed', {
          required: medical.required_months,
          window: medical.window_months,
        }),
      ),
    );
    // No "in force since" here: the 2026 version only re-states 432 after the ceiling change
    // ([L]); the unconfirmed note below says what is known.
    if (s39.confidence === 'L') parts.push(String(t('services.pay.s39Unconfirmed')));
    sources.push(s39, ruleOn('medical.eligibility', today));
  }
  if (section !== 39) {
    const options = section40Options(today);
    const rule = ruleOn('s40.options', today);
    parts.push(
      String(
        t('services.pay.s40', {
          o1: formatBaht(t, options[0]!.monthlySatang),
          o2: formatBaht(t, options[1]!.monthlySatang),
          o3: formatBaht(t, options[2]!.monthlySatang),
        }),
      ) + since(ctx, rule),
      String(t('services.pay.s40Missed')),
    );
    sources.push(rule);
  }
  parts.push(
    String(t('services.pay.where', { hotline: HOTLINE })),
    String(t('services.pay.deadline', { hotline: HOTLINE })),
    String(t('services.pay.s33')),
    sourceLine(ctx, sources),
  );

  const next: (IntentName | QuickChoice)[] = [];
  if (section !== 39) next.push('section40_info');
  if (section !== 39)
    next.push({
      label: String(t('services.pay.only39')),
      data: 'action=pay_contribution&section=39',
    });
  if (section !== 40)
    next.push({
      label: String(t('services.pay.only40')),
      data: 'action=pay_contribution&section=40',
    });
  next.push(
    'office_location',
    'hospital_rights',
    calcMenuChoice(ctx),
    'talk_to_staff',
    'contribution_balance',
    'greeting_help',
  );
  return withQuickReplies([text(parts.join('\n\n'))], choiceQuickReplies(t, next));
};

// ---------------------------------------------------------------------------------------------
// talk_to_staff

export const talkToStaff: IntentHandler = async (ctx, match) => {
  const t = ctx.t;
  const next: IntentName[] = [
    'office_location',
    'pay_contribution',
    'section40_info',
    'contribution_balance',
    'hospital_rights',
    'unemployment_benefit',
    'greeting_help',
  ];
  if (!ctx.userId) {
    return withQuickReplies(
      [text(String(t('services.staff.noUser', { hotline: HOTLINE })))],
      choiceQuickReplies(t, next),
    );
  }
  const { flag, created } = await flagForStaff(ctx.deps.store, {
    userId: ctx.userId,
    note: match.text?.trim() || null,
    lang: ctx.lang,
    now: ctx.now,
  });
  ctx.deps.log.info('chat flagged for staff', { staffFlagId: flag.id, created });
  const key = created ? 'services.staff.flagged' : 'services.staff.already';
  return withQuickReplies(
    [text(String(t(key, { id: flag.id, hotline: HOTLINE })))],
    choiceQuickReplies(t, next),
  );
};

// ---------------------------------------------------------------------------------------------
// change_language

const isLang = (v: unknown): v is Lang =>
  typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/** The five languages, each named in itself. */
function languageChoices(ctx: Ctx): QuickChoice[] {
  return LANGUAGES.map((l) => ({
    label: String(ctx.deps.i18n.anyLang(l)('services.language.name')),
    data: `action=change_language&lang=${l}`,
  }));
}

export const changeLanguage: IntentHandler = async (ctx, match) => {
  const wanted = match.params?.lang;
  if (!isLang(wanted)) {
    // Asked in every language: someone looking for the picker may not read the current one.
    const prompt = [
      String(ctx.t('services.language.choose')),
      ...LANGUAGES.filter((l) => l !== ctx.lang).map((l) =>
        String(ctx.deps.i18n.anyLang(l)('services.language.choose')),
      ),
    ];
    return withQuickReplies(
      [text([...new Set(prompt)].join('\n'))],
      choiceQuickReplies(ctx.t, [...languageChoices(ctx), 'greeting_help']),
    );
  }
  if (ctx.userId) await setLineUserLanguage(ctx.deps.store, ctx.userId, wanted, ctx.now);
  const spoken = ctx.deps.i18n.spoken(wanted) === wanted;
  const inNew = ctx.deps.i18n.anyLang(wanted);
  const t = ctx.deps.i18n.t(wanted); // Thai until the language is spoken
  const name = String(inNew('services.language.name'));
  const confirm = String(
    inNew(spoken ? 'services.language.set' : 'services.language.setPending', { name }),
  );
  return withQuickReplies(
    [text(confirm)],
    choiceQuickReplies(t, [
      'contribution_balance',
      'hospital_rights',
      'unemployment_benefit',
      'office_location',
      'section40_info',
      'pay_contribution',
      'news',
      'talk_to_staff',
      {
        label: clip(String(t('intent.change_language')), 20),
        data: 'action=change_language',
      },
      'greeting_help',
    ]),
  );
};
