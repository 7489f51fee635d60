/** Handlers that need no personal data: help, unknown, follow, unsupported message types. */
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import type { IntentName } from '../intents.ts';
import type { Message } from '../line/limits.ts';
import {
  type Ctx,
  type IntentHandler,
  MAIN_INTENTS,
  quickReplies,
  text,
  withQuickReplies,
} from './context.ts';

export const greetingHelp: IntentHandler = async (ctx) => {
  const bubble = renderFlex(templates.helpMenu, {}, ctx.t);
  return withQuickReplies(
    [flexMessage(String(ctx.t('help.alt')), bubble)],
    quickReplies(ctx.t, MAIN_INTENTS),
  );
};

/** Low confidence: say so, and offer the closest intents instead of guessing. */
export const unknownIntent: IntentHandler = async (ctx, match) => {
  const closest = match.alternatives.filter(
    (i): i is IntentName => i !== 'unknown' && i !== 'greeting_help',
  );
  const offer = [...new Set([...closest.slice(0, 3), ...MAIN_INTENTS])].slice(0, 7);
  const key = closest.length > 0 ? 'unknown.suggest' : 'unknown.text';
  return withQuickReplies(
    [text(String(ctx.t(key)))],
    quickReplies(ctx.t, [...offer, 'greeting_help']),
  );
};

/** An honest placeholder for capabilities that have not landed yet. */
export const comingSoon: IntentHandler = async (ctx, match) => {
  const topic = String(ctx.t(`intent.${match.intent}`));
  return withQuickReplies(
    [text(String(ctx.t('comingSoon.text', { topic })))],
    quickReplies(ctx.t, MAIN_INTENTS),
  );
};

export function welcome(ctx: Ctx): Message[] {
  return withQuickReplies(
    [text(`${ctx.t('welcome.text')}\n\n${ctx.t('welcome.privacy')}`)],
    quickReplies(ctx.t, [...MAIN_INTENTS, 'link_account', 'change_language', 'greeting_help']),
  );
}

const UNSUPPORTED_KINDS = new Set(['image', 'video', 'audio', 'file', 'sticker']);

export function unsupportedMessage(ctx: Ctx, messageType: string): Message[] {
  const kind = String(
    ctx.t(`unsupported.kind.${UNSUPPORTED_KINDS.has(messageType) ? messageType : 'other'}`),
  );
  return withQuickReplies(
    [text(String(ctx.t('unsupported.text', { kind })))],
    quickReplies(ctx.t, MAIN_INTENTS),
  );
}
