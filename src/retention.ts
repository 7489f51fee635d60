/**
 * Retention on a schedule (both runtimes): what is kept about people's questions is deleted
 * once its period is over. Node runs it hourly in-process; Workers in the hourly cron run.
 */
import type { Deps } from './deps.ts';
import { pruneUnanswered } from './store/unanswered.ts';

export async function runRetention(deps: Pick<Deps, 'store' | 'clock' | 'log'>): Promise<void> {
  try {
    const unanswered = await pruneUnanswered(deps.store, deps.clock.now());
    if (unanswered > 0) deps.log.info('retention: pruned', { unanswered });
  } catch (err) {
    deps.log.error('retention failed', { error: err instanceof Error ? err.message : String(err) });
  }
}

export const RETENTION_EVERY_MS = 3600_000;
