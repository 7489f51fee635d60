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
  section40Options,
} from '../rules/index.ts';
import { setLineUserLanguage } from '../store/line-users.ts';
import { flagForStaff } from '../store/staff-flags.ts';
import { calcMenuChoice, citedNames } from './calculator.ts';
import {
  type Ctx,
  choiceQuickReplies,
  clip,
  type IntentHandler,
  type QuickChoice,
  text,
  withQuickReplies,
} from './context.ts';
import { topicFor, topicMessages } from './knowledge.ts';

const num = (satang: number) => formatNumber(satang / 100);

function sourceLine(ctx: Ctx, rules: readonly (RuleEntry<unknown> | undefined)[]): string {
  return String(ctx.t('services.source', { sources: citedNames(ctx.t, rules) }));
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

  const notes = [
    String(t('services.s40.who')),
    String(t('services.s40.hospital', { hotline: HOTLINE })),
  ];
  // One overall maximum that depends on the option and the months paid: never one amount per
  // option (the per-option amounts are not confirmed).
  const funeral = b?.funeralMaxSatang ?? null;
  if (funeral !== null) {
    notes.push(
      String(t('services.s40.funeralNote', { amount: formatBaht(t, funeral), hotline: HOTLINE })),
    );
  }
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
 * `pay_contribution`: how, where and when to pay, and what section 39 / 40 cost, from the
 * knowledge base (payment channels by default; a named section gets that section's answer),
 * with one-tap answers for the other section. Section 39's lapse rule (3 unpaid months in a row)
 * lives there too, so a lapsed member is never told to "pay up".
 */
export const payContribution: IntentHandler = async (ctx, match) => {
  const section = Number(match.params?.section ?? match.entities.section);
  const named = section === 39 || section === 40 ? section : undefined;
  const choice = topicFor({
    ...match,
    intent: 'pay_contribution',
    entities: { ...match.entities, ...(named ? { section: named } : {}) },
  });
  if (!choice)
    return withQuickReplies(
      [text(String(ctx.t('unknown.text')))],
      choiceQuickReplies(ctx.t, ['greeting_help']),
    );
  const t = ctx.t;
  const others: QuickChoice[] = [];
  if (named !== 39)
    others.push({
      label: String(t('services.pay.only39')),
      data: 'action=pay_contribution&section=39',
    });
  if (named !== 40)
    others.push({
      label: String(t('services.pay.only40')),
      data: 'action=pay_contribution&section=40',
    });
  const messages = topicMessages(ctx, choice.topic, { seeMine: false });
  const items = messages.at(-1)?.quickReply?.items ?? [];
  const extra = choiceQuickReplies(t, [...others, calcMenuChoice(ctx)]).items ?? [];
  return withQuickReplies(messages, { items: [...extra, ...items].slice(0, 13) });
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
