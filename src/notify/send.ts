/**
 * The sender: pushes the notifications that are due, exactly once, in the user's language.
 *
 * - Never in quiet hours (NOTIFY_QUIET_HOURS, Asia/Bangkok): due ones wait for the end.
 * - Within the monthly message quota: LINE's quota and this month's consumption are read
 *   first; when more is due than is left (after a reserve for the chat's own pushes), only what
 *   fits is sent, highest-value categories first (NOTIFICATION_CATEGORIES order), and the run
 *   stops with one operator line. Nothing due: LINE is not asked at all.
 * - Paced at NOTIFY_PUSH_RATE (LINE allows 2,000 pushes a second), a pool of calls in flight.
 * - Exactly once: every push carries X-Line-Retry-Key = stableRetryKey(`notify:<id>:<dedupe
 *   key>`) (`retryKeyOf`; computed synchronously, src/notify/retry-key.ts). A row
 *   is leased (attempts + 1) before its push and marked sent after LINE accepted it (or answered
 *   409: accepted before). A run killed between the two leaves the row leased; after the lease
 *   the next run pushes it again with the same key and LINE answers 409 instead of delivering.
 *   429, 5xx and timeouts are retried by later runs with backoff (up to `tuning.pushAttempts`
 *   attempts, well inside the 24 hours LINE keeps a retry key); other 4xx fail at once.
 * - Checked again at send time: a user who unfollowed, unlinked or opted out meanwhile is
 *   skipped, and so is a reminder whose date has passed.
 */

import type { Deps } from '../deps.ts';
import { type Lang, resolveLang } from '../i18n.ts';
import { LineApiError, type MessageConsumption, type MessageQuota } from '../line/client.ts';
import { MessageLimitError } from '../line/limits.ts';
import { Pacer } from '../line/pacer.ts';
import { jobBackoff } from '../news/push-jobs.ts';
import { NOTIFICATION_CATEGORIES } from '../store/schema.ts';
import { bangkokDay, DAY_MS, inQuietHours, quietHoursEnd } from './dates.ts';
import { type CategoryCounts, CHANGE_CATEGORIES, zeroCounts } from './plan.ts';
import { CHANGE_LOOKBACK_DAYS } from './policy.ts';
import { lastUsefulDay, notificationMessage } from './render.ts';
import { stableRetryKeySync } from './retry-key.ts';
import {
  claimDue,
  countDue,
  type DueRow,
  dueChunk,
  emptyOutcomes,
  type Outcomes,
  pendingCursorStart,
  writeOutcomes,
} from './store.ts';

/** Rows read, leased and written per round. */
export const SEND_CHUNK = 500;
/** Part of the monthly quota never spent on notifications (the chat's pushes need it). */
export const QUOTA_RESERVE_FRACTION = 0.01;
export const QUOTA_RESERVE_MIN = 10;
/** Decisions and payments older than this are not announced any more. */
const CHANGE_MAX_AGE_MS = CHANGE_LOOKBACK_DAYS * DAY_MS;

export interface SendOptions {
  /** Stop starting pushes after this many ms of wall time (Workers cron, Node schedule). */
  readonly budgetMs?: number;
  /** Stop after this many LINE push calls (Workers' subrequest limit). */
  readonly maxPushes?: number;
  /** Pushes per second; default NOTIFY_PUSH_RATE; Infinity = unthrottled (bench). */
  readonly ratePerSecond?: number;
  /** Pushes in flight at once; default from the rate (Workers: at most 6 connections). */
  readonly concurrency?: number;
  readonly chunk?: number;
  /** Count and read the quota; push nothing, write nothing. */
  readonly dryRun?: boolean;
  /** Dry run: notifications the (dry) plan would have added, counted as due too. */
  readonly alsoDue?: CategoryCounts;
}

export interface QuotaState {
  /** Monthly limit; null = no limit set. */
  readonly limit: number | null;
  readonly used: number;
  readonly reserve: number;
  /** What this run may send (null = no limit). */
  readonly left: number | null;
}

export interface SendReport {
  /** Pending and due when the run started, per category. */
  readonly due: CategoryCounts;
  readonly dueTotal: number;
  sent: number;
  /** Pushes LINE answered 409 for (accepted before: delivered once, counted in `sent`). */
  duplicates: number;
  skipped: number;
  failed: number;
  /** Failed for now; a later run tries again. */
  retrying: number;
  /** Left pending by this run (quiet hours, quota, budget). */
  deferred: number;
  /** LINE push calls made. */
  calls: number;
  /** In quiet hours: nothing was sent; `resumeAt` is when they end. */
  quiet: boolean;
  resumeAt?: number;
  quota?: QuotaState;
  /** The operator message when the quota (or reading it) stopped the run. */
  quotaLine?: string;
  /** True when due work is left for a later run. */
  more: boolean;
}

/** Sends what is due at `at` (ms; the logical time: the CLI's --at, or now). */
export async function sendDueNotifications(
  deps: Deps,
  at: number,
  options: SendOptions = {},
): Promise<SendReport> {
  const { store, clock, config, tuning } = deps;
  const started = clock.now();
  const now = () => at + (clock.now() - started);
  const deadline = started + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  const maxPushes = options.maxPushes ?? Number.POSITIVE_INFINITY;
  const rate = options.ratePerSecond ?? config.notifyPushRate;
  const concurrency = Math.max(
    1,
    options.concurrency ?? (Number.isFinite(rate) ? Math.min(200, Math.ceil(rate / 10)) : 64),
  );
  const quietHours = config.notifyQuietHours;

  const due = await countDue(store, at);
  if (options.dryRun && options.alsoDue) {
    for (const c of NOTIFICATION_CATEGORIES) due[c] += options.alsoDue[c];
  }
  const dueTotal = Object.values(due).reduce((a, b) => a + b, 0);
  const report: SendReport = {
    due,
    dueTotal,
    sent: 0,
    duplicates: 0,
    skipped: 0,
    failed: 0,
    retrying: 0,
    deferred: 0,
    calls: 0,
    quiet: false,
    more: false,
  };
  if (dueTotal === 0) return report;
  if (inQuietHours(at, quietHours)) {
    report.quiet = true;
    report.resumeAt = quietHoursEnd(at, quietHours);
    report.deferred = dueTotal;
    report.more = true;
    return report;
  }

  // The quota first: never start what would run it out.
  let quota: QuotaState;
  try {
    const [q, c] = await Promise.all([
      deps.line.getMessageQuota(),
      deps.line.getMessageConsumption(),
    ]);
    quota = quotaState(q, c);
  } catch (err) {
    report.quotaLine = `notifications: could not read LINE's message quota (${err instanceof Error ? err.message : String(err)}); ${dueTotal} due, none sent; the next run tries again`;
    deps.log.error(report.quotaLine);
    report.deferred = dueTotal;
    report.more = true;
    return report;
  }
  report.quota = quota;
  const allowance = allocate(due, quota.left);
  const allowedTotal = Object.values(allowance).reduce((a, b) => a + b, 0);
  const quotaShort = quota.left !== null && dueTotal > quota.left;

  if (options.dryRun) {
    report.sent = allowedTotal;
    report.deferred = dueTotal - allowedTotal;
    if (quotaShort) report.quotaLine = quotaMessage(quota, dueTotal, allowedTotal, true);
    return report;
  }

  const pacer = new Pacer(deps, rate);
  const maxAttempts = Math.max(1, tuning.pushAttempts);
  let cursor = await pendingCursorStart(store);
  let throttled = false;
  for (;;) {
    const categories = NOTIFICATION_CATEGORIES.filter((c) => allowance[c] > 0);
    if (categories.length === 0) break;
    if (clock.now() >= deadline || report.calls >= maxPushes || inQuietHours(now(), quietHours)) {
      report.more = true;
      break;
    }
    if (throttled) {
      // LINE answered 429: give it a moment before the next chunk.
      await deps.sleep(Math.min(5000, jobBackoff(tuning.retryBaseMs, tuning.jobRetryMaxMs, 2)));
      throttled = false;
    }
    const t = now();
    const rows = await dueChunk(store, t, cursor, categories, options.chunk ?? SEND_CHUNK);
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;

    const outcomes = emptyOutcomes();
    const toSend: Prepared[] = [];
    const today = bangkokDay(t);
    for (const row of rows) {
      const ready = prepare(deps, row, today, t);
      if ('skip' in ready) {
        outcomes.skipped.set(row.id, ready.skip);
        continue;
      }
      if ('fail' in ready) {
        outcomes.failed.set(row.id, ready.fail);
        continue;
      }
      if (allowance[row.category] <= 0) continue; // the quota's share of this category is used
      if (report.calls + toSend.length >= maxPushes) {
        report.more = true;
        break;
      }
      allowance[row.category]--;
      toSend.push(ready);
    }

    const claimed = await claimDue(
      store,
      toSend.map((p) => p.row.id),
      t,
      t + tuning.jobLeaseMs,
    );
    const batch = toSend.filter((p) => claimed.has(p.row.id));
    report.calls += batch.length;
    throttled = await pushAll(deps, batch, outcomes, pacer, concurrency, maxAttempts, now, report);
    await writeOutcomes(store, outcomes, now());
    report.skipped += outcomes.skipped.size;
    report.failed += outcomes.failed.size;
    report.retrying += outcomes.retry.size;
    report.sent += outcomes.sent.size;
  }

  const remaining = await countDue(store, now());
  const left = Object.values(remaining).reduce((a, b) => a + b, 0);
  report.deferred = left;
  if (left > 0) report.more = true;
  if (quotaShort) {
    report.quotaLine = quotaMessage(quota, dueTotal, report.sent, false);
    deps.log.warn(report.quotaLine, {
      quotaLimit: quota.limit,
      quotaUsed: quota.used,
      reserve: quota.reserve,
      due: dueTotal,
      sent: report.sent,
    });
  }
  if (report.calls > 0 || report.skipped > 0 || report.failed > 0) {
    deps.log.info('notifications sent', {
      sent: report.sent,
      duplicates: report.duplicates,
      skipped: report.skipped,
      failed: report.failed,
      retrying: report.retrying,
      deferred: report.deferred,
    });
  }
  return report;
}

export function quotaState(q: MessageQuota, c: MessageConsumption): QuotaState {
  if (q.limit === null) return { limit: null, used: c.totalUsage, reserve: 0, left: null };
  const reserve = Math.max(QUOTA_RESERVE_MIN, Math.ceil(q.limit * QUOTA_RESERVE_FRACTION));
  return {
    limit: q.limit,
    used: c.totalUsage,
    reserve,
    left: Math.max(0, q.limit - c.totalUsage - reserve),
  };
}

/** What each category may send: all of it, or the quota's rest in value order. */
export function allocate(due: CategoryCounts, left: number | null): CategoryCounts {
  const out = zeroCounts();
  let rest = left ?? Number.POSITIVE_INFINITY;
  for (const c of NOTIFICATION_CATEGORIES) {
    out[c] = Math.min(due[c], rest);
    rest -= out[c];
  }
  return out;
}

function quotaMessage(quota: QuotaState, due: number, sent: number, dryRun: boolean): string {
  const rest = due - sent;
  return (
    `quota: ${quota.left ?? 0} left (limit ${quota.limit}, used ${quota.used}, ${quota.reserve} kept in reserve), ${due} due; ` +
    `${dryRun ? 'would send' : 'sent'} ${sent}, highest-value first; the rest (${rest}) wait until ` +
    `the monthly quota resets or is raised (LINE Official Account Manager)`
  );
}

// --- one push --------------------------------------------------------------------------------

interface Prepared {
  readonly row: DueRow;
  readonly lang: Lang;
  readonly message: NonNullable<ReturnType<typeof notificationMessage>>;
}

/** Whether a due row can go out now, and its message. */
function prepare(
  deps: Deps,
  row: DueRow,
  today: string,
  now: number,
): Prepared | { skip: string } | { fail: string } {
  if (row.follow !== 'active') return { skip: 'the user does not follow the account' };
  if (!Number(row.linked)) return { skip: 'the user is no longer linked' };
  if (!Number(row.optedIn)) return { skip: 'the user turned this category off' };
  let params: Record<string, unknown>;
  try {
    params = JSON.parse(row.params) as Record<string, unknown>;
  } catch {
    return { fail: 'params are not JSON' };
  }
  const last = lastUsefulDay(row.category, params);
  if (last !== undefined && today > last) return { skip: `expired: its date (${last}) passed` };
  if (CHANGE_CATEGORIES.includes(row.category) && now - row.createdAt > CHANGE_MAX_AGE_MS) {
    return { skip: 'expired: too old to announce' };
  }
  const lang = resolveLang(deps.i18n, row);
  const message = notificationMessage(row.category, params, lang, deps.i18n.t(lang));
  if (!message) return { fail: `no message for category ${row.category}` };
  return { row, lang, message };
}

/**
 * Pushes a chunk with a pool of calls in flight; records each outcome. An error that is not
 * LINE's (a bug, a crash) stops the pool and is rethrown: nothing of the chunk is marked, and
 * the leases make the next run repeat it with the same retry keys. Returns true on a 429.
 */
async function pushAll(
  deps: Deps,
  batch: readonly Prepared[],
  outcomes: Outcomes,
  pacer: Pacer,
  concurrency: number,
  maxAttempts: number,
  now: () => number,
  report: SendReport,
): Promise<boolean> {
  let i = 0;
  let crash: { err: unknown } | undefined;
  let throttled = false;
  const one = async (p: Prepared) => {
    const id = p.row.id;
    await pacer.take();
    try {
      const result = await deps.line.push(p.row.userId, [p.message], retryKeyOf(p.row));
      outcomes.sent.set(id, result.requestId);
      if (result.duplicate) report.duplicates++;
    } catch (err) {
      if (err instanceof MessageLimitError) {
        outcomes.failed.set(id, err.message.slice(0, 500));
        deps.log.error('notification breaks LINE limits', { id, category: p.row.category });
        return;
      }
      if (!(err instanceof LineApiError)) throw err;
      const error = `${err.message}${err.body ? `: ${err.body.slice(0, 200)}` : ''}`;
      if (err.status === 429) throttled = true;
      const attempts = p.row.attempts + 1;
      if (err.retryable && attempts < maxAttempts) {
        const wait = jobBackoff(deps.tuning.retryBaseMs, deps.tuning.jobRetryMaxMs, attempts - 1);
        outcomes.retry.set(id, { at: now() + wait, error });
      } else {
        outcomes.failed.set(
          id,
          err.retryable ? `gave up after ${attempts} attempts: ${error}` : error,
        );
        deps.log.warn('notification failed', {
          id,
          category: p.row.category,
          status: err.status,
          lineRequestId: err.requestId ?? undefined,
        });
      }
    }
  };
  const worker = async () => {
    while (i < batch.length && !crash) {
      const p = batch[i++]!;
      try {
        await one(p);
      } catch (err) {
        crash ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  if (crash) throw crash.err;
  return throttled;
}

/**
 * The push's X-Line-Retry-Key: stableRetryKey(`notify:<id>:<dedupe key>`). The id alone would
 * repeat across databases (a restored backup, a staging copy on the same channel) and LINE would
 * answer 409 to a different notification, silently dropping it; with the dedupe key, a repeat
 * is the same notification, which LINE rightly delivers once.
 */
export function retryKeyOf(row: Pick<DueRow, 'id' | 'dedupeKey'>): string {
  return stableRetryKeySync(`notify:${row.id}:${row.dedupeKey}`);
}
