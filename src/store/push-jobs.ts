/**
 * Push jobs and their batches (src/news/push-jobs.ts runs them). A job's audience is written
 * once, as batches of ≤ 500 user ids each with its own X-Line-Retry-Key, before anything is sent;
 * every state change after that is a single atomic write, so a job can stop anywhere and resume.
 *
 *   job:   scheduled ──its time came──▶ pending ──snapshot──▶ running ──all batches sent──▶ done
 *                                                          │  ▲   └─some batch failed──▶ failed
 *                                                    pause ▼  │ resume
 *                                                          paused
 *          scheduled|pending|running|paused ──cancel──▶ cancelled
 *   batch: pending ──LINE 2xx / 409──▶ sent
 *          pending ──4xx, or retries past the window──▶ failed
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  inArray,
  isNull,
  lte,
  min,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { BatchQuery, Store } from './db.ts';
import type { SectionNo } from './news.ts';
import { accountLinks, insuredPersons, lineUsers, pushBatches, pushJobs } from './schema.ts';

export type JobKind = 'broadcast' | 'multicast';
/** `scheduled` waits for its time, `paused` for an operator (both from the operator console). */
export type JobStatus = PushJobRow['status'];

/** Who a multicast job reaches; every field narrows, none = every active follower. */
export interface Segment {
  sections?: SectionNo[];
  provinces?: string[];
  languages?: string[];
  /** true: only users linked to an insured person; false: only users not linked. */
  linked?: boolean;
}

export type PushJobRow = typeof pushJobs.$inferSelect;
export type PushBatchRow = typeof pushBatches.$inferSelect;

export interface JobProgress {
  readonly id: number;
  readonly newsId: number;
  readonly kind: JobKind;
  readonly segment: Segment | null;
  readonly status: JobStatus;
  /** False while the audience is still being written into batches. */
  readonly snapshotComplete: boolean;
  readonly totalRecipients: number;
  readonly sentRecipients: number;
  readonly failedRecipients: number;
  readonly batchesTotal: number;
  readonly batchesSent: number;
  readonly batchesFailed: number;
  readonly batchesPending: number;
  readonly error: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/**
 * Rows per INSERT statement: D1 allows 100 bound parameters, and drizzle binds 7 per batch row
 * (the 5 given, and the defaults of `status` and `attempts`). At 15 rows (105 parameters) every
 * multicast of more than 14 batches (7,000 recipients) failed its snapshot on D1 only
 * (test/store-contract/suite.ts).
 */
const ROWS_PER_INSERT = 14;

/**
 * A new job: `pending` (the runner starts it at once), or `scheduled` when `scheduledAt` is
 * given (the runner starts it once that time has come, never before).
 */
export async function createPushJob(
  store: Store,
  job: {
    newsId: number;
    kind: JobKind;
    segment: Segment | null;
    scheduledAt?: number | null;
    createdBy?: number | null;
  },
  now: number,
): Promise<PushJobRow> {
  const scheduled = job.scheduledAt !== undefined && job.scheduledAt !== null;
  const rows = await store.db
    .insert(pushJobs)
    .values({
      newsId: job.newsId,
      kind: job.kind,
      segment: job.segment ? JSON.stringify(job.segment) : null,
      ...(scheduled ? { status: 'scheduled' as const, scheduledAt: job.scheduledAt } : {}),
      ...(job.createdBy != null ? { createdBy: job.createdBy } : {}),
      createdAt: now,
    })
    .returning();
  return rows[0]!;
}

export async function getPushJob(store: Store, id: number): Promise<PushJobRow | undefined> {
  const rows = await store.db.select().from(pushJobs).where(eq(pushJobs.id, id)).limit(1);
  return rows[0];
}

/**
 * Jobs the runner should work on, oldest first. Given `now`, scheduled jobs whose time has come
 * become pending first (one atomic write, so two runners cannot both start one twice: the
 * snapshot's batch keys guard the rest); without it, scheduled jobs are left alone. Paused jobs
 * are never listed.
 */
export async function listActiveJobs(
  store: Store,
  jobId?: number,
  now?: number,
): Promise<PushJobRow[]> {
  if (now !== undefined) await startDueJobs(store, now, jobId);
  return store.db
    .select()
    .from(pushJobs)
    .where(
      and(
        inArray(pushJobs.status, ['pending', 'running']),
        jobId === undefined ? undefined : eq(pushJobs.id, jobId),
      ),
    )
    .orderBy(asc(pushJobs.createdAt), asc(pushJobs.id));
}

/** Scheduled jobs whose time has come (`scheduled_at <= now`) become pending. */
export async function startDueJobs(store: Store, now: number, jobId?: number): Promise<number> {
  const rows = await store.db
    .update(pushJobs)
    .set({ status: 'pending' })
    .where(
      and(
        eq(pushJobs.status, 'scheduled'),
        lte(pushJobs.scheduledAt, now),
        jobId === undefined ? undefined : eq(pushJobs.id, jobId),
      ),
    )
    .returning({ id: pushJobs.id });
  return rows.length;
}

export async function listPushJobs(store: Store, limit = 50): Promise<PushJobRow[]> {
  return store.db.select().from(pushJobs).orderBy(desc(pushJobs.id)).limit(limit);
}

/** The jobs of these news items, newest first (the console's news list). */
export async function listPushJobsForNews(
  store: Store,
  newsIds: readonly number[],
  perItem = 10,
): Promise<Map<number, PushJobRow[]>> {
  const out = new Map<number, PushJobRow[]>();
  if (newsIds.length === 0) return out;
  const rows = await store.db
    .select()
    .from(pushJobs)
    .where(inArray(pushJobs.newsId, [...newsIds]))
    .orderBy(desc(pushJobs.id));
  for (const row of rows) {
    const list = out.get(row.newsId) ?? [];
    if (list.length < perItem) list.push(row);
    out.set(row.newsId, list);
  }
  return out;
}

/** Broadcast jobs created (`field: createdAt`) or started (`startedAt`) since `since`. */
export async function countBroadcastsSince(
  store: Store,
  since: number,
  field: 'createdAt' | 'startedAt',
  exceptJobId = -1,
): Promise<{ count: number; oldest: number | null }> {
  const column = field === 'createdAt' ? pushJobs.createdAt : pushJobs.startedAt;
  const rows = await store.db
    .select({ n: count(), oldest: min(column) })
    .from(pushJobs)
    .where(
      and(
        eq(pushJobs.kind, 'broadcast'),
        gt(column, since),
        ne(pushJobs.status, 'cancelled'),
        ne(pushJobs.id, exceptJobId),
      ),
    );
  return { count: Number(rows[0]?.n ?? 0), oldest: rows[0]?.oldest ?? null };
}

export async function countOptedOutFollowers(store: Store): Promise<number> {
  const rows = await store.db
    .select({ n: count() })
    .from(lineUsers)
    .where(and(eq(lineUsers.status, 'active'), eq(lineUsers.newsOptOut, true)));
  return Number(rows[0]?.n ?? 0);
}

// --- audience snapshot ----------------------------------------------------------------------

/** The language a user is answered in (as resolveLang): chosen, else profile, else Thai. */
function languageOf(spoken: readonly string[]) {
  const list = sql.join(
    spoken.map((l) => sql`${l}`),
    sql`, `,
  );
  return sql<string>`(case when ${lineUsers.chosenLanguage} in (${list}) then ${lineUsers.chosenLanguage} when ${lineUsers.profileLanguage} in (${list}) then ${lineUsers.profileLanguage} else 'th' end)`;
}

/**
 * Who a segment reaches: active followers who have not opted out of news, narrowed by the
 * segment; `undefined` when it can reach nobody. Shared by the snapshot's pages and the count
 * the console shows before sending, so the number staff see is the audience the job writes.
 */
function audience(
  segment: Segment,
  spoken: readonly string[],
): { conditions: SQL[]; join: 'none' | 'person' | 'link' } | undefined {
  const conditions: SQL[] = [
    // Unary + keeps SQLite off the status index: the page must walk the primary key in order
    // (keyset pagination), not sort every active user for each page.
    sql`+${lineUsers.status} = 'active'`,
    eq(lineUsers.newsOptOut, false),
  ];
  if (segment.languages?.length) {
    conditions.push(inArray(languageOf(spoken), segment.languages));
  }
  const needsPerson = Boolean(segment.sections?.length || segment.provinces?.length);
  if (segment.sections?.length) conditions.push(inArray(insuredPersons.section, segment.sections));
  if (segment.provinces?.length) {
    conditions.push(inArray(insuredPersons.provinceCode, segment.provinces));
  }
  if (segment.linked === true && !needsPerson)
    conditions.push(sql`${accountLinks.userId} is not null`);
  if (segment.linked === false) {
    if (needsPerson) return undefined; // section/province are only known for linked users
    conditions.push(isNull(accountLinks.userId));
  }
  const join = needsPerson ? 'person' : segment.linked !== undefined ? 'link' : 'none';
  return { conditions, join };
}

/** The audience's FROM and joins, for a select of `fields`. */
function audienceFrom(
  store: Store,
  fields: { userId: typeof lineUsers.userId } | { n: SQL<number> },
  join: 'none' | 'person' | 'link',
) {
  const base = store.db
    .select(fields as { userId: typeof lineUsers.userId })
    .from(lineUsers)
    .$dynamic();
  if (join === 'person') {
    return base
      .innerJoin(accountLinks, eq(accountLinks.userId, lineUsers.userId))
      .innerJoin(insuredPersons, eq(insuredPersons.id, accountLinks.personId));
  }
  if (join === 'link')
    return base.leftJoin(accountLinks, eq(accountLinks.userId, lineUsers.userId));
  return base;
}

/**
 * The next `limit` recipients of a segment after `afterUserId`, in user id order: active
 * followers who have not opted out of news, narrowed by the segment.
 */
export async function recipientPage(
  store: Store,
  segment: Segment,
  spoken: readonly string[],
  afterUserId: string,
  limit: number,
): Promise<string[]> {
  const who = audience(segment, spoken);
  if (!who) return [];
  const rows = (await audienceFrom(store, { userId: lineUsers.userId }, who.join)
    .where(and(...who.conditions, gt(lineUsers.userId, afterUserId)))
    .orderBy(asc(lineUsers.userId))
    .limit(limit)) as unknown as { userId: string }[];
  return rows.map((r) => r.userId);
}

/** How many recipients a multicast to this segment would have now (what the snapshot writes). */
export async function countRecipients(
  store: Store,
  segment: Segment,
  spoken: readonly string[],
): Promise<number> {
  const who = audience(segment, spoken);
  if (!who) return 0;
  const rows = (await audienceFrom(store, { n: sql<number>`count(*)` }, who.join).where(
    and(...who.conditions),
  )) as unknown as { n: number }[];
  return Number(rows[0]?.n ?? 0);
}

/** Active followers: who a LINE broadcast reaches (opted out or not: LINE cannot tell). */
export async function countActiveFollowers(store: Store): Promise<number> {
  const rows = await store.db
    .select({ n: count() })
    .from(lineUsers)
    .where(eq(lineUsers.status, 'active'));
  return Number(rows[0]?.n ?? 0);
}

/** Where an interrupted snapshot stopped: the last batch written and its last user id. */
export async function snapshotCursor(
  store: Store,
  jobId: number,
): Promise<{ nextBatchNo: number; afterUserId: string }> {
  const rows = await store.db
    .select({ batchNo: pushBatches.batchNo, recipients: pushBatches.recipients })
    .from(pushBatches)
    .where(eq(pushBatches.jobId, jobId))
    .orderBy(desc(pushBatches.batchNo))
    .limit(1);
  const last = rows[0];
  if (!last) return { nextBatchNo: 0, afterUserId: '' };
  const ids = JSON.parse(last.recipients) as string[];
  return { nextBatchNo: last.batchNo + 1, afterUserId: ids.at(-1) ?? '' };
}

export async function markJobStarted(store: Store, jobId: number, now: number): Promise<void> {
  await store.db
    .update(pushJobs)
    .set({ startedAt: now })
    .where(and(eq(pushJobs.id, jobId), isNull(pushJobs.startedAt)));
}

/**
 * Writes batches (each with a fresh retry key) and adds them to the job's totals, atomically.
 * The primary key (job, batch number) makes a second runner writing the same batches fail
 * instead of duplicating them.
 */
export async function insertBatches(
  store: Store,
  jobId: number,
  batches: readonly { batchNo: number; recipients: readonly string[] }[],
): Promise<void> {
  if (batches.length === 0) return;
  const rows = batches.map((b) => ({
    jobId,
    batchNo: b.batchNo,
    retryKey: crypto.randomUUID(),
    recipients: JSON.stringify(b.recipients),
    recipientCount: b.recipients.length,
  }));
  const queries: BatchQuery[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    queries.push(store.db.insert(pushBatches).values(rows.slice(i, i + ROWS_PER_INSERT)));
  }
  const recipients = rows.reduce((n, r) => n + r.recipientCount, 0);
  queries.push(
    store.db
      .update(pushJobs)
      .set({
        totalRecipients: sql`${pushJobs.totalRecipients} + ${recipients}`,
        batchesTotal: sql`${pushJobs.batchesTotal} + ${rows.length}`,
      })
      .where(eq(pushJobs.id, jobId)),
  );
  await store.batch(queries);
}

/** The audience is fully written: the job can send (or is done when it has no batch). */
export async function completeSnapshot(store: Store, jobId: number, now: number): Promise<void> {
  const job = await getPushJob(store, jobId);
  if (job?.status !== 'pending') return;
  const empty = job.batchesTotal === 0;
  await store.db
    .update(pushJobs)
    .set(empty ? { status: 'done', finishedAt: now } : { status: 'running' })
    .where(and(eq(pushJobs.id, jobId), eq(pushJobs.status, 'pending')));
}

// --- delivery -------------------------------------------------------------------------------

export async function readyBatchNumbers(
  store: Store,
  jobId: number,
  now: number,
  limit: number,
): Promise<number[]> {
  const rows = await store.db
    .select({ batchNo: pushBatches.batchNo })
    .from(pushBatches)
    .where(
      and(
        eq(pushBatches.jobId, jobId),
        eq(pushBatches.status, 'pending'),
        or(isNull(pushBatches.nextAttemptAt), lte(pushBatches.nextAttemptAt, now)),
      ),
    )
    .orderBy(asc(pushBatches.batchNo))
    .limit(limit);
  return rows.map((r) => r.batchNo);
}

/** The earliest time a pending batch may be tried; undefined when none is pending. */
export async function nextPendingAt(store: Store, jobId: number): Promise<number | undefined> {
  const rows = await store.db
    .select({ n: count(), at: min(pushBatches.nextAttemptAt) })
    .from(pushBatches)
    .where(and(eq(pushBatches.jobId, jobId), eq(pushBatches.status, 'pending')));
  if (!rows[0] || Number(rows[0].n) === 0) return undefined;
  return rows[0].at ?? 0;
}

/** The batch, while it is still pending (not sent, not failed). */
function pendingBatch(jobId: number, batchNo: number) {
  return and(
    eq(pushBatches.jobId, jobId),
    eq(pushBatches.batchNo, batchNo),
    eq(pushBatches.status, 'pending'),
  );
}

/**
 * Takes a pending batch for one attempt: counts the attempt and leases the batch until
 * `now + leaseMs` so that another runner leaves it alone. Undefined when it is not ready, or
 * when its job is no longer running (paused or cancelled since the runner read it: nothing new
 * is sent; a call already under way finishes and is recorded).
 */
export async function claimBatch(
  store: Store,
  jobId: number,
  batchNo: number,
  now: number,
  leaseMs: number,
): Promise<PushBatchRow | undefined> {
  const rows = await store.db
    .update(pushBatches)
    .set({ attempts: sql`${pushBatches.attempts} + 1`, nextAttemptAt: now + leaseMs })
    .where(
      and(
        pendingBatch(jobId, batchNo),
        or(isNull(pushBatches.nextAttemptAt), lte(pushBatches.nextAttemptAt, now)),
        sql`exists (select 1 from ${pushJobs} where ${pushJobs.id} = ${jobId} and ${pushJobs.status} = 'running')`,
      ),
    )
    .returning();
  return rows[0];
}

const stillPending = (jobId: number, batchNo: number) =>
  sql`exists (select 1 from ${pushBatches} where ${pushBatches.jobId} = ${jobId} and ${pushBatches.batchNo} = ${batchNo} and ${pushBatches.status} = 'pending')`;

/** LINE accepted the batch (2xx, or 409 for a key it accepted before). */
export async function markBatchSent(
  store: Store,
  batch: Pick<PushBatchRow, 'jobId' | 'batchNo' | 'recipientCount'>,
  requestId: string | null,
  now: number,
): Promise<void> {
  await store.batch([
    // Counted only if this call is the one that moves the batch to sent.
    store.db
      .update(pushJobs)
      .set({
        sentRecipients: sql`${pushJobs.sentRecipients} + ${batch.recipientCount}`,
        batchesDone: sql`${pushJobs.batchesDone} + 1`,
      })
      .where(and(eq(pushJobs.id, batch.jobId), stillPending(batch.jobId, batch.batchNo))),
    store.db
      .update(pushBatches)
      .set({ status: 'sent', sentAt: now, acceptedRequestId: requestId, nextAttemptAt: null })
      .where(pendingBatch(batch.jobId, batch.batchNo)),
  ]);
}

export async function scheduleRetry(
  store: Store,
  batch: Pick<PushBatchRow, 'jobId' | 'batchNo'>,
  at: number,
  error: string,
): Promise<void> {
  await store.db
    .update(pushBatches)
    .set({ nextAttemptAt: at, lastError: error.slice(0, 500) })
    .where(pendingBatch(batch.jobId, batch.batchNo));
}

export async function markBatchFailed(
  store: Store,
  batch: Pick<PushBatchRow, 'jobId' | 'batchNo'>,
  error: string,
): Promise<void> {
  await store.db
    .update(pushBatches)
    .set({ status: 'failed', lastError: error.slice(0, 500), nextAttemptAt: null })
    .where(pendingBatch(batch.jobId, batch.batchNo));
}

/** Fails every pending batch of a job (a message LINE will never accept). */
export async function failPendingBatches(store: Store, jobId: number, error: string) {
  await store.db
    .update(pushBatches)
    .set({ status: 'failed', lastError: error.slice(0, 500), nextAttemptAt: null })
    .where(and(eq(pushBatches.jobId, jobId), eq(pushBatches.status, 'pending')));
}

/** No batch is pending any more: the job is done, or failed with what was not delivered. */
export async function finishJob(store: Store, jobId: number, now: number): Promise<JobStatus> {
  const failed = await store.db
    .select({
      n: count(),
      recipients: sql<number>`coalesce(sum(${pushBatches.recipientCount}), 0)`,
    })
    .from(pushBatches)
    .where(and(eq(pushBatches.jobId, jobId), eq(pushBatches.status, 'failed')));
  const n = Number(failed[0]?.n ?? 0);
  let error: string | null = null;
  if (n > 0) {
    const last = await store.db
      .select({ lastError: pushBatches.lastError })
      .from(pushBatches)
      .where(and(eq(pushBatches.jobId, jobId), eq(pushBatches.status, 'failed')))
      .orderBy(desc(pushBatches.batchNo))
      .limit(1);
    error = `${n} batch(es) failed, ${Number(failed[0]?.recipients ?? 0)} recipient(s) not delivered; last error: ${last[0]?.lastError ?? 'unknown'}`;
  }
  const status: JobStatus = n > 0 ? 'failed' : 'done';
  await store.db
    .update(pushJobs)
    .set({ status, error, finishedAt: now })
    .where(and(eq(pushJobs.id, jobId), eq(pushJobs.status, 'running')));
  return status;
}

export async function failJob(store: Store, jobId: number, error: string, now: number) {
  await store.db
    .update(pushJobs)
    .set({ status: 'failed', error: error.slice(0, 1000), finishedAt: now })
    .where(and(eq(pushJobs.id, jobId), inArray(pushJobs.status, ['pending', 'running'])));
}

/** Statuses a job can be cancelled from. */
export const CANCELLABLE: readonly JobStatus[] = ['scheduled', 'pending', 'running', 'paused'];

/** Stops a job for good: nothing more is sent (a call already under way finishes). */
export async function cancelJob(store: Store, jobId: number, now: number): Promise<boolean> {
  return moveJob(store, jobId, CANCELLABLE, { status: 'cancelled', finishedAt: now });
}

/** Sets `set` on the job if its status is one of `from`; false when it was not. */
async function moveJob(
  store: Store,
  jobId: number,
  from: readonly JobStatus[],
  set: Partial<PushJobRow>,
): Promise<boolean> {
  const rows = await store.db
    .update(pushJobs)
    .set(set)
    .where(and(eq(pushJobs.id, jobId), inArray(pushJobs.status, [...from])))
    .returning({ id: pushJobs.id });
  return rows.length > 0;
}

/**
 * Pauses a running job: the runner claims no further batch of it (a call under way finishes)
 * and skips it until it is resumed. Its batches and their retry keys stay as they are.
 */
export async function pauseJob(store: Store, jobId: number): Promise<boolean> {
  return moveJob(store, jobId, ['running'], { status: 'paused' });
}

/**
 * Resumes a paused job: running again, with the same batches and retry keys, so a batch sent
 * before the pause is not sent again and one LINE accepted under way answers 409.
 */
export async function resumeJob(store: Store, jobId: number): Promise<boolean> {
  return moveJob(store, jobId, ['paused'], { status: 'running' });
}

export async function getJobProgress(
  store: Store,
  jobId: number,
): Promise<JobProgress | undefined> {
  const job = await getPushJob(store, jobId);
  if (!job) return undefined;
  // Counts come from the (job_id, status) index alone: batch rows carry up to 500 user ids
  // each, and the CLI asks for progress after every batch.
  const byStatus = await store.db
    .select({ status: pushBatches.status, n: count() })
    .from(pushBatches)
    .where(eq(pushBatches.jobId, jobId))
    .groupBy(pushBatches.status);
  const of = (s: string) => byStatus.find((r) => r.status === s);
  const failed = Number(of('failed')?.n ?? 0)
    ? await store.db
        .select({ recipients: sql<number>`coalesce(sum(${pushBatches.recipientCount}), 0)` })
        .from(pushBatches)
        .where(and(eq(pushBatches.jobId, jobId), eq(pushBatches.status, 'failed')))
    : [{ recipients: 0 }];
  return {
    id: job.id,
    newsId: job.newsId,
    kind: job.kind,
    segment: job.segment ? (JSON.parse(job.segment) as Segment) : null,
    status: job.status,
    snapshotComplete: job.status !== 'pending' && job.status !== 'scheduled',
    totalRecipients: job.totalRecipients,
    sentRecipients: job.sentRecipients,
    failedRecipients: Number(failed[0]?.recipients ?? 0),
    batchesTotal: job.batchesTotal,
    batchesSent: Number(of('sent')?.n ?? 0),
    batchesFailed: Number(of('failed')?.n ?? 0),
    batchesPending: Number(of('pending')?.n ?? 0),
    error: job.error,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
