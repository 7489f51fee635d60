/**
 * Retention (C17): each rule of the schedule removes what is just past its period and keeps what
 * is just inside it; a dry run counts the same rows and changes nothing; docs/retention.md is the
 * schedule rendered; every table is either under a rule or listed as not pruned.
 */
import { readFileSync } from 'node:fs';
import { asc, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import {
  formatPeriod,
  NOT_PRUNED,
  RETENTION_SCHEDULE,
  type RetentionResult,
  retentionDoc,
  runRetention,
} from '../src/retention.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../src/store/node.ts';
import { PRUNE_KEYS } from '../src/store/prune.ts';
import * as schema from '../src/store/schema.ts';
import {
  accountLinks,
  auditLog,
  importStaging,
  insuredPersons,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  newsItems,
  notifications,
  pushBatches,
  pushJobs,
  staffAccounts,
  staffAudit,
  staffFlagMessages,
  staffFlags,
  staffSessions,
  unansweredQuestions,
  webhookEvents,
} from '../src/store/schema.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const now = Date.parse('2026-12-04T03:00:00Z');

let store: NodeStore;
let logs: Record<string, unknown>[];
const deps = () => ({
  store,
  clock: { now: () => now },
  log: createLogger('debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
});

beforeEach(() => {
  store = openNodeStore(':memory:');
  migrateNodeStore(store);
  logs = [];
  store.syncDb
    .insert(insuredPersons)
    .values({
      id: 1,
      nationalId: '1103702071811',
      firstNameTh: 'ทดสอบ',
      lastNameTh: 'ระบบ',
      birthDate: '1990-01-01',
      section: 33,
      laserCodeHash: 'none',
      updatedAt: now,
    })
    .run();
});
afterEach(() => store.close());

/** A finished (or not) webhook event with the user's message in it. */
function event(
  id: string,
  status: (typeof schema.WEBHOOK_EVENT_STATUSES)[number],
  receivedAt: number,
  processedAt: number | null,
  payload = '{"message":{"text":"1103702071811 ME1-2345678-90"}}',
): typeof webhookEvents.$inferInsert {
  return {
    webhookEventId: id,
    type: 'message',
    userId: `U-${id}`,
    replyToken: `rt-${id}`,
    eventTimestamp: receivedAt,
    payload,
    status,
    receivedAt,
    processedAt,
  };
}

/** Rows on both sides of every period (`in`: kept, `out`: pruned). */
function seedBoundaries(): void {
  const db = store.syncDb;
  db.insert(webhookEvents)
    .values([
      // Deleted 30 days after receipt, finished events only.
      event('del-out-done', 'done', now - 30 * DAY - 1, now - 30 * DAY, '{}'),
      event('del-out-failed', 'failed', now - 31 * DAY, now - 31 * DAY),
      event('del-out-skipped', 'skipped', now - 40 * DAY, now - 40 * DAY, '{}'),
      event('del-out-undeliverable', 'undeliverable', now - 35 * DAY, now - 35 * DAY),
      event('del-in-done', 'done', now - 30 * DAY + 1, now - 30 * DAY + 1, '{}'),
      event('old-pending', 'pending', now - 60 * DAY, null),
      event('old-processing', 'processing', now - 60 * DAY, null),
      // Erased 7 days after processing.
      event('erase-out-done', 'done', now - 7 * DAY - 5000, now - 7 * DAY - 1, '{}'),
      event('erase-out-failed', 'failed', now - 8 * DAY, now - 8 * DAY),
      event('erase-out-undeliverable', 'undeliverable', now - 9 * DAY, now - 9 * DAY),
      event('erase-in-failed', 'failed', now - 7 * DAY - 5000, now - 7 * DAY + 1),
      event('erase-in-done', 'done', now - HOUR, now - HOUR + 10, '{}'),
      event('recent-pending', 'pending', now - 8 * DAY, null),
    ])
    .run();

  db.insert(accountLinks)
    .values({ userId: 'U-linked', personId: 1, linkedAt: now - DAY })
    .run();
  const user = (userId: string, status: 'active' | 'inactive', unfollowedAt: number | null) => ({
    userId,
    status,
    chosenLanguage: 'my',
    unfollowedAt,
    createdAt: now - 400 * DAY,
    updatedAt: unfollowedAt ?? now - 300 * DAY,
  });
  db.insert(lineUsers)
    .values([
      user('U-gone-out', 'inactive', now - 90 * DAY - 1),
      user('U-gone-in', 'inactive', now - 90 * DAY + 1),
      user('U-linked', 'inactive', now - 200 * DAY),
      user('U-active', 'active', null),
      user('U-no-date', 'inactive', null),
    ])
    .run();

  db.insert(linkTokens)
    .values([
      { tokenHash: 't-out', userId: 'U1', createdAt: now - 11 * 60_000, expiresAt: now - 1 },
      { tokenHash: 't-at', userId: 'U1', createdAt: now - 10 * 60_000, expiresAt: now },
      { tokenHash: 't-in', userId: 'U1', createdAt: now, expiresAt: now + 1 },
    ])
    .run();
  db.insert(linkNonces)
    .values([
      { nonceHash: 'n-out', personId: 1, userId: 'U1', createdAt: now - HOUR, expiresAt: now - 1 },
      { nonceHash: 'n-at', personId: 1, userId: 'U1', createdAt: now - HOUR, expiresAt: now },
      { nonceHash: 'n-in', personId: 1, createdAt: now, expiresAt: now + 9 * 60_000 },
    ])
    .run();
  const code = (codeHash: string, expiresAt: number, usedAt: number | null) => ({
    personId: 1,
    codeHash,
    issuedBy: 'staff@sso.go.th',
    createdAt: expiresAt - 7 * DAY,
    expiresAt,
    usedAt,
  });
  db.insert(linkCodes)
    .values([
      code('c-expired-out', now - 30 * DAY - 1, null),
      code('c-expired-in', now - 30 * DAY + 1, null),
      code('c-used-out', now + DAY, now - 30 * DAY - 1),
      code('c-used-in', now - 29 * DAY, now - 30 * DAY + 1),
      code('c-live', now + 7 * DAY, null),
    ])
    .run();
  db.insert(linkFailures)
    .values([
      ...[1, 2, 3, 4, 5].map((i) => ({ key: `f-out-${i}`, at: now - 24 * HOUR - i })),
      { key: 'f-in', at: now - 24 * HOUR + 1 },
    ])
    .run();
  // Chunks of imports that never finished: deleted a day after staging.
  db.insert(importStaging)
    .values(
      [
        ['i-out-1', now - DAY - 1],
        ['i-out-2', now - 3 * DAY],
        ['i-in', now - DAY + 1],
      ].map(([importId, createdAt]) => ({
        importId: importId as string,
        seq: 0,
        tableName: 'contributions',
        rows: '[[1,"2025-01","self",480000,43200,0,12000,0,null]]',
        createdAt: createdAt as number,
      })),
    )
    .run();

  db.insert(staffFlags)
    .values([
      {
        userId: 'U1',
        note: 'closed-out',
        lang: 'th',
        status: 'closed',
        createdAt: now - 100 * DAY,
        closedAt: now - 90 * DAY - 1,
      },
      {
        userId: 'U1',
        note: 'closed-in',
        lang: 'th',
        status: 'closed',
        createdAt: now - 100 * DAY,
        closedAt: now - 90 * DAY + 1,
      },
      { userId: 'U1', note: 'open-old', lang: 'th', status: 'open', createdAt: now - 365 * DAY },
    ])
    .run();
  // Flags 1 (closed out), 2 (closed in), 3 (open): one message each, two on the pruned flag.
  db.insert(staffFlagMessages)
    .values([
      { flagId: 1, at: now - 95 * DAY, direction: 'user', text: 'm-out-1' },
      { flagId: 1, at: now - 94 * DAY, direction: 'staff', text: 'm-out-2' },
      { flagId: 2, at: now - 95 * DAY, direction: 'user', text: 'm-in' },
      { flagId: 3, at: now - 365 * DAY, direction: 'user', text: 'm-open' },
    ])
    .run();
  db.insert(staffAccounts)
    .values({
      email: 'staff@sso.go.th',
      displayName: 'S',
      role: 'viewer',
      passwordHash: 'x',
      createdAt: now - 800 * DAY,
      updatedAt: now - 800 * DAY,
    })
    .run();
  db.insert(staffSessions)
    .values([
      {
        idHash: 's-out',
        staffId: 1,
        createdAt: now - DAY,
        lastSeenAt: now - DAY,
        expiresAt: now - 1,
      },
      { idHash: 's-in', staffId: 1, createdAt: now - DAY, lastSeenAt: now, expiresAt: now + 1 },
    ])
    .run();
  db.insert(staffAudit)
    .values([
      { at: now - 730 * DAY - 1, staffId: 1, actor: 'staff@sso.go.th', action: 'login' },
      { at: now - 730 * DAY + 1, staffId: 1, actor: 'staff@sso.go.th', action: 'login' },
    ])
    .run();
  db.insert(unansweredQuestions)
    .values([
      { at: now - 90 * DAY - 1, lang: 'th', text: 'q-out', alternatives: '[]', confidence: 0.1 },
      { at: now - 90 * DAY + 1, lang: 'th', text: 'q-in', alternatives: '[]', confidence: 0.1 },
    ])
    .run();

  db.insert(newsItems)
    .values({
      id: 1,
      title: 't',
      summary: 's',
      body: 'b',
      publishedDate: '2026-01-01',
      createdAt: 0,
      updatedAt: 0,
    })
    .run();
  const job = (
    id: number,
    status: 'done' | 'failed' | 'cancelled' | 'running',
    finishedAt: number | null,
  ) => ({
    id,
    newsId: 1,
    kind: 'multicast' as const,
    status,
    createdAt: now - 100 * DAY,
    finishedAt,
  });
  db.insert(pushJobs)
    .values([
      job(1, 'done', now - 30 * DAY - 1),
      job(2, 'done', now - 30 * DAY + 1),
      job(3, 'cancelled', now - 31 * DAY),
      job(4, 'failed', now - 45 * DAY),
      job(5, 'running', null),
    ])
    .run();
  const batch = (jobId: number, batchNo: number) => ({
    jobId,
    batchNo,
    retryKey: `k-${jobId}-${batchNo}`,
    recipients: JSON.stringify([`U${jobId}a`, `U${jobId}b`]),
    recipientCount: 2,
    status: 'sent' as const,
  });
  db.insert(pushBatches)
    .values([
      batch(1, 0),
      batch(1, 1),
      batch(1, 2),
      batch(2, 0),
      batch(3, 0),
      batch(4, 0),
      batch(5, 0),
    ])
    .run();

  const notification = (
    dedupeKey: string,
    status: 'pending' | 'sent' | 'skipped' | 'failed',
    createdAt: number,
  ) => ({
    userId: 'U1',
    category: 'claim_decided' as const,
    dedupeKey,
    dueAt: createdAt,
    params: '{}',
    status,
    createdAt,
  });
  db.insert(notifications)
    .values([
      notification('n-pending-old', 'pending', now - 200 * DAY),
      notification('n-sent-out', 'sent', now - 90 * DAY - 3),
      notification('n-skipped-out', 'skipped', now - 90 * DAY - 2),
      notification('n-failed-out', 'failed', now - 90 * DAY - 1),
      notification('n-sent-in', 'sent', now - 90 * DAY + 1),
    ])
    .run();

  db.insert(auditLog)
    .values([
      {
        at: now - 730 * DAY - 2,
        actor: 'a',
        personId: 1,
        action: 'read_contributions',
        purpose: 'out',
      },
      {
        at: now - 730 * DAY - 1,
        actor: 'a',
        personId: 1,
        action: 'read_contributions',
        purpose: 'out',
      },
      {
        at: now - 730 * DAY + 1,
        actor: 'a',
        personId: 1,
        action: 'read_contributions',
        purpose: 'in',
      },
      { at: now - DAY, actor: 'a', personId: 1, action: 'read_contributions', purpose: 'in' },
    ])
    .run();
}

const EXPECTED: Record<(typeof PRUNE_KEYS)[number], number> = {
  webhook_events: 4,
  'webhook_events.payload': 4,
  line_users: 2,
  link_tokens: 1,
  link_nonces: 1,
  link_codes: 2,
  link_failures: 5,
  import_staging: 2,
  staff_flag_messages: 2,
  staff_flags: 1,
  unanswered_questions: 1,
  'push_batches.recipients': 5,
  notifications: 3,
  audit_log: 2,
  staff_sessions: 1,
  staff_audit: 1,
};

/** Every row of every table, for "nothing changed". */
function dump(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const tables = store.sqlite
    .prepare<[], { name: string }>(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    )
    .all();
  for (const { name } of tables)
    out[name] = store.sqlite.prepare(`select * from "${name}" order by rowid`).all();
  return out;
}

describe('runRetention', () => {
  it('a dry run counts what is past its period and changes nothing', async () => {
    seedBoundaries();
    const before = dump();
    const result = await runRetention(deps(), { dryRun: true });
    expect(result).toEqual<RetentionResult>({
      at: now,
      dryRun: true,
      counts: EXPECTED,
      errors: {},
    });
    expect(dump()).toEqual(before);
    expect(logs.filter((l) => l.msg === 'retention: pruned')).toEqual([]);
  });

  it('prunes just outside each period, keeps just inside, and a second run finds nothing', async () => {
    seedBoundaries();
    // Small chunks: the loop goes round several times on the bigger rules.
    const result = await runRetention(deps(), { chunk: 2 });
    expect(result).toEqual<RetentionResult>({
      at: now,
      dryRun: false,
      counts: EXPECTED,
      errors: {},
    });
    const db = store.syncDb;

    const events = new Map(
      db
        .select()
        .from(webhookEvents)
        .all()
        .map((e) => [e.webhookEventId, e]),
    );
    expect([...events.keys()].sort()).toEqual(
      [
        'del-in-done',
        'old-pending',
        'old-processing',
        'erase-out-done',
        'erase-out-failed',
        'erase-out-undeliverable',
        'erase-in-failed',
        'erase-in-done',
        'recent-pending',
      ].sort(),
    );
    for (const id of [
      'erase-out-done',
      'erase-out-failed',
      'erase-out-undeliverable',
      'del-in-done',
    ]) {
      expect(events.get(id), id).toMatchObject({ payload: '{}', replyToken: null, userId: null });
    }
    for (const id of [
      'erase-in-failed',
      'erase-in-done',
      'old-pending',
      'old-processing',
      'recent-pending',
    ]) {
      expect(events.get(id), id).toMatchObject({ replyToken: `rt-${id}`, userId: `U-${id}` });
    }
    expect(events.get('erase-in-failed')!.payload).toContain('1103702071811');
    expect(events.get('old-pending')!.payload).toContain('1103702071811');
    expect(events.get('erase-out-failed')).toMatchObject({ status: 'failed', type: 'message' });

    expect(
      db
        .select({ id: lineUsers.userId })
        .from(lineUsers)
        .orderBy(asc(lineUsers.userId))
        .all()
        .map((r) => r.id),
    ).toEqual(['U-active', 'U-gone-in', 'U-linked']);
    expect(
      db
        .select()
        .from(linkTokens)
        .all()
        .map((r) => r.tokenHash)
        .sort(),
    ).toEqual(['t-at', 't-in']);
    expect(
      db
        .select()
        .from(linkNonces)
        .all()
        .map((r) => r.nonceHash)
        .sort(),
    ).toEqual(['n-at', 'n-in']);
    expect(
      db
        .select()
        .from(linkCodes)
        .all()
        .map((r) => r.codeHash)
        .sort(),
    ).toEqual(['c-expired-in', 'c-live', 'c-used-in']);
    expect(
      db
        .select()
        .from(linkFailures)
        .all()
        .map((r) => r.key),
    ).toEqual(['f-in']);
    expect(
      db
        .select()
        .from(importStaging)
        .all()
        .map((r) => r.importId),
    ).toEqual(['i-in']);
    expect(
      db
        .select()
        .from(staffFlags)
        .all()
        .map((r) => r.note)
        .sort(),
    ).toEqual(['closed-in', 'open-old']);
    expect(
      db
        .select()
        .from(unansweredQuestions)
        .all()
        .map((r) => r.text),
    ).toEqual(['q-in']);
    expect(
      db
        .select()
        .from(pushBatches)
        .orderBy(asc(pushBatches.jobId), asc(pushBatches.batchNo))
        .all()
        .map((b) => [
          b.jobId,
          b.batchNo,
          b.recipients === '[]' ? 'erased' : 'kept',
          b.recipientCount,
        ]),
    ).toEqual([
      [1, 0, 'erased', 2],
      [1, 1, 'erased', 2],
      [1, 2, 'erased', 2],
      [2, 0, 'kept', 2],
      [3, 0, 'erased', 2],
      [4, 0, 'erased', 2],
      [5, 0, 'kept', 2],
    ]);
    expect(db.select().from(pushJobs).all()).toHaveLength(5);
    expect(
      db
        .select({ key: notifications.dedupeKey })
        .from(notifications)
        .all()
        .map((r) => r.key),
    ).toEqual(['n-pending-old', 'n-sent-in']);
    expect(
      db
        .select()
        .from(auditLog)
        .all()
        .map((r) => r.purpose),
    ).toEqual(['in', 'in']);

    const pruned = logs.find((l) => l.msg === 'retention: pruned');
    expect(pruned).toMatchObject({ level: 'info', link_failures: 5, audit_log: 2 });
    expect(JSON.stringify(logs)).not.toContain('1103702071811');

    const again = await runRetention(deps());
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
  });

  it('keeps running the other rules when one fails, and never throws', async () => {
    seedBoundaries();
    store.sqlite.exec('drop table link_codes');
    const result = await runRetention(deps());
    expect(Object.keys(result.errors)).toEqual(['link_codes']);
    expect(result.errors.link_codes).toMatch(/link_codes/);
    expect(result.counts).toEqual({ ...EXPECTED, link_codes: 0 });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'retention failed', rule: 'link_codes' }),
    );
  });
});

describe('the schedule', () => {
  it('has one rule per prune target, in the order deletes then erases per table', () => {
    expect(RETENTION_SCHEDULE.map((r) => r.key).sort()).toEqual([...PRUNE_KEYS].sort());
    const keys = RETENTION_SCHEDULE.map((r) => r.key);
    expect(keys.indexOf('webhook_events')).toBeLessThan(keys.indexOf('webhook_events.payload'));
    expect(formatPeriod(24 * HOUR)).toBe('24 hours');
    expect(formatPeriod(7 * DAY)).toBe('7 days');
    expect(formatPeriod(730 * DAY)).toBe('2 years (730 days)');
  });

  it('covers every table: under a rule, or listed as not pruned with a reason', () => {
    const tables = Object.values(schema)
      .filter((v) => is(v, SQLiteTable))
      .map((t) => getTableName(t as SQLiteTable));
    const ruled = new Set(RETENTION_SCHEDULE.map((r) => r.table));
    const listed = new Set(NOT_PRUNED.flatMap((n) => n.tables));
    const missing = tables.filter((t) => !ruled.has(t) && !listed.has(t));
    expect(
      missing,
      'add these tables to RETENTION_SCHEDULE or NOT_PRUNED (src/retention.ts)',
    ).toEqual([]);
    expect([...ruled].filter((t) => listed.has(t))).toEqual([]);
    expect([...ruled, ...listed].filter((t) => !tables.includes(t))).toEqual([]);
  });

  it('docs/retention.md is the schedule rendered (npm run cli -- prune --docs)', () => {
    const committed = readFileSync(new URL('../docs/retention.md', import.meta.url), 'utf8');
    expect(committed).toBe(retentionDoc());
    for (const rule of RETENTION_SCHEDULE) expect(committed).toContain(`\`${rule.table}\``);
  });
});
