/**
 * `my_claims` (C14): the person's claims for every benefit, newest first, as a Flex carousel: each
 * claim with its status badge, timeline, amounts, the reason when rejected or documents are
 * missing, the next step and what to bring. The unemployment claim is one of the bubbles; its
 * "details" button gives the unemployment answer (src/handlers/my-data.ts) unchanged.
 *
 * Only for a linked LINE user in a 1:1 chat; every read is audited; IDs are masked; dates are
 * Buddhist-era in Thai; figures that follow a rule come from data/rules on the day asked.
 * Everyone else gets the general answer (the knowledge topics) and the "see my own figures" offer.
 */
import type { messagingApi } from '@line/bot-sdk';
import claimCard from '../../flex-templates/claim-card.json' with { type: 'json' };
import claimMore from '../../flex-templates/claim-more.json' with { type: 'json' };
import { carousel, flexMessage, renderFlex } from '../flex/render.ts';
import { bangkokDate, formatBaht, formatDate } from '../format.ts';
import type { IntentName } from '../intents.ts';
import { nextChoices, renderTopic } from '../knowledge/render.ts';
import { topicById } from '../knowledge/select.ts';
import { LIMITS, type Message } from '../line/limits.ts';
import type { BenefitEntity, Entities } from '../nlu/entities.ts';
import { maskPersonalData } from '../privacy/mask.ts';
import { anyRuleHistory, anyRuleOn, HOTLINE, ruleOn } from '../rules/index.ts';
import { getLinkedPerson, type InsuredPersonRow } from '../store/account-links.ts';
import { pseudonym, writeAudit } from '../store/audit.ts';
import { type ClaimView, listClaimsForPerson } from '../store/claims.ts';
import type { Benefit } from '../store/schema.ts';
import {
  type Ctx,
  choiceQuickReplies,
  clip,
  type IntentHandler,
  type IntentMatch,
  privateOnlyMessage,
  type QuickChoice,
  text,
  withQuickReplies,
} from './context.ts';
import { offersSeeMine, topicFor } from './knowledge.ts';
import { personLine } from './my-data.ts';

/** Bubbles in a carousel (LINE's limit); with more claims the last one says how many more. */
const MAX_BUBBLES = LIMITS.carouselBubbles;
/**
 * How much of a claim a bubble shows. Only when the carousel would pass LINE's 50 KB are the
 * oldest claims shortened, first to `compact` (fewer steps, no documents list), then `minimal`.
 */
const DETAIL = {
  full: { steps: 6, bring: true, reasonChars: 300 },
  compact: { steps: 3, bring: false, reasonChars: 200 },
  minimal: { steps: 1, bring: false, reasonChars: 80 },
} as const;
type Detail = keyof typeof DETAIL;
/** Headroom under LINE's 50 KB, for whatever LINE counts that we do not. */
const CAROUSEL_BUDGET = LIMITS.carouselBytes - 2048;

type ClaimBenefit = Benefit | 'unemployment';

/** Status badge colours: grey = waiting, blue = checking, orange = act, green = money, red = no. */
const STATUS_COLOURS: Readonly<Record<string, string>> = {
  received: '#64748B',
  filed: '#64748B',
  reviewing: '#2563EB',
  under_review: '#2563EB',
  more_documents: '#C2410C',
  approved: '#047857',
  paying: '#0F766E',
  paid: '#166534',
  completed: '#166534',
  rejected: '#B91C1C',
  closed: '#4B5563',
};

/** The general answer about each benefit (knowledge topics), for the "about" button. */
const BENEFIT_TOPIC: Readonly<Record<Benefit, string>> = {
  sickness: 'sickness_cash',
  maternity: 'maternity_grant',
  child_allowance: 'child_allowance',
  invalidity: 'invalidity',
  death: 'death_grants',
  old_age: 'old_age_overview',
};

/** The claim benefit a `benefit` entity names, if it is one claims are filed for. */
const ENTITY_BENEFIT: Partial<Readonly<Record<BenefitEntity, ClaimBenefit>>> = {
  sickness: 'sickness',
  maternity: 'maternity',
  child_allowance: 'child_allowance',
  invalidity: 'invalidity',
  death: 'death',
  funeral: 'death',
  survivor: 'death',
  old_age: 'old_age',
  unemployment: 'unemployment',
};

/** Statuses where the person has to bring something: what to bring is shown. */
const BRING_STATUSES = new Set(['more_documents']);
/** Statuses whose `reason` is shown (why rejected, what is missing). */
const REASON_STATUSES = new Set(['rejected', 'more_documents']);

/** Values every next-step and hint string may use, from the rules in force today. */
type Facts = {
  readonly hotline: string;
  readonly site: string;
  readonly app: string;
  readonly eService: string;
  readonly website: string;
  readonly eClaim: string;
  readonly untilAge?: number;
};

/** A text field of a rule in force on `day`, else of its newest version (names, not figures). */
function ruleText(key: string, field: string, day: string): string {
  const entry = anyRuleOn(key, day) ?? anyRuleHistory(key).at(-1);
  const value = entry?.value[field];
  if (typeof value !== 'string') throw new RangeError(`claims: no ${key}.${field} rule`);
  return value;
}

/** The age child allowance is paid until, for the person's section (rules in force today). */
function childAllowanceUntil(section: number, day: string): number | undefined {
  if (section === 40) {
    const s40 = anyRuleOn('s40.benefits', day)?.value.child_allowance as
      | { until_age?: unknown }
      | undefined;
    return typeof s40?.until_age === 'number' ? s40.until_age : undefined;
  }
  const v = anyRuleOn('child_allowance.s33_s39', day)?.value.until_age;
  return typeof v === 'number' ? v : undefined;
}

function facts(day: string, section: number | null): Facts {
  const untilAge = section === null ? undefined : childAllowanceUntil(section, day);
  return {
    hotline: HOTLINE,
    site: ruleOn('unemployment.procedure', day).value.report_site,
    app: ruleText('eservice.sso_connect', 'app', day),
    eService: ruleText('eservice.e_self_service', 'name', day),
    website: ruleText('eservice.e_self_service', 'website', day),
    eClaim: ruleText('eservice.e_claim', 'name', day),
    ...(untilAge === undefined ? {} : { untilAge }),
  };
}

/** `t` with a list of keys: the first that exists (i18next's own fallback). */
function tFirst(ctx: Ctx, keys: string[], values: Record<string, unknown>): string {
  return String((ctx.t as unknown as (k: string[], o: object) => string)(keys, values));
}

/** A translation that may be missing: '' then. */
function tOptional(ctx: Ctx, key: string, values: Record<string, unknown>): string {
  return String(ctx.t(key, { ...values, defaultValue: '' }));
}

export function benefitName(ctx: Pick<Ctx, 't'>, benefit: ClaimBenefit): string {
  return String(ctx.t(`claims.benefit.${benefit}`));
}

/** A claim status in the user's language (unemployment keeps the unemployment answer's words). */
function statusLabel(ctx: Ctx, benefit: ClaimBenefit, status: string): string {
  return String(
    ctx.t(benefit === 'unemployment' ? `claim.statuses.${status}` : `claims.status.${status}`),
  );
}

/** The steps shown: all of a short history, else the first and the latest ones. */
function timeline(ctx: Ctx, claim: ClaimView, max: number): string[] {
  const steps = claim.history;
  const shown =
    steps.length <= max
      ? steps
      : max === 1
        ? steps.slice(-1)
        : [steps[0]!, ...steps.slice(-(max - 1))];
  return shown.map((h) =>
    String(
      ctx.t('claim.step', {
        date: formatDate(ctx.lang, h.at),
        status: statusLabel(ctx, claim.benefit, h.status),
      }),
    ),
  );
}

function amountRows(ctx: Ctx, claim: ClaimView): { label: string; value: string }[] {
  const t = ctx.t;
  const rows: { label: string; value: string }[] = [];
  if (claim.approvedAmount !== null && claim.status !== 'rejected') {
    rows.push({
      label: String(t('claims.approved')),
      value:
        claim.installments === 0
          ? // 0 installments = monthly for life (pension, invalidity; docs/import-formats.md).
            String(t('claims.monthlyForLife', { amount: formatBaht(t, claim.approvedAmount) }))
          : claim.installments !== null
            ? String(
                t('claims.perInstallment', {
                  amount: formatBaht(t, claim.approvedAmount),
                  installments: claim.installments,
                }),
              )
            : formatBaht(t, claim.approvedAmount),
    });
  }
  const paid = claim.payments.filter((p) => p.status === 'paid');
  if (paid.length > 0) {
    rows.push({
      label: String(t('claims.paidSoFar')),
      value: formatBaht(
        t,
        paid.reduce((s, p) => s + p.amount, 0),
      ),
    });
  }
  const held = claim.payments.find((p) => p.status === 'held');
  if (held) {
    rows.push({
      label: String(t('claims.held')),
      value: String(
        t('claims.dateAmount', {
          date: formatDate(ctx.lang, held.payDate),
          amount: formatBaht(t, held.amount),
        }),
      ),
    });
  }
  const next = claim.payments.find((p) => p.status === 'scheduled');
  if (next && claim.status !== 'rejected' && claim.status !== 'closed') {
    rows.push({
      label: String(t('claims.nextPayment')),
      value: String(
        t('claims.dateAmount', {
          date: formatDate(ctx.lang, next.payDate),
          amount: formatBaht(t, next.amount),
        }),
      ),
    });
  }
  return rows;
}

/** What to bring for this benefit and status: the benefit's own documents, then the usual ones. */
function bringList(ctx: Ctx, claim: ClaimView, values: Record<string, unknown>): string[] {
  if (!BRING_STATUSES.has(claim.status)) return [];
  const own = tOptional(ctx, `claims.bring.${claim.benefit}`, values);
  return [
    own,
    String(ctx.t('claims.bring.common', values)),
    String(ctx.t('claims.bringNote', values)),
  ]
    .filter((s) => s !== '')
    .flatMap((s) => s.split('\n'));
}

function claimBubble(
  ctx: Ctx,
  person: InsuredPersonRow,
  claim: ClaimView,
  f: Facts,
  detail: Detail,
): messagingApi.FlexBubble {
  const t = ctx.t;
  const show = DETAIL[detail];
  const status = statusLabel(ctx, claim.benefit, claim.status);
  const rows = [
    { label: String(t('claims.number')), value: claim.id },
    { label: String(t('claims.filed')), value: formatDate(ctx.lang, claim.filedDate) },
  ];
  if (claim.decisionDate)
    rows.push({
      label: String(t('claims.decided')),
      value: formatDate(ctx.lang, claim.decisionDate),
    });
  rows.push(...amountRows(ctx, claim));

  let reason = '';
  if (REASON_STATUSES.has(claim.status) && claim.reason) {
    // Stored masked on import; masked again here so nothing personal can slip through.
    const masked = clip(maskPersonalData(claim.reason), show.reasonChars);
    reason = String(
      t(claim.status === 'rejected' ? 'claims.reasonRejected' : 'claims.reasonMissing', {
        reason: masked,
      }),
    );
  }

  const values = { ...f, details: String(t('claims.details')) };
  // A benefit's own next step where it differs (e.g. a pension is paid for life), else the
  // status's; `untilAge` only when the rule is there.
  const keys = [`claims.next.${claim.benefit}.${claim.status}`, `claims.next.any.${claim.status}`];
  const next = tFirst(
    ctx,
    f.untilAge === undefined && claim.benefit === 'child_allowance' ? keys.slice(1) : keys,
    values,
  );
  const bring = show.bring ? bringList(ctx, claim, values) : [];

  const buttons: { label: string; data: string }[] =
    claim.benefit === 'unemployment'
      ? [{ label: String(t('claims.details')), data: 'action=unemployment_benefit' }]
      : [
          {
            label: String(t('claims.about')),
            data: `action=benefit_info&topic=${
              claim.benefit === 'sickness' && person.section === 40
                ? 'sickness_s40'
                : BENEFIT_TOPIC[claim.benefit]
            }`,
          },
        ];

  return renderFlex(
    claimCard,
    {
      title: benefitName(ctx, claim.benefit),
      subtitle: personLine(ctx, person),
      status,
      statusColor: STATUS_COLOURS[claim.status] ?? '#4B5563',
      rows,
      reason,
      timelineTitle: String(t('claims.timeline')),
      timeline: timeline(ctx, claim, show.steps),
      nextTitle: String(t('claims.nextTitle')),
      next,
      bringTitle: String(t('claims.bringTitle')),
      bring,
      buttons: buttons.map((b) => ({ ...b, label: clip(b.label, LIMITS.actionLabel) })),
    },
    t,
  ) as messagingApi.FlexBubble;
}

/** The last bubble when there are more claims than fit: how many more, and where to see them. */
function moreBubble(ctx: Ctx, more: number, shown: number, f: Facts): messagingApi.FlexBubble {
  return renderFlex(
    claimMore,
    {
      title: String(ctx.t('claims.more.title', { more })),
      text: String(ctx.t('claims.more.text', { ...f, shown })),
      callLabel: clip(String(ctx.t('claims.more.call', f)), LIMITS.actionLabel),
      callUri: `tel:${f.hotline}`,
    },
    ctx.t,
  ) as messagingApi.FlexBubble;
}

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;

/** The carousel of claims (newest first), within LINE's 12 bubbles and 50 KB. */
export function claimsCarousel(
  ctx: Ctx,
  person: InsuredPersonRow,
  claims: readonly ClaimView[],
  f: Facts,
): messagingApi.FlexMessage {
  const fits = claims.length <= MAX_BUBBLES;
  const shown = fits ? claims : claims.slice(0, MAX_BUBBLES - 1);
  const bubbles = shown.map((c) => claimBubble(ctx, person, c, f, 'full'));
  if (!fits) bubbles.push(moreBubble(ctx, claims.length - shown.length, shown.length, f));
  let size = bytes(carousel(bubbles));
  // Long histories in a long list: shorten the oldest claims first until it fits.
  for (const level of ['compact', 'minimal'] as const) {
    for (let i = shown.length - 1; i >= 0 && size > CAROUSEL_BUDGET; i--) {
      const shorter = claimBubble(ctx, person, shown[i]!, f, level);
      size += bytes(shorter) - bytes(bubbles[i]);
      bubbles[i] = shorter;
    }
  }
  const contents = carousel(bubbles);
  const list = shown
    .map((c) => `${benefitName(ctx, c.benefit)}: ${statusLabel(ctx, c.benefit, c.status)}`)
    .join(' · ');
  const alt = String(ctx.t('claims.alt', { total: claims.length, list }));
  return flexMessage(clip(alt, LIMITS.altTextLength), contents);
}

/** The claims a `benefit` entity asks about ("my maternity claim"), or undefined for all. */
function claimsAskedFor(match: IntentMatch, claims: readonly ClaimView[]): ClaimView[] | undefined {
  const entity = (match.entities as Entities).benefit;
  const benefit = entity ? ENTITY_BENEFIT[entity] : undefined;
  if (!benefit) return undefined;
  const some = claims.filter((c) => c.benefit === benefit);
  return some.length > 0 && some.length < claims.length ? some : undefined;
}

const NEXT_WITH_CLAIMS: readonly IntentName[] = [
  'notifications',
  'benefit_info',
  'office_location',
  'talk_to_staff',
];
const NEXT_WITHOUT_CLAIMS: readonly IntentName[] = [
  'benefit_info',
  'unemployment_benefit',
  'office_location',
  'talk_to_staff',
];

/** A linked user's own claims, audited. */
async function personalClaims(
  ctx: Ctx,
  match: IntentMatch,
  userId: string,
  person: InsuredPersonRow,
): Promise<Message[]> {
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor: await pseudonym(ctx.deps.config.auditPseudonymKey, userId),
    personId: person.id,
    action: 'read_claims',
    purpose: 'insured person asked for their claims',
  });
  const day = bangkokDate(ctx.now);
  const f = facts(day, person.section);
  const claims = await listClaimsForPerson(ctx.deps.store, person.id);
  if (claims.length === 0) {
    const lines = [
      String(ctx.t('claims.none', { ...f, benefits: String(ctx.t('intent.benefit_info')) })),
    ];
    // Unemployment is claimed elsewhere (Department of Employment), and by section 33 only.
    if (person.section === 33) {
      const days = ruleOn('unemployment.procedure', day).value.register_within_days;
      lines.push(String(ctx.t('claims.noneUnemployment', { ...f, days })));
    }
    return withQuickReplies(
      [text(lines.join('\n\n'))],
      choiceQuickReplies(
        ctx.t,
        NEXT_WITHOUT_CLAIMS.filter((i) => i !== 'unemployment_benefit' || person.section === 33),
      ),
    );
  }
  const asked = claimsAskedFor(match, claims);
  const next: (IntentName | QuickChoice)[] = asked
    ? ['my_claims', ...NEXT_WITH_CLAIMS]
    : [...NEXT_WITH_CLAIMS];
  return withQuickReplies(
    [claimsCarousel(ctx, person, asked ?? claims, f)],
    choiceQuickReplies(ctx.t, next),
  );
}

/**
 * Not linked (1:1): the general answer (the named benefit's topic, else the overview of every
 * benefit) with the "see my own figures" button, and where claims can be followed meanwhile.
 */
async function generalClaims(ctx: Ctx, match: IntentMatch): Promise<Message[]> {
  const choice = topicFor(match);
  const topic = choice?.specific ? choice.topic : topicById('benefits_overview');
  const f = facts(bangkokDate(ctx.now), null);
  const hint = text(String(ctx.t('claims.unlinked', f)));
  if (!topic) return withQuickReplies([hint], choiceQuickReplies(ctx.t, ['link_account']));
  const seeMine = await offersSeeMine(ctx, topic, false);
  // Linking first, then the topic's next steps less this very question.
  const link = {
    label: String(ctx.t('knowledge.common.seeMineShort')),
    data: 'action=link_account',
  };
  const next = nextChoices(ctx.t, topic.next).filter((c) => c !== 'my_claims');
  return withQuickReplies(
    [renderTopic(ctx, topic, { seeMine }), hint],
    choiceQuickReplies(ctx.t, [link, ...next, 'greeting_help']),
  );
}

export const myClaims: IntentHandler = async (ctx, match) => {
  // The router answers groups and rooms already; never let a claim reach one regardless.
  if (!ctx.isPrivate || ctx.userId === null) return [privateOnlyMessage(ctx)];
  const person = await getLinkedPerson(ctx.deps.store, ctx.userId);
  return person ? personalClaims(ctx, match, ctx.userId, person) : generalClaims(ctx, match);
};
