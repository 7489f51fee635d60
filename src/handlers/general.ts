/** Handlers that need no personal data: help, unknown, follow, unsupported message types. */
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import type { IntentName } from '../intents.ts';
import type { Message } from '../line/limits.ts';
import { calcMenuChoice } from './calculator.ts';
import {
  type Ctx,
  choiceQuickReplies,
  type IntentHandler,
  MAIN_INTENTS,
  privateOnlyMessage,
  quickReplies,
  text,
  withQuickReplies,
} from './context.ts';

/** The help menu; `action=greeting_help&calc=…` opens the calculator instead. */
export const greetingHelp: IntentHandler = async (ctx) => {
  const bubble = renderFlex(templates.helpMenu, {}, ctx.t);
  return withQuickReplies(
    [flexMessage(String(ctx.t('help.alt')), bubble)],
    choiceQuickReplies(ctx.t, [...MAIN_INTENTS, ...MORE_SERVICES, calcMenuChoice(ctx)]),
  );
};

/** What the bot does beyond the main intents, offered by help and unknown. */
const MORE_SERVICES: readonly IntentName[] = [
  'section40_info',
  'pay_contribution',
  'link_account',
  'change_language',
];

/**
 * Not understood. Text that is clearly outside SSO matters (weather, lottery: the model is sure
 * it is `unknown`) gets a polite "here is what I can help with"; a near miss gets "did you mean"
 * with the closest intents first.
 */
export const unknownIntent: IntentHandler = async (ctx, match) => {
  const closest = match.alternatives.filter(
    (i): i is IntentName => i !== 'unknown' && i !== 'greeting_help',
  );
  const outOfScope = match.intent === 'unknown' && match.confidence >= OUT_OF_SCOPE_CONFIDENCE;
  if (outOfScope || closest.length === 0) {
    return withQuickReplies(
      [text(String(ctx.t('services.unknown.outOfScope')))],
      choiceQuickReplies(ctx.t, [
        ...MAIN_INTENTS,
        ...MORE_SERVICES,
        calcMenuChoice(ctx),
        'greeting_help',
      ]),
    );
  }
  const offer = [...new Set([...closest.slice(0, 3), ...MAIN_INTENTS])].slice(0, 9);
  return withQuickReplies(
    [text(String(ctx.t('unknown.suggest')))],
    choiceQuickReplies(ctx.t, [...offer, calcMenuChoice(ctx), 'greeting_help']),
  );
};

/** The model's own confidence that the text is none of the intents. */
const OUT_OF_SCOPE_CONFIDENCE = 0.9;

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

/**
 * Added to a group or room: the help menu and one line that personal data and linking happen
 * only in a 1:1 chat. The bot stays (members ask general questions there); no one's data is read.
 */
export async function joinedGroup(ctx: Ctx): Promise<Message[]> {
  const [help] = await greetingHelp(ctx, {
    intent: 'greeting_help',
    confidence: 1,
    entities: {},
    alternatives: [],
  });
  const choices = choiceQuickReplies(ctx.t, [
    'benefit_info',
    'section40_info',
    'pay_contribution',
    'office_location',
    'news',
  ]);
  return [{ ...help!, quickReply: undefined } as Message, privateOnlyMessage(ctx, choices.items)];
}
