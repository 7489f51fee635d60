/**
 * `npm run cli -- notify run [--at <ISO time>] [--dry-run]`: one notification run (plan + send,
 * src/notify/run.ts) against DATABASE_PATH and LINE, as the server's schedule does it. Prints
 * what was planned, sent, deferred and skipped, and the quota line when the monthly quota
 * stopped the run. A second run at the same time sends nothing. Exit 0; 1 when a run failed;
 * 2 on bad arguments.
 */
import { createNodeRuntime } from '../entry/node-runtime.ts';
import { formatQuietHours } from '../notify/dates.ts';
import { type RunReport, runNotifications } from '../notify/run.ts';
import { NOTIFICATION_CATEGORIES } from '../store/schema.ts';

const USAGE = `usage: npm run cli -- notify run [--at <ISO time>] [--dry-run]

  --at        the time to run at (default now), e.g. 2026-05-28T09:00:00+07:00
  --dry-run   count what would be planned and sent; change nothing, push nothing
`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub !== 'run') return usage(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
  let at: number | undefined;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--at' || arg.startsWith('--at=')) {
      const value = arg === '--at' ? rest[++i] : arg.slice('--at='.length);
      const parsed = value ? Date.parse(value) : Number.NaN;
      if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(parsed)) {
        return usage(
          `--at takes an ISO time such as 2026-05-28T09:00:00+07:00, got "${value ?? ''}"`,
        );
      }
      at = parsed;
    } else return usage(`unknown option ${arg}`);
  }

  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const runtime = await createNodeRuntime({ env });
  try {
    const report = await runNotifications(runtime.deps, {
      ...(at === undefined ? {} : { at }),
      dryRun,
    });
    process.stdout.write(formatRunReport(report, runtime.config.notifyQuietHours, dryRun));
    return 0;
  } catch (err) {
    process.stderr.write(
      `notify run failed: ${err instanceof Error ? err.message : String(err)}; what was sent stays sent, run it again to finish\n`,
    );
    return 1;
  } finally {
    await runtime.close();
  }
}

/** The CLI's lines: planned, sent, deferred, skipped, failed (and the quota line). */
export function formatRunReport(
  report: RunReport,
  quietHours: Parameters<typeof formatQuietHours>[0],
  dryRun = false,
): string {
  const { plan, send } = report;
  const byCategory = (counts: Record<string, number>) => {
    const parts = NOTIFICATION_CATEGORIES.filter((c) => (counts[c] ?? 0) > 0).map(
      (c) => `${c} ${counts[c]}`,
    );
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  const would = dryRun ? 'would be ' : '';
  const lines = [
    `notify run at ${new Date(report.at).toISOString()}${dryRun ? ' (dry run)' : ''}`,
    `planned: ${plan.total}${byCategory(plan.planned)}${report.datedPlanned ? '' : ' (dated categories already planned today or quiet hours)'}`,
    `due: ${send.dueTotal}${byCategory(send.due)}`,
    `${would}sent: ${send.sent}${send.duplicates > 0 ? ` (${send.duplicates} already accepted by LINE before)` : ''}`,
  ];
  if (!dryRun) {
    lines.push(`skipped: ${send.skipped}`, `failed: ${send.failed}`);
    if (send.retrying > 0) lines.push(`retrying later: ${send.retrying}`);
  }
  let deferred = `deferred: ${send.deferred}`;
  if (send.quiet && send.resumeAt !== undefined) {
    deferred += ` (quiet hours ${formatQuietHours(quietHours)} Asia/Bangkok; sent from ${new Date(send.resumeAt).toISOString()})`;
  }
  lines.push(deferred);
  if (send.quota) {
    const q = send.quota;
    lines.push(
      q.limit === null
        ? `quota: no monthly limit set (${q.used} used this month before this run)`
        : `quota: ${q.left} left of ${q.limit} before this run (${q.used} used, ${q.reserve} kept in reserve)`,
    );
  }
  if (send.quotaLine) lines.push(send.quotaLine);
  return `${lines.join('\n')}\n`;
}

function usage(problem: string): number {
  process.stderr.write(`notify: ${problem}\n\n${USAGE}`);
  return 2;
}
