/**
 * Guards for webhook input. The body is untrusted even when signed (LINE adds fields and event
 * types over time), so nothing here assumes more than it checks.
 * https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects
 */
import type { webhook } from '@line/bot-sdk';

export type LineEvent = webhook.Event;
export type MessageEvent = webhook.MessageEvent;
export type PostbackEvent = webhook.PostbackEvent;
export type AccountLinkEvent = webhook.AccountLinkEvent;

/** The minimum we need to record an event: it must be identifiable to be deduplicated. */
export interface EventEnvelope {
  readonly webhookEventId: string;
  readonly type: string;
  readonly timestamp: number;
  readonly mode: string;
  readonly isRedelivery: boolean;
  readonly userId: string | null;
  readonly replyToken: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWebhookBody(
  value: unknown,
): value is { destination?: string; events: unknown[] } {
  return isRecord(value) && Array.isArray(value.events);
}

const MAX_ID = 128;

/**
 * An unpaired UTF-16 surrogate cannot be stored as UTF-8: SQLite would keep U+FFFD instead, so
 * the stored id (or user id, or reply token) would no longer match the one we hold in memory.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** Reads the envelope of one event, or null when it is not an event we can identify. */
export function readEnvelope(value: unknown): EventEnvelope | null {
  if (!isRecord(value)) return null;
  const { webhookEventId, type, timestamp, mode, deliveryContext, source, replyToken } = value;
  if (
    typeof webhookEventId !== 'string' ||
    webhookEventId === '' ||
    webhookEventId.length > MAX_ID ||
    !wellFormed(webhookEventId)
  ) {
    return null;
  }
  if (typeof type !== 'string' || type === '' || type.length > 64) return null;
  const ts =
    typeof timestamp === 'number' && Number.isFinite(timestamp) ? Math.trunc(timestamp) : 0;
  const userId =
    isRecord(source) &&
    typeof source.userId === 'string' &&
    source.userId.length <= MAX_ID &&
    wellFormed(source.userId)
      ? source.userId
      : null;
  return {
    webhookEventId,
    type,
    timestamp: ts,
    mode: typeof mode === 'string' ? mode : 'active',
    isRedelivery: isRecord(deliveryContext) && deliveryContext.isRedelivery === true,
    userId,
    replyToken:
      typeof replyToken === 'string' && replyToken.length <= 256 && wellFormed(replyToken)
        ? replyToken
        : null,
  };
}

export function isTextMessageEvent(
  e: LineEvent,
): e is MessageEvent & { message: webhook.TextMessageContent } {
  return (
    e.type === 'message' &&
    isRecord(e.message) &&
    e.message.type === 'text' &&
    typeof e.message.text === 'string'
  );
}

export function isLocationMessageEvent(
  e: LineEvent,
): e is MessageEvent & { message: webhook.LocationMessageContent } {
  return (
    e.type === 'message' &&
    isRecord(e.message) &&
    e.message.type === 'location' &&
    typeof e.message.latitude === 'number' &&
    typeof e.message.longitude === 'number'
  );
}

export function isMessageEvent(e: LineEvent): e is MessageEvent {
  return e.type === 'message' && isRecord(e.message) && typeof e.message.type === 'string';
}

export function isPostbackEvent(e: LineEvent): e is PostbackEvent {
  return e.type === 'postback' && isRecord(e.postback) && typeof e.postback.data === 'string';
}

export function isAccountLinkEvent(e: LineEvent): e is AccountLinkEvent {
  return (
    e.type === 'accountLink' &&
    isRecord(e.link) &&
    (e.link.result === 'ok' || e.link.result === 'failed') &&
    typeof e.link.nonce === 'string'
  );
}
