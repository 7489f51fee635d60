/**
 * Routing, like a grammY composer: an ordered list of matchers, each owning one feature; the
 * first that answers wins, and the intent's own handler runs last. Matchers read only what the
 * NLU (or a postback) put in the IntentMatch: no text is parsed here.
 */

import { renderTopic } from '../knowledge/render.ts';
import type { Message } from '../line/limits.ts';
import type { Entities } from '../nlu/entities.ts';
import { recordUnanswered } from '../store/unanswered.ts';
import { calcRequest, calculator } from './calculator.ts';
import {
  type Ctx,
  choiceQuickReplies,
  type IntentMatch,
  privateOnlyMessage,
  text,
  withQuickReplies,
} from './context.ts';
import { intentHandlers } from './index.ts';
import { offersSeeMine, topicFor, topicMessages } from './knowledge.ts';
import { changeLanguage } from './services.ts';

export type Matcher = (ctx: Ctx, match: IntentMatch) => Promise<Message[]> | undefined;

/** Romanised Burmese/Khmer/Lao: we cannot answer it reliably; offer the languages in their script. */
const romanised: Matcher = (ctx, match) =>
  match.romanised ? changeLanguage(ctx, { ...match, intent: 'change_language' }) : undefined;

/** Linking and personal records only in a 1:1 chat; in a group or room say so. */
const PRIVATE_ONLY = new Set(['link_account', 'unlink_account', 'my_claims', 'notifications']);
const groupGuard: Matcher = (ctx, match) =>
  !ctx.isPrivate && PRIVATE_ONLY.has(match.intent)
    ? Promise.resolve([privateOnlyMessage(ctx)])
    : undefined;

/**
 * A calculation: a `calc` postback, or a wage / "calculate" in the text (NLU entities). A wage
 * under a payment question or an unplaced one ("salary 15 thousand, how much do I pay?") is a
 * contribution calculation too.
 */
const CALC_INTENTS = new Set(['contribution_balance', 'unemployment_benefit', 'greeting_help']);
const WAGE_INTENTS = new Set(['pay_contribution', 'unknown']);
const calculate: Matcher = (ctx, match) => {
  const e = match.entities as Entities;
  const wage = e.wage;
  if (!CALC_INTENTS.has(match.intent) && !(wage !== undefined && WAGE_INTENTS.has(match.intent)))
    return undefined;
  // "How is the pension calculated?" asks for the rule, not for a wage: the knowledge answer
  // (which offers the calculator) goes first when a subject is named and no figure is given.
  if (match.params?.calc === undefined && wage === undefined && e.months === undefined) {
    if (topicFor(match)?.specific) return undefined;
  }
  const calc = calcRequest(match);
  return calc ? calculator(ctx, calc) : undefined;
};

/**
 * A named subject (topic, benefit, cause) under an intent that has no general answer of its own
 * for it: section 39/40 and payment questions, help, and what the classifier could not place.
 */
const KNOWLEDGE_INTENTS = new Set([
  'section40_info',
  'greeting_help',
  'unknown',
  'news',
  'office_location',
]);
const knowledge: Matcher = (ctx, match) => {
  if (!KNOWLEDGE_INTENTS.has(match.intent)) return undefined;
  const e = match.entities as Entities & { location?: unknown };
  // A place or "near me" is a search, and news on/off a toggle: their own handlers answer.
  if (match.intent === 'office_location' && (e.province || e.areaNo || e.nearMe || e.location))
    return undefined;
  if (match.intent === 'news' && e.news) return undefined;
  // "What is section 40?": the options side by side (section40_info's own answer) says it best.
  if (match.intent === 'section40_info' && e.topic === 'sections') return undefined;
  const choice = topicFor(match);
  if (!choice?.specific) return undefined;
  return offersSeeMine(ctx, choice.topic).then((seeMine) =>
    topicMessages(ctx, choice.topic, { seeMine }),
  );
};

/**
 * Asking for a person about a named subject (a lost card, an employer who does not pay): the
 * general answer first, then the handover (the chat is still flagged for staff).
 */
const staffWithTopic: Matcher = (ctx, match) => {
  if (match.intent !== 'talk_to_staff') return undefined;
  const choice = topicFor(match);
  if (!choice?.specific) return undefined;
  return (async () => {
    const handover = await intentHandlers.talk_to_staff(ctx, match);
    return [renderTopic(ctx, choice.topic), ...handover].slice(0, 5);
  })();
};

/** What the bot could not answer is kept (masked, 90 days) for the operators. */
const unanswered: Matcher = (ctx, match) => {
  if (match.intent !== 'unknown' || match.text === undefined) return undefined;
  return (async () => {
    await recordUnanswered(ctx.deps.store, {
      at: ctx.now,
      lang: match.textLang ?? ctx.lang,
      text: match.text ?? '',
      alternatives: match.alternatives,
      confidence: match.confidence,
    });
    return intentHandlers.unknown(ctx, match);
  })();
};

const byIntent: Matcher = (ctx, match) => intentHandlers[match.intent](ctx, match);

export const MATCHERS: readonly Matcher[] = [
  romanised,
  groupGuard,
  calculate,
  knowledge,
  staffWithTopic,
  unanswered,
  byIntent,
];

/** The messages answering one understood text or postback. */
export async function answer(ctx: Ctx, match: IntentMatch): Promise<Message[]> {
  for (const matcher of MATCHERS) {
    const result = matcher(ctx, match);
    if (result) return result;
  }
  return [];
}

/** A note saying which language the answer is in and how to switch, as the last message. */
export function withLanguageNote(ctx: Ctx, messages: Message[]): Message[] {
  if (messages.length === 0 || messages.length >= 5) return messages;
  const { quickReply, ...last } = messages.at(-1)!;
  const note = text(String(ctx.t('knowledge.common.replyLang')));
  const picker = choiceQuickReplies(ctx.t, ['change_language']).items ?? [];
  return withQuickReplies([...messages.slice(0, -1), last as Message, note], {
    items: [...picker, ...(quickReply?.items ?? [])].slice(0, 13),
  });
}
