/**
 * Retention on a schedule (both runtimes): what is kept about people's questions and link
 * attempts is deleted once its period is over (unanswered questions 90 days, failed link
 * attempts 24 hours, link nonces at expiry). Node runs it hourly in-process; Workers in the hourly cron run.
 */
import type { Deps } from './deps.ts';
import { pruneLinkState } from './store/account-links.ts';
import { pruneUnanswered } from './store/unanswered.ts';

export async function runRetention(deps: Pick<Deps, 'store' | 'clock' | 'log'>): Promise<void> {
  try {
    const now = deps.clock.now();
    const unanswered = await pruneUnanswered(deps.store, now);
    // Failed link attempts (24 h) and link nonces (at expiry).
    await pruneLinkState(deps.store, now);
    if (unanswered > 0) deps.log.info('retention: pruned', { unanswered });
  } catch (err) {
    deps.log.error('retention failed', { error: err instanceof Error ? err.message : String(err) });
  }
}

export const RETENTION_EVERY_MS = 3600_000;
