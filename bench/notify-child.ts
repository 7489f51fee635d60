/**
 * The notification run of bench/notify.ts, in its own process so that its memory figure is the
 * engine's alone: opens the seeded database (BENCH_NOTIFY_DB) as the server does, plans and
 * sends at BENCH_NOTIFY_AT with a null LINE client that only counts, then runs again (nothing
 * new). Talks to the parent over IPC (bench/child.ts): says hello, answers 'run' with the
 * figures.
 *
 * Memory: peak RSS, split into anonymous memory and file pages, and the part that is the
 * database file's memory map (src/store/node.ts maps up to 256 MB): those are the OS page cache
 * of the database, shared and reclaimable, the same for any work that reads the same pages.
 */

import { readFileSync } from 'node:fs';
import { parseConfig } from '../src/config.ts';
import { planNotifications } from '../src/notify/plan.ts';
import { sendDueNotifications } from '../src/notify/send.ts';
import { openNodeStore } from '../src/store/node.ts';
import { benchDeps, nullLine } from './deps.ts';
import { round } from './stats.ts';

export interface ChildResult {
  planned: number;
  plannedByCategory: Record<string, number>;
  planSeconds: number;
  sendOverheadSeconds: number;
  overheadSeconds: number;
  pushes: number;
  uniqueRecipients: number;
  sent: number;
  secondRun: { planned: number; planSeconds: number; sent: number };
  notifyPushRate: number;
  peakRssMb: number;
  peakRssAnonMb: number;
  peakRssFileMb: number;
  /** Resident pages of the database file's memory map at their peak. */
  peakDbMapMb: number;
  peakHeapMb: number;
  rssAtStartMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** Linux: resident anonymous memory and resident file pages. */
function rssParts(): { anon: number; file: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { anon: kb('RssAnon') * 1024, file: (kb('RssFile') + kb('RssShmem')) * 1024 };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** Linux: resident bytes of the mappings of `path` (the database's memory map). */
function mappedRss(path: string): number {
  try {
    const smaps = readFileSync('/proc/self/smaps', 'utf8');
    let total = 0;
    let inFile = false;
    for (const line of smaps.split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inFile = line.trimEnd().endsWith(path);
      else if (inFile && line.startsWith('Rss:')) total += Number(/(\d+)/.exec(line)?.[1] ?? 0);
    }
    return total * 1024;
  } catch {
    return 0;
  }
}

async function runBench(): Promise<ChildResult> {
  const path = process.env.BENCH_NOTIFY_DB!;
  const at = Number(process.env.BENCH_NOTIFY_AT);
  const store = openNodeStore(path);
  let pushes = 0;
  const recipients = new Set<string>();
  const line = nullLine({
    push: async (to) => {
      pushes++;
      recipients.add(to);
      return { requestId: null, duplicate: false };
    },
  });
  const config = parseConfig({ NODE_ENV: 'development', DATABASE_PATH: path });
  const deps = benchDeps({ config, store, line });

  const rssAtStart = process.memoryUsage().rss;
  const peak = { rss: rssAtStart, anon: 0, file: 0, map: 0, heap: 0 };
  const sample = (withMap: boolean) => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
    const parts = rssParts();
    peak.anon = Math.max(peak.anon, parts.anon);
    peak.file = Math.max(peak.file, parts.file);
    if (withMap) peak.map = Math.max(peak.map, mappedRss(path));
  };
  const fast = setInterval(() => sample(false), 20);
  const slow = setInterval(() => sample(true), 250);

  const planStart = performance.now();
  const plan = await planNotifications(store, at);
  const planSeconds = (performance.now() - planStart) / 1000;
  const sendStart = performance.now();
  const send = await sendDueNotifications(deps, at, { ratePerSecond: Number.POSITIVE_INFINITY });
  const sendSeconds = (performance.now() - sendStart) / 1000;
  sample(true);
  const replanStart = performance.now();
  const replan = await planNotifications(store, at + 300_000);
  const replanSeconds = (performance.now() - replanStart) / 1000;
  const again = await sendDueNotifications(deps, at + 300_000, {
    ratePerSecond: Number.POSITIVE_INFINITY,
  });
  clearInterval(fast);
  clearInterval(slow);
  sample(true);
  store.close();
  return {
    planned: plan.total,
    plannedByCategory: Object.fromEntries(Object.entries(plan.planned).filter(([, n]) => n > 0)),
    planSeconds: round(planSeconds, 2),
    sendOverheadSeconds: round(sendSeconds, 2),
    overheadSeconds: round(planSeconds + sendSeconds, 2),
    pushes,
    uniqueRecipients: recipients.size,
    sent: send.sent,
    secondRun: { planned: replan.total, planSeconds: round(replanSeconds, 2), sent: again.sent },
    notifyPushRate: config.notifyPushRate,
    peakRssMb: mb(peak.rss),
    peakRssAnonMb: mb(peak.anon),
    peakRssFileMb: mb(peak.file),
    peakDbMapMb: mb(peak.map),
    peakHeapMb: mb(peak.heap),
    rssAtStartMb: mb(rssAtStart),
  };
}

process.send?.({ ready: true });
process.on('message', (msg) => {
  if (msg === 'run') {
    runBench().then(
      (result) => process.send?.(result),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  } else if (msg === 'exit') {
    process.exit(0);
  }
});
