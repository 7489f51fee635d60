/**
 * LINE's message limits, checked before anything is sent: a violation is our bug and must never
 * reach LINE. https://developers.line.biz/en/reference/messaging-api/#message-objects
 */
import type { messagingApi } from '@line/bot-sdk';

export type Message = messagingApi.Message;

export const LIMITS = {
  messagesPerRequest: 5,
  textLength: 5000,
  altTextLength: 1500,
  quickReplyItems: 13,
  actionLabel: 20,
  flexButtonLabel: 40,
  postbackData: 300,
  bubbleBytes: 30 * 1024,
  carouselBytes: 50 * 1024,
  carouselBubbles: 12,
  multicastRecipients: 500,
} as const;

export class MessageLimitError extends Error {
  override readonly name = 'MessageLimitError';
  constructor(readonly violations: string[]) {
    super(`message breaks LINE limits: ${violations.join('; ')}`);
  }
}

/** Length in UTF-16 code units, as LINE counts. */
const len = (s: string) => s.length;
const byteLength = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;

export function findLimitViolations(messages: readonly Message[]): string[] {
  const out: string[] = [];
  if (messages.length === 0) out.push('no messages');
  if (messages.length > LIMITS.messagesPerRequest) {
    out.push(`${messages.length} messages > ${LIMITS.messagesPerRequest}`);
  }
  for (const [i, m] of messages.entries()) checkMessage(m, `messages[${i}]`, out);
  return out;
}

export function assertWithinLimits(messages: readonly Message[]): void {
  const violations = findLimitViolations(messages);
  if (violations.length > 0) throw new MessageLimitError(violations);
}

function checkMessage(m: Message, at: string, out: string[]): void {
  switch (m.type) {
    case 'text':
      if (!m.text) out.push(`${at}.text is empty`);
      else if (len(m.text) > LIMITS.textLength)
        out.push(`${at}.text ${len(m.text)} > ${LIMITS.textLength}`);
      break;
    case 'flex': {
      const flex = m as messagingApi.FlexMessage;
      if (!flex.altText || len(flex.altText) > LIMITS.altTextLength)
        out.push(`${at}.altText length`);
      const c = flex.contents;
      if (c.type === 'carousel') {
        if (c.contents.length > LIMITS.carouselBubbles)
          out.push(`${at} carousel has ${c.contents.length} bubbles`);
        if (byteLength(c) > LIMITS.carouselBytes) out.push(`${at} carousel > 50 KB`);
        for (const b of c.contents)
          if (byteLength(b) > LIMITS.bubbleBytes) out.push(`${at} bubble > 30 KB`);
      } else if (byteLength(c) > LIMITS.bubbleBytes) {
        out.push(`${at} bubble > 30 KB`);
      }
      walkActions(c, `${at}.contents`, out, true);
      break;
    }
    case 'template': {
      const t = m as messagingApi.TemplateMessage;
      if (!t.altText || len(t.altText) > 400) out.push(`${at}.altText length`);
      walkActions(t.template, `${at}.template`, out, false);
      break;
    }
    case 'location': {
      const l = m as messagingApi.LocationMessage;
      if (len(l.title) > 100) out.push(`${at}.title > 100`);
      if (len(l.address) > 100) out.push(`${at}.address > 100`);
      break;
    }
    default:
      break;
  }
  const items = m.quickReply?.items ?? [];
  if (items.length > LIMITS.quickReplyItems)
    out.push(`${at}.quickReply ${items.length} items > 13`);
  for (const [i, item] of items.entries()) {
    checkAction(item.action, `${at}.quickReply.items[${i}].action`, out, false);
  }
}

function walkActions(node: unknown, at: string, out: string[], inFlex: boolean): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walkActions(n, `${at}[${i}]`, out, inFlex);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'action' || key === 'defaultAction') {
      const isButton = inFlex && (node as { type?: string }).type === 'button';
      checkAction(value as messagingApi.Action, `${at}.${key}`, out, isButton);
    } else if (key === 'actions' && Array.isArray(value)) {
      for (const [i, a] of value.entries()) checkAction(a, `${at}.actions[${i}]`, out, false);
    } else if (typeof value === 'object') {
      walkActions(value, `${at}.${key}`, out, inFlex);
    }
  }
}

function checkAction(
  a: messagingApi.Action | undefined,
  at: string,
  out: string[],
  flexButton: boolean,
): void {
  if (!a) return;
  const max = flexButton ? LIMITS.flexButtonLabel : LIMITS.actionLabel;
  if (a.label !== undefined && len(a.label) > max) out.push(`${at}.label "${a.label}" > ${max}`);
  if (a.type === 'postback') {
    const p = a as messagingApi.PostbackAction;
    if (!p.data || len(p.data) > LIMITS.postbackData) out.push(`${at}.data length`);
    if (p.displayText !== undefined && len(p.displayText) > 300)
      out.push(`${at}.displayText > 300`);
  }
  if (a.type === 'message') {
    const t = (a as messagingApi.MessageAction).text;
    if (!t || len(t) > 300) out.push(`${at}.text length`);
  }
  if (a.type === 'uri') {
    const uri = (a as messagingApi.URIAction).uri ?? '';
    if (uri.length > 1000 || !/^(https?:|line:|tel:)/.test(uri)) out.push(`${at}.uri "${uri}"`);
  }
}
