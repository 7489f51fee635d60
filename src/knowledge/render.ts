/**
 * A topic as one Flex bubble: title, the answer with today's figures, when they took effect,
 * where they come from (in the reader's language, official sources first), a plain warning when
 * a figure is not confirmed, and the next steps as quick replies.
 */
import type { messagingApi } from '@line/bot-sdk';
import { flexMessage } from '../flex/render.ts';
import {
  bangkokDate,
  formatBaht,
  formatDate,
  formatNumber,
  formatPeriod,
  formatYear,
} from '../format.ts';
import type { QuickChoice } from '../handlers/context.ts';
import type { Lang, Translate } from '../i18n.ts';
import type { IntentName } from '../intents.ts';
import { anyRuleHistory, anyRuleOn, HOTLINE, type RuleEntry } from '../rules/index.ts';
import { topicFacts } from './facts.ts';
import type { Fact, Facts, NextStep, Topic } from './types.ts';

export interface RenderContext {
  readonly t: Translate;
  readonly lang: Lang;
  readonly now: number;
}

export interface RenderOptions {
  /** Add the "see my own figures" button (an unlinked user in a 1:1 chat). */
  readonly seeMine?: boolean;
}

const MAX_SOURCES = 3;
const ALT_CHARS = 400;

function formatFact(ctx: RenderContext, fact: Fact): string {
  switch (fact.kind) {
    case 'baht':
      return formatBaht(ctx.t, Math.round(fact.thb * 100));
    case 'number':
      return formatNumber(fact.value);
    case 'percent':
      return `${formatNumber(fact.value)}%`;
    case 'date':
      return formatDate(ctx.lang, fact.iso);
    case 'month':
      return formatPeriod(ctx.lang, fact.period);
    case 'year':
      return formatYear(ctx.lang, fact.year);
    case 'text':
      return fact.value;
    case 't':
      return String(fact.values ? ctx.t(fact.key, formatFacts(ctx, fact.values)) : ctx.t(fact.key));
  }
}

export function formatFacts(ctx: RenderContext, facts: Facts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, f] of Object.entries(facts)) out[k] = formatFact(ctx, f);
  return out;
}

/** The in-force versions of a topic's rules on `day` (a missing one throws). */
function rulesInForce(topic: Topic, day: string): RuleEntry<Readonly<Record<string, unknown>>>[] {
  return topic.rules.map((key) => {
    const entry = anyRuleOn(key, day);
    if (!entry) throw new RangeError(`knowledge: no ${key} rule in force on ${day}`);
    return entry;
  });
}

/**
 * The latest date on which one of the rules changed to the version in force: a version with a
 * legal start, or any version after the first of a rule that changed. Undefined when none did.
 */
export function changedSince(topic: Topic, day: string): string | undefined {
  let since: string | undefined;
  for (const key of topic.rules) {
    const entry = anyRuleOn(key, day);
    if (!entry) continue;
    const history = anyRuleHistory(key);
    const i = history.indexOf(entry);
    // A version that only re-states the previous value (e.g. "still 432 after the ceiling
    // change, not confirmed") is no change to announce.
    const restated = i > 0 && JSON.stringify(history[i - 1]!.value) === JSON.stringify(entry.value);
    const changed = !restated && (entry.effective_from_basis === 'legal_start' || i > 0);
    if (changed && (since === undefined || entry.effective_from > since))
      since = entry.effective_from;
  }
  return since;
}

/**
 * The source ids to show for some rule versions: in the order the rules give them, without
 * repeats, at most `max`; "not confirmed" last, and always shown when it applies.
 */
export function citeIds(
  rules: readonly (RuleEntry<unknown> | undefined)[],
  max = Number.POSITIVE_INFINITY,
): string[] {
  const ids: string[] = [];
  // A rule not in force on the day is not a source; one without cite ids is not confirmed.
  for (const rule of rules) {
    if (!rule) continue;
    for (const id of rule.cite ?? ['unconfirmed']) if (!ids.includes(id)) ids.push(id);
  }
  const named = ids.filter((i) => i !== 'unconfirmed');
  return ids.includes('unconfirmed')
    ? [...named.slice(0, max - 1), 'unconfirmed']
    : named.slice(0, max);
}

/** Source ids to show for a topic on `day`. */
export function citedSources(topic: Topic, day: string): string[] {
  return citeIds(rulesInForce(topic, day), MAX_SOURCES);
}

export function isUnconfirmed(topic: Topic, day: string): boolean {
  return topic.unconfirmed === true || rulesInForce(topic, day).some((e) => e.confidence === 'L');
}

export interface RenderedTopic {
  readonly title: string;
  readonly body: string;
  readonly footer: readonly string[];
  readonly warning?: string;
}

/** The words of a topic's answer on the context's day (also used by the CLI and tests). */
export function topicText(ctx: RenderContext, topic: Topic): RenderedTopic {
  const day = bangkokDate(ctx.now);
  const t = ctx.t;
  const values = formatFacts(ctx, topicFacts(topic, day));
  const title = String(t(`knowledge.${topic.id}.title`, values));
  const body = String(t(`knowledge.${topic.id}.body`, values));
  const footer: string[] = [];
  const since = changedSince(topic, day);
  footer.push(
    since
      ? String(
          t('knowledge.common.asOfSince', {
            today: formatDate(ctx.lang, day),
            since: formatDate(ctx.lang, since),
          }),
        )
      : String(t('knowledge.common.asOf', { today: formatDate(ctx.lang, day) })),
  );
  const names = citedSources(topic, day).map((id) => String(t(`sources.${id}`)));
  footer.push(String(t('knowledge.common.source', { sources: names.join('; ') })));
  const warning = isUnconfirmed(topic, day)
    ? String(t('knowledge.common.unconfirmed', { hotline: HOTLINE }))
    : undefined;
  return { title, body, footer, ...(warning ? { warning } : {}) };
}

/** The answer as a Flex message (≤ 30 KB: the texts are a few hundred characters). */
export function renderTopic(
  ctx: RenderContext,
  topic: Topic,
  options: RenderOptions = {},
): messagingApi.FlexMessage {
  const r = topicText(ctx, topic);
  const contents: messagingApi.FlexComponent[] = [
    { type: 'text', text: r.title, weight: 'bold', size: 'md', wrap: true, color: '#0B5394' },
    { type: 'text', text: r.body, size: 'sm', wrap: true, margin: 'md' },
    { type: 'separator', margin: 'lg' },
    ...r.footer.map(
      (line): messagingApi.FlexComponent => ({
        type: 'text',
        text: line,
        size: 'xxs',
        color: '#666666',
        wrap: true,
        margin: 'sm',
      }),
    ),
  ];
  if (r.warning) {
    contents.push({
      type: 'text',
      text: r.warning,
      size: 'xs',
      color: '#B45309',
      wrap: true,
      margin: 'md',
    });
  }
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    body: { type: 'box', layout: 'vertical', contents },
  };
  if (options.seeMine) {
    const label = String(ctx.t('knowledge.common.seeMine')).slice(0, 40);
    bubble.footer = {
      type: 'box',
      layout: 'vertical',
      contents: [
        {
          type: 'button',
          style: 'primary',
          height: 'sm',
          action: { type: 'postback', label, data: 'action=link_account', displayText: label },
        },
      ],
    };
  }
  const alt = `${r.title}: ${r.body}`.replace(/\s+/g, ' ');
  return flexMessage(alt.length > ALT_CHARS ? `${alt.slice(0, ALT_CHARS - 1)}…` : alt, bubble);
}

/** Quick-reply choices for a topic's next steps (labels from the locales). */
export function nextChoices(t: Translate, next: readonly NextStep[]): (IntentName | QuickChoice)[] {
  return next.map((step) => {
    switch (step) {
      case 'calc_contribution':
        return {
          label: String(t('services.calc.kind.contribution')),
          data: 'action=contribution_balance&calc=contribution',
        };
      case 'calc_unemployment':
        return {
          label: String(t('services.calc.kind.unemployment')),
          data: 'action=unemployment_benefit&calc=estimate',
        };
      case 'calc_pension':
        return {
          label: String(t('services.calc.kind.pension')),
          data: 'action=contribution_balance&calc=pension',
        };
      case 'hospitals_near':
        return { label: String(t('offices.hospitalsNear')), data: 'action=hospital_rights&near=1' };
      case 'link_account':
        return { label: String(t('knowledge.common.seeMineShort')), data: 'action=link_account' };
      default:
        return step;
    }
  });
}
