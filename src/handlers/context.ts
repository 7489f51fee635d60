import type { messagingApi } from '@line/bot-sdk';
import type { Deps } from '../deps.ts';
import type { Lang, Translate } from '../i18n.ts';
import type { IntentName } from '../intents.ts';
import type { LineEvent } from '../line/events.ts';
import type { Message } from '../line/limits.ts';
import type { LineUserRow } from '../store/line-users.ts';

/** One per event: everything a handler may use. Handlers return messages; they never send. */
export interface Ctx {
  readonly deps: Deps;
  readonly event: LineEvent;
  readonly userId: string | null;
  readonly user: LineUserRow | undefined;
  readonly lang: Lang;
  readonly t: Translate;
  readonly now: number;
  /** A 1:1 chat with the bot (`source.type` user): personal data and linking only here. */
  readonly isPrivate: boolean;
}

/** What the understanding step found (or a postback said). */
export interface IntentMatch {
  readonly intent: IntentName;
  readonly confidence: number;
  readonly entities: Record<string, unknown>;
  /** Closest other intents, best first (for "did you mean" quick replies). */
  readonly alternatives: readonly IntentName[];
  readonly text?: string;
  /** The language the text is written in, when detected with confidence (the reply's language). */
  readonly textLang?: Lang;
  /** Romanised Burmese, Khmer or Lao: answered with the language picker. */
  readonly romanised?: Lang;
  /** Extra postback parameters (`action=<intent>&key=value`). */
  readonly params?: Readonly<Record<string, string>>;
}

export type IntentHandler = (ctx: Ctx, match: IntentMatch) => Promise<Message[]>;

export const MAIN_INTENTS: readonly IntentName[] = [
  'contribution_balance',
  'hospital_rights',
  'unemployment_benefit',
  'office_location',
  'news',
  'talk_to_staff',
];

/** Quick-reply postbacks for intents: `action=<intent>`, labelled in the user's language. */
export function quickReplies(
  t: Translate,
  intents: readonly IntentName[],
): messagingApi.QuickReply {
  return {
    items: intents.slice(0, 13).map((intent) => {
      const label = String(t(`intent.${intent}`)).slice(0, 20);
      return {
        type: 'action' as const,
        action: { type: 'postback' as const, label, data: `action=${intent}`, displayText: label },
      };
    }),
  };
}

/** At most `max` UTF-16 code units (as LINE counts), never splitting a character. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = '';
  for (const ch of value) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/** A quick-reply postback that is not a bare intent (e.g. `action=…&calc=…`). */
export interface QuickChoice {
  readonly label: string;
  readonly data: string;
}

/**
 * Quick replies mixing intents (labelled from `intent.<name>`) and custom postbacks; at most 13
 * items, labels cut to 20 characters (LINE's limits), duplicates of the same data dropped.
 */
export function choiceQuickReplies(
  t: Translate,
  choices: readonly (IntentName | QuickChoice)[],
): messagingApi.QuickReply {
  const seen = new Set<string>();
  const items: messagingApi.QuickReplyItem[] = [];
  for (const c of choices) {
    const { label, data } =
      typeof c === 'string' ? { label: String(t(`intent.${c}`)), data: `action=${c}` } : c;
    if (seen.has(data) || items.length === 13) continue;
    seen.add(data);
    const short = clip(label, 20);
    items.push({
      type: 'action',
      action: { type: 'postback', label: short, data: data.slice(0, 300), displayText: short },
    });
  }
  return { items };
}

export function withQuickReplies<M extends Message>(
  messages: M[],
  qr: messagingApi.QuickReply,
): M[] {
  if (messages.length === 0) return messages;
  const last = messages[messages.length - 1]!;
  messages[messages.length - 1] = { ...last, quickReply: qr };
  return messages;
}

export const text = (value: string): messagingApi.TextMessage => ({ type: 'text', text: value });

/**
 * The quick-reply button that opens the 1:1 chat with the bot (LINE's `oaMessage` URL scheme),
 * when the Official Account's basic ID is configured (`LINE_BOT_BASIC_ID`).
 */
export function openPrivateChatItem(ctx: Ctx): messagingApi.QuickReplyItem | undefined {
  const basicId = ctx.deps.config.lineBotBasicId;
  if (!basicId) return undefined;
  return {
    type: 'action',
    action: {
      type: 'uri',
      label: clip(String(ctx.t('knowledge.common.openPrivateChat')), 20),
      uri: `https://line.me/R/oaMessage/${basicId}/`,
    },
  };
}

/** "Personal data only in a 1:1 chat" (groups and rooms), with the button that opens one. */
export function privateOnlyMessage(ctx: Ctx, more: readonly messagingApi.QuickReplyItem[] = []) {
  const open = openPrivateChatItem(ctx);
  const items = [...(open ? [open] : []), ...more].slice(0, 13);
  const message = text(String(ctx.t('knowledge.common.privateOnly')));
  return items.length > 0 ? { ...message, quickReply: { items } } : message;
}
