/**
 * `npm run cli -- broadcast <newsId> [segment]`: creates a push job for a news item and runs it
 * in this process with a progress bar on stderr. Without a segment the item is broadcast to every
 * follower; with one (`section=33,province=50,lang=th,linked=yes`; several values with `+`:
 * `section=33+39`) it is multicast to that segment. The job is resumable: if this process is
 * stopped, the server's worker (or `broadcast --resume <jobId>`) finishes it without duplicates.
 */
import { createNodeRuntime } from '../entry/node-runtime.ts';
import { createNewsPushJob, PushJobRefused, runPushJobs } from '../news/push-jobs.ts';
import type { SectionNo } from '../store/news.ts';
import { getJobProgress, type JobProgress, type Segment } from '../store/push-jobs.ts';

const USAGE = `usage: npm run cli -- broadcast <newsId> [segment]
       npm run cli -- broadcast --resume <jobId>

segment: comma-separated key=value, several values joined with +
  section=33+39   province=10+50   lang=th   linked=yes|no
  e.g. section=33,province=50,lang=th,linked=yes
without a segment the news item is broadcast to every follower.
`;

export function parseSegmentArg(arg: string): Segment | string {
  const segment: Segment = {};
  for (const part of arg.split(',').filter(Boolean)) {
    const [key, raw] = part.split('=', 2) as [string, string | undefined];
    const values = (raw ?? '').split('+').filter(Boolean);
    if (values.length === 0) return `"${part}": give key=value`;
    if (key === 'section') {
      const sections = values.map(Number);
      if (sections.some((s) => ![33, 39, 40].includes(s))) return 'section takes 33, 39 or 40';
      segment.sections = [...new Set(sections)] as SectionNo[];
    } else if (key === 'province') {
      if (values.some((v) => !/^[1-9]\d$/.test(v))) return 'province takes 2-digit codes (10, 50…)';
      segment.provinces = [...new Set(values)];
    } else if (key === 'lang' || key === 'language') {
      if (values.some((v) => !['th', 'en', 'my', 'km', 'lo'].includes(v))) {
        return 'lang takes th, en, my, km or lo';
      }
      segment.languages = [...new Set(values)];
    } else if (key === 'linked') {
      const v = values[0]!.toLowerCase();
      if (!['yes', 'no', 'true', 'false'].includes(v)) return 'linked takes yes or no';
      segment.linked = v === 'yes' || v === 'true';
    } else return `unknown segment key "${key}"`;
  }
  return segment;
}

export function progressLine(p: JobProgress, width = 30): string {
  const done = p.batchesSent + p.batchesFailed;
  const ratio = p.batchesTotal > 0 ? done / p.batchesTotal : 0;
  const filled = Math.round(ratio * width);
  const who =
    p.kind === 'broadcast'
      ? 'broadcast'
      : `${p.sentRecipients.toLocaleString('en-US')}/${p.totalRecipients.toLocaleString('en-US')} recipients`;
  const failed = p.batchesFailed > 0 ? `, ${p.batchesFailed} failed` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${who}, batch ${done}/${p.batchesTotal}${failed}`;
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  let jobId: number | undefined;
  let newsId: number | undefined;
  let segment: Segment | undefined;
  if (args[0] === '--resume') {
    jobId = Number(args[1]);
    if (!Number.isInteger(jobId) || jobId < 1 || args.length !== 2)
      return usage('--resume <jobId>');
  } else {
    newsId = Number(args[0]);
    if (!Number.isInteger(newsId) || newsId < 1)
      return usage('give a news id (npm run cli -- news list)');
    if (args.length > 2) return usage('too many arguments');
    if (args[1] !== undefined) {
      const parsed = parseSegmentArg(args[1]);
      if (typeof parsed === 'string') return usage(parsed);
      segment = parsed;
    }
  }

  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const runtime = await createNodeRuntime({ env });
  const { deps } = runtime;
  try {
    if (jobId === undefined) {
      try {
        const created = await createNewsPushJob(deps, {
          newsId: newsId!,
          kind: segment ? 'multicast' : 'broadcast',
          ...(segment ? { segment } : {}),
        });
        jobId = created.job.id;
        process.stderr.write(`push job ${jobId} created (${created.job.kind})\n`);
        if (created.note) process.stderr.write(`note: ${created.note}\n`);
      } catch (err) {
        if (err instanceof PushJobRefused) {
          process.stderr.write(`broadcast: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    }
    const tty = process.stderr.isTTY === true;
    let lastPrinted = -1;
    const show = (p: JobProgress) => {
      const line = progressLine(p);
      if (tty) process.stderr.write(`\r${line}`);
      else {
        const tenth = Math.floor(
          ((p.batchesSent + p.batchesFailed) / Math.max(1, p.batchesTotal)) * 10,
        );
        if (tenth !== lastPrinted) {
          lastPrinted = tenth;
          process.stderr.write(`${line}\n`);
        }
      }
    };
    for (;;) {
      const report = await runPushJobs(deps, { jobId, onProgress: show });
      const p = await getJobProgress(deps.store, jobId);
      if (!p) return usage(`no push job ${jobId}`);
      if (p.status === 'pending' || p.status === 'running') {
        if (report.calls === 0 && report.more) {
          if (tty) process.stderr.write('\n');
          process.stderr.write(
            `job ${jobId} is waiting (LINE allows 60 broadcasts per hour); the server's worker will send it, or run: npm run cli -- broadcast --resume ${jobId}\n`,
          );
          return 1;
        }
        continue;
      }
      show(p);
      if (tty) process.stderr.write('\n');
      process.stdout.write(
        `job ${p.id} ${p.status}: ${p.kind === 'broadcast' ? 'broadcast' : `${p.sentRecipients} of ${p.totalRecipients} recipients`}, ${p.batchesSent} batch(es) sent, ${p.batchesFailed} failed${p.error ? `; ${p.error}` : ''}\n`,
      );
      return p.status === 'done' ? 0 : 1;
    }
  } finally {
    await runtime.close();
  }
}

function usage(problem: string): number {
  process.stderr.write(`broadcast: ${problem}\n\n${USAGE}`);
  return 2;
}
