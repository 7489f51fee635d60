/**
 * One notification run = plan + send, shared by both runtimes: the Node schedule (every five
 * minutes in-process, `startNotifyWorker`), the Workers cron (src/entry/worker.ts, bounded time)
 * and `npm run cli -- notify run [--at <ISO time>] [--dry-run]`.
 *
 * Claim decisions and payments are planned on every run (imports plan them too, at once). The
 * dated categories (contribution due, lapse risk, medical rights, hospital window, unemployment
 * report) depend only on the day, so they are planned once a day, by the first run outside quiet
 * hours (just before it sends, so they go out on fresh records); `meta.notify_dated_day` holds
 * the day they were last planned for.
 */
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { meta } from '../store/schema.ts';
import { bangkokDay, inQuietHours } from './dates.ts';
import { CHANGE_CATEGORIES, type PlanReport, planNotifications } from './plan.ts';
import { type SendOptions, type SendReport, sendDueNotifications } from './send.ts';

export const NOTIFY_EVERY_MS = 5 * 60_000;
const DATED_DAY_KEY = 'notify_dated_day';

export interface RunOptions extends SendOptions {
  /** The logical time (ms); default now. */
  readonly at?: number;
  /** Plan the dated categories even if they were planned for this day already. */
  readonly forceDated?: boolean;
}

export interface RunReport {
  readonly at: number;
  readonly plan: PlanReport;
  /** True when this run planned the dated categories. */
  readonly datedPlanned: boolean;
  readonly send: SendReport;
}

export async function runNotifications(deps: Deps, options: RunOptions = {}): Promise<RunReport> {
  const at = options.at ?? deps.clock.now();
  const day = bangkokDay(at);
  const quiet = inQuietHours(at, deps.config.notifyQuietHours);
  const datedPlanned =
    !quiet && (options.forceDated === true || (await readDatedDay(deps)) !== day);
  const plan = await planNotifications(deps.store, at, {
    ...(datedPlanned ? {} : { categories: CHANGE_CATEGORIES }),
    dryRun: options.dryRun === true,
  });
  if (datedPlanned && !options.dryRun) await writeDatedDay(deps, day);
  const send = await sendDueNotifications(deps, at, {
    ...options,
    ...(options.dryRun ? { alsoDue: plan.planned } : {}),
  });
  return { at, plan, datedPlanned, send };
}

async function readDatedDay(deps: Deps): Promise<string | undefined> {
  const rows = await deps.store.db
    .select({ value: meta.value })
    .from(meta)
    .where(eq(meta.key, DATED_DAY_KEY))
    .limit(1);
  return rows[0]?.value;
}

async function writeDatedDay(deps: Deps, day: string): Promise<void> {
  await deps.store.db
    .insert(meta)
    .values({ key: DATED_DAY_KEY, value: day })
    .onConflictDoUpdate({ target: meta.key, set: { value: day } });
}

/**
 * Node: a run now and every `intervalMs` (never two at once), each with a time budget inside the
 * interval. Runs are resumable, so one cut short by a shutdown loses nothing.
 */
export function startNotifyWorker(
  deps: Deps,
  intervalMs = NOTIFY_EVERY_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runNotifications(deps, { budgetMs: Math.max(1000, intervalMs - 30_000) })
      .catch((err: unknown) => deps.log.error('notification run failed', { error: err }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
