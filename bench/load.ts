/**
 * The webhook load generator, shared by bench/webhook.ts and test/faults/soak.test.ts: signed
 * single-event POSTs the way the LINE Platform sends them, from a pool of users (80% not linked,
 * asking anything; 20% linked, asking personal questions), with Thai texts from the NLU dev set.
 * Bodies are built and signed before a phase starts, so the generator spends its time sending.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { demoUserId, events, newWebhookEventId, webhookBody } from '../src/dev/webhook-events.ts';
import { createSignatureVerifier } from '../src/line/signature.ts';

/** The questions that read the linked person's records. */
export const PERSONAL_INTENTS = [
  'contribution_balance',
  'hospital_rights',
  'unemployment_benefit',
] as const;

export interface LoadEvent {
  body: string;
  signature: string;
  webhookEventId: string;
  replyToken: string;
  userId: string;
  intent: string;
  /** A linked user asking about their own records. */
  personal: boolean;
}

export interface UserPool {
  /** Bound to insured persons before the server starts (see `linkUsers` in bench/webhook.ts). */
  linked: string[];
  plain: string[];
}

export function userPool(linked: number, plain: number, prefix = 'bench'): UserPool {
  return {
    linked: Array.from({ length: linked }, (_, i) => demoUserId(`${prefix}-linked-${i}`)),
    plain: Array.from({ length: plain }, (_, i) => demoUserId(`${prefix}-plain-${i}`)),
  };
}

/** Thai utterances of the NLU dev set, by labelled intent (all 13, `unknown` included). */
export function thaiTexts(): Map<string, string[]> {
  const url = new URL('../test/fixtures/nlu-dev.jsonl', import.meta.url);
  const byIntent = new Map<string, string[]>();
  for (const line of readFileSync(url, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { text, intent, lang } = JSON.parse(line) as {
      text: string;
      intent: string;
      lang: string;
    };
    if (lang !== 'th') continue;
    const list = byIntent.get(intent) ?? [];
    list.push(text);
    byIntent.set(intent, list);
  }
  return byIntent;
}

/** A deterministic generator (LCG), so that every run sends the same mix. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

export interface BuildOptions {
  secret: string;
  pool: UserPool;
  /** Events to build. */
  count: number;
  /** Share of events from linked users asking personal questions. Default 0.2. */
  personalShare?: number;
  /** Each user in turn once (linked users first), for a warm-up: first contacts. */
  everyUserOnce?: boolean;
  seed?: number;
}

export async function buildEvents(options: BuildOptions): Promise<LoadEvent[]> {
  const { pool, count } = options;
  const personalShare = options.personalShare ?? 0.2;
  const rand = lcg(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const texts = thaiTexts();
  // Linked users never send `unlink_account` (it would unlink them mid-run): personal questions.
  const anyIntent = [...texts.keys()];
  const signer = createSignatureVerifier(options.secret);
  const out: LoadEvent[] = [];
  for (let i = 0; i < count; i++) {
    let userId: string;
    let personal: boolean;
    if (options.everyUserOnce) {
      personal = i < pool.linked.length;
      userId = personal
        ? pool.linked[i % pool.linked.length]!
        : pool.plain[(i - pool.linked.length) % pool.plain.length]!;
    } else {
      personal = pool.linked.length > 0 && rand() < personalShare;
      userId = pick(personal ? pool.linked : pool.plain);
    }
    const intent = personal ? pick(PERSONAL_INTENTS) : pick(anyIntent);
    const webhookEventId = newWebhookEventId();
    const replyToken = `rt${webhookEventId.toLowerCase()}${i.toString(36)}`;
    const body = webhookBody([
      events.text({ userId, webhookEventId, replyToken }, pick(texts.get(intent)!)),
    ]);
    out.push({
      body,
      signature: await signer.sign(body),
      webhookEventId,
      replyToken,
      userId,
      intent,
      personal,
    });
  }
  return out;
}

/** Milliseconds on the wall clock with sub-millisecond resolution, comparable across processes. */
export const wallMs = () => performance.timeOrigin + performance.now();

export interface SendResult {
  status: number;
  /** `wallMs()` when the request was handed to the socket. */
  sentAt: number;
  /** Until the whole HTTP response was read. */
  ackMs: number;
}

export interface Poster {
  post(ev: LoadEvent): Promise<SendResult>;
  close(): void;
}

/** POST /webhook over keep-alive connections (node:http: cheaper per request than fetch). */
export function createPoster(baseUrl: string, maxSockets = 256): Poster {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const url = new URL('/webhook', baseUrl);
  return {
    post(ev) {
      return new Promise((resolve) => {
        const sentAt = wallMs();
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(ev.body),
              'x-line-signature': ev.signature,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, sentAt, ackMs: wallMs() - sentAt }),
            );
          },
        );
        req.on('error', () => resolve({ status: 0, sentAt, ackMs: wallMs() - sentAt }));
        req.end(ev.body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** As fast as the server answers, `concurrency` requests in flight. */
export async function closedLoop(
  poster: Poster,
  evs: readonly LoadEvent[],
  concurrency: number,
): Promise<SendResult[]> {
  const results: SendResult[] = new Array(evs.length);
  let next = 0;
  const worker = async () => {
    while (next < evs.length) {
      const i = next++;
      results[i] = await poster.post(evs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, evs.length) }, worker));
  return results;
}

/**
 * Open loop: event i leaves at start + i / rate whatever the server does (no coordinated
 * omission). `lagMs` is how late the generator itself was (it shares the machine).
 */
export async function openLoop(
  poster: Poster,
  evs: readonly LoadEvent[],
  ratePerSecond: number,
): Promise<{ results: SendResult[]; lagP99Ms: number }> {
  const results: Promise<SendResult>[] = [];
  const lags: number[] = [];
  const start = wallMs();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = wallMs() - start;
      const due = Math.min(evs.length, Math.floor((elapsed * ratePerSecond) / 1000) + 1);
      while (results.length < due) {
        const i = results.length;
        lags.push(elapsed - (i * 1000) / ratePerSecond);
        results.push(poster.post(evs[i]!));
      }
      if (results.length < evs.length) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  lags.sort((a, b) => a - b);
  const lagP99Ms = lags[Math.max(0, Math.ceil(lags.length * 0.99) - 1)] ?? 0;
  return { results: await Promise.all(results), lagP99Ms };
}
