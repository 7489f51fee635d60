/**
 * The retention queries (C17): for each target of the schedule in src/retention.ts, which rows
 * are past their period (`cutoff` = now − period) and what pruning does to them: delete the rows,
 * or erase the personal fields and keep the row. Plain queries on the `Store` seam, so the same
 * code runs on better-sqlite3 and on D1.
 *
 * Pruning goes in chunks (`rowid IN (SELECT rowid … LIMIT n)`): a first run on a large database
 * never holds the write lock (or D1's statement time) for long, and the webhook keeps being
 * served between chunks. Every erase also requires "not erased yet", so chunks always advance.
 */
import {
  and,
  count,
  eq,
  inArray,
  isNotNull,
  lt,
  ne,
  notExists,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { retryWhileBusy, type Store } from './db.ts';
import {
  accountLinks,
  auditLog,
  importStaging,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  notifications,
  pushBatches,
  pushJobs,
  staffAudit,
  staffFlagMessages,
  staffFlags,
  staffSessions,
  unansweredQuestions,
  webhookEvents,
} from './schema.ts';

/** The webhook event statuses that are final: nothing will process the event again. */
const FINISHED_EVENTS = ['done', 'skipped', 'undeliverable', 'failed'] as const;
/** Push jobs that will not send again. */
const FINISHED_JOBS = ['done', 'failed', 'cancelled'] as const;

export const PRUNE_KEYS = [
  'webhook_events.payload',
  'webhook_events',
  'line_users',
  'link_tokens',
  'link_nonces',
  'link_codes',
  'link_failures',
  'import_staging',
  'staff_flag_messages',
  'staff_flags',
  'unanswered_questions',
  'push_batches.recipients',
  'notifications',
  'audit_log',
  'staff_sessions',
  'staff_audit',
] as const;
export type PruneKey = (typeof PRUNE_KEYS)[number];

interface Target {
  readonly table: SQLiteTable;
  /** The rows past their period (and, for an erase, not erased yet). */
  where(cutoff: number): SQL;
  /**
   * The next chunk to prune, as a `rowid IN (…)` condition; by default up to `chunk` rows
   * matching `where`.
   */
  chunk?(store: Store, cutoff: number, chunk: number): SQL;
  /** Prunes the rows `rows` selects; returns how many. */
  apply(store: Store, rows: SQL): Promise<number>;
}

const rowid = (table: SQLiteTable) => sql<number>`${table}.rowid`;
const one = { one: sql<number>`1` };

/** Deletes the rows. */
function deleting(table: SQLiteTable, where: (cutoff: number) => SQL): Target {
  return {
    table,
    where,
    apply: async (store, rows) => (await store.db.delete(table).where(rows).returning(one)).length,
  };
}

const TARGETS: Record<PruneKey, Target> = {
  // Processed events: the message (its text may hold an ID number or laser code), the reply
  // token and the LINE user id go; the row (type, status, delivery, times) stays for the counts.
  // Cost: the (status, received_at) index narrows this to finished events older than the
  // cutoff, but already-erased rows are read again each run (up to the 30-day delete); a
  // partial index on processed_at over the rows not yet erased would make it read only those.
  'webhook_events.payload': {
    table: webhookEvents,
    where: (cutoff) =>
      and(
        inArray(webhookEvents.status, [...FINISHED_EVENTS]),
        // Implied by the next line (an event is processed after it is received); lets the
        // scan use the (status, received_at) index range.
        lt(webhookEvents.receivedAt, cutoff),
        lt(webhookEvents.processedAt, cutoff),
        or(
          ne(webhookEvents.payload, '{}'),
          isNotNull(webhookEvents.replyToken),
          isNotNull(webhookEvents.userId),
        ),
      )!,
    apply: async (store, rows) =>
      (
        await store.db
          .update(webhookEvents)
          .set({ payload: '{}', replyToken: null, userId: null })
          .where(rows)
          .returning(one)
      ).length,
  },
  // Pending and processing events are never touched: recovery still needs them.
  webhook_events: deleting(
    webhookEvents,
    (cutoff) =>
      and(
        inArray(webhookEvents.status, [...FINISHED_EVENTS]),
        lt(webhookEvents.receivedAt, cutoff),
      )!,
  ),
  // Unfollowed and not linked (a linked user's row goes with unlink-and-erase instead).
  line_users: deleting(
    lineUsers,
    (cutoff) =>
      and(
        eq(lineUsers.status, 'inactive'),
        lt(sql`coalesce(${lineUsers.unfollowedAt}, ${lineUsers.updatedAt})`, cutoff),
        notExists(
          sql`(select 1 from ${accountLinks} where ${accountLinks.userId} = ${lineUsers.userId})`,
        ),
      )!,
  ),
  link_tokens: deleting(linkTokens, (cutoff) => lt(linkTokens.expiresAt, cutoff)),
  link_nonces: deleting(linkNonces, (cutoff) => lt(linkNonces.expiresAt, cutoff)),
  // Whichever comes first: the code was used, or it expired unused.
  link_codes: deleting(
    linkCodes,
    (cutoff) => or(lt(linkCodes.expiresAt, cutoff), lt(linkCodes.usedAt, cutoff))!,
  ),
  link_failures: deleting(linkFailures, (cutoff) => lt(linkFailures.at, cutoff)),
  // Chunks of an import that never reached its final step (src/store/imports.ts).
  import_staging: deleting(importStaging, (cutoff) => lt(importStaging.createdAt, cutoff)),
  // The conversation of a closed flag goes with it (the same period, measured the same way).
  staff_flag_messages: deleting(staffFlagMessages, (cutoff) =>
    inArray(
      staffFlagMessages.flagId,
      sql`(select ${staffFlags.id} from ${staffFlags} where ${staffFlags.status} = 'closed' and coalesce(${staffFlags.closedAt}, ${staffFlags.createdAt}) < ${cutoff})`,
    ),
  ),
  staff_flags: deleting(
    staffFlags,
    (cutoff) =>
      and(
        eq(staffFlags.status, 'closed'),
        lt(sql`coalesce(${staffFlags.closedAt}, ${staffFlags.createdAt})`, cutoff),
      )!,
  ),
  unanswered_questions: deleting(unansweredQuestions, (cutoff) =>
    lt(unansweredQuestions.at, cutoff),
  ),
  // The job and its batches' counts stay (delivery statistics); the LINE user ids go.
  'push_batches.recipients': {
    table: pushBatches,
    where: (cutoff) =>
      and(
        ne(pushBatches.recipients, '[]'),
        inArray(
          pushBatches.jobId,
          sql`(select ${pushJobs.id} from ${pushJobs} where ${inArray(pushJobs.status, [...FINISHED_JOBS])} and ${lt(pushJobs.finishedAt, cutoff)})`,
        ),
      )!,
    apply: async (store, rows) =>
      (await store.db.update(pushBatches).set({ recipients: '[]' }).where(rows).returning(one))
        .length,
  },
  // Sent, skipped and failed notifications (pending ones wait to be sent). Rows are planned in
  // time order, so the old ones are the lowest ids: each chunk looks at the `chunk` oldest rows
  // that are no longer pending (there is no index on created_at; the pending ones, few, are
  // stepped over), as audit_log below.
  notifications: {
    ...deleting(
      notifications,
      (cutoff) => and(ne(notifications.status, 'pending'), lt(notifications.createdAt, cutoff))!,
    ),
    chunk: (_store, cutoff, chunk) =>
      sql`${notifications.id} in (select "id" from (select ${notifications.id} as "id", ${notifications.createdAt} as "at" from ${notifications} where +${notifications.status} <> 'pending' order by ${notifications.id} limit ${chunk}) where "at" < ${cutoff})`,
  },
  // Rows are written in time order, so the old ones are the lowest ids: each chunk looks only at
  // the `chunk` oldest rows (audit_log has no index on `at`; a condition on it alone would read
  // the whole log every hour). The dry run counts by `at` over the whole log.
  audit_log: {
    ...deleting(auditLog, (cutoff) => lt(auditLog.at, cutoff)),
    chunk: (_store, cutoff, chunk) =>
      sql`${auditLog.id} in (select "id" from (select ${auditLog.id} as "id", ${auditLog.at} as "at" from ${auditLog} order by ${auditLog.id} limit ${chunk}) where "at" < ${cutoff})`,
  },
  staff_sessions: deleting(staffSessions, (cutoff) => lt(staffSessions.expiresAt, cutoff)),
  staff_audit: deleting(staffAudit, (cutoff) => lt(staffAudit.at, cutoff)),
};

/**
 * How many rows `prune` would change now (the dry run). `after`: rules that run before this one
 * on the same table and delete rows; rows they take are not counted again.
 */
export async function countPrunable(
  store: Store,
  key: PruneKey,
  cutoff: number,
  after: readonly { key: PruneKey; cutoff: number }[] = [],
): Promise<number> {
  const target = TARGETS[key];
  const rows = await store.db
    .select({ n: count() })
    .from(target.table)
    .where(
      and(
        target.where(cutoff),
        ...after.map((a) => sql`not coalesce(${TARGETS[a.key].where(a.cutoff)}, 0)`),
      ),
    );
  return Number(rows[0]?.n ?? 0);
}

export const PRUNE_CHUNK = 1000;
/** How long one chunk waits for a busy database before the rule fails (until the next run). */
const BUSY_DEADLINE_MS = 30_000;

/**
 * Prunes every row of `key` past `cutoff`, `chunk` rows per statement, and returns how many.
 * Each chunk is its own statement (atomic on both runtimes); between chunks the event loop runs,
 * so the webhook is served while a large backlog is pruned.
 */
export async function prune(
  store: Store,
  key: PruneKey,
  cutoff: number,
  chunk: number = PRUNE_CHUNK,
): Promise<number> {
  const target = TARGETS[key];
  const id = rowid(target.table);
  let total = 0;
  for (;;) {
    const rows =
      target.chunk?.(store, cutoff, chunk) ??
      inArray(
        id,
        store.db.select({ id }).from(target.table).where(target.where(cutoff)).limit(chunk),
      );
    // Node: another connection (an import, a processing thread) may hold the write lock for
    // a moment; wait for it on timers rather than failing the rule (D1 never reports busy).
    const n = await retryWhileBusy(() => target.apply(store, rows), {
      deadlineMs: BUSY_DEADLINE_MS,
    });
    total += n;
    if (n < chunk) return total;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
