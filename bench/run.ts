/**
 * `npm run bench`: speed as ratios to floors measured in the same run (this machine is noisy).
 * Writes bench/results/latest.json and prints a short table.
 *   --people N     people in the store for personal queries (default 100000)
 *   --quick        a short run (1,000 people, 1 s of NLU) to check the benchmark itself works
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchNlu } from './nlu.ts';
import { benchPersonal } from './personal.ts';

const { values } = parseArgs({
  options: { people: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const quick = values.quick === true;
const people = Number(values.people ?? (quick ? 1000 : 100_000));

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
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n')}`);
console.log(`\nbench/results/latest.json written in ${results.seconds} s`);
