/**
 * The Worker row of `npm run bench`: the same signed webhook load as bench/webhook.ts against
 * `npm run dev:worker` (wrangler dev: local workerd, a local D1 in a temporary --persist-to
 * directory, the event and push queues bound as wrangler.toml says, NODE_ENV=production with
 * SEED_DEMO=1 and a small people count). The LINE mock is bench/webhook-mock.ts (its own process,
 * every request validated). Before wrangler dev starts, the local D1 is migrated and the demo data
 * loaded with the pool's linked users bound to people (one `wrangler d1 execute --file`), so
 * dev:worker finds its demo data there already; 20% of the events are personal questions, as for
 * the Node row.
 *   warm-up     every user once, not measured
 *   throughput  `throughputEvents` events, `concurrency` POSTs in flight; events/s = replies at
 *               the mock per second, from the first POST to the last reply
 *   rate        open loop at `rate` events/s for `rateSeconds`: ack and event-to-reply latency
 * The floor (bench/floor-server.ts) is the webhook row's when it ran; alone (`tsx
 * bench/worker.ts`) its throughput is measured here with the same events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlLiteral, writeDemoDataSql } from '../src/cli/seed.ts';
import { stopProcessGroup } from '../test/helpers/process-group.ts';
import { type Child, start } from './child.ts';
import {
  buildEvents,
  closedLoop,
  createPoster,
  type LoadEvent,
  lcg,
  openLoop,
  type UserPool,
  userPool,
  wallMs,
} from './load.ts';
import { round, summarise } from './stats.ts';
import { type Load, type MockCollect, matchAnswers, waitForAnswers } from './webhook.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin',
  'wrangler.js',
);
const SECRET = 'bench-channel-secret';
const TOKEN = 'dev-access-token'; // what the LINE mock expects
const READY_TIMEOUT_MS = 90_000;

export interface WorkerBenchOptions {
  people: number;
  throughputEvents: number;
  concurrency: number;
  rate: number;
  rateSeconds: number;
  linkedUsers: number;
  plainUsers: number;
}

export function workerBenchOptions(quick: boolean): WorkerBenchOptions {
  return {
    people: 300,
    throughputEvents: quick ? 300 : 1000,
    concurrency: 32,
    rate: 100,
    rateSeconds: quick ? 3 : 10,
    linkedUsers: quick ? 20 : 50,
    plainUsers: quick ? 80 : 200,
  };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** Runs wrangler to the end; rejects with its output when it fails. */
function wrangler(args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, [WRANGLER, ...args], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (out += d));
    proc.once('error', fail);
    proc.once('exit', (code) =>
      code === 0
        ? ok()
        : fail(new Error(`wrangler ${args.slice(0, 3).join(' ')}: ${code}\n${out}`)),
    );
  });
}

/** Migrates the local D1 in `persist`, loads the demo data and binds the linked users. */
async function prepareD1(persist: string, dir: string, people: number, pool: UserPool) {
  const started = performance.now();
  const local = ['--local', '--persist-to', persist];
  await wrangler(['d1', 'migrations', 'apply', 'DB', ...local]);
  const file = join(dir, 'bench-data.sql');
  await writeDemoDataSql(file, { people });
  const rand = lcg(people);
  const now = Date.now();
  const rows = pool.linked.map(
    (userId) => `(${sqlLiteral(userId)}, ${1 + Math.floor(rand() * people)}, ${now})`,
  );
  appendFileSync(
    file,
    `INSERT INTO "account_links" ("user_id", "person_id", "linked_at") VALUES ${rows.join(', ')};\n`,
  );
  await wrangler(['d1', 'execute', 'DB', ...local, '--file', file]);
  return round((performance.now() - started) / 1000, 1);
}

interface DevWorker {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

async function startDevWorker(persist: string, mockUrl: string): Promise<DevWorker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    AUDIT_PSEUDONYM_KEY: 'audit-pseudonym-key-for-tests',
    SESSION_SECRET: 'session-secret-for-tests-32-chars-long',
    LINE_API_BASE_URL: mockUrl,
    LINE_DATA_API_BASE_URL: mockUrl,
    PUBLIC_BASE_URL: 'https://bench.example.org',
    SEED_DEMO: '1',
    LOG_LEVEL: 'warn',
  };
  const proc: ChildProcess = spawn(
    'npm',
    ['run', 'dev:worker', '--', '--persist-to', persist, '--ip', '127.0.0.1'],
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (gone || proc.pid === undefined) return;
    await stopProcessGroup(proc.pid, exited);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (gone) throw new Error(`npm run dev:worker exited:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm run dev:worker not ready in time:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, output: () => output, stop };
}

/** One phase: sends `evs`, waits for their answers at the mock, and sums them up. */
async function phase(mock: Child, url: string, evs: LoadEvent[], load: Load, quietMs: number) {
  // Forget anything earlier; the mock's duplicate and violation counts run on: deltas.
  const before = await mock.ask<MockCollect>('collect');
  const poster = createPoster(url);
  const begin = wallMs();
  let lagP99Ms: number | undefined;
  let results: Awaited<ReturnType<typeof closedLoop>>;
  if ('concurrency' in load) results = await closedLoop(poster, evs, load.concurrency);
  else ({ results, lagP99Ms } = await openLoop(poster, evs, load.rate));
  poster.close();
  const accepted = results.filter((r) => r.status === 200).length;
  await waitForAnswers(mock, accepted, quietMs);
  const seen = await mock.ask<MockCollect>('collect');
  const { ack, e2r, e2rPersonal, unanswered, lastAnswer } = matchAnswers(evs, results, seen, begin);
  return {
    events: evs.length,
    accepted,
    replies: seen.replies.length,
    pushes: seen.pushes.length,
    unanswered,
    duplicates: seen.duplicates - before.duplicates,
    violations: seen.violationCount - before.violationCount,
    violationSamples: seen.violations,
    eventsPerSecond: Math.round(e2r.length / ((lastAnswer - begin) / 1000)),
    ...(lagP99Ms !== undefined ? { generatorLagP99Ms: round(lagP99Ms, 1) } : {}),
    ack: summarise(ack),
    eventToReply: summarise(e2r),
    eventToReplyPersonal: summarise(e2rPersonal),
  };
}

/** Throughput of bench/floor-server.ts on the same mock and events (when run alone). */
async function floorThroughput(
  mock: Child,
  mockUrl: string,
  pool: UserPool,
  options: WorkerBenchOptions,
) {
  // The same mix (seeds), other reply tokens: the mock refuses a token used once.
  const events = (count: number, seed: number, everyUserOnce = false) =>
    buildEvents({ secret: SECRET, pool, count, seed, everyUserOnce });
  const warm = await events(pool.linked.length + pool.plain.length, 11, true);
  const burst = await events(options.throughputEvents, 12);
  const floor = await start<{ port: number }>('./floor-server.ts', {
    NODE_ENV: 'production',
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    LINE_API_BASE_URL: mockUrl,
    PORT: '0',
  });
  try {
    const url = `http://127.0.0.1:${floor.hello.port}`;
    await phase(mock, url, warm, { concurrency: 16 }, 5000);
    return (await phase(mock, url, burst, { concurrency: options.concurrency }, 5000))
      .eventsPerSecond;
  } finally {
    await floor.child.stop();
  }
}

/**
 * `floorEventsPerSecond`: the webhook row's floor from the same run; without it the floor is
 * measured here.
 */
export async function benchWorker(options: WorkerBenchOptions, floorEventsPerSecond?: number) {
  const started = Date.now();
  const pool = userPool(options.linkedUsers, options.plainUsers, 'bench-worker');
  const { child: mock, hello } = await start<{ url: string }>('./webhook-mock.ts');
  const dir = mkdtempSync(join(tmpdir(), 'sso-bench-worker-'));
  const persist = join(dir, 'state');
  let worker: DevWorker | undefined;
  try {
    const warm = await buildEvents({
      secret: SECRET,
      pool,
      count: pool.linked.length + pool.plain.length,
      everyUserOnce: true,
      seed: 11,
    });
    const burst = await buildEvents({
      secret: SECRET,
      pool,
      count: options.throughputEvents,
      seed: 12,
    });
    const paced = await buildEvents({
      secret: SECRET,
      pool,
      count: Math.round(options.rate * options.rateSeconds),
      seed: 13,
    });
    const floorMeasured = floorEventsPerSecond === undefined;
    const floor = floorEventsPerSecond ?? (await floorThroughput(mock, hello.url, pool, options));

    const seedSeconds = await prepareD1(persist, dir, options.people, pool);
    const startBegin = performance.now();
    worker = await startDevWorker(persist, hello.url);
    const startSeconds = round((performance.now() - startBegin) / 1000, 1);
    // Queue retries back off from 5 s: a quiet spell shorter than that would cut them off.
    const quietMs = 12_000;
    const warmUp = await phase(mock, worker.url, warm, { concurrency: 16 }, quietMs);
    const throughput = await phase(
      mock,
      worker.url,
      burst,
      { concurrency: options.concurrency },
      quietMs,
    );
    const rate = await phase(mock, worker.url, paced, { rate: options.rate }, quietMs);
    const phases = [warmUp, throughput, rate];
    return {
      runtime: 'wrangler dev (local workerd, local D1, local queues)',
      people: options.people,
      users: { linked: options.linkedUsers, plain: options.plainUsers },
      load: {
        throughputEvents: options.throughputEvents,
        concurrency: options.concurrency,
        rate: options.rate,
        rateSeconds: options.rateSeconds,
      },
      seedSeconds,
      startSeconds,
      floor: { eventsPerSecond: floor, measuredHere: floorMeasured },
      ratioToFloor: round(throughput.eventsPerSecond / floor, 2),
      warmUp: {
        events: warmUp.events,
        unanswered: warmUp.unanswered,
        duplicates: warmUp.duplicates,
        violations: warmUp.violations,
      },
      throughput,
      rate,
      exactlyOnce: phases.every(
        (p) => p.unanswered === 0 && p.duplicates === 0 && p.accepted === p.events,
      ),
      noViolations: phases.every((p) => p.violations === 0),
      seconds: round((Date.now() - started) / 1000, 1),
    };
  } catch (err) {
    if (worker) process.stderr.write(worker.output().slice(-4000));
    throw err;
  } finally {
    await worker?.stop();
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export type WorkerBench = Awaited<ReturnType<typeof benchWorker>>;

/** The table rows, in bench/run.ts's format. */
export function workerRows(w: WorkerBench): [string, string, string][] {
  const t = w.throughput;
  const r = w.rate;
  return [
    [
      `worker @${w.people} people`,
      `${t.eventsPerSecond.toLocaleString('en-US')} events/s (${w.load.concurrency} in flight)`,
      `${w.ratioToFloor}× floor (${w.floor.eventsPerSecond.toLocaleString('en-US')}/s${w.floor.measuredHere ? ', measured here' : ''}); wrangler dev, local D1 + queues; start ${w.startSeconds} s`,
    ],
    [
      `worker event→reply @${w.load.rate}/s`,
      `p50 ${r.eventToReply.p50Ms} ms, p99 ${r.eventToReply.p99Ms} ms (${r.events} events → ${r.eventsPerSecond}/s done)`,
      `ack p99 ${r.ack.p99Ms} ms; personal p99 ${r.eventToReplyPersonal.p99Ms} ms; exactly once: ${w.exactlyOnce ? 'yes' : 'NO'}; violations: ${w.noViolations ? 'none' : 'SOME'}`,
    ],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const w = await benchWorker(workerBenchOptions(process.argv.includes('--quick')));
  console.log(JSON.stringify(w, null, 2));
  const rows = workerRows(w);
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ')).join('\n')}`);
}
