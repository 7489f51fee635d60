/**
 * General answers from the knowledge base (SPEC C13), and how they combine with the personal
 * ones: everyone gets the general answer; a linked user in a 1:1 chat also gets their own
 * figures; an unlinked user gets a "see my own figures" button, never only the link wall.
 */

import { nextChoices, renderTopic } from '../knowledge/render.ts';
import { selectTopic, topicById } from '../knowledge/select.ts';
import type { Topic } from '../knowledge/types.ts';
import type { Message } from '../line/limits.ts';
import type { Entities } from '../nlu/entities.ts';
import { isLinked } from '../store/account-links.ts';
import {
  type Ctx,
  choiceQuickReplies,
  type IntentHandler,
  type IntentMatch,
  MAIN_INTENTS,
  privateOnlyMessage,
  text,
  withQuickReplies,
} from './context.ts';

/** The topic a match asks for: a postback `topic=<id>`, else the NLU's intent and entities. */
export function topicFor(match: IntentMatch): { topic: Topic; specific: boolean } | undefined {
  const id = match.params?.topic;
  if (id) {
    const topic = topicById(id);
    if (topic) return { topic, specific: true };
  }
  return selectTopic(match.intent, match.entities as Entities);
}

/** One topic's answer with its next steps as quick replies. */
export function topicMessages(ctx: Ctx, topic: Topic, options: { seeMine: boolean }): Message[] {
  const message = renderTopic(ctx, topic, { seeMine: options.seeMine });
  const next = nextChoices(ctx.t, topic.next).filter(
    // The button already offers linking; a linked user needs no "see my figures".
    (c) => !(typeof c !== 'string' && c.data === 'action=link_account' && !options.seeMine),
  );
  return withQuickReplies([message], choiceQuickReplies(ctx.t, [...next, 'greeting_help']));
}

/** Whether this user may see personal data here: a linked user in a 1:1 chat. */
export async function mayShowPersonal(ctx: Ctx): Promise<boolean> {
  return ctx.isPrivate && ctx.userId !== null && (await isLinked(ctx.deps.store, ctx.userId));
}

/**
 * Whether to offer "see my own figures" with a topic's answer: the answer has personal figures and
 * the user could link here (a 1:1 chat) but has not. `linked` when the caller already knows.
 */
export async function offersSeeMine(ctx: Ctx, topic: Topic, linked?: boolean): Promise<boolean> {
  if (!ctx.isPrivate || ctx.userId === null || topic.personal === undefined) return false;
  return !(linked ?? (await isLinked(ctx.deps.store, ctx.userId)));
}

/**
 * A topic intent (contributions, hospital rights, unemployment): the general answer, plus the
 * person's own figures when they may see them. A plain "my contributions" from a linked user
 * gets the figures alone; a named question ("how much for resigning?") gets both.
 */
export function generalAndPersonal(personal: IntentHandler): IntentHandler {
  return async (ctx, match) => {
    const choice = topicFor(match);
    const showPersonal = await mayShowPersonal(ctx);
    if (showPersonal) {
      const mine = await personal(ctx, match);
      if (!choice?.specific) return mine;
      const general = renderTopic(ctx, choice.topic);
      return [general, ...mine].slice(0, 5);
    }
    if (!choice) {
      // Every topic intent has a default answer; should one be missing, never send a link or
      // personal data into a group.
      return ctx.isPrivate ? personal(ctx, match) : [privateOnlyMessage(ctx)];
    }
    const seeMine = await offersSeeMine(ctx, choice.topic, showPersonal);
    const messages = topicMessages(ctx, choice.topic, { seeMine });
    if (!ctx.isPrivate && (match.entities as Entities).personal) {
      return [
        ...messages.map((m) => ({ ...m, quickReply: undefined }) as Message),
        privateOnlyMessage(ctx, messages.at(-1)?.quickReply?.items ?? []),
      ];
    }
    return messages;
  };
}

/** `benefit_info`: the general rules of a benefit (default: the overview of all benefits). */
export const benefitInfo: IntentHandler = async (ctx, match) => {
  const choice = topicFor(match);
  if (!choice)
    return withQuickReplies(
      [text(String(ctx.t('unknown.text')))],
      choiceQuickReplies(ctx.t, MAIN_INTENTS),
    );
  const seeMine = await offersSeeMine(ctx, choice.topic);
  return topicMessages(ctx, choice.topic, { seeMine });
};
