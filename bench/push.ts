/**
 * News push at scale: N active followers (default 1,000,000) pushed as one multicast job
 * against the local LINE mock (bench/push-mock.ts, another process, validating every request),
 * unthrottled. Reports LINE calls, recipients/s, the snapshot time and the peak RSS of this
 * process (the bot: store, job runner, LINE client).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config.ts';
import { createLineClient } from '../src/line/client.ts';
import { createNewsPushJob, runPushJobs } from '../src/news/push-jobs.ts';
import { createNews } from '../src/store/news.ts';
import { migrateNodeStore, openNodeStore } from '../src/store/node.ts';
import { getJobProgress } from '../src/store/push-jobs.ts';
import { start } from './child.ts';
import { benchDeps } from './deps.ts';

interface MockStats {
  calls: number;
  recipients: number;
  unique: number;
  duplicates: number;
  violations: string[];
  violationCount: number;
  rssMb: number;
}

export async function benchPush(followers: number) {
  // RSS never shrinks much: in `npm run bench` the earlier phases set this floor.
  const baselineRss = process.memoryUsage().rss;
  const dir = mkdtempSync(join(tmpdir(), 'sso-bench-push-'));
  const { child, hello } = await start<{ url: string }>('./push-mock.ts');
  const { url } = hello;
  try {
    const path = join(dir, 'push.sqlite');
    const store = openNodeStore(path);
    migrateNodeStore(store);

    // Followers: prepared statements in big transactions.
    const seedStart = performance.now();
    const insert = store.sqlite.prepare(
      "insert into line_users (user_id, status, news_opt_out, created_at, updated_at) values (?, 'active', 0, 0, 0)",
    );
    for (let from = 0; from < followers; from += 100_000) {
      store.sqlite.transaction(() => {
        for (let i = from; i < Math.min(followers, from + 100_000); i++) {
          insert.run(`U${i.toString(16).padStart(32, '0')}`);
        }
      })();
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const config = parseConfig({
      NODE_ENV: 'development',
      DATABASE_PATH: path,
      LINE_API_BASE_URL: url,
      LOG_LEVEL: 'silent',
    });
    const deps = benchDeps({
      config,
      store,
      line: createLineClient({
        channelAccessToken: config.channelAccessToken,
        apiBaseUrl: url,
        timeoutMs: 30_000,
      }),
      tuning: { jobConcurrency: 16 },
    });
    const item = await createNews(
      store,
      {
        title: 'ขยายเวลายื่นแบบชำระเงินสมทบ',
        summary: 'สำนักงานประกันสังคมขยายเวลายื่นแบบและชำระเงินสมทบสำหรับนายจ้างและผู้ประกันตน',
        body: 'รายละเอียด',
        publishedDate: '2026-03-01',
        sourceUrl: 'https://www.sso.go.th/bench',
        imageUrl: 'https://www.sso.go.th/bench.jpg',
      },
      Date.now(),
    );
    const { job } = await createNewsPushJob(deps, {
      newsId: item.id,
      kind: 'multicast',
      segment: {},
    });

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const start = performance.now();
    let snapshotMs: number | undefined;
    const report = await runPushJobs(deps, {
      ratePerSecond: Number.POSITIVE_INFINITY,
      onProgress: () => {
        snapshotMs ??= performance.now() - start;
      },
    });
    const elapsedMs = performance.now() - start;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const progress = await getJobProgress(store, job.id);
    const mock = await child.ask<MockStats>('stats');
    store.close();
    const sendSeconds = (elapsedMs - (snapshotMs ?? 0)) / 1000;
    return {
      followers,
      seedSeconds: round(seedSeconds),
      calls: report.calls,
      batches: progress?.batchesTotal ?? 0,
      status: progress?.status,
      sentRecipients: progress?.sentRecipients ?? 0,
      mockRecipients: mock.recipients,
      mockUniqueRecipients: mock.unique,
      mockDuplicates: mock.duplicates,
      mockViolations: mock.violationCount,
      elapsedSeconds: round(elapsedMs / 1000),
      snapshotSeconds: round((snapshotMs ?? 0) / 1000),
      recipientsPerSecond: Math.round(followers / (elapsedMs / 1000)),
      recipientsPerSecondSending: Math.round(followers / sendSeconds),
      callsPerSecond: Math.round(report.calls / sendSeconds),
      peakRssMb: Math.round(peakRss / 1048576),
      rssBeforeMb: Math.round(baselineRss / 1048576),
      mockRssMb: mock.rssMb,
      exactlyOnce:
        mock.unique === followers && mock.duplicates === 0 && mock.recipients === followers,
    };
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await benchPush(n), null, 2));
}
