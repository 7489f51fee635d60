/**
 * Cloudflare Workers entry: D1 store, work deferred with `waitUntil`, and a Cron Trigger that
 * finishes events a failed isolate left unprocessed. wrangler.toml points here.
 */
import type { Context } from 'hono';
import { createApp } from '../app.ts';
import { type Config, ConfigError, type Env, parseConfig } from '../config.ts';
import { DEFAULT_TUNING, type Deps, realSleep, systemClock } from '../deps.ts';
import { processWebhookEvent } from '../dispatcher.ts';
import { createI18n } from '../i18n.ts';
import { createLineClient } from '../line/client.ts';
import { createSignatureVerifier, type SignatureVerifier } from '../line/signature.ts';
import { createLogger } from '../log.ts';
import { runPushJobs } from '../news/push-jobs.ts';
import { warmUp } from '../nlu/index.ts';
import { runNotifications } from '../notify/run.ts';
import { runRetention } from '../retention.ts';
import { openD1Store } from '../store/d1.ts';
import { listUnfinishedWebhookEvents } from '../store/webhook-events.ts';

export interface WorkerBindings {
  DB: D1Database;
  [key: string]: unknown;
}

const i18n = createI18n();
// The NLU model is built at isolate start-up, so no request pays for it.
warmUp();
const perEnv = new WeakMap<object, { config: Config; signature: SignatureVerifier }>();

function envState(env: WorkerBindings) {
  let state = perEnv.get(env);
  if (!state) {
    const vars: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = parseConfig(vars as Env);
    state = { config, signature: createSignatureVerifier(config.channelSecret) };
    perEnv.set(env, state);
  }
  return state;
}

export function workerDeps(env: WorkerBindings, waitUntil: (p: Promise<unknown>) => void): Deps {
  const { config, signature } = envState(env);
  const log = createLogger(config.logLevel);
  return {
    config,
    store: openD1Store(env.DB),
    line: createLineClient({
      channelAccessToken: config.channelAccessToken,
      apiBaseUrl: config.lineApiBaseUrl,
    }),
    i18n,
    log,
    clock: systemClock,
    sleep: realSleep,
    signature,
    defer: (work) =>
      waitUntil(work().catch((err: unknown) => log.error('deferred work failed', { error: err }))),
    tuning: DEFAULT_TUNING,
  };
}

const app = createApp((c: Context) => {
  const env = c.env as WorkerBindings;
  return workerDeps(env, (p) => c.executionCtx.waitUntil(p));
});

/** Events still unfinished a minute after they arrived lost their isolate: finish them. */
export async function recoverStaleEvents(deps: Deps, olderThanMs = 60_000): Promise<number> {
  const ids = await listUnfinishedWebhookEvents(deps.store, 200, deps.clock.now() - olderThanMs);
  for (const id of ids) await processWebhookEvent(deps, id, true);
  return ids.length;
}

/**
 * News push jobs get this much wall time per cron run (every minute); what is left waits for the
 * next run. Well under the cron limits: the runner mostly waits on LINE, and stops starting
 * new calls at the deadline.
 */
// Not exported: workerd accepts only handlers and functions as a module's named exports, and
// refuses to start on anything else (test/workers/webhook.test.ts checks).
const PUSH_CRON_BUDGET_MS = 25_000;
/**
 * Notifications (src/notify) run every fifth minute with this much wall time and at most this
 * many pushes (a Worker invocation makes at most 10,000 subrequests, shared with the push jobs,
 * and 6 connections at once); what is left goes on the next run.
 */
const NOTIFY_CRON_BUDGET_MS = 20_000;
const NOTIFY_CRON_MAX_PUSHES = 3000;
const NOTIFY_CRON_CONCURRENCY = 6;

/**
 * Fail closed: with a secret missing outside NODE_ENV=development (or any variable malformed) the
 * Worker serves nothing — every request gets 503 and one clear line is logged, as a Node server
 * refuses to start.
 */
function configProblem(env: WorkerBindings): string | undefined {
  try {
    envState(env);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const line = `configuration error: ${err.message}`;
    console.error(line);
    return line;
  }
}

export default {
  fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) {
      return Response.json({ message: 'The service is not configured' }, { status: 503 });
    }
    return app.fetch(request, env, ctx);
  },
  async scheduled(controller: ScheduledController, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) return;
    const deps = workerDeps(env, (p) => ctx.waitUntil(p));
    ctx.waitUntil(recoverStaleEvents(deps));
    // Retention once an hour (the cron runs every minute).
    if (new Date(controller.scheduledTime).getUTCMinutes() === 0) ctx.waitUntil(runRetention(deps));
    ctx.waitUntil(
      runPushJobs(deps, { deadlineMs: PUSH_CRON_BUDGET_MS }).catch((err: unknown) =>
        deps.log.error('push job runner failed', { error: err }),
      ),
    );
    if (new Date(controller.scheduledTime).getUTCMinutes() % 5 === 0) {
      ctx.waitUntil(
        runNotifications(deps, {
          at: controller.scheduledTime,
          budgetMs: NOTIFY_CRON_BUDGET_MS,
          maxPushes: NOTIFY_CRON_MAX_PUSHES,
          concurrency: NOTIFY_CRON_CONCURRENCY,
        }).catch((err: unknown) => deps.log.error('notification run failed', { error: err })),
      );
    }
  },
} satisfies ExportedHandler<WorkerBindings>;
