/**
 * `npm run cli -- chat`: talk to the bot without LINE. Each line you type becomes a webhook
 * event, signed with the channel secret like LINE signs it, and the bot's replies are shown as
 * text. By default the bot runs in this process on DATABASE_PATH; with --url it talks to a
 * running server, whose LINE_API_BASE_URL must point at the capture server chat starts
 * (--listen, default 4010).
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { messagingApi } from '@line/bot-sdk';
import { demoUserId, type EventBase, events, webhookBody } from '../dev/webhook-events.ts';
import { createNodeRuntime } from '../entry/node-runtime.ts';
import type { LineClient } from '../line/client.ts';
import { assertWithinLimits, type Message } from '../line/limits.ts';
import { createSignatureVerifier } from '../line/signature.ts';
import { type Choice, renderMessages } from './render-messages.ts';

const HELP = `Type a question and press Enter. Also:
  <number>            pick a numbered button or quick reply
  /loc LAT LNG        share a location (e.g. /loc 18.7883 98.9853)
  /postback DATA      send a postback (e.g. /postback action=news)
  /link ID BIRTHDATE LASERCODE
                      fill the account-link page the bot sent, then LINE's accountLink event
                      (demo identities: docs/demo-identities.md)
  /link pink PINK_CARD_NUMBER BIRTHDATE LINKCODE
  /link passport COUNTRY:NUMBER BIRTHDATE LINKCODE
                      the same with a pink card or a passport and a one-time link code
  /sticker  /image    send a sticker or an image
  /follow  /unfollow  add or block the bot
  /help  /quit
`;

interface Transport {
  send(body: string): Promise<number>;
  /** An HTTP request to the bot itself (the account-link page). */
  request(path: string, init: RequestInit): Promise<Response>;
  /** Messages the bot sent since the last call. */
  collect(): Promise<Message[]>;
  close(): Promise<void>;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      listen: { type: 'string', default: '4010' },
      user: { type: 'string', default: 'chat-demo' },
      lang: { type: 'string', default: 'th' },
    },
  });
  const userId = demoUserId(values.user!);
  const transport = values.url
    ? await remoteTransport(values.url, Number(values.listen), values.lang!)
    : await inProcessTransport(values.lang!);

  const interactive = process.stdin.isTTY === true;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (interactive) out(`Chatting as ${userId} (language ${values.lang}). ${HELP}`);

  let choices: Choice[] = [];
  let lastLinkToken: string | undefined;
  const send = async (evt: unknown) => {
    const status = await transport.send(webhookBody([evt]));
    if (status !== 200) out(`  (webhook answered HTTP ${status})`);
    const messages = await transport.collect();
    if (messages.length === 0) {
      out('  (no reply)');
      choices = [];
      return;
    }
    const token = JSON.stringify(messages).match(/\/link\?linkToken=([A-Za-z0-9_-]+)/);
    if (token) lastLinkToken = token[1];
    const rendered = renderMessages(messages as messagingApi.Message[]);
    out(`bot:\n${rendered.text}`);
    choices = rendered.choices;
  };
  const b = (): EventBase => ({ userId });

  const rl = createInterface({ input: process.stdin, terminal: interactive });
  if (interactive) process.stdout.write('you> ');
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '') {
      if (interactive) process.stdout.write('you> ');
      continue;
    }
    if (!interactive) out(`you> ${line}`);
    const [cmd, ...rest] = line.split(/\s+/);
    if (/^\d+$/.test(line) && choices[Number(line) - 1]) {
      const { action, label } = choices[Number(line) - 1]!;
      if (action.type === 'postback') {
        const pb = action as messagingApi.PostbackAction;
        out(`  (tapped "${label}")`);
        await send(events.postback(b(), pb.data ?? ''));
      } else if (action.type === 'message') {
        await send(events.text(b(), (action as messagingApi.MessageAction).text ?? label));
      } else if (action.type === 'uri') {
        const uri = (action as messagingApi.URIAction).uri ?? '';
        out(`  (opens ${uri})`);
        if (uri.includes('/link?linkToken='))
          out('  (fill it from here: /link NATIONAL_ID BIRTH_DATE LASER_CODE)');
      } else if (action.type === 'location') {
        out('  (share a location with /loc LAT LNG)');
      } else {
        out(`  (${action.type} action)`);
      }
    } else if (cmd === '/loc' && rest.length >= 2) {
      await send(events.location(b(), Number(rest[0]), Number(rest[1]), rest.slice(2).join(' ')));
    } else if (cmd === '/link') {
      if (!lastLinkToken) {
        out('  (ask the bot to link first, e.g. type: ผูกบัญชี)');
      } else if (rest.length < 3 || (['pink', 'passport'].includes(rest[0]!) && rest.length < 4)) {
        out('  usage: /link NATIONAL_ID BIRTH_DATE(YYYY-MM-DD) LASER_CODE');
        out('         /link pink PINK_CARD_NUMBER BIRTH_DATE LINK_CODE');
        out('         /link passport COUNTRY:NUMBER BIRTH_DATE LINK_CODE');
      } else {
        const [kind] = rest;
        const fields: Record<string, string> =
          kind === 'pink'
            ? {
                docType: 'pink_card',
                nationalId: rest[1]!,
                birthDate: rest[2]!,
                linkCode: rest[3]!,
              }
            : kind === 'passport'
              ? {
                  docType: 'passport',
                  country: rest[1]!.split(':')[0] ?? '',
                  passportNumber: rest[1]!.split(':')[1] ?? '',
                  birthDate: rest[2]!,
                  linkCode: rest[3]!,
                }
              : { nationalId: rest[0]!, birthDate: rest[1]!, laserCode: rest[2]! };
        const form = new URLSearchParams({
          linkToken: lastLinkToken,
          ...fields,
          lang: values.lang!,
        });
        const res = await transport.request('/link', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          redirect: 'manual',
        });
        const nonce =
          res.status === 303
            ? new URL(res.headers.get('location') ?? '').searchParams.get('nonce')
            : null;
        if (nonce) {
          out('  (the page accepted the details; LINE now sends the accountLink event)');
          await send(events.accountLink(b(), 'ok', nonce));
        } else {
          const html = await res.text();
          const error = html.match(/<p class="error"[^>]*>([^<]*)</)?.[1];
          out(`  (page answered HTTP ${res.status}: ${error ?? 'no message'})`);
        }
      }
    } else if (cmd === '/postback' && rest.length > 0) {
      await send(events.postback(b(), rest.join(' ')));
    } else if (cmd === '/sticker') {
      await send(events.sticker(b()));
    } else if (cmd === '/image') {
      await send(events.image(b()));
    } else if (cmd === '/follow') {
      await send(events.follow(b()));
    } else if (cmd === '/unfollow') {
      await send(events.unfollow(b()));
    } else if (cmd === '/help') {
      out(HELP);
    } else {
      await send(events.text(b(), line));
    }
    if (interactive) process.stdout.write('you> ');
  }
  await transport.close();
  return 0;
}

function captureClient(language: string, sink: Message[]): LineClient {
  let n = 0;
  return {
    async reply(_token, messages) {
      assertWithinLimits(messages);
      sink.push(...messages);
      return { requestId: `chat-${++n}`, duplicate: false };
    },
    async push(_to, messages) {
      assertWithinLimits(messages);
      sink.push(...messages);
      return { requestId: `chat-${++n}`, duplicate: false };
    },
    async multicast(_to, messages) {
      assertWithinLimits(messages);
      sink.push(...messages);
      return { requestId: `chat-${++n}`, duplicate: false };
    },
    async broadcast(messages) {
      assertWithinLimits(messages);
      sink.push(...messages);
      return { requestId: `chat-${++n}`, duplicate: false };
    },
    async getProfile() {
      return { displayName: 'Chat user', language };
    },
    async issueLinkToken() {
      return `chat-link-${++n}-${Date.now().toString(36)}`;
    },
    async getMessageQuota() {
      return { limit: null };
    },
    async getMessageConsumption() {
      return { totalUsage: 0 };
    },
  };
}

async function inProcessTransport(language: string): Promise<Transport> {
  const sink: Message[] = [];
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const runtime = await createNodeRuntime({ env, line: captureClient(language, sink) });
  await runtime.recover();
  return {
    async send(body) {
      const signature = await runtime.deps.signature.sign(body);
      const res = await runtime.app.request('/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': signature },
        body,
      });
      await runtime.queue.idle();
      return res.status;
    },
    request: async (path, init) => runtime.app.request(path, init),
    async collect() {
      return sink.splice(0);
    },
    close: () => runtime.close(),
  };
}

async function remoteTransport(url: string, listen: number, language: string): Promise<Transport> {
  const sink: Message[] = [];
  const signer = createSignatureVerifier(process.env.LINE_CHANNEL_SECRET || 'dev-channel-secret');
  let n = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const path = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-line-request-id', `chat-${++n}`);
      if (req.method === 'POST' && /\/v2\/bot\/message\/(reply|push)$/.test(path)) {
        sink.push(...((JSON.parse(body) as { messages: Message[] }).messages ?? []));
        res.end('{"sentMessages":[]}');
      } else if (req.method === 'GET' && path.startsWith('/v2/bot/profile/')) {
        res.end(
          JSON.stringify({ userId: path.split('/').pop(), displayName: 'Chat user', language }),
        );
      } else if (req.method === 'POST' && path.endsWith('/linkToken')) {
        res.end(JSON.stringify({ linkToken: `chat-link-${n}` }));
      } else {
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(listen, '127.0.0.1', resolve));
  process.stdout.write(
    `Capturing the bot's LINE API calls on http://127.0.0.1:${listen}. Start the bot with\n` +
      `  LINE_API_BASE_URL=http://127.0.0.1:${listen} npm start\n`,
  );
  return {
    async send(body) {
      const res = await fetch(new URL('/webhook', url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-line-signature': await signer.sign(body),
        },
        body,
      });
      return res.status;
    },
    request: (path, init) => fetch(new URL(path, url), init),
    async collect() {
      const deadline = Date.now() + 5000;
      while (sink.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
      return sink.splice(0);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
