/**
 * Builds webhook bodies the way the LINE Platform does, for the chat CLI, tests and the
 * benchmark. Shapes follow spec/line-openapi/webhook.yml.
 */
let counter = 0;

/** A ULID-shaped id (26 chars of Crockford base32), unique within the process. */
export function newWebhookEventId(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = alphabet[time % 32] + head;
    time = Math.floor(time / 32);
  }
  let tail = (counter++).toString(32).toUpperCase().padStart(6, '0').slice(-6);
  for (let i = 0; i < 10; i++) tail += alphabet[Math.floor(Math.random() * 32)];
  return head + tail.replace(/[ILOU]/g, 'X');
}

export interface EventBase {
  userId: string;
  timestamp?: number;
  webhookEventId?: string;
  isRedelivery?: boolean;
  mode?: 'active' | 'standby';
  replyToken?: string;
}

function base(type: string, b: EventBase, withReplyToken = true) {
  return {
    type,
    mode: b.mode ?? 'active',
    timestamp: b.timestamp ?? Date.now(),
    source: { type: 'user', userId: b.userId },
    webhookEventId: b.webhookEventId ?? newWebhookEventId(),
    deliveryContext: { isRedelivery: b.isRedelivery ?? false },
    ...(withReplyToken
      ? { replyToken: b.replyToken ?? `rt-${newWebhookEventId().toLowerCase()}` }
      : {}),
  };
}

const messageId = () => String(100000000000000 + Math.floor(Math.random() * 1e14));

export const events = {
  text: (b: EventBase, text: string) => ({
    ...base('message', b),
    message: { type: 'text', id: messageId(), quoteToken: `q${messageId()}`, text },
  }),
  location: (b: EventBase, latitude: number, longitude: number, address = '') => ({
    ...base('message', b),
    message: { type: 'location', id: messageId(), latitude, longitude, address },
  }),
  sticker: (b: EventBase) => ({
    ...base('message', b),
    message: {
      type: 'sticker',
      id: messageId(),
      quoteToken: `q${messageId()}`,
      packageId: '446',
      stickerId: '1988',
      stickerResourceType: 'STATIC',
    },
  }),
  image: (b: EventBase) => ({
    ...base('message', b),
    message: {
      type: 'image',
      id: messageId(),
      quoteToken: `q${messageId()}`,
      contentProvider: { type: 'line' },
    },
  }),
  postback: (b: EventBase, data: string) => ({ ...base('postback', b), postback: { data } }),
  follow: (b: EventBase) => ({ ...base('follow', b), follow: { isUnblocked: false } }),
  unfollow: (b: EventBase) => base('unfollow', b, false),
  accountLink: (b: EventBase, result: 'ok' | 'failed', nonce: string) => ({
    ...base('accountLink', b, result === 'ok'),
    link: { result, nonce },
  }),
};

export function webhookBody(
  evts: unknown[],
  destination = 'Udeadbeefdeadbeefdeadbeefdeadbeef',
): string {
  return JSON.stringify({ destination, events: evts });
}

/** A LINE-style user id (U + 32 hex) derived from a readable name. */
export function demoUserId(name: string): string {
  let h1 = 0x811c9dc5;
  let hex = '';
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${name}`) h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h1.toString(16).padStart(8, '0');
  }
  return `U${hex}`;
}
