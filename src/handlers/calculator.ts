/**
 * The contribution and benefit calculator (no login: general rules on a wage the user gives,
 * SPEC C9). Three sums, all from src/rules on today's date in Bangkok:
 *   contribution  section 33: 5 % of the wage clamped to the floor and the ceiling
 *   unemployment  laid off / resigned estimates on the capped wage
 *   pension       old-age pension (≥ 180 months) or lump-sum outlook
 *
 * Reached by postback (`action=greeting_help&calc=menu`,
 * `action=contribution_balance&calc=contribution&wage=15000`,
 * `action=unemployment_benefit&calc=estimate&wage=25000&cause=laid_off`,
 * `action=contribution_balance&calc=pension&months=240&wage=15000`) or by typed text the NLU sends
 * to contribution_balance / unemployment_benefit with a wage in it ("คำนวณเงินสมทบ 15000",
 * "ตกงานได้เท่าไหร่ เงินเดือน 25000", "ប្រាក់ខែ 1ម៉ឺន5ពាន់"): see `calcRequest`; the wage, months and
 * cause come from the NLU's typed entities.
 */

import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import { bangkokDate, formatBaht, formatDate, formatNumber, formatYear } from '../format.ts';
import type { Translate } from '../i18n.ts';
import { citeIds } from '../knowledge/render.ts';
import type { Message } from '../line/limits.ts';
import type { Entities } from '../nlu/entities.ts';
import {
  averageCappedWageSatang,
  cappedWageSatang,
  PENSION_MIN_AGE,
  PENSION_MIN_MONTHS,
  pensionEstimate,
  type RuleEntry,
  ruleHistory,
  ruleOn,
  section33ContributionSatang,
  unemploymentEstimate,
  wageCeilingSatang,
  wageFloorSatang,
} from '../rules/index.ts';
import {
  type Ctx,
  choiceQuickReplies,
  type IntentMatch,
  type QuickChoice,
  text,
  withQuickReplies,
} from './context.ts';

export type CalcKind = 'menu' | 'contribution' | 'unemployment' | 'pension';
export type CalcCause = 'laid_off' | 'resigned';

export interface CalcRequest {
  readonly kind: CalcKind;
  /** Monthly wage in THB (whole baht). */
  readonly wage?: number;
  readonly months?: number;
  readonly cause?: CalcCause;
}

/** Wages offered as quick replies (THB a month). */
export const WAGE_CHOICES = [9_000, 12_000, 15_000, 17_500, 20_000, 25_000, 30_000] as const;
const MONTH_CHOICES = [60, 120, 180, 240, 300, 360] as const;
const MAX_WAGE = 10_000_000;
const MAX_MONTHS = 1_200;

const PARAM_KIND: Record<string, CalcKind> = {
  menu: 'menu',
  contribution: 'contribution',
  estimate: 'unemployment',
  unemployment: 'unemployment',
  pension: 'pension',
};

function wholeNumber(raw: string | undefined, max: number): number | undefined {
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 && n <= max ? n : undefined;
}

/**
 * Whether this contribution_balance / unemployment_benefit request asks for a calculation
 * rather than the person's own record: a `calc` postback parameter, or typed text in which the
 * NLU found a wage (`entities.wage`: at least 1,000, not a year) or a "calculate" word
 * (`entities.calc`). The text itself is never parsed here: the wage, months, cause and the
 * pension / unemployment cues are typed entities (src/nlu/entities.ts).
 */
export function calcRequest(match: IntentMatch): CalcRequest | undefined {
  const p = match.params ?? {};
  if (p.calc !== undefined) {
    const kind = PARAM_KIND[p.calc] ?? 'menu';
    const wage = wholeNumber(p.wage, MAX_WAGE);
    const months = wholeNumber(p.months, MAX_MONTHS);
    const cause = p.cause === 'laid_off' || p.cause === 'resigned' ? p.cause : undefined;
    return {
      kind,
      ...(wage !== undefined ? { wage } : {}),
      ...(months !== undefined ? { months } : {}),
      ...(cause ? { cause } : {}),
    };
  }
  const e = match.entities as Entities;
  const wage = inRange(e.wage, MAX_WAGE);
  // "one month" is how often ("20,000 a month": တစ်လ, ต่อเดือน), not a contribution period.
  const months = e.months !== undefined && e.months > 1 ? inRange(e.months, MAX_MONTHS) : undefined;
  if (wage === undefined && e.calc !== true) return undefined;
  const pension = e.benefit === 'old_age' || e.topic === 'pension' || e.topic === 'lump_sum';
  // "Laid off on 40,000, what do I get?": a reason for leaving work means the unemployment
  // estimate, even when the classifier could not place the question.
  const unemployment =
    match.intent === 'unemployment_benefit' ||
    (!pension &&
      months === undefined &&
      (e.benefit === 'unemployment' || calcCause(e.cause) !== undefined));
  const kind: CalcKind = unemployment
    ? 'unemployment'
    : pension || months !== undefined
      ? 'pension'
      : 'contribution';
  const cause = calcCause(e.cause);
  return {
    kind,
    ...(wage !== undefined ? { wage } : {}),
    ...(months !== undefined ? { months } : {}),
    ...(cause && kind === 'unemployment' ? { cause } : {}),
  };
}

/** A whole positive number up to `max` from an entity, else undefined. */
function inRange(value: unknown, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max
    ? value
    : undefined;
}

/**
 * The calculator's two rates: a contract that ended is paid as a resignation (the same rule);
 * misconduct and force majeure get both estimates (no cause).
 */
function calcCause(cause: Entities['cause']): CalcCause | undefined {
  if (cause === 'laid_off') return 'laid_off';
  if (cause === 'resigned' || cause === 'contract_ended') return 'resigned';
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const ACTION: Record<Exclude<CalcKind, 'menu'>, string> = {
  contribution: 'action=contribution_balance&calc=contribution',
  unemployment: 'action=unemployment_benefit&calc=estimate',
  pension: 'action=contribution_balance&calc=pension',
};

const thb = formatNumber;
/**
 * The source names shown to users for some rule versions, in the reader's language: the rules'
 * `cite` ids (official sources first, "not confirmed" last), named in locales/<lang>/knowledge.
 * Blogs and company notes stay in the rules' research trail (`source`) and are never shown.
 */
export function citedNames(
  t: Translate,
  rules: readonly (RuleEntry<unknown> | undefined)[],
): string {
  return citeIds(rules)
    .map((id) => String(t(`sources.${id}`)))
    .join('; ');
}

/**
 * " In force since <date>." for a rule whose start date is its legal start; nothing for one
 * whose date is only where the data begins (its real start is earlier and unknown).
 */
export function since(ctx: Ctx, rule: RuleEntry<unknown>): string {
  return rule.effective_from_basis === 'legal_start'
    ? ` ${ctx.t('services.inForceSince', { date: formatDate(ctx.lang, rule.effective_from) })}`
    : '';
}

export function calcMenuChoice(ctx: Ctx): QuickChoice {
  return { label: String(ctx.t('services.calc.qr')), data: 'action=greeting_help&calc=menu' };
}

function kindChoices(ctx: Ctx, except?: CalcKind, wage?: number): QuickChoice[] {
  const w = wage !== undefined ? `&wage=${wage}` : '';
  return (['contribution', 'unemployment', 'pension'] as const)
    .filter((k) => k !== except)
    .map((k) => ({ label: String(ctx.t(`services.calc.kind.${k}`)), data: `${ACTION[k]}${w}` }));
}

function wageChoices(ctx: Ctx, req: CalcRequest, kind: Exclude<CalcKind, 'menu'>): QuickChoice[] {
  const extra = `${req.months ? `&months=${req.months}` : ''}${req.cause ? `&cause=${req.cause}` : ''}`;
  return WAGE_CHOICES.filter((w) => w !== req.wage).map((w) => ({
    label: String(ctx.t('services.calc.wageChoice', { amount: thb(w) })),
    data: `${ACTION[kind]}&wage=${w}${extra}`,
  }));
}

function monthChoices(ctx: Ctx, wage: number | undefined, except?: number): QuickChoice[] {
  const w = wage !== undefined ? `&wage=${wage}` : '';
  return MONTH_CHOICES.filter((m) => m !== except).map((m) => ({
    label: String(ctx.t('services.calc.monthsChoice', { months: m, years: m / 12 })),
    data: `${ACTION.pension}&months=${m}${w}`,
  }));
}

export async function calculator(ctx: Ctx, req: CalcRequest): Promise<Message[]> {
  const t = ctx.t;
  if (req.kind === 'menu') {
    return withQuickReplies(
      [text(String(t('services.calc.menu')))],
      choiceQuickReplies(t, [
        ...kindChoices(ctx),
        'section40_info',
        'pay_contribution',
        'talk_to_staff',
        'greeting_help',
      ]),
    );
  }
  const kind = req.kind;
  if (req.wage === undefined) {
    return withQuickReplies(
      [text(String(t(`services.calc.askWage.${kind}`)))],
      choiceQuickReplies(t, [...wageChoices(ctx, req, kind), calcMenuChoice(ctx), 'greeting_help']),
    );
  }
  if (kind === 'pension' && req.months === undefined) {
    return withQuickReplies(
      [text(String(t('services.calc.askMonths', { wage: formatBaht(t, req.wage * 100) })))],
      choiceQuickReplies(t, [...monthChoices(ctx, req.wage), calcMenuChoice(ctx), 'greeting_help']),
    );
  }
  const today = bangkokDate(ctx.now);
  const message =
    kind === 'contribution'
      ? contributionCard(ctx, req.wage, today)
      : kind === 'unemployment'
        ? unemploymentCard(ctx, req.wage, req.cause, today)
        : pensionCard(ctx, req.wage, req.months!, today);
  const next: (QuickChoice | 'section40_info' | 'pay_contribution' | 'greeting_help')[] =
    kind === 'pension'
      ? monthChoices(ctx, req.wage, req.months).slice(0, 4)
      : wageChoices(ctx, req, kind).slice(0, 5);
  return withQuickReplies(
    [message],
    choiceQuickReplies(t, [
      ...next,
      ...kindChoices(ctx, kind, req.wage),
      calcMenuChoice(ctx),
      'pay_contribution',
      'greeting_help',
    ]),
  );
}

interface CardData {
  title: string;
  subtitle: string;
  rows: { label: string; value: string }[];
  list: string[];
  note: string;
  buttons: { label: string; data: string }[];
}

function card(ctx: Ctx, alt: string, c: CardData): Message {
  const bubble = renderFlex(
    templates.recordCard,
    { listTitle: c.list.length > 0 ? String(ctx.t('services.calc.howItWorks')) : '', ...c },
    ctx.t,
  );
  return flexMessage(alt.slice(0, 400), bubble);
}

function ceilingLine(ctx: Ctx, today: string): string {
  const t = ctx.t;
  const current = ruleOn('s33.wage_ceiling', today);
  const next = ruleHistory('s33.wage_ceiling').find((r) => r.effective_from > today);
  const lines = [
    String(
      t('services.calc.ceiling', {
        floor: formatBaht(t, wageFloorSatang(today)),
        ceiling: formatBaht(t, wageCeilingSatang(today)),
      }),
    ) + since(ctx, current),
  ];
  if (next) {
    lines.push(
      String(
        t('services.calc.nextCeiling', {
          ceiling: formatBaht(t, next.value.wage_ceiling_thb * 100),
          from: formatDate(ctx.lang, next.effective_from),
        }),
      ),
    );
  }
  return lines.join(' ');
}

function contributionCard(ctx: Ctx, wage: number, today: string): Message {
  const t = ctx.t;
  const c = section33ContributionSatang(wage * 100, today);
  const rate = ruleOn('s33.contribution_rate', today);
  const gov = ruleOn('s33.government_rate', today);
  const rows = [
    { label: String(t('services.calc.wage')), value: formatBaht(t, wage * 100) },
    { label: String(t('services.calc.counted')), value: formatBaht(t, c.cappedWageSatang) },
    {
      label: String(t('services.calc.employee', { percent: rate.value.employee_percent })),
      value: formatBaht(t, c.employeeSatang),
    },
    {
      label: String(t('services.calc.employer', { percent: rate.value.employer_percent })),
      value: formatBaht(t, c.employerSatang),
    },
    {
      label: String(t('services.calc.government', { percent: gov.value.government_percent })),
      value: formatBaht(t, c.governmentSatang),
    },
  ];
  const list = [
    ceilingLine(ctx, today),
    String(
      t('services.calc.oldAgePart', {
        amount: formatBaht(t, Math.round(c.oldAgeEmployeeSatang)),
      }),
    ),
    String(t('services.calc.s39s40')),
  ];
  return card(
    ctx,
    String(
      t('services.calc.contributionAlt', {
        wage: formatBaht(t, wage * 100),
        amount: formatBaht(t, c.employeeSatang),
      }),
    ),
    {
      title: String(t('services.calc.contributionTitle')),
      subtitle: String(t('services.calc.asOf', { date: formatDate(ctx.lang, today) })),
      rows,
      list,
      note: `${t('services.calc.governmentNote')}\n${sourceLine(ctx, [rate])}\n${t('common.estimate')}`,
      buttons: kindChoices(ctx, 'contribution', wage),
    },
  );
}

function unemploymentCard(
  ctx: Ctx,
  wage: number,
  cause: CalcCause | undefined,
  today: string,
): Message {
  const t = ctx.t;
  const causes: CalcCause[] =
    cause === 'resigned' ? ['resigned', 'laid_off'] : ['laid_off', 'resigned'];
  const estimates = causes.map((c) => unemploymentEstimate(c, wage * 100, today));
  const rows = [
    { label: String(t('services.calc.wage')), value: formatBaht(t, wage * 100) },
    {
      label: String(t('services.calc.counted')),
      value: formatBaht(t, estimates[0]!.cappedWageSatang),
    },
    ...estimates.map((e) => ({
      label: String(t(`services.calc.cause.${e.cause}`, { rate: e.ratePercent })),
      value: String(t('services.calc.perMonth', { amount: formatBaht(t, e.monthlySatang) })),
    })),
  ];
  const procedure = ruleOn('unemployment.procedure', today).value;
  const eligibility = ruleOn('unemployment.eligibility', today).value;
  const list = [
    ...estimates.map(
      (e) =>
        String(
          t(`services.calc.causeLine.${e.cause}`, {
            rate: e.ratePercent,
            monthly: formatBaht(t, e.monthlySatang),
            days: e.maxDays,
            total: formatBaht(t, e.totalMaxSatang),
          }),
        ) + since(ctx, ruleOn(`unemployment.${e.cause as CalcCause}`, today)),
    ),
    String(
      t('services.calc.unemploymentWho', {
        required: eligibility.required_months,
        window: eligibility.window_months,
        days: procedure.register_within_days,
        site: procedure.register_site,
        report: procedure.report_site,
      }),
    ),
    ceilingLine(ctx, today),
  ];
  return card(
    ctx,
    String(
      t('services.calc.unemploymentAlt', {
        wage: formatBaht(t, wage * 100),
        amount: formatBaht(t, estimates[0]!.monthlySatang),
      }),
    ),
    {
      title: String(t('services.calc.unemploymentTitle')),
      subtitle: String(t('services.calc.asOf', { date: formatDate(ctx.lang, today) })),
      rows,
      list,
      note: `${sourceLine(ctx, [ruleOn(`unemployment.${estimates[0]!.cause as CalcCause}`, today)])}\n${t('common.estimate')}`,
      buttons: [
        ...kindChoices(ctx, 'unemployment', wage).slice(0, 1),
        { label: String(t('intent.unemployment_benefit')), data: 'action=unemployment_benefit' },
      ],
    },
  );
}

function pensionCard(ctx: Ctx, wage: number, months: number, today: string): Message {
  const t = ctx.t;
  const rule = ruleOn('old_age.pension', today);
  // The average is over the last 60 months, each capped at its own month's ceiling: a wage
  // above today's ceiling still averages lower while older months (15,000 cap) count.
  const window = Math.min(months, rule.value.average_of_last_months);
  const capped = averageCappedWageSatang(wage * 100, today, window);
  const e = pensionEstimate(months, capped, today);
  const rows = [
    {
      label: String(t('services.calc.months')),
      value: String(t('services.calc.monthsValue', { months, years: Math.floor(months / 12) })),
    },
    { label: String(t('services.calc.avgWage')), value: formatBaht(t, capped) },
  ];
  const list: string[] = [];
  let alt: string;
  if (e.kind === 'pension') {
    rows.push({ label: String(t('services.calc.percent')), value: `${e.percent}%` });
    rows.push({
      label: String(t('services.calc.pension')),
      value: String(
        t('services.calc.perMonth', { amount: formatBaht(t, roundBaht(e.monthlySatang)) }),
      ),
    });
    alt = String(
      t('services.calc.pensionAlt', { amount: formatBaht(t, roundBaht(e.monthlySatang)) }),
    );
  } else {
    rows.push({
      label: String(t('services.calc.lumpSum')),
      value: String(
        t('services.calc.about', { amount: formatBaht(t, roundBaht(e.contributionsApproxSatang)) }),
      ),
    });
    list.push(
      String(
        t(`services.calc.lumpSumKind.${e.descriptionKey}`, {
          age: PENSION_MIN_AGE,
          ownOnly: ruleOn('old_age.lump_sum', today).value.own_only_below_months,
        }),
      ),
    );
    list.push(String(t('services.calc.toPension', { missing: PENSION_MIN_MONTHS - months })));
    alt = String(
      t('services.calc.lumpSumAlt', {
        amount: formatBaht(t, roundBaht(e.contributionsApproxSatang)),
      }),
    );
  }
  // Say why the average is lower than the wage when older months were capped lower.
  const ceilings = ruleHistory('s33.wage_ceiling');
  const current = ruleOn('s33.wage_ceiling', today);
  const before = ceilings[ceilings.indexOf(current) - 1];
  if (before && capped < cappedWageSatang(wage * 100, today)) {
    list.push(
      String(
        t('services.calc.averageNote', {
          months: window,
          oldCeiling: formatBaht(t, before.value.wage_ceiling_thb * 100),
          year: formatYear(ctx.lang, Number(current.effective_from.slice(0, 4))),
        }),
      ),
    );
  }
  list.push(
    String(
      t('services.calc.pensionRule', {
        min: rule.value.min_months,
        base: rule.value.base_percent,
        step: rule.value.step_percent,
        avg: rule.value.average_of_last_months,
        age: PENSION_MIN_AGE,
      }),
    ),
    ceilingLine(ctx, today),
  );
  return card(ctx, alt, {
    title: String(t('services.calc.pensionTitle')),
    subtitle: String(t('services.calc.asOf', { date: formatDate(ctx.lang, today) })),
    rows,
    list,
    note: `${sourceLine(ctx, [rule])}\n${t('common.estimate')}`,
    buttons: kindChoices(ctx, 'pension', wage).slice(0, 2),
  });
}

/** Estimates in whole baht: satang would suggest a precision they do not have. */
const roundBaht = (satang: number) => Math.round(satang / 100) * 100;

function sourceLine(ctx: Ctx, rules: readonly RuleEntry<unknown>[]): string {
  return String(ctx.t('services.source', { sources: citedNames(ctx.t, rules) }));
}
