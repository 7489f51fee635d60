/**
 * Sending over HTTP to the LINE mock (every request validated against LINE's OpenAPI spec):
 * exactly once, quiet hours, the monthly quota, users who left meanwhile, a crash mid-run,
 * retries, the user's language.
 */

import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { formatBaht, formatDate } from '../../src/format.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { planNotifications } from '../../src/notify/plan.ts';
import { runNotifications } from '../../src/notify/run.ts';
import { QUOTA_RESERVE_MIN, sendDueNotifications } from '../../src/notify/send.ts';
import { accountLinks, lineUsers, notificationPrefs } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { deliveriesByKey, type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson } from '../helpers/people.ts';
import {
  addBenefitClaim,
  addBenefitPayment,
  addSubscriber,
  bkk,
  DAY,
  HOUR,
  notificationRows,
} from './helpers.ts';

let mock: LineMock;
let app: TestApp;
beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  app = await createTestApp({ lineApiBaseUrl: mock.url });
});
afterEach(async () => {
  await app.dispose();
});

/** 10:00 in Bangkok: outside the default quiet hours (21:00-08:00). */
const AT = bkk('2026-03-10T10:00:00');

/** A linked, opted-in user with an approved claim decided (and imported) just now. */
async function decidedClaim(userId: string, options: { lang?: string; claimId?: string } = {}) {
  const p = insertPerson(app.store);
  addSubscriber(app.store, {
    userId,
    personId: p.id,
    consentAt: AT - DAY,
    chosenLanguage: options.lang ?? null,
  });
  addBenefitClaim(app.store, {
    id: options.claimId ?? `SC-${userId}`,
    personId: p.id,
    decisionDate: '2026-03-09',
    updatedAt: AT - HOUR,
  });
  return p;
}

const pushedTo = () => mock.pushes().map((r) => (r.body as { to: string }).to);

describe('sendDueNotifications', () => {
  it('sends one push per notification, in the user language, once; a second run sends none', async () => {
    await decidedClaim('Uen', { lang: 'en' });
    await decidedClaim('Uth', { lang: 'th' });
    const first = await runNotifications(app.deps, { at: AT });
    expect(first.plan.planned.claim_decided).toBe(2);
    expect(first.send).toMatchObject({ sent: 2, skipped: 0, failed: 0, deferred: 0 });
    expect(mock.violations).toEqual([]);
    expect(pushedTo().sort()).toEqual(['Uen', 'Uth']);

    const rows = notificationRows(app.store);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      const push = mock.pushes().find((r) => (r.body as { to: string }).to === row.userId)!;
      expect(push.headers['x-line-retry-key']).toBe(
        await stableRetryKey(`notify:${row.id}:${row.dedupeKey}`),
      );
      expect(row.lineRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.sentAt).toBeGreaterThanOrEqual(AT);
    }
    const en = mock.pushes().find((r) => (r.body as { to: string }).to === 'Uen')!;
    const [message] = (en.body as { messages: Record<string, unknown>[] }).messages;
    const t = app.deps.i18n.t('en');
    expect(message).toEqual({
      type: 'text',
      text: `${t('notify.msg.claim_approved', {
        benefit: t('claims.benefit.sickness'),
        claimId: 'SC-Uen',
      })}\n\n${t('notify.msg.footer')}`,
      quickReply: {
        items: [
          {
            type: 'action',
            action: {
              type: 'postback',
              label: t('notify.settingsButton'),
              data: 'action=notifications',
              displayText: t('notify.settingsButton'),
            },
          },
        ],
      },
    });
    const th = mock.pushes().find((r) => (r.body as { to: string }).to === 'Uth')!;
    const thText = (th.body as { messages: { text: string }[] }).messages[0]!.text;
    expect(thText).toContain(String(app.deps.i18n.t('th')('claims.benefit.sickness')));

    const again = await runNotifications(app.deps, { at: AT });
    expect(again.plan.total).toBe(0);
    expect(again.send.sent).toBe(0);
    expect(mock.pushes()).toHaveLength(2);
    // Nothing was due: LINE's quota was not even asked.
    const quotaCalls = mock.requests.filter((r) => r.operationId === 'getMessageQuota').length;
    expect(quotaCalls).toBe(1);
  });

  it('formats amounts and dates for the language (Buddhist era in Thai)', async () => {
    const p = insertPerson(app.store);
    addSubscriber(app.store, { userId: 'Upay', personId: p.id, consentAt: AT - DAY });
    addBenefitClaim(app.store, { id: 'SC-9', personId: p.id, decisionDate: '2026-02-01' });
    addBenefitPayment(app.store, {
      claimId: 'SC-9',
      amount: 1_234_550,
      payDate: '2026-03-09',
      updatedAt: AT - HOUR,
    });
    await runNotifications(app.deps, { at: AT });
    const text = (mock.pushes()[0]!.body as { messages: { text: string }[] }).messages[0]!.text;
    const t = app.deps.i18n.t('th');
    expect(text).toContain(formatBaht(t, 1_234_550));
    expect(text).toContain(formatDate('th', '2026-03-09'));
    expect(formatDate('th', '2026-03-09')).toContain('2569');
  });

  it('never pushes in quiet hours: due ones wait for their end', async () => {
    await decidedClaim('U1');
    const night = bkk('2026-03-10T22:30:00');
    const quiet = await runNotifications(app.deps, { at: night });
    expect(quiet.plan.planned.claim_decided).toBe(1);
    expect(quiet.send).toMatchObject({ quiet: true, sent: 0, deferred: 1 });
    expect(quiet.send.resumeAt).toBe(bkk('2026-03-11T08:00:00'));
    const early = await runNotifications(app.deps, { at: bkk('2026-03-11T07:59:00') });
    expect(early.send.sent).toBe(0);
    expect(mock.pushes()).toHaveLength(0);
    // Quiet hours are read from NOTIFY_QUIET_HOURS.
    const custom = { ...app.deps, config: { ...app.deps.config, notifyQuietHours: null } };
    expect((await sendDueNotifications(custom, night)).sent).toBe(1);
    expect(mock.pushes()).toHaveLength(1);
  });

  it('stops before the quota runs out, highest-value first, with one operator line', async () => {
    // Two due: a hospital window (lowest value) planned first, a claim decision (highest).
    const p = insertPerson(app.store);
    addSubscriber(app.store, { userId: 'U1', personId: p.id, consentAt: AT - DAY });
    const window = await planNotifications(app.store, bkk('2026-12-16T09:00:00'), {
      categories: ['hospital_window'],
    });
    expect(window.total).toBe(1);
    addBenefitClaim(app.store, {
      id: 'SC-1',
      personId: p.id,
      decisionDate: '2026-12-15',
      updatedAt: bkk('2026-12-16T08:00:00'),
    });
    // 1,000 a month, 989 used, 10 kept in reserve: room for one.
    mock.setQuota({ limit: 1000, totalUsage: 1000 - QUOTA_RESERVE_MIN - 1 });
    const run = await runNotifications(app.deps, { at: bkk('2026-12-16T09:05:00') });
    expect(run.send.sent).toBe(1);
    expect(run.send.deferred).toBe(1);
    expect(run.send.quota).toEqual({ limit: 1000, used: 989, reserve: 10, left: 1 });
    expect(run.send.quotaLine).toMatch(
      /^quota: 1 left .*, 2 due; sent 1, highest-value first; the rest \(1\) wait/,
    );
    const rows = notificationRows(app.store);
    expect(rows.find((r) => r.category === 'claim_decided')?.status).toBe('sent');
    expect(rows.find((r) => r.category === 'hospital_window')?.status).toBe('pending');
    expect(
      app.logs.filter((l) => String(l.msg ?? l.message ?? '').startsWith('quota: ')),
    ).toHaveLength(1);
    expect(mock.violations).toEqual([]);

    // The quota used up: nothing sent, the notification still waits.
    const next = await runNotifications(app.deps, { at: bkk('2026-12-16T09:10:00') });
    expect(next.send.sent).toBe(0);
    expect(next.send.quotaLine).toMatch(/^quota: 0 left/);
    // A new month (or a higher limit): it goes out.
    mock.setQuota({ limit: 1000, totalUsage: 0 });
    expect((await runNotifications(app.deps, { at: bkk('2026-12-16T09:15:00') })).send.sent).toBe(
      1,
    );
  });

  it('skips a user who unfollowed, unlinked or opted out after it was planned', async () => {
    for (const u of ['Ublock', 'Uunlink', 'Uoff', 'Uok']) await decidedClaim(u);
    await planNotifications(app.store, AT);
    app.store.syncDb
      .update(lineUsers)
      .set({ status: 'inactive' })
      .where(eq(lineUsers.userId, 'Ublock'))
      .run();
    app.store.syncDb.delete(accountLinks).where(eq(accountLinks.userId, 'Uunlink')).run();
    app.store.syncDb
      .update(notificationPrefs)
      .set({ enabled: false })
      .where(eq(notificationPrefs.userId, 'Uoff'))
      .run();
    const report = await sendDueNotifications(app.deps, AT);
    expect(report).toMatchObject({ sent: 1, skipped: 3 });
    expect(pushedTo()).toEqual(['Uok']);
    const status = Object.fromEntries(notificationRows(app.store).map((r) => [r.userId, r.status]));
    expect(status).toEqual({ Ublock: 'skipped', Uunlink: 'skipped', Uoff: 'skipped', Uok: 'sent' });
  });

  it('a crash after LINE accepted, before the run marked it: the next run delivers each once (409)', async () => {
    for (const u of ['U1', 'U2', 'U3']) await decidedClaim(u);
    await planNotifications(app.store, AT);
    // The process dies when it writes what was sent.
    const crashing: Deps = {
      ...app.deps,
      store: {
        ...app.deps.store,
        batch: async () => {
          throw new Error('simulated crash');
        },
      },
    };
    await expect(sendDueNotifications(crashing, AT)).rejects.toThrow(/simulated crash/);
    expect(mock.pushes()).toHaveLength(3);
    expect(notificationRows(app.store).map((r) => r.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);

    // A new process, after the lease: the same keys again; LINE answers 409; marked sent.
    const later = AT + app.deps.tuning.jobLeaseMs + 1000;
    const rerun = await sendDueNotifications(app.deps, later);
    expect(rerun).toMatchObject({ sent: 3, duplicates: 3 });
    const { pushes } = deliveriesByKey(mock.requests);
    expect(pushes.size).toBe(3);
    for (const calls of pushes.values()) {
      expect(calls.map((c) => c.status)).toEqual([200, 409]);
    }
    expect(notificationRows(app.store).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
      ['sent', 2],
    ]);
    expect(mock.violations).toEqual([]);
    // And nothing more after that.
    expect((await sendDueNotifications(app.deps, later + HOUR)).sent).toBe(0);
  });

  it('a crash before LINE got the push: the next run sends it, once', async () => {
    for (const u of ['U1', 'U2']) await decidedClaim(u);
    await planNotifications(app.store, AT);
    const dying: Deps = {
      ...app.deps,
      line: {
        ...app.deps.line,
        push: async () => {
          throw new Error('simulated crash');
        },
      },
    };
    await expect(sendDueNotifications(dying, AT)).rejects.toThrow(/simulated crash/);
    expect(mock.pushes()).toHaveLength(0);
    // Still leased: a run within the lease leaves them alone.
    expect((await sendDueNotifications(app.deps, AT + 1000)).sent).toBe(0);
    const rerun = await sendDueNotifications(app.deps, AT + app.deps.tuning.jobLeaseMs + 1000);
    expect(rerun).toMatchObject({ sent: 2, duplicates: 0 });
    expect(mock.pushes()).toHaveLength(2);
  });

  it('retries a 5xx in a later run with the same retry key; a 400 fails at once', async () => {
    await decidedClaim('U5xx');
    await decidedClaim('U400');
    await planNotifications(app.store, AT);
    mock.setResponder((req) => {
      if (req.operationId !== 'pushMessage') return undefined;
      const to = (req.body as { to: string }).to;
      if (to === 'U5xx') return { status: 500, body: { message: 'oops' } };
      if (to === 'U400') return { status: 400, body: { message: 'bad' } };
      return undefined;
    });
    const first = await sendDueNotifications(app.deps, AT);
    expect(first).toMatchObject({ sent: 0, retrying: 1, failed: 1 });
    const retry = notificationRows(app.store).find((r) => r.userId === 'U5xx')!;
    expect(retry).toMatchObject({ status: 'pending', attempts: 1 });
    expect(retry.dueAt).toBeGreaterThan(AT);
    expect(notificationRows(app.store).find((r) => r.userId === 'U400')?.status).toBe('failed');

    mock.setResponder(null);
    const second = await sendDueNotifications(app.deps, AT + HOUR);
    expect(second.sent).toBe(1);
    const keys = mock.requests
      .filter((r) => r.operationId === 'pushMessage' && (r.body as { to: string }).to === 'U5xx')
      .map((r) => r.headers['x-line-retry-key']);
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(2);
  });

  it('skips a reminder whose date has passed', async () => {
    const p = insertPerson(app.store, { section: 39 });
    addSubscriber(app.store, { userId: 'U39', personId: p.id, consentAt: AT - 200 * DAY });
    app.store.sqlite
      .prepare(
        "insert into notifications (user_id, category, dedupe_key, due_at, params, created_at) values ('U39', 'contribution_due', 'contribution_due:x:2026-01', ?, ?, ?)",
      )
      .run(
        AT - 60 * DAY,
        JSON.stringify({ section: 39, amount: 43_200, period: '2026-01', deadline: '2026-02-15' }),
        AT - 60 * DAY,
      );
    expect(await sendDueNotifications(app.deps, AT)).toMatchObject({ sent: 0, skipped: 1 });
    expect(notificationRows(app.store)[0]!.lastError).toMatch(/expired/);
  });

  it('a dry run counts what would be planned and sent, and changes nothing', async () => {
    await decidedClaim('U1');
    const dry = await runNotifications(app.deps, { at: AT, dryRun: true });
    expect(dry.plan.total).toBe(1);
    expect(dry.send).toMatchObject({ dueTotal: 1, sent: 1, deferred: 0 });
    expect(notificationRows(app.store)).toEqual([]);
    expect(mock.pushes()).toHaveLength(0);
  });

  it('paces pushes at NOTIFY_PUSH_RATE', async () => {
    for (let i = 0; i < 6; i++) await decidedClaim(`U${i}`);
    await planNotifications(app.store, AT);
    const slow = { ...app.deps, config: { ...app.deps.config, notifyPushRate: 50 } };
    const started = performance.now();
    expect((await sendDueNotifications(slow, AT)).sent).toBe(6);
    // 6 pushes at 50/s: the last starts 100 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});
