/**
 * `npm run bench`: speed as ratios to floors measured in the same run (this machine is noisy).
 * Writes bench/results/latest.json and prints a short table.
 *   --people N     people in the store for personal queries (default 100000)
 *   --followers N  followers in the news push job (default 1000000)
 *   --notify-users N
 *                  linked users in the notification run, 10 % due (default 1000000)
 *   --quick        a short run (1,000 people, 1 s of NLU, 20,000 followers and notification
 *                  users, a 2 s webhook load)
 *                  to check the benchmark itself works
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchNlu } from './nlu.ts';
import { benchNotify } from './notify.ts';
import { benchPersonal } from './personal.ts';
import { benchPlaces } from './places.ts';
import { benchPush } from './push.ts';
import { benchWebhook, webhookBenchOptions } from './webhook.ts';
import { benchWorker, workerBenchOptions, workerRows } from './worker.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string' },
    followers: { type: 'string' },
    'notify-users': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const people = Number(values.people ?? (quick ? 1000 : 100_000));
const followers = Number(values.followers ?? (quick ? 20_000 : 1_000_000));
const notifyUsers = Number(values['notify-users'] ?? (quick ? 20_000 : 1_000_000));

const started = Date.now();
const results: Record<string, unknown> = {
  startedAt: new Date(started).toISOString(),
  node: process.version,
};

console.log('NLU classification…');
const nlu = benchNlu(quick ? 1000 : 4000);
results.nlu = nlu;

console.log(`personal queries at ${people.toLocaleString('en-US')} people (seeding)…`);
const large = await benchPersonal(people, quick ? 300 : 2000);
console.log('personal queries at 1,000 people (cost growth)…');
const small = await benchPersonal(1000, quick ? 300 : 2000);
const growth = Object.fromEntries(
  Object.keys(large.queries).map((k) => [
    k,
    Math.round((large.queries[k]!.p99Ms / small.queries[k]!.p99Ms) * 100) / 100,
  ]),
);
results.personal = { large, small, p99GrowthLargeOverSmall: growth };

console.log(
  `news push to ${followers.toLocaleString('en-US')} followers (LINE mock, unthrottled)…`,
);
const push = await benchPush(followers);
results.push = push;
console.log(
  `notification run for ${notifyUsers.toLocaleString('en-US')} linked users, 10 % due (null LINE client)…`,
);
const notify = await benchNotify(notifyUsers);
results.notify = notify;
console.log('nearest office / hospital with 5,000 hospitals…');
const places = await benchPlaces(5000, quick ? 300 : 2000);
results.places = places;
const webhookSizes = people === 1000 ? [1000] : [1000, people];
console.log(
  `webhook end to end at ${webhookSizes.map((n) => n.toLocaleString('en-US')).join(' and ')} people, against the floor…`,
);
const webhook = await benchWebhook(webhookBenchOptions(quick, webhookSizes));
results.webhook = webhook;
console.log(
  'the Worker (npm run dev:worker: local workerd, D1 and queues), against the same floor…',
);
const worker = await benchWorker(
  workerBenchOptions(quick),
  webhook.floor.throughput.eventsPerSecond,
);
results.worker = worker;
results.seconds = Math.round((Date.now() - started) / 100) / 10;

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  `${JSON.stringify(results, null, 2)}\n`,
);

const rows: [string, string, string][] = [
  [
    'NLU classify',
    `${nlu.classifyPerSecond.toLocaleString('en-US')} utt/s (p99 ${nlu.latency.p99Ms} ms)`,
    `${nlu.ratioToFloor}× keyword floor (${nlu.floorPerSecond.toLocaleString('en-US')}/s)`,
  ],
  [
    'NLU classify + knowledge retrieval',
    `${nlu.knowledge.classifyAndRetrievePerSecond.toLocaleString('en-US')} questions/s (target ≥ 25,000: ${nlu.knowledge.meetsTarget ? 'met' : 'MISSED'})`,
    `${nlu.knowledge.ratioToFloor}× keyword floor`,
  ],
  ['NLU 5,400-char text', `p99 ${nlu.longTextLatency.p99Ms} ms`, ''],
  [
    'seed',
    `${large.seedSeconds} s for ${people.toLocaleString('en-US')} people, ${large.dbMegabytes} MB`,
    '',
  ],
];
for (const [intent, q] of Object.entries(large.queries)) {
  rows.push([
    `${intent} @${people / 1000}k`,
    `p50 ${q.p50Ms} ms, p99 ${q.p99Ms} ms`,
    `p99 ${q.p99RatioToFloor}× floor (${large.floor.p99Ms} ms); growth vs 1k: ${growth[intent]}×`,
  ]);
}
for (const [kind, q] of Object.entries(places.queries)) {
  rows.push([
    `nearest ${kind === 'offices' ? 'office' : 'hospital'} @5k hospitals`,
    `p50 ${q.p50Ms} ms, p99 ${q.p99Ms} ms`,
    `p99 ${q.p99RatioToFloor}× floor (${places.floor.p99Ms} ms, office by id)`,
  ]);
}
rows.push([
  `push @${followers / 1000}k followers`,
  `${push.calls.toLocaleString('en-US')} calls, ${push.recipientsPerSecond.toLocaleString('en-US')} recipients/s (${push.elapsedSeconds} s)`,
  `peak RSS ${push.peakRssMb} MB (${push.rssBeforeMb} MB before); exactly once: ${push.exactlyOnce ? 'yes' : 'NO'}; snapshot ${push.snapshotSeconds} s`,
]);
const yes = (ok: boolean) => (ok ? 'met' : 'MISSED');
rows.push([
  `notify run @${notifyUsers / 1000}k users`,
  `${notify.due.toLocaleString('en-US')} due: plan ${notify.planSeconds} s + send ${notify.sendOverheadSeconds} s = ${notify.overheadSeconds} s own time (< ${notify.targets.overheadSeconds} s: ${yes(notify.meets.overhead)}); pacing ${notify.pacingSecondsAtLineLimit} s at LINE's 2,000/s (${notify.pacingSecondsAtDefaultRate} s at NOTIFY_PUSH_RATE)`,
  `peak RSS ${notify.peakRssMb} MB, ${notify.peakRssExclDbMapMb} MB without the database's memory map (< ${notify.targets.rssMb} MB: ${yes(notify.meets.rss)}); exactly once: ${notify.exactlyOnce ? 'yes' : 'NO'}`,
]);
const wf = webhook.floor;
rows.push([
  'webhook floor',
  `${wf.throughput.eventsPerSecond.toLocaleString('en-US')} events/s (${webhook.load.concurrency} in flight; best of ${webhook.floorRuns.map((n) => n.toLocaleString('en-US')).join(' and ')})`,
  `@500/s: ack p99 ${wf.rate.ack.p99Ms} ms, event→reply p99 ${wf.rate.eventToReply.p99Ms} ms; peak RSS ${wf.peakRssMb} MB`,
]);
for (const [n, b] of Object.entries(webhook.bot)) {
  const at = `@${Number(n) / 1000}k`;
  rows.push(
    [
      `webhook ${at}`,
      `${b.throughput.eventsPerSecond.toLocaleString('en-US')} events/s`,
      `${Math.round((b.throughput.eventsPerSecond / wf.throughput.eventsPerSecond) * 100) / 100}× floor; peak RSS ${b.peakRssMb} MB; ${b.rate.events} events at ${webhook.load.rate}/s → ${b.rate.eventsPerSecond}/s done`,
    ],
    [
      `webhook ack ${at} @500/s`,
      `p50 ${b.rate.ack.p50Ms} ms, p99 ${b.rate.ack.p99Ms} ms (again: ${b.rateAgain.ack.p99Ms} ms)`,
      `target p99 < ${webhook.targets.ackP99Ms} ms`,
    ],
    [
      `webhook event→reply ${at}`,
      `p50 ${b.rate.eventToReply.p50Ms} ms, p99 ${b.rate.eventToReply.p99Ms} ms (again: ${b.rateAgain.eventToReply.p99Ms} ms)`,
      `personal p50 ${b.rate.eventToReplyPersonal.p50Ms} ms, p99 ${b.rate.eventToReplyPersonal.p99Ms} ms (again: ${b.rateAgain.eventToReplyPersonal.p99Ms} ms); target p99 < ${webhook.targets.eventToReplyP99Ms} ms`,
    ],
  );
}
const m = webhook.meets;
rows.push([
  'webhook targets',
  `ratio ${webhook.ratioToFloor} (≥ ${webhook.targets.ratioToFloor}): ${yes(m.ratioToFloor)}; ack: ${yes(m.ackP99)}; event→reply: ${yes(m.eventToReplyP99)}`,
  `personal p99 growth ${webhook.personalP99Growth}× (≤ ${webhook.targets.personalP99Growth}): ${yes(m.personalP99Growth)}; exactly once: ${m.exactlyOnce ? 'yes' : 'NO'}; violations: ${m.noViolations ? 'none' : 'SOME'}`,
]);
rows.push(...workerRows(worker));
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n')}`);
console.log(`\nbench/results/latest.json written in ${results.seconds} s`);
