/**
 * LINE outage under load (issue 8): events arrive at a steady rate through the real app while
 * the LINE mock answers 500 and 429 (alternating) for an outage window, then flaps for a
 * moment, then recovers. Afterwards nothing is lost (every accepted event was delivered by
 * reply or push, or is recorded `undeliverable` with a reason), nothing was sent twice (one
 * accepted reply per reply token, one accepted push per X-Line-Retry-Key), and every request
 * satisfied LINE's spec.
 *
 * Timings are DEFAULT_TUNING scaled to the outage: the default run is a 3 s outage with retry
 * timings ÷10 and a 2 s reply window; `LONG_FAULTS=1` is a 30 s outage with the production
 * timings themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TUNING, type Tuning } from '../../src/deps.ts';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { webhookEvents } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import {
  deliveriesByKey,
  type LineMock,
  type RecordedRequest,
  startLineMock,
} from '../helpers/line-mock.ts';

const LONG = process.env.LONG_FAULTS === '1';
const OUTAGE_MS = LONG ? 30_000 : 3_000;
const SCALE = OUTAGE_MS / 30_000;
const RATE_PER_S = 50;
const BEFORE_MS = 1000;
/** After the outage LINE flaps for a while: every other call or so still fails. */
const FLAKY_MS = LONG ? 5000 : 3000;
const FLAKY_FAILURE_RATE = 0.5;
const AFTER_MS = 2000;

const TUNING: Partial<Tuning> = {
  // Short run: a reply window shorter than the outage, so tokens of queued events expire and
  // those go out as pushes. Long run: the production window (50 s).
  replyWindowMs: LONG ? DEFAULT_TUNING.replyWindowMs : 2000,
  retryBaseMs: DEFAULT_TUNING.retryBaseMs * SCALE,
  replyAttempts: DEFAULT_TUNING.replyAttempts,
  pushAttempts: DEFAULT_TUNING.pushAttempts,
};

const TEXTS = ['สวัสดี', 'เงินสมทบเดือนนี้เท่าไหร่', 'ว่างงานได้เงินเท่าไหร่', 'hello', 'ສະບາຍດີ'];
const USERS = Array.from({ length: 30 }, (_, i) => demoUserId(`outage-${i}`));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, tuning: TUNING });
});
afterAll(async () => {
  mock?.setResponder(null);
  await app?.dispose();
  await mock?.close();
});

describe('LINE outage under steady load', () => {
  it(
    `loses nothing and sends nothing twice through a ${OUTAGE_MS / 1000} s outage`,
    async () => {
      const started = Date.now();
      const outageFrom = started + BEFORE_MS;
      const outageUntil = outageFrom + OUTAGE_MS;
      const flakyUntil = outageUntil + FLAKY_MS;
      const loadUntil = flakyUntil + AFTER_MS;

      // Deterministic flapping, so a failure reproduces.
      let seed = 0x5eed;
      const random = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      let failures = 0;
      const fail = () =>
        failures++ % 2 === 0
          ? { status: 500, body: { message: 'An error occurred on the server' } }
          : { status: 429, body: { message: 'The API rate limit has been exceeded.' } };
      mock.setResponder(() => {
        const now = Date.now();
        if (now >= outageFrom && now < outageUntil) return fail();
        if (now >= outageUntil && now < flakyUntil && random() < FLAKY_FAILURE_RATE) return fail();
        return undefined;
      });

      // Steady load: one single-event POST every 1000/RATE ms, not waiting for answers.
      const sent: ReturnType<typeof events.text>[] = [];
      const posts: Promise<number>[] = [];
      for (let i = 0; ; i++) {
        const due = started + (i * 1000) / RATE_PER_S;
        if (due >= loadUntil) break;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        const e = events.text({ userId: USERS[i % USERS.length]! }, TEXTS[i % TEXTS.length]!);
        sent.push(e);
        posts.push(app.post([e]).then((res) => res.status));
      }
      const statuses = await Promise.all(posts);
      const loadDone = Date.now();
      await app.settle();
      const drained = Date.now();
      mock.setResponder(null);

      // ---- What reached the mock, keyed the way LINE dedupes -----------------------------
      const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
      const { replies: replyCalls, pushes: pushCalls } = deliveriesByKey(mock.requests);
      const rows = new Map(
        app.store.syncDb
          .select()
          .from(webhookEvents)
          .all()
          .map((row) => [row.webhookEventId, row]),
      );

      const lost: string[] = [];
      const duplicates: string[] = [];
      const mismatched: string[] = [];
      let replies = 0;
      let pushes = 0;
      let undeliverable = 0;
      let repliesAfterRetry = 0;
      let pushesTokenExpired = 0;
      let pushesAfterReplyFailed = 0;
      let push409 = 0;
      const reasons = new Map<string, number>();
      for (const [i, e] of sent.entries()) {
        if (statuses[i] !== 200) continue; // not accepted: LINE would redeliver it
        const id = e.webhookEventId;
        const row = rows.get(id);
        const tries = replyCalls.get(e.replyToken!) ?? [];
        const key = await stableRetryKey(`reply:${id}`);
        const pushTries = pushCalls.get(key) ?? [];
        const acceptedReplies = tries.filter(ok).length;
        const acceptedPushes = pushTries.filter(ok).length;
        push409 += pushTries.filter((r) => r.status === 409).length;
        if (acceptedReplies + acceptedPushes > 1) {
          duplicates.push(`${id}: ${acceptedReplies} replies + ${acceptedPushes} pushes`);
        }
        if (!row) {
          lost.push(`${id}: accepted but not recorded`);
        } else if (row.status === 'done' && acceptedReplies + acceptedPushes === 1) {
          if (row.delivery !== (acceptedReplies === 1 ? 'reply' : 'push')) {
            mismatched.push(`${id}: recorded ${row.delivery}, mock saw the other`);
          }
          if (acceptedReplies === 1) {
            replies++;
            if (tries.length > 1) repliesAfterRetry++;
          } else {
            pushes++;
            if (tries.length === 0) pushesTokenExpired++;
            else pushesAfterReplyFailed++;
          }
        } else if (row.status === 'undeliverable' && acceptedReplies + acceptedPushes === 0) {
          undeliverable++;
          expect(row.error, `${id} is undeliverable without a reason`).toBeTruthy();
          const reason = String(row.error).replace(/: .*/, '');
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        } else {
          lost.push(
            `${id}: status ${row.status}/${row.delivery} (${row.error ?? 'no error'}), ` +
              `mock accepted ${acceptedReplies} replies and ${acceptedPushes} pushes`,
          );
        }
      }

      const accepted = statuses.filter((s) => s === 200).length;
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
      console.log(
        `[outage] outage=${seconds(OUTAGE_MS)} tuning=${JSON.stringify(TUNING)} ` +
          `events=${sent.length} accepted=${accepted} replies=${replies} ` +
          `(after retries ${repliesAfterRetry}) pushes=${pushes} (token expired ${pushesTokenExpired}, ` +
          `after failed replies ${pushesAfterReplyFailed}) push-409=${push409} ` +
          `undeliverable=${undeliverable}${reasons.size > 0 ? ` ${JSON.stringify([...reasons])}` : ''} ` +
          `lost=${lost.length} duplicates=${duplicates.length} ` +
          `LINE calls failed by the mock=${failures} violations=${mock.violations.length} ` +
          `load=${seconds(loadDone - started)} drain=${seconds(drained - loadDone)}`,
      );

      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(lost).toEqual([]);
      expect(duplicates).toEqual([]);
      expect(mismatched).toEqual([]);
      expect(mock.violations).toEqual([]);
      expect(replies + pushes + undeliverable).toBe(accepted);
      // The outage really hit the delivery paths: in the short run, replies that got through
      // on a retry and pushes for tokens that expired while the event waited. (In the long
      // run the 16 queue slots sleep in push backoff for the whole outage, so only those 16
      // events meet it; the backlog is answered by reply once LINE is back.)
      expect(failures).toBeGreaterThan(0);
      expect(pushesTokenExpired + pushesAfterReplyFailed).toBeGreaterThan(0);
      if (!LONG) {
        expect(repliesAfterRetry).toBeGreaterThan(0);
        expect(pushesTokenExpired).toBeGreaterThan(0);
      }
    },
    LONG ? 300_000 : 60_000,
  );
});
