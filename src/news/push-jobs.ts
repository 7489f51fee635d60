/**
 * The push-job runner, shared by both runtimes: a Node interval worker (src/entry/node.ts), the
 * Workers cron (src/entry/worker.ts) and the CLI (`broadcast`) each call `runPushJobs`, a step
 * that does as much as its budget allows and can stop (or be killed) anywhere.
 *
 * Exactly once, as far as LINE allows:
 *  - the audience is written as batches, each with its own X-Line-Retry-Key, before the first
 *    call (src/store/push-jobs.ts); a resumed job never re-reads a changed audience;
 *  - a batch is marked sent only after LINE accepted it; a batch that LINE accepted just before a
 *    crash is sent again with the same key and LINE answers 409 (accepted before) → delivered;
 *  - 429, 5xx, timeouts and network errors are retried with exponential backoff and full jitter
 *    until 24 h after the job was created (LINE keeps a retry key for 24 h), then the batch fails
 *    and the job ends `failed` with the count of recipients not reached; other 4xx fail at once.
 * Multicast calls are paced at `config.pushRatePerSecond` (≤ 200/s); broadcast jobs respect
 * LINE's 60 broadcasts per hour.
 *
 * From the operator console: a `scheduled` job is started by the first run at or after its
 * `scheduled_at` (never before); a `paused` job is skipped, no batch of it is claimed once it is
 * paused, and resuming it continues with the same batches and retry keys.
 */

import type { Deps } from '../deps.ts';
import { type Lang, SPOKEN } from '../i18n.ts';
import { LineApiError, type SendResult } from '../line/client.ts';
import { LIMITS, type Message, MessageLimitError } from '../line/limits.ts';
import { Pacer } from '../line/pacer.ts';
import { writeAudit } from '../store/audit.ts';
import { getNews } from '../store/news.ts';
import {
  claimBatch,
  completeSnapshot,
  countBroadcastsSince,
  countOptedOutFollowers,
  createPushJob,
  failJob,
  failPendingBatches,
  finishJob,
  getJobProgress,
  getPushJob,
  insertBatches,
  type JobProgress,
  listActiveJobs,
  markBatchFailed,
  markBatchSent,
  markJobStarted,
  nextPendingAt,
  type PushBatchRow,
  type PushJobRow,
  readyBatchNumbers,
  recipientPage,
  type Segment,
  scheduleRetry,
  snapshotCursor,
} from '../store/push-jobs.ts';
import { pushMessages } from './card.ts';

export const BROADCASTS_PER_HOUR = 60;
const HOUR = 3600_000;
/** Batches written per snapshot transaction (20 × 500 = 10,000 recipients). */
const SNAPSHOT_CHUNK = 20;

export interface RunOptions {
  /** Stop after this many LINE calls. */
  maxBatches?: number;
  /** Stop starting new work after this many ms (the Workers cron budget). */
  deadlineMs?: number;
  /** Only this job. */
  jobId?: number;
  /** Calls per second; default `config.pushRatePerSecond`; Infinity = unthrottled (bench). */
  ratePerSecond?: number;
  /** Called after every batch outcome (the CLI progress bar). */
  onProgress?: (progress: JobProgress) => void;
}

export interface RunReport {
  /** LINE calls made (attempts, including retries and 409s). */
  calls: number;
  batchesSent: number;
  batchesFailed: number;
  /** Jobs that reached done/failed during this run. */
  jobsFinished: number;
  /** True when work is left (deadline, maxBatches, or batches waiting for a retry). */
  more: boolean;
}

class Budget {
  calls = 0;
  constructor(
    private readonly deps: Deps,
    readonly deadline: number,
    private readonly maxCalls: number,
  ) {}
  get exhausted(): boolean {
    return this.calls >= this.maxCalls || this.deps.clock.now() >= this.deadline;
  }
  /** Takes one call from the budget (synchronously, so concurrent workers cannot overdraw). */
  reserve(): boolean {
    if (this.exhausted) return false;
    this.calls++;
    return true;
  }
  release(): void {
    this.calls--;
  }
  canWaitUntil(at: number): boolean {
    return at < this.deadline && this.calls < this.maxCalls;
  }
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base × 2^retry)]. */
export function jobBackoff(baseMs: number, maxMs: number, retry: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.max(1, Math.round(Math.random() * cap));
}

/**
 * One step of every pending and running job (or just `options.jobId`); a scheduled job becomes
 * pending here once its time has come (never before), a paused one is skipped until resumed.
 */
export async function runPushJobs(deps: Deps, options: RunOptions = {}): Promise<RunReport> {
  const budget = new Budget(
    deps,
    deps.clock.now() + (options.deadlineMs ?? Number.POSITIVE_INFINITY),
    options.maxBatches ?? Number.POSITIVE_INFINITY,
  );
  const rate = options.ratePerSecond ?? deps.config.pushRatePerSecond;
  const pacer = new Pacer(deps, rate);
  const report: RunReport = {
    calls: 0,
    batchesSent: 0,
    batchesFailed: 0,
    jobsFinished: 0,
    more: false,
  };
  for (const job of await listActiveJobs(deps.store, options.jobId, deps.clock.now())) {
    if (budget.exhausted) {
      report.more = true;
      break;
    }
    let current: PushJobRow | undefined = job;
    if (current.status === 'pending') {
      const ready = await snapshot(deps, current, budget);
      if (!ready) {
        report.more = true;
        continue;
      }
      current = { ...current, status: 'running' };
    }
    const outcome = await deliver(deps, current, budget, pacer, report, options.onProgress);
    if (outcome === 'finished') report.jobsFinished++;
    else if (outcome === 'paused') report.more = true;
  }
  report.calls = budget.calls;
  return report;
}

// --- snapshot -------------------------------------------------------------------------------

/** Writes the job's audience into batches; resumable. True when the job is ready to send. */
async function snapshot(deps: Deps, job: PushJobRow, budget: Budget): Promise<boolean> {
  const { store, clock } = deps;
  if (job.kind === 'broadcast') {
    const recent = await countBroadcastsSince(store, clock.now() - HOUR, 'startedAt', job.id);
    if (recent.count >= BROADCASTS_PER_HOUR) {
      deps.log.warn('broadcast delayed: LINE allows 60 broadcasts per hour', {
        jobId: job.id,
        nextSlotAt: new Date((recent.oldest ?? clock.now()) + HOUR).toISOString(),
      });
      return false;
    }
  }
  await markJobStarted(store, job.id, clock.now());
  if (job.kind === 'broadcast') {
    const cursor = await snapshotCursor(store, job.id);
    if (cursor.nextBatchNo === 0)
      await insertBatches(store, job.id, [{ batchNo: 0, recipients: [] }]);
  } else {
    const segment = (job.segment ? JSON.parse(job.segment) : {}) as Segment;
    if (segment.sections?.length || segment.provinces?.length || segment.linked !== undefined) {
      // Section/province come from insured persons' records: one audit entry per job.
      await writeAudit(store, {
        at: clock.now(),
        actor: `push-job:${job.id}`,
        personId: null,
        action: 'read_news_targeting',
        purpose: `news push job ${job.id}: audience by section/province/linked`,
      });
    }
    let { nextBatchNo, afterUserId } = await snapshotCursor(store, job.id);
    for (;;) {
      if (deps.clock.now() >= budget.deadline) return false;
      const chunk: { batchNo: number; recipients: string[] }[] = [];
      let done = false;
      while (chunk.length < SNAPSHOT_CHUNK) {
        const page = await recipientPage(
          store,
          segment,
          SPOKEN,
          afterUserId,
          LIMITS.multicastRecipients,
        );
        if (page.length > 0) {
          chunk.push({ batchNo: nextBatchNo++, recipients: page });
          afterUserId = page.at(-1)!;
        }
        if (page.length < LIMITS.multicastRecipients) {
          done = true;
          break;
        }
      }
      await insertBatches(store, job.id, chunk);
      if (done) break;
    }
  }
  await completeSnapshot(store, job.id, clock.now());
  return true;
}

// --- delivery -------------------------------------------------------------------------------

/** finished: done, failed or cancelled; paused: the budget ran out; stopped: an operator paused it. */
type Outcome = 'finished' | 'paused' | 'stopped';

async function deliver(
  deps: Deps,
  job: PushJobRow,
  budget: Budget,
  pacer: Pacer,
  report: RunReport,
  onProgress: RunOptions['onProgress'],
): Promise<Outcome> {
  const { store, clock, tuning } = deps;
  const messages = await messagesFor(deps, job);
  if (typeof messages === 'string') {
    await failPendingBatches(store, job.id, messages);
    await failJob(store, job.id, messages, clock.now());
    return 'finished';
  }
  const progress = async () => {
    if (!onProgress) return;
    const p = await getJobProgress(store, job.id);
    if (p) onProgress(p);
  };
  // A scheduled job's window starts at its time, not when it was created.
  const retryUntil = Math.max(job.createdAt, job.scheduledAt ?? 0) + tuning.jobRetryWindowMs;

  const attempt = async (batchNo: number): Promise<void> => {
    if (!budget.reserve()) return;
    await pacer.take();
    const batch = await claimBatch(store, job.id, batchNo, clock.now(), tuning.jobLeaseMs);
    if (!batch) {
      budget.release(); // another runner has it, or it is done
      return;
    }
    let result: SendResult;
    try {
      result = await send(deps, job, batch, messages);
    } catch (err) {
      if (err instanceof MessageLimitError) {
        await failPendingBatches(store, job.id, err.message);
        report.batchesFailed++;
        return;
      }
      if (!(err instanceof LineApiError)) throw err; // a bug or a crash: the lease expires, resume
      const error = `${err.message}${err.body ? `: ${err.body.slice(0, 200)}` : ''}`;
      const at =
        clock.now() + jobBackoff(tuning.retryBaseMs, tuning.jobRetryMaxMs, batch.attempts - 1);
      if (err.retryable && at <= retryUntil) {
        await scheduleRetry(store, batch, at, error);
        deps.log.warn('push batch will be retried', {
          jobId: job.id,
          batchNo,
          attempt: batch.attempts,
          status: err.status,
          lineRequestId: err.requestId ?? undefined,
        });
      } else {
        await markBatchFailed(
          store,
          batch,
          err.retryable ? `gave up 24 h after the job was created: ${error}` : error,
        );
        report.batchesFailed++;
        deps.log.error('push batch failed', {
          jobId: job.id,
          batchNo,
          status: err.status,
          error,
          lineRequestId: err.requestId ?? undefined,
        });
      }
      await progress();
      return;
    }
    await markBatchSent(store, batch, result.requestId, clock.now());
    report.batchesSent++;
    await progress();
  };

  for (;;) {
    if (budget.exhausted) return 'paused';
    // Cancelled or paused (admin API, console) since the last round: stop sending. (claimBatch
    // also refuses a batch of a job that is not running, so a round stops at once.)
    const status = (await getPushJob(store, job.id))?.status;
    if (status === 'paused') return 'stopped';
    if (status !== 'running') return 'finished';
    const ready = await readyBatchNumbers(store, job.id, clock.now(), 500);
    if (ready.length === 0) {
      const next = await nextPendingAt(store, job.id);
      if (next === undefined) {
        const status = await finishJob(store, job.id, clock.now());
        deps.log.info(`push job ${status}`, { jobId: job.id });
        await progress();
        return 'finished';
      }
      const wait = Math.max(1, next - clock.now());
      if (!budget.canWaitUntil(clock.now() + wait)) return 'paused';
      await deps.sleep(wait);
      continue;
    }
    // A small pool of workers over the ready batches; the pacer keeps the overall rate.
    // An unexpected error stops every worker (as a crash would) and leaves the runner.
    let i = 0;
    let crash: { err: unknown } | undefined;
    const worker = async () => {
      while (i < ready.length && !budget.exhausted && !crash) {
        try {
          await attempt(ready[i++]!);
        } catch (err) {
          crash ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, tuning.jobConcurrency) }, worker));
    if (crash) throw crash.err;
  }
}

async function send(
  deps: Deps,
  job: PushJobRow,
  batch: PushBatchRow,
  messages: Message[],
): Promise<SendResult> {
  if (job.kind === 'broadcast') return deps.line.broadcast(messages, batch.retryKey);
  const to = JSON.parse(batch.recipients) as string[];
  return deps.line.multicast(to, messages, batch.retryKey);
}

/** The job's message, in the segment's language when it names one, else the item's first. */
async function messagesFor(deps: Deps, job: PushJobRow): Promise<Message[] | string> {
  const item = await getNews(deps.store, job.newsId);
  if (!item) return `news item ${job.newsId} no longer exists`;
  const segment = (job.segment ? JSON.parse(job.segment) : {}) as Segment;
  const lang = jobLanguage(deps, segment, item.languages);
  return pushMessages(item, lang, deps.i18n.t(lang));
}

export function jobLanguage(deps: Deps, segment: Segment, itemLanguages: readonly string[]): Lang {
  const one = segment.languages?.length === 1 ? segment.languages[0] : undefined;
  return deps.i18n.spoken(one) ?? deps.i18n.spoken(itemLanguages[0]) ?? 'th';
}

/**
 * Node: one runner step every `intervalMs` (never two at once). `stop()` waits for the step in
 * progress. Jobs are resumable, so a step cut short by a shutdown loses nothing.
 */
export function startPushWorker(deps: Deps, intervalMs = 1000): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runPushJobs(deps, { deadlineMs: 30_000 })
      .catch((err: unknown) => deps.log.error('push job runner failed', { error: err }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export class PushJobRefused extends Error {
  override readonly name = 'PushJobRefused';
  constructor(
    message: string,
    readonly status: 404 | 409 | 429,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface CreatedJob {
  readonly job: PushJobRow;
  /** Set when the job was changed on the way in (a broadcast sent as multicast). */
  readonly note?: string;
}

/**
 * Creates a push job for a published news item. A broadcast reaches every friend of the
 * account, so it cannot leave out the users who said "หยุดรับข่าว": while anyone has opted out,
 * a broadcast is sent as a multicast to every active follower who has not. Broadcasts are
 * refused once 60 were created in the last hour (LINE's limit).
 */
export async function createNewsPushJob(
  deps: Deps,
  request: {
    newsId: number;
    kind: 'broadcast' | 'multicast';
    segment?: Segment;
    /** Start at this time (ms), not at once: the job waits as `scheduled`. */
    scheduledAt?: number;
    /** The staff account creating it (operator console). */
    createdBy?: number;
  },
): Promise<CreatedJob> {
  const { store, clock } = deps;
  const now = clock.now();
  const extra = {
    ...(request.scheduledAt !== undefined ? { scheduledAt: request.scheduledAt } : {}),
    ...(request.createdBy !== undefined ? { createdBy: request.createdBy } : {}),
  };
  const item = await getNews(store, request.newsId);
  if (!item) throw new PushJobRefused(`news item ${request.newsId} does not exist`, 404);
  if (item.status !== 'published') {
    throw new PushJobRefused(`news item ${request.newsId} is a draft; publish it first`, 409);
  }
  if (request.kind === 'broadcast') {
    const optedOut = await countOptedOutFollowers(store);
    if (optedOut > 0) {
      const job = await createPushJob(
        store,
        { newsId: item.id, kind: 'multicast', segment: {}, ...extra },
        now,
      );
      return {
        job,
        note: `${optedOut} follower(s) stopped news; LINE broadcast cannot leave them out, so this job is a multicast to every other active follower`,
      };
    }
    const recent = await countBroadcastsSince(store, now - HOUR, 'createdAt');
    if (recent.count >= BROADCASTS_PER_HOUR) {
      const retryAfter = Math.max(1, Math.ceil(((recent.oldest ?? now) + HOUR - now) / 1000));
      throw new PushJobRefused(
        `LINE allows ${BROADCASTS_PER_HOUR} broadcasts per hour and ${recent.count} were created in the last hour; the next one is possible in ${retryAfter} s`,
        429,
        retryAfter,
      );
    }
    return {
      job: await createPushJob(
        store,
        { newsId: item.id, kind: 'broadcast', segment: null, ...extra },
        now,
      ),
    };
  }
  return {
    job: await createPushJob(
      store,
      { newsId: item.id, kind: 'multicast', segment: request.segment ?? {}, ...extra },
      now,
    ),
  };
}
