/** Retention on a schedule: unanswered questions 90 days, failed link attempts 24 h, nonces at expiry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../src/retention.ts';
import { linkFailures, linkNonces, unansweredQuestions } from '../src/store/schema.ts';
import { seedDemoData } from '../src/store/seed.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type LineMock, startLineMock } from './helpers/line-mock.ts';

const DAY = 24 * 3600_000;
const now = Date.parse('2026-12-04T03:00:00Z');
let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, clock: { now: () => now } });
  await seedDemoData(app.store, { people: 10 });
}, 60_000);
afterAll(async () => {
  await app.dispose();
  await mock.close();
});

describe('runRetention', () => {
  it('deletes what is past its period and keeps the rest', async () => {
    const db = app.store.syncDb;
    db.insert(linkFailures)
      .values([
        { key: 'token:old', at: now - 2 * DAY },
        { key: 'token:new', at: now - 3600_000 },
      ])
      .run();
    db.insert(linkNonces)
      .values([
        {
          nonceHash: 'expired',
          personId: 1,
          createdAt: now - 20 * 60_000,
          expiresAt: now - 60_000,
        },
        { nonceHash: 'live', personId: 1, createdAt: now, expiresAt: now + 9 * 60_000 },
      ])
      .run();
    db.insert(unansweredQuestions)
      .values([
        { at: now - 91 * DAY, lang: 'th', text: 'old', alternatives: '[]', confidence: 0.1 },
        { at: now - 89 * DAY, lang: 'th', text: 'recent', alternatives: '[]', confidence: 0.1 },
      ])
      .run();
    await runRetention(app.deps);
    expect(
      db
        .select()
        .from(linkFailures)
        .all()
        .map((r) => r.key),
    ).toEqual(['token:new']);
    expect(
      db
        .select()
        .from(linkNonces)
        .all()
        .map((r) => r.nonceHash),
    ).toEqual(['live']);
    expect(
      db
        .select()
        .from(unansweredQuestions)
        .all()
        .map((r) => r.text),
    ).toEqual(['recent']);
  });
});
