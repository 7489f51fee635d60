import { messagingApi } from '@line/bot-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LineMock, startLineMock, validateLineRequest } from './line-mock.ts';

const TOKEN = 'dev-access-token';
const USER = `U${'a'.repeat(32)}`;

let mock: LineMock;

beforeAll(async () => {
  mock = await startLineMock();
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.reset();
});

interface Res {
  status: number;
  headers: Headers;
  json: unknown;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const reply = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  call('POST', '/v2/bot/message/reply', { replyToken: 'rt-1', messages, ...extra });

const text = (t: string, extra: Record<string, unknown> = {}) => ({
  type: 'text',
  text: t,
  ...extra,
});

const quickReply = (n: number) => ({
  items: Array.from({ length: n }, (_, i) => ({
    type: 'action',
    action: { type: 'message', label: `opt ${i}`, text: `opt ${i}` },
  })),
});

const validBubble = () => ({
  type: 'bubble',
  hero: {
    type: 'image',
    url: 'https://example.com/hero.png',
    size: 'full',
    aspectRatio: '20:13',
    aspectMode: 'cover',
  },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      { type: 'text', text: 'ภาษีเงินได้', weight: 'bold', size: 'xl', wrap: true },
      {
        type: 'box',
        layout: 'baseline',
        contents: [
          { type: 'icon', url: 'https://example.com/star.png' },
          { type: 'text', contents: [{ type: 'span', text: 'สวัสดี', color: '#ff0000' }] },
        ],
      },
      { type: 'separator', margin: 'md' },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    contents: [
      {
        type: 'button',
        style: 'primary',
        action: {
          type: 'postback',
          label: 'ยืนยันการสมัครสมาชิกของคุณตอนนี้', // 32 chars: fine for a Flex button (≤ 40)
          data: 'action=confirm&id=42',
          displayText: 'ยืนยัน',
        },
      },
      {
        type: 'button',
        action: { type: 'uri', label: 'Open', uri: 'https://example.com/path?q=ภาษี' },
      },
    ],
  },
});

describe('line-mock: message validation', () => {
  it('accepts a valid text reply and answers like LINE', async () => {
    const res = await reply([text('สวัสดีครับ')]);
    expect(mock.violations).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ sentMessages: [{ id: '1', quoteToken: 'q1' }] });
    expect(res.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(mock.replies()).toHaveLength(1);
    expect(mock.replies()[0]?.operationId).toBe('replyMessage');
    expect(mock.replies()[0]?.body).toMatchObject({ replyToken: 'rt-1' });
  });

  it('flags a text longer than 5000 UTF-16 units', async () => {
    const res = await reply([text(`${'x'.repeat(4999)}😀`)]);
    expect(res.status).toBe(400);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toMatch(/^POST \/v2\/bot\/message\/reply: messages\[0\]\.text: /);
    expect(mock.replies()).toHaveLength(0);
    expect(res.json).toMatchObject({ message: 'The request body has 1 error(s)' });
  });

  it('flags a quick reply with 14 items', async () => {
    await reply([text('pick one', { quickReply: quickReply(14) })]);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('messages[0].quickReply.items');
    expect(mock.violations[0]).toContain('13');
  });

  it('accepts a quick reply with 13 items', async () => {
    const res = await reply([text('pick one', { quickReply: quickReply(13) })]);
    expect(mock.violations).toEqual([]);
    expect(res.status).toBe(200);
  });

  it('flags an unknown message type', async () => {
    const res = await reply([{ type: 'hologram', text: 'hi' }]);
    expect(res.status).toBe(400);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('messages[0].type: unknown Message type "hologram"');
  });

  it('flags a missing replyToken', async () => {
    const res = await call('POST', '/v2/bot/message/reply', { messages: [text('hi')] });
    expect(res.status).toBe(400);
    expect(mock.violations).toEqual(['POST /v2/bot/message/reply: replyToken: is required']);
  });

  it('flags a missing required field of a message subtype and unknown properties', async () => {
    await reply([{ type: 'text' }, text('hi', { colour: 'red' })]);
    expect(mock.violations).toContain('POST /v2/bot/message/reply: messages[0].text: is required');
    expect(mock.violations.some((v) => v.includes('messages[1].colour: unknown property'))).toBe(
      true,
    );
  });

  it('flags more than 5 messages', async () => {
    await reply(Array.from({ length: 6 }, (_, i) => text(`m${i}`)));
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('messages: ');
  });

  it('flags a flex bubble with an unknown component type', async () => {
    const bubble = validBubble();
    bubble.body.contents.push({ type: 'sparkle', text: 'x' } as never);
    await reply([{ type: 'flex', altText: 'alt', contents: bubble }]);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain(
      'messages[0].contents.body.contents[3].type: unknown FlexComponent type "sparkle"',
    );
  });

  it('accepts a valid Flex bubble with a postback button and quick replies', async () => {
    const res = await reply([
      {
        type: 'flex',
        altText: 'สรุปภาษี',
        contents: validBubble(),
        quickReply: {
          items: [
            {
              type: 'action',
              imageUrl: 'https://example.com/icon.png',
              action: { type: 'postback', label: 'เมนู', data: 'menu=1', displayText: 'เมนู' },
            },
            { type: 'action', action: { type: 'message', label: 'Help', text: 'help' } },
            { type: 'action', action: { type: 'uri', label: 'Web', uri: 'https://example.com' } },
          ],
        },
      },
    ]);
    expect(mock.violations).toEqual([]);
    expect(res.status).toBe(200);
  });

  it('dispatches polymorphic Flex containers (carousel of bubbles) and checks pinned types', async () => {
    const ok = await reply([
      {
        type: 'flex',
        altText: 'carousel',
        contents: { type: 'carousel', contents: [validBubble(), validBubble()] },
      },
    ]);
    expect(ok.status).toBe(200);
    expect(mock.violations).toEqual([]);

    // header must be a box: a text component there is rejected.
    await reply([
      {
        type: 'flex',
        altText: 'x',
        contents: { type: 'bubble', header: { type: 'text', text: 'hi' } },
      },
    ]);
    expect(mock.violations.some((v) => v.includes('contents.header.type'))).toBe(true);
  });

  it('flags a carousel with 13 bubbles and an oversized bubble', async () => {
    await reply([
      {
        type: 'flex',
        altText: 'x',
        contents: { type: 'carousel', contents: Array.from({ length: 13 }, validBubble) },
      },
    ]);
    expect(mock.violations.some((v) => v.includes('messages[0].contents.contents'))).toBe(true);

    mock.reset();
    const big = validBubble();
    big.body.contents.push({ type: 'text', text: 'ก'.repeat(12_000), wrap: true } as never);
    await reply([{ type: 'flex', altText: 'x', contents: big }]);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toMatch(/Flex bubble JSON is \d+ bytes; LINE allows at most 30 KB/);
  });

  it('enforces action label limits by context', async () => {
    const longLabel = 'x'.repeat(21);
    await reply([
      text('hi', {
        quickReply: {
          items: [{ type: 'action', action: { type: 'message', label: longLabel, text: 'x' } }],
        },
      }),
    ]);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('messages[0].quickReply.items[0].action.label');

    mock.reset();
    const bubble = validBubble();
    bubble.footer.contents[0] = {
      type: 'button',
      action: { type: 'postback', label: 'y'.repeat(41), data: 'd' },
    } as never;
    await reply([{ type: 'flex', altText: 'x', contents: bubble }]);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('footer.contents[0].action.label');
  });

  it('flags postback data longer than 300 characters and altText over 1500', async () => {
    await reply([
      {
        type: 'template',
        altText: 'a'.repeat(1501),
        template: {
          type: 'buttons',
          text: 'choose',
          actions: [{ type: 'postback', label: 'ok', data: 'd'.repeat(301) }],
        },
      },
    ]);
    expect(mock.violations).toHaveLength(2);
    expect(mock.violations.join('\n')).toContain('messages[0].altText');
    expect(mock.violations.join('\n')).toContain('messages[0].template.actions[0].data');
  });

  it('reports invalid JSON', async () => {
    const res = await fetch(`${mock.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"replyToken":',
    });
    expect(res.status).toBe(400);
    expect(mock.violations[0]).toContain('invalid JSON');
  });

  it('treats reply tokens as single-use', async () => {
    expect((await reply([text('one')])).status).toBe(200);
    const again = await reply([text('two')]);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ message: 'Invalid reply token' });
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('reply token "rt-1" was already used');
    expect(mock.replies()).toHaveLength(1);
  });

  it('validateLineRequest checks a body without HTTP', () => {
    expect(
      validateLineRequest('POST', '/v2/bot/message/push', { to: USER, messages: [text('hi')] }),
    ).toEqual([]);
    expect(
      validateLineRequest('POST', '/v2/bot/message/push', { to: USER, messages: [{ type: 'x' }] }),
    ).toEqual([
      'messages[0].type: unknown Message type "x" (expected one of: text, textV2, sticker, image, video, audio, location, imagemap, template, flex, coupon)',
    ]);
  });

  it('flags multicast to more than 500 users', async () => {
    await call('POST', '/v2/bot/message/multicast', {
      to: Array.from({ length: 501 }, (_, i) => `U${i}`),
      messages: [text('hi')],
    });
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('to: ');
  });
});

describe('line-mock: protocol', () => {
  it('flags an invalid retry key', async () => {
    const res = await call(
      'POST',
      '/v2/bot/message/push',
      { to: USER, messages: [text('hi')] },
      { 'x-line-retry-key': 'not-a-uuid' },
    );
    expect(res.status).toBe(400);
    expect(mock.violations).toEqual([
      'POST /v2/bot/message/push: X-Line-Retry-Key must be a UUID (got "not-a-uuid")',
    ]);
  });

  it('flags a retry key on reply (not supported by LINE)', async () => {
    await call(
      'POST',
      '/v2/bot/message/reply',
      { replyToken: 'rt', messages: [text('hi')] },
      { 'x-line-retry-key': crypto.randomUUID() },
    );
    expect(mock.violations).toEqual([
      'POST /v2/bot/message/reply: X-Line-Retry-Key is not supported by replyMessage',
    ]);
  });

  it('answers 409 with x-line-accepted-request-id for a duplicate retry key', async () => {
    const key = crypto.randomUUID();
    const body = { to: USER, messages: [text('hi')] };
    const first = await call('POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    expect(first.status).toBe(200);
    const second = await call('POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    expect(second.status).toBe(409);
    expect(second.headers.get('x-line-accepted-request-id')).toBe(
      first.headers.get('x-line-request-id'),
    );
    expect(second.json).toMatchObject({ message: 'The retry key is already accepted' });
    expect(mock.violations).toEqual([]);
    expect(mock.pushes()).toHaveLength(1);
  });

  it('does not register the retry key of a failed request', async () => {
    const key = crypto.randomUUID();
    const body = { to: USER, messages: [text('hi')] };
    mock.setResponder(() => ({ status: 500, body: { message: 'boom' } }));
    const first = await call('POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    expect(first.status).toBe(500);
    mock.setResponder(null);
    const second = await call('POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    expect(second.status).toBe(200);
    expect(mock.violations).toEqual([]);
  });

  it('rejects a wrong bearer token with 401', async () => {
    const res = await call(
      'POST',
      '/v2/bot/message/reply',
      { replyToken: 'r', messages: [text('x')] },
      {
        authorization: 'Bearer wrong',
      },
    );
    expect(res.status).toBe(401);
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('Authorization');
    expect(mock.replies()).toHaveLength(0);
  });

  it('lets a responder script a 429 (no violation for a valid request)', async () => {
    mock.setResponder((req) =>
      req.operationId === 'pushMessage'
        ? { status: 429, body: { message: 'Too many requests' } }
        : undefined,
    );
    const res = await call('POST', '/v2/bot/message/push', { to: USER, messages: [text('hi')] });
    expect(res.status).toBe(429);
    expect(res.json).toEqual({ message: 'Too many requests' });
    expect(res.headers.get('x-line-request-id')).toBeTruthy();
    expect(mock.pushes()).toHaveLength(0);
    expect(mock.requests[0]?.status).toBe(429);
    // other operations keep the default behaviour
    expect((await reply([text('x')])).status).toBe(200);
    expect(mock.violations).toEqual([]);
  });

  it('still records violations when a responder overrides the response', async () => {
    mock.setResponder(() => ({ status: 200, body: { sentMessages: [] } }));
    const res = await reply([text('')]);
    expect(res.status).toBe(200);
    expect(mock.violations).toHaveLength(1);
  });

  it('answers 404 + violation for an unknown operation', async () => {
    const res = await call('GET', '/v2/bot/nope');
    expect(res.status).toBe(404);
    expect(mock.violations[0]).toContain('no such operation');
    await call('DELETE', '/v2/bot/message/reply');
    expect(mock.violations).toHaveLength(2);
  });

  it('serves profiles, link tokens and the loading indicator', async () => {
    mock.setProfile(USER, { displayName: 'Somchai', language: 'en' });
    const p = await call('GET', `/v2/bot/profile/${USER}`);
    expect(p.json).toEqual({ userId: USER, displayName: 'Somchai', language: 'en' });
    const other = await call('GET', '/v2/bot/profile/U2');
    expect(other.json).toEqual({ userId: 'U2', displayName: 'Demo User', language: 'th' });
    const lt = await call('POST', `/v2/bot/user/${USER}/linkToken`);
    expect(lt.json).toMatchObject({ linkToken: expect.any(String) });
    const ld = await call('POST', '/v2/bot/chat/loading/start', {
      chatId: USER,
      loadingSeconds: 5,
    });
    expect(ld.status).toBe(202);
    expect(mock.violations).toEqual([]);
    await call('POST', '/v2/bot/chat/loading/start', { chatId: USER, loadingSeconds: 7 });
    expect(mock.violations).toHaveLength(1);
  });

  it('waitFor resolves on a condition and rejects clearly on timeout', async () => {
    setTimeout(() => void reply([text('later')]), 20);
    await mock.waitFor((m) => m.replies().length === 1, 1000);
    await expect(mock.waitFor((m) => m.pushes().length > 0, 50)).rejects.toThrow(
      /condition not met within 50 ms; 1 request\(s\) received/,
    );
  });

  it('applies latencyMs', async () => {
    const slow = await startLineMock({ latencyMs: 60, channelAccessToken: 'other' });
    try {
      const t0 = Date.now();
      const res = await fetch(`${slow.url}/v2/bot/info`, {
        headers: { authorization: 'Bearer other' },
      });
      expect(res.status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
      expect(slow.violations).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

/** Minimal PNG header (signature + IHDR) with the given dimensions. */
function png(width: number, height: number, padTo = 64): Uint8Array<ArrayBuffer> {
  const b = Buffer.alloc(Math.max(33, padTo));
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 6, 0, 0, 0], 24);
  return new Uint8Array(b);
}

const richMenu = (
  overrides: Partial<messagingApi.RichMenuRequest> = {},
): messagingApi.RichMenuRequest => ({
  size: { width: 2500, height: 843 },
  selected: true,
  name: 'main',
  chatBarText: 'เมนู',
  areas: [
    {
      bounds: { x: 0, y: 0, width: 1250, height: 843 },
      action: { type: 'postback', label: 'Tax', data: 'menu=tax' },
    },
    {
      bounds: { x: 1250, y: 0, width: 1250, height: 843 },
      action: { type: 'richmenuswitch', richMenuAliasId: 'page-2', data: 'switch=2' },
    },
  ],
  ...overrides,
});

describe('line-mock: rich menus through @line/bot-sdk', () => {
  const client = () =>
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: mock.url });
  const blob = () =>
    new messagingApi.MessagingApiBlobClient({ channelAccessToken: TOKEN, baseURL: mock.url });

  it('supports a full deploy: create, upload, default, alias', async () => {
    const api = client();
    const { richMenuId } = await api.createRichMenu(richMenu());
    expect(richMenuId).toMatch(/^richmenu-[0-9a-f]{32}$/);
    await blob().setRichMenuImage(richMenuId, new Blob([png(2500, 843)], { type: 'image/png' }));
    await api.setDefaultRichMenu(richMenuId);
    await api.createRichMenuAlias({ richMenuAliasId: 'page-1', richMenuId });
    expect((await api.getRichMenuList()).richmenus.map((m) => m.richMenuId)).toEqual([richMenuId]);
    expect((await api.getRichMenuAliasList()).aliases).toEqual([
      { richMenuAliasId: 'page-1', richMenuId },
    ]);
    expect((await api.getDefaultRichMenuId()).richMenuId).toBe(richMenuId);
    const second = await api.createRichMenu(richMenu({ name: 'v2' }));
    await api.updateRichMenuAlias('page-1', { richMenuId: second.richMenuId });
    expect((await api.getRichMenuAlias('page-1')).richMenuId).toBe(second.richMenuId);
    await api.deleteRichMenuAlias('page-1');
    await api.deleteRichMenu(richMenuId);
    expect((await api.getRichMenuList()).richmenus).toHaveLength(1);
    expect(mock.violations).toEqual([]);
  });

  it('flags invalid rich menus, aliases and images', async () => {
    const api = client();
    await expect(
      api.createRichMenu(
        richMenu({
          size: { width: 1000, height: 800 },
          chatBarText: 'x'.repeat(15),
          areas: Array.from({ length: 21 }, () => ({
            bounds: { x: 0, y: 0, width: 10, height: 10 },
            action: { type: 'message', label: 'a', text: 'a' },
          })),
        }),
      ),
    ).rejects.toThrow();
    const v = mock.violations.join('\n');
    expect(v).toContain('size: width/height must be at least 1.45');
    expect(v).toContain('chatBarText');
    expect(v).toContain('areas: 21 areas');

    mock.reset();
    const { richMenuId } = await api.createRichMenu(richMenu());
    await expect(
      api.createRichMenuAlias({ richMenuAliasId: 'Bad Alias!', richMenuId }),
    ).rejects.toThrow();
    expect(mock.violations).toHaveLength(1);
    expect(mock.violations[0]).toContain('richMenuAliasId');

    mock.reset();
    const menu = await api.createRichMenu(richMenu());
    // setting the default before uploading an image is an ordering bug LINE rejects
    await expect(api.setDefaultRichMenu(menu.richMenuId)).rejects.toThrow();
    expect(mock.violations[0]).toContain('must upload richmenu image');
    mock.violations.length = 0;
    await expect(
      blob().setRichMenuImage(
        menu.richMenuId,
        new Blob([png(2500, 1686, 1024 * 1024 + 1)], { type: 'image/png' }),
      ),
    ).rejects.toThrow();
    expect(mock.violations.join('\n')).toContain('at most 1 MB');
    expect(mock.violations.join('\n')).toContain(
      'image is 2500x1686 but the rich menu size is 2500x843',
    );
  });

  it('talks to the SDK for messages: reply, push with retry key, profile', async () => {
    const api = client();
    const r = await api.replyMessage({
      replyToken: 'rt',
      messages: [{ type: 'text', text: 'hi' }],
    });
    expect(r.sentMessages).toHaveLength(1);
    const key = crypto.randomUUID();
    await api.pushMessage({ to: USER, messages: [{ type: 'text', text: 'hi' }] }, key);
    await expect(
      api.pushMessage({ to: USER, messages: [{ type: 'text', text: 'hi' }] }, key),
    ).rejects.toMatchObject({ status: 409 });
    expect((await api.getProfile(USER)).displayName).toBe('Demo User');
    expect((await api.issueLinkToken(USER)).linkToken).toEqual(expect.any(String));
    await api.showLoadingAnimation({ chatId: USER, loadingSeconds: 20 });
    expect(mock.requests.map((r) => r.status)).toEqual([200, 200, 409, 200, 200, 202]);
    expect(mock.violations).toEqual([]);
    expect(mock.pushes()).toHaveLength(1);
  });
});
