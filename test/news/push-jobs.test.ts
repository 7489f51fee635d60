/**
 * Push jobs against the LINE mock (real HTTP, every request validated against LINE's spec):
 * batches of ≤ 500, exactly-once delivery across a crash at a random batch, 429 → 500 → 409,
 * exclusions, 4xx and 24-hour give-up, broadcast and LINE's 60 broadcasts per hour.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import type { LineClient } from '../../src/line/client.ts';
import {
  BROADCASTS_PER_HOUR,
  createNewsPushJob,
  PushJobRefused,
  runPushJobs,
} from '../../src/news/push-jobs.ts';
import { createNews, type NewsItem } from '../../src/store/news.ts';
import { getJobProgress } from '../../src/store/push-jobs.ts';
import { pushBatches, pushJobs } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { acceptedMulticasts, addFollowers, exactlyOnce } from './helpers.ts';

let mock: LineMock;
let app: TestApp;
let item: NewsItem;

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  app = await createTestApp({ lineApiBaseUrl: mock.url, tuning: { jobLeaseMs: 50 } });
  item = await createNews(
    app.store,
    {
      title: 'ขยายเวลาชำระเงินสมทบ มาตรา 39',
      summary: 'ผู้ประกันตนมาตรา 39 ชำระเงินสมทบได้ถึงสิ้นเดือน',
      body: 'รายละเอียด',
      publishedDate: '2026-03-01',
      sourceUrl: 'https://www.sso.go.th/news/1',
      imageUrl: 'https://www.sso.go.th/news/1.jpg',
    },
    Date.now(),
  );
});
afterEach(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
});

const multicastJob = async (deps: Deps = app.deps, segment = {}) =>
  (await createNewsPushJob(deps, { newsId: item.id, kind: 'multicast', segment })).job;

describe('multicast push jobs', () => {
  it('splits 1,234 recipients into 500/500/234 and delivers each exactly once', async () => {
    const users = addFollowers(app, 'a', 1234);
    const job = await multicastJob();
    const report = await runPushJobs(app.deps);
    expect(report).toMatchObject({ calls: 3, batchesSent: 3, batchesFailed: 0, jobsFinished: 1 });

    const calls = acceptedMulticasts(mock);
    expect(calls.map((r) => (r.body as { to: string[] }).to.length)).toEqual([500, 500, 234]);
    expect(exactlyOnce(mock, users)).toEqual({
      duplicated: [],
      missing: [],
      unexpected: [],
      delivered: 1234,
    });
    const keys = calls.map((r) => r.headers['x-line-retry-key']);
    expect(new Set(keys).size).toBe(3);
    // The card: Flex with the news title and the "stop news" quick reply.
    const message = (calls[0]!.body as { messages: Record<string, unknown>[] }).messages[0]!;
    expect(message.type).toBe('flex');
    expect(JSON.stringify(message)).toContain('ขยายเวลาชำระเงินสมทบ');
    expect(JSON.stringify(message)).toContain('action=news&sub=stop');

    expect(await getJobProgress(app.store, job.id)).toMatchObject({
      status: 'done',
      totalRecipients: 1234,
      sentRecipients: 1234,
      batchesTotal: 3,
      batchesSent: 3,
      batchesFailed: 0,
      batchesPending: 0,
    });
    // Running again sends nothing.
    expect((await runPushJobs(app.deps)).calls).toBe(0);
    expect(acceptedMulticasts(mock)).toHaveLength(3);
  });

  it('excludes unfollowed and opted-out users', async () => {
    const active = addFollowers(app, 'act', 120);
    addFollowers(app, 'gone', 30, { status: 'inactive' });
    addFollowers(app, 'stop', 40, { newsOptOut: true });
    await multicastJob();
    await runPushJobs(app.deps);
    expect(exactlyOnce(mock, active)).toMatchObject({
      duplicated: [],
      missing: [],
      unexpected: [],
    });
  });

  it('narrows by language and picks the card language from the segment', async () => {
    const th = addFollowers(app, 'th', 7, { language: 'th' });
    const en = addFollowers(app, 'en', 5, { language: 'en' });
    await multicastJob(app.deps, { languages: ['en'] });
    await runPushJobs(app.deps);
    expect(exactlyOnce(mock, en)).toMatchObject({ missing: [], unexpected: [] });
    expect(th.some((id) => JSON.stringify(mock.requests).includes(id))).toBe(false);
    expect(JSON.stringify(acceptedMulticasts(mock)[0]!.body)).toContain('Read more');
  });

  for (const round of [1, 2, 3]) {
    it(`resumes after a crash at a random batch without a duplicate or a gap (round ${round})`, async () => {
      const users = addFollowers(app, `c${round}`, 2345); // 5 batches
      const job = await multicastJob();
      const crashAt = 1 + Math.floor(Math.random() * 5);
      const afterSend = Math.random() < 0.5; // LINE accepted the batch, then the process died
      let calls = 0;
      const crashing: LineClient = {
        ...app.deps.line,
        async multicast(to, messages, retryKey) {
          calls++;
          if (calls === crashAt) {
            if (afterSend) await app.deps.line.multicast(to, messages, retryKey);
            throw new Error(`simulated crash at batch call ${crashAt}`);
          }
          return app.deps.line.multicast(to, messages, retryKey);
        },
      };
      const where = `crash at call ${crashAt}, ${afterSend ? 'after' : 'before'} LINE accepted`;
      await expect(runPushJobs({ ...app.deps, line: crashing }), where).rejects.toThrow(
        /simulated crash/,
      );
      expect((await getJobProgress(app.store, job.id))?.status, where).toBe('running');

      // A new process: the same job resumes from the database.
      await runPushJobs(app.deps);
      expect(exactlyOnce(mock, users), where).toEqual({
        duplicated: [],
        missing: [],
        unexpected: [],
        delivered: 2345,
      });
      const conflicts = mock.requests.filter((r) => r.status === 409);
      expect(conflicts.length, where).toBe(afterSend ? 1 : 0);
      expect(await getJobProgress(app.store, job.id), where).toMatchObject({
        status: 'done',
        sentRecipients: 2345,
        batchesSent: 5,
      });
    });
  }

  it('answers 429, then 500, then 409 for one batch: delivered once, nothing lost', async () => {
    const users = addFollowers(app, 'r', 1100); // 3 batches
    const job = await multicastJob();
    const script = [429, 500, 409];
    let target: string | undefined;
    const acceptedAt500: string[] = [];
    mock.setResponder((req) => {
      if (req.operationId !== 'multicast') return undefined;
      const key = req.headers['x-line-retry-key'];
      target ??= key;
      if (key !== target || script.length === 0) return undefined;
      const status = script.shift()!;
      if (status === 500) {
        // LINE took the request but the answer was lost: the retry key is now used.
        acceptedAt500.push(...(req.body as { to: string[] }).to);
        return { status: 500, body: { message: 'Internal server error' } };
      }
      if (status === 409) {
        return {
          status: 409,
          headers: { 'x-line-accepted-request-id': 'accepted-at-500' },
          body: { message: 'The retry key is already accepted' },
        };
      }
      return { status: 429, body: { message: 'Too many requests' } };
    });
    await runPushJobs(app.deps);

    const byKey = mock.requests.filter((r) => r.headers['x-line-retry-key'] === target);
    expect(byKey.map((r) => r.status)).toEqual([429, 500, 409]);
    const counts = new Map<string, number>();
    for (const id of [
      ...acceptedMulticasts(mock).flatMap((r) => (r.body as { to: string[] }).to),
      ...acceptedAt500,
    ]) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(users.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(1100);
    const batch = app.store.syncDb
      .select()
      .from(pushBatches)
      .all()
      .find((b) => b.retryKey === target);
    expect(batch).toMatchObject({
      status: 'sent',
      attempts: 3,
      acceptedRequestId: 'accepted-at-500',
    });
    expect(await getJobProgress(app.store, job.id)).toMatchObject({
      status: 'done',
      sentRecipients: 1100,
    });
  });

  it('fails a batch LINE rejects with 400 and reports it; the other batches are delivered', async () => {
    const users = addFollowers(app, 'x', 1000); // 2 batches
    const job = await multicastJob();
    let first: string | undefined;
    mock.setResponder((req) => {
      if (req.operationId !== 'multicast') return undefined;
      first ??= req.headers['x-line-retry-key'];
      return req.headers['x-line-retry-key'] === first
        ? { status: 400, body: { message: 'The property, to, contains an invalid user ID' } }
        : undefined;
    });
    await runPushJobs(app.deps);
    const progress = await getJobProgress(app.store, job.id);
    expect(progress).toMatchObject({
      status: 'failed',
      sentRecipients: 500,
      failedRecipients: 500,
      batchesFailed: 1,
    });
    expect(progress?.error).toMatch(/1 batch\(es\) failed, 500 recipient\(s\) not delivered.*400/);
    expect(mock.requests.filter((r) => r.headers['x-line-retry-key'] === first)).toHaveLength(1);
    expect(exactlyOnce(mock, users.slice(500)).missing).toEqual([]);
  });

  it('retries 5xx with backoff for 24 hours after the job was created, then gives up', async () => {
    addFollowers(app, 'z', 10);
    let now = Date.UTC(2026, 2, 1);
    const sleeps: number[] = [];
    const deps: Deps = {
      ...app.deps,
      clock: { now: () => now },
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      tuning: { ...app.deps.tuning, retryBaseMs: 1000, jobRetryMaxMs: 3600_000 },
    };
    mock.setResponder((req) =>
      req.operationId === 'multicast'
        ? { status: 503, body: { message: 'unavailable' } }
        : undefined,
    );
    const job = await multicastJob(deps);
    await runPushJobs(deps);
    const progress = await getJobProgress(app.store, job.id);
    expect(progress).toMatchObject({ status: 'failed', failedRecipients: 10, sentRecipients: 0 });
    expect(progress?.error).toMatch(/gave up 24 h after the job was created/);
    const attempts = mock.requests.filter((r) => r.operationId === 'multicast').length;
    expect(attempts).toBeGreaterThan(20); // exponential, capped at an hour: ≥ 24 tries
    expect(now - job.createdAt).toBeLessThanOrEqual(24 * 3600_000);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(3600_000);
  });

  it('paces calls at the configured rate', async () => {
    addFollowers(app, 'p', 2500); // 5 batches
    await multicastJob();
    const started = Date.now();
    await runPushJobs(app.deps, { ratePerSecond: 20 });
    // 5 calls at 20/s: the 5th starts ≥ 200 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const times = acceptedMulticasts(mock).map((r) => r.at);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('stops at maxBatches and carries on where it stopped', async () => {
    const users = addFollowers(app, 'm', 1600); // 4 batches
    await multicastJob();
    expect(await runPushJobs(app.deps, { maxBatches: 1 })).toMatchObject({ calls: 1, more: true });
    expect(await runPushJobs(app.deps, { maxBatches: 2 })).toMatchObject({ calls: 2, more: true });
    await runPushJobs(app.deps);
    expect(exactlyOnce(mock, users)).toMatchObject({ duplicated: [], missing: [] });
  });
});

describe('broadcast push jobs', () => {
  it('uses LINE broadcast with a retry key, once', async () => {
    addFollowers(app, 'b', 3);
    const { job, note } = await createNewsPushJob(app.deps, { newsId: item.id, kind: 'broadcast' });
    expect(note).toBeUndefined();
    await runPushJobs(app.deps);
    const broadcasts = mock.requests.filter((r) => r.operationId === 'broadcast');
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]!.status).toBe(200);
    expect(broadcasts[0]!.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getJobProgress(app.store, job.id)).toMatchObject({
      status: 'done',
      batchesSent: 1,
    });
    expect(acceptedMulticasts(mock)).toHaveLength(0);
  });

  it('is sent as a multicast when followers have stopped news (broadcast cannot leave them out)', async () => {
    const active = addFollowers(app, 'ok', 4);
    addFollowers(app, 'no', 2, { newsOptOut: true });
    const { job, note } = await createNewsPushJob(app.deps, { newsId: item.id, kind: 'broadcast' });
    expect(job.kind).toBe('multicast');
    expect(note).toMatch(/2 follower\(s\) stopped news/);
    await runPushJobs(app.deps);
    expect(mock.requests.filter((r) => r.operationId === 'broadcast')).toHaveLength(0);
    expect(exactlyOnce(mock, active)).toMatchObject({ missing: [], unexpected: [] });
  });

  it(`refuses the ${BROADCASTS_PER_HOUR + 1}st broadcast within an hour with a clear error`, async () => {
    for (let i = 0; i < BROADCASTS_PER_HOUR; i++) {
      await createNewsPushJob(app.deps, { newsId: item.id, kind: 'broadcast' });
    }
    const refused = await createNewsPushJob(app.deps, { newsId: item.id, kind: 'broadcast' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PushJobRefused);
    expect((refused as PushJobRefused).status).toBe(429);
    expect((refused as PushJobRefused).message).toMatch(/60 broadcasts per hour/);
    expect((refused as PushJobRefused).retryAfterSeconds).toBeGreaterThan(3500);
  });

  it('delays a broadcast while 60 were started in the last hour', async () => {
    const now = Date.now();
    app.store.syncDb
      .insert(pushJobs)
      .values(
        Array.from({ length: BROADCASTS_PER_HOUR }, (_, i) => ({
          newsId: item.id,
          kind: 'broadcast' as const,
          status: 'done' as const,
          createdAt: now - 7200_000,
          startedAt: now - 3000_000 + i,
          finishedAt: now - 3000_000 + i,
        })),
      )
      .run();
    const { job } = await createNewsPushJob(app.deps, { newsId: item.id, kind: 'broadcast' });
    const report = await runPushJobs(app.deps);
    expect(report).toMatchObject({ calls: 0, more: true });
    expect(mock.requests.filter((r) => r.operationId === 'broadcast')).toHaveLength(0);
    expect((await getJobProgress(app.store, job.id))?.status).toBe('pending');
    expect(app.logs.some((l) => String(l.msg).includes('60 broadcasts per hour'))).toBe(true);
  });
});
