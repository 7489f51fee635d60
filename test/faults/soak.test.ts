/**
 * Soak: the real server (bench/webhook-server.ts: createNodeRuntime + serve on a real port, in a
 * child process so its memory is its own) under a steady open-loop rate of signed webhooks from
 * bench/load.ts, answered by the LINE mock in this process. Default 5 s (CI); LONG_FAULTS=1 →
 * 60 s. Afterwards: every accepted event answered exactly once (reply by token, or push by the
 * event's retry key), no LINE spec violations, every webhook_events row done, and the server's
 * heap (after a full GC) back near its baseline.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, start } from '../../bench/child.ts';
import { buildEvents, createPoster, type LoadEvent, openLoop, userPool } from '../../bench/load.ts';
import { prepareDatabase, type ServerStatus } from '../../bench/webhook.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const LONG = process.env.LONG_FAULTS === '1';
const SECONDS = LONG ? 60 : 5;
const RATE = 150;
const SECRET = 'soak-channel-secret';

interface Memory {
  gc: boolean;
  heapUsedMb: number;
  /** Each processing thread's (src/entry/process-pool.ts), after a full GC. */
  threadHeapUsedMb: number[];
  rssMb: number;
  peakRssMb: number;
}

describe(`soak: ${RATE} events/s for ${SECONDS} s against the real server`, () => {
  let mock: LineMock;
  let server: Child;
  let url: string;
  let dir: string;
  /** Answers at the mock: reply token → count, push retry key → count. */
  const replies = new Map<string, number>();
  const pushes = new Map<string, number>();
  const pool = userPool(20, 80, 'soak');

  beforeAll(async () => {
    mock = await startLineMock();
    mock.setResponder((req) => {
      if (req.violations.length === 0 && req.operationId === 'replyMessage') {
        const token = (req.body as { replyToken: string }).replyToken;
        replies.set(token, (replies.get(token) ?? 0) + 1);
      } else if (req.violations.length === 0 && req.operationId === 'pushMessage') {
        const key = req.headers['x-line-retry-key'] ?? '';
        pushes.set(key, (pushes.get(key) ?? 0) + 1);
      }
      mock.requests.length = 0; // bounded: the tallies above are all the test needs
      return undefined;
    });
    dir = mkdtempSync(join(tmpdir(), 'sso-soak-'));
    const path = join(dir, 'soak.sqlite');
    await prepareDatabase(path, 300, pool);
    const started = await start<{ port: number }>(
      './webhook-server.ts',
      {
        NODE_ENV: 'production',
        LINE_CHANNEL_SECRET: SECRET,
        AUDIT_PSEUDONYM_KEY: 'audit-pseudonym-key-for-tests',
        SESSION_SECRET: 'session-secret-for-tests-32-chars-long',
        LINE_CHANNEL_ACCESS_TOKEN: 'dev-access-token',
        LINE_API_BASE_URL: mock.url,
        LINE_DATA_API_BASE_URL: mock.url,
        PUBLIC_BASE_URL: 'https://soak.example.org',
        DATABASE_PATH: path,
        SEED_DEMO: '0',
        LOG_LEVEL: 'error',
        PORT: '0',
      },
      false,
      ['--expose-gc'],
    );
    server = started.child;
    url = `http://127.0.0.1:${started.hello.port}`;
  });

  afterAll(async () => {
    await server?.stop();
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const answered = () => replies.size + pushes.size;
  const waitForAnswers = async (expected: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (answered() < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it(
    'answers every accepted event exactly once, within spec, and returns to its memory baseline',
    async () => {
      const poster = createPoster(url, 64);
      let sent = 0;
      const accepted: LoadEvent[] = [];
      const run = async (evs: LoadEvent[], rate: number) => {
        const { results } = await openLoop(poster, evs, rate);
        sent += evs.length;
        results.forEach((r, i) => {
          if (r.status === 200) accepted.push(evs[i]!);
        });
      };

      // Warm-up: every user's first contact (profile lookup) and the JIT, then the baseline.
      await run(
        await buildEvents({ secret: SECRET, pool, count: 100, everyUserOnce: true, seed: 7 }),
        RATE,
      );
      await waitForAnswers(accepted.length, 10_000);
      const baseline = await server.ask<Memory>('memory');

      // The soak, built in chunks of 10 s so that the prepared bodies stay small.
      for (let left = SECONDS; left > 0; left -= 10) {
        const seconds = Math.min(10, left);
        const evs = await buildEvents({
          secret: SECRET,
          pool,
          count: RATE * seconds,
          seed: 100 + left,
        });
        await run(evs, RATE);
      }
      await waitForAnswers(accepted.length, 20_000);
      poster.close();
      const status = await server.ask<ServerStatus>('status');
      const after = await server.ask<Memory>('memory');

      // Exactly once: each accepted event's reply token once, or else a push with its retry key.
      let missing = 0;
      let duplicates = 0;
      for (const ev of accepted) {
        const r = replies.get(ev.replyToken) ?? 0;
        const p = pushes.get(await stableRetryKey(`reply:${ev.webhookEventId}`)) ?? 0;
        if (r + p === 0) missing++;
        if (r + p > 1) duplicates++;
      }
      const summary = {
        sent,
        accepted: accepted.length,
        replies: replies.size,
        pushes: pushes.size,
        missing,
        duplicates,
        rows: status.events,
        heapMb: { before: baseline.heapUsedMb, after: after.heapUsedMb, gc: after.gc },
        threadHeapMb: { before: baseline.threadHeapUsedMb, after: after.threadHeapUsedMb },
        rssMb: { before: baseline.rssMb, after: after.rssMb, peak: after.peakRssMb },
      };
      console.log(`soak ${SECONDS} s: ${JSON.stringify(summary)}`);

      expect(accepted.length).toBe(sent);
      expect({ missing, duplicates }).toEqual({ missing: 0, duplicates: 0 });
      expect([...replies.values(), ...pushes.values()].every((n) => n === 1)).toBe(true);
      expect(mock.violations).toEqual([]);
      // Every recorded event finished (and answered: a text message always gets an answer).
      const done = Object.entries(status.events)
        .filter(([k]) => k.startsWith('done/'))
        .reduce((n, [, v]) => n + v, 0);
      expect(status.events).not.toHaveProperty('pending');
      expect(status.events).not.toHaveProperty('processing');
      expect(done).toBe(sent);
      expect(status.queued).toBe(0);
      // Memory: the heap after a full GC returns near the warm baseline (webhook_events rows live
      // in SQLite, not in the heap); without --expose-gc the bound is on RSS instead.
      expect(after.gc).toBe(true);
      expect(after.heapUsedMb - baseline.heapUsedMb).toBeLessThan(
        Math.max(50, baseline.heapUsedMb * 0.5),
      );
      expect(after.rssMb).toBeLessThan(baseline.rssMb * 1.5 + 50);
      // The same for the processing thread the production settings start (2+ cores).
      expect(after.threadHeapUsedMb).toHaveLength(baseline.threadHeapUsedMb.length);
      after.threadHeapUsedMb.forEach((mb, i) => {
        const before = baseline.threadHeapUsedMb[i]!;
        expect(mb - before).toBeLessThan(Math.max(50, before * 0.5));
      });
    },
    (SECONDS + 40) * 1000,
  );
});
