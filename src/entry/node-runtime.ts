/**
 * The Node runtime, assembled: better-sqlite3 store (migrated at boot), LINE client, the
 * in-process work queue behind `defer`, and recovery of events a crash left unfinished.
 * `src/entry/node.ts` serves it; tests and the benchmark build it directly.
 */
import { availableParallelism } from 'node:os';
import { createApp } from '../app.ts';
import { type Config, type Env, parseConfig } from '../config.ts';
import { DEFAULT_TUNING, type Deps, realSleep, systemClock, type Tuning } from '../deps.ts';
import { processWebhookEvent, runWebhookEvent } from '../dispatcher.ts';
import { createI18n } from '../i18n.ts';
import { createLineClient, type LineClient } from '../line/client.ts';
import { createNodeSignatureVerifier } from '../line/signature-node.ts';
import { createLogger, type Logger } from '../log.ts';
import { warmUp } from '../nlu/index.ts';
import { ensureOffices } from '../offices/reference.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../store/node.ts';
import { seedDemoData } from '../store/seed.ts';
import { listUnfinishedWebhookEvents, recordWebhookEvents } from '../store/webhook-events.ts';
import { createWorkQueue, type WorkQueue } from '../work-queue.ts';
import { createProcessPool, type ProcessPool } from './process-pool.ts';

export interface NodeRuntimeOptions {
  env: Env;
  log?: Logger;
  line?: LineClient;
  tuning?: Partial<Tuning>;
  clock?: Deps['clock'];
  sleep?: Deps['sleep'];
  concurrency?: number;
}

export interface NodeRuntime {
  readonly config: Config;
  readonly deps: Deps;
  readonly store: NodeStore;
  readonly app: ReturnType<typeof createApp>;
  readonly queue: WorkQueue;
  /** The processing threads, when events are processed off the main thread. */
  readonly pool: ProcessPool | undefined;
  /**
   * Queues every event a previous process left pending or half-processed (received before this
   * runtime started: later ones are this process's own, already on their way); returns how many.
   */
  recover(): Promise<number>;
  /**
   * While the queue is idle (nothing in flight here), finishes events still unfinished after
   * `olderThanMs`: ones whose processing gave up on a busy database or threw before it could
   * record an outcome. `npm start` runs it every minute; returns how many it queued.
   */
  sweep(olderThanMs?: number): Promise<number>;
  /** Waits for queued work, then closes the database. */
  close(): Promise<void>;
}

export async function createNodeRuntime(options: NodeRuntimeOptions): Promise<NodeRuntime> {
  const startedAt = (options.clock ?? systemClock).now();
  const warnings: string[] = [];
  const config = parseConfig(options.env, { warn: (m) => warnings.push(m) });
  const log = options.log ?? createLogger(config.logLevel);
  for (const w of warnings) log.warn(w);

  const store = openNodeStore(config.databasePath);
  migrateNodeStore(store);
  // Reference data, not demo data: the office list is loaded in every deployment.
  const offices = await ensureOffices(store);
  if (offices.loaded) log.info('reference offices loaded', { rows: offices.rows });
  if (config.seedDemo) {
    const report = await seedDemoData(store);
    if (report.seeded) log.info('demo data seeded', { version: report.version });
  }

  const tuning: Tuning = { ...DEFAULT_TUNING, ...options.tuning };
  // Boot may wait for a lock (another process importing); serving must not block the event
  // loop, so from here on a busy database is waited for on timers (retryWhileBusy).
  store.sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(tuning.dbBusyTimeoutMs))}`);

  // Processing threads keep their own clock and sleep, and a runtime given its own LINE client
  // (a test's) keeps every call in this thread.
  const injected = options.line ?? options.clock ?? options.sleep;
  const threads = injected ? 0 : processThreads(config);
  if (injected && (config.processThreads ?? 0) > 0) {
    log.warn('PROCESS_THREADS ignored: this runtime was given its own LINE client or clock');
  }
  const line =
    options.line ??
    createLineClient({
      channelAccessToken: config.channelAccessToken,
      apiBaseUrl: config.lineApiBaseUrl,
    });
  const pool: ProcessPool | undefined =
    threads > 0
      ? await createProcessPool({
          threads,
          env: options.env,
          tuning,
          log,
          line,
          fallback: {
            record: (rows) => recordWebhookEvents(store, rows),
            process: (id, recover, claimed) => processWebhookEvent(deps, id, recover, claimed),
          },
        })
      : undefined;
  // In flight at once: per thread as many as one thread overlaps while it waits on LINE.
  const queue = createWorkQueue(options.concurrency ?? (threads > 0 ? 64 * threads : 16), (err) =>
    log.error('deferred work failed', { error: err }),
  );
  const deps: Deps = {
    config,
    store,
    log,
    line,
    i18n: createI18n(),
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? realSleep,
    signature: createNodeSignatureVerifier(config.channelSecret),
    defer: (work) => queue.push(work),
    tuning,
    ...(pool ? { events: pool } : {}),
  };
  const app = createApp(() => deps);
  // Build the NLU model now, not on the first user's message.
  warmUp();

  return {
    config,
    deps,
    store,
    app,
    queue,
    pool,
    recover: () => recoverUnfinished(startedAt),
    async sweep(olderThanMs = 60_000) {
      if (queue.size > 0) return 0;
      return recoverUnfinished(deps.clock.now() - olderThanMs, true);
    },
    async close() {
      await queue.idle();
      await pool?.close();
      store.close();
    },
  };

  /** `onePass`: at most one page of 500 (a periodic sweep never loops on an event that keeps
   *  failing to finish). */
  async function recoverUnfinished(receivedBefore?: number, onePass = false): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await listUnfinishedWebhookEvents(store, 500, receivedBefore);
      if (ids.length === 0) break;
      for (const id of ids) queue.push(() => runWebhookEvent(deps, id, true));
      total += ids.length;
      await queue.idle();
      if (onePass) break;
    }
    if (total > 0) log.info('recovered unfinished webhook events', { count: total });
    return total;
  }
}

/** PROCESS_THREADS, else one thread in production on a machine with two or more cores. */
function processThreads(config: Config): number {
  // A thread opening ':memory:' would get a database of its own.
  if (config.databasePath === ':memory:') return 0;
  if (config.processThreads !== undefined) return config.processThreads;
  return config.nodeEnv === 'production' && availableParallelism() >= 2 ? 1 : 0;
}
