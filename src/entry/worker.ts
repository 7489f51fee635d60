/**
 * Cloudflare Workers entry (wrangler.toml points here): the D1 store, work deferred with
 * `waitUntil`, and webhook events carried by Cloudflare Queues (SPEC C16). The webhook records
 * each event in D1 and sends its id to the events queue before it answers 200; the `queue`
 * handler processes the ids with the same exactly-once machinery as Node (claim → handle →
 * reply/push → outcome), acks on success and retries retryable failures (LINE 429/5xx or no
 * answer, a busy D1) with exponential backoff. After `max_retries` Cloudflare moves a message to
 * the dead-letter queue, whose consumer (this handler too) marks the event a dead letter for an
 * operator to list and replay (GET /admin/dead-letters, POST /admin/dead-letters/{id}/replay).
 * News push jobs fan out through the push queue: the cron sends one message per recipient
 * batch that is ready (at most 500 recipients, one multicast), spread over the minute at
 * PUSH_RATE_PER_SECOND (LINE allows 200 multicast calls a second); each message sends one batch
 * with the push-job runner's exactly-once machinery (leases, retry keys, backoff in D1).
 * The Cron Trigger itself only sweeps and schedules.
 *
 * Without the queue bindings, or with EVENT_PROCESSING = "inline" and PUSH_PROCESSING = "cron"
 * (vars), events are processed in `waitUntil` after the answer, the cron finishes those a failed
 * isolate left, and the cron sends push jobs itself (a deployment without Queues; the workerd
 * test lane).
 */
import type { Context } from 'hono';
import { createApp } from '../app.ts';
import { DEFAULT_TUNING, type Deps, type Tuning } from '../deps.ts';
import { processWebhookEvent } from '../dispatcher.ts';
import { createI18n } from '../i18n.ts';
import { createLogger } from '../log.ts';
import { runPushJobs } from '../news/push-jobs.ts';
import { warmUp } from '../nlu/index.ts';
import { runNotifications } from '../notify/run.ts';
import { ensureOfficesOnce } from '../offices/reference.ts';
import { runRetention } from '../retention.ts';
import { type D1SessionStart, isD1Bookmark, openD1Session, openD1Store } from '../store/d1.ts';
import type { Store } from '../store/db.ts';
import {
  claimSweptWebhookEvent,
  deadLetterWebhookEvent,
  listStaleWebhookEvents,
} from '../store/dead-letters.ts';
import { listActiveJobs, nextPendingAt, readyBatchNumbers } from '../store/push-jobs.ts';
import { listUnfinishedWebhookEvents } from '../store/webhook-events.ts';
import {
  configProblem,
  type EventMessage,
  envState,
  type PushMessage,
  QUEUE_TUNING,
  sendAll,
  sendEvents,
  workerDeps as sharedWorkerDeps,
  type WorkerBindings,
} from './worker-deps.ts';

export type { EventMessage, PushMessage, WorkerBindings } from './worker-deps.ts';
export { configProblem } from './worker-deps.ts';

/** The bot's strings and the NLU model, built at isolate start-up, so no request pays for them. */
const i18n = createI18n();
warmUp();

/** The bot Worker's Deps (src/entry/worker-deps.ts) with the bot's strings. */
export function workerDeps(
  env: WorkerBindings,
  waitUntil: (p: Promise<unknown>) => void,
  tuning?: Tuning,
  store?: Store,
): Deps {
  return sharedWorkerDeps(env, waitUntil, i18n, tuning, store);
}

/**
 * D1 read replication (docs/deploy-cloudflare.md §14): each request and each queue message works
 * in its own D1 session (src/store/d1.ts), started where it is safe:
 * - `first-primary` for everything that writes or reads what was just written elsewhere: the
 *   webhook (records events; inline processing continues in the same session), POST routes, the
 *   link page (GET /link reads a link token the bot stored moments before), and every queue
 *   message (event processing reads the account link that POST /link wrote, the conversation,
 *   its claims). Its first query reads the primary, later reads see at least that, and D1 keeps
 *   read-your-writes within the session, so processing sees what it needs without bookmarks.
 * - `first-unconstrained` for read-only pages where being a moment behind is harmless:
 *   GET /healthz and the admin API's GET lists. An operator's client that must see its own
 *   change (POST replay, then GET the list) sends back the `x-d1-bookmark` header of the
 *   previous /admin response; the session then starts at least as new as that one.
 * The cron (sweeps, leases, schedules) and the once-per-isolate reference offices use the plain
 * binding: every query on the primary.
 */
const BOOKMARK_HEADER = 'x-d1-bookmark';

function sessionStart(request: Request): D1SessionStart {
  if (request.method !== 'GET' && request.method !== 'HEAD') return 'first-primary';
  const path = new URL(request.url).pathname;
  if (path === '/healthz') return 'first-unconstrained';
  if (path.startsWith('/admin/')) {
    const bookmark = request.headers.get(BOOKMARK_HEADER);
    return isD1Bookmark(bookmark) ? { bookmark } : 'first-unconstrained';
  }
  return 'first-primary';
}

/** The D1 session of each request in flight (the app's deps read it through `c.req.raw`). */
const requestSessions = new WeakMap<Request, Store>();

const app = createApp((c: Context) => {
  const env = c.env as WorkerBindings;
  return workerDeps(
    env,
    (p) => c.executionCtx.waitUntil(p),
    DEFAULT_TUNING,
    requestSessions.get(c.req.raw) ?? openD1Store(env.DB),
  );
});

/** Sets the session's bookmark on an /admin response, for the operator's next request. */
function withBookmark(request: Request, response: Response, bookmark: string | undefined) {
  if (bookmark === undefined || !new URL(request.url).pathname.startsWith('/admin/')) {
    return response;
  }
  try {
    response.headers.set(BOOKMARK_HEADER, bookmark);
    return response;
  } catch {
    // Immutable headers: a copy takes it.
    const copy = new Response(response.body, response);
    copy.headers.set(BOOKMARK_HEADER, bookmark);
    return copy;
  }
}

/** Deps for one queue message, in its own `first-primary` session. */
function messageDeps(env: WorkerBindings, ctx: ExecutionContext): Deps {
  const { store } = openD1Session(env.DB, 'first-primary');
  return workerDeps(env, (p) => ctx.waitUntil(p), QUEUE_TUNING, store);
}

/**
 * Without the queue: events still unfinished a minute after they arrived lost their isolate
 * (`waitUntil` cut short); finish them here.
 */
export async function recoverStaleEvents(deps: Deps, olderThanMs = 60_000): Promise<number> {
  const ids = await listUnfinishedWebhookEvents(deps.store, 200, deps.clock.now() - olderThanMs);
  for (const id of ids) await processWebhookEvent(deps, id, true);
  return ids.length;
}

/** An event still unfinished this long after it arrived is looked at by the sweep. */
const SWEEP_AFTER_MS = 2 * 60_000;
/**
 * A stale 'processing' event is claimed again no sooner than this after the sweep saw it:
 * longer than a queue consumer can live (15 minutes of wall time), so its claim is dead.
 */
const CLAIM_LEASE_SECONDS = 16 * 60;

/**
 * With the queue, the cron's only part in answering: events the queue may not be carrying are
 * sent to it again — pending ones never claimed (their send failed: at once) and 'processing'
 * ones (their consumer may have died: delayed past the longest a consumer lives, then claimed
 * only if nobody claimed them since). Events waiting for a retry are on the queue already and
 * are left alone. A duplicate message claims nothing, so an event is answered once. Returns how
 * many were sent.
 */
export async function sweepWebhookEvents(
  deps: Deps,
  queue: Queue<EventMessage>,
  olderThanMs = SWEEP_AFTER_MS,
): Promise<number> {
  const stale = await listStaleWebhookEvents(deps.store, deps.clock.now() - olderThanMs, 200);
  const message = (s: (typeof stale)[number]) => ({ id: s.webhookEventId, stale: s.attempts });
  const unsent = stale.filter((s) => s.status === 'pending').map(message);
  const abandoned = stale.filter((s) => s.status === 'processing').map(message);
  await sendEvents(queue, unsent);
  await sendEvents(queue, abandoned, CLAIM_LEASE_SECONDS);
  if (stale.length > 0) {
    deps.log.warn('sweep: unfinished webhook events sent to the queue again', {
      unsent: unsent.length,
      abandoned: abandoned.length,
    });
  }
  return stale.length;
}

/** Backoff of the events queue's retries: 5 s doubling to 15 min, with jitter (½–1 ×). */
const RETRY_BASE_SECONDS = 5;
const RETRY_MAX_SECONDS = 15 * 60;

function retryDelaySeconds(attempts: number): number {
  const cap = Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
  return Math.ceil(cap / 2 + Math.random() * (cap / 2));
}

function readEventMessage(body: unknown): EventMessage | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, stale } = body as { id?: unknown; stale?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > 100) return undefined;
  if (stale !== undefined && !(Number.isInteger(stale) && (stale as number) >= 0)) return undefined;
  return stale === undefined ? { id } : { id, stale: stale as number };
}

/**
 * The events queue's consumer: each message's event processed (concurrently: they mostly wait
 * on LINE), acked when finished or when there is nothing to claim (another message has it, or
 * it is done), retried with backoff when `processWebhookEvent` says so or throws.
 */
export async function consumeEvents(
  deps: Deps,
  messages: readonly Message<unknown>[],
): Promise<void> {
  await Promise.all(
    messages.map(async (msg) => {
      const body = readEventMessage(msg.body);
      if (!body) {
        deps.log.warn('events queue: message dropped (not an event id)', { messageId: msg.id });
        msg.ack();
        return;
      }
      const stale = msg.attempts <= 1 ? body.stale : undefined;
      try {
        const result = await processWebhookEvent(deps, body.id, false, undefined, {
          retryLater: true,
          ...(stale !== undefined
            ? { claim: () => claimSweptWebhookEvent(deps.store, body.id, stale) }
            : {}),
        });
        if (result === 'retry') msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
        else msg.ack();
      } catch (err) {
        deps.log.error('events queue: processing failed; retried later', {
          webhookEventId: body.id,
          attempts: msg.attempts,
          error: String(err),
        });
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }),
  );
}

/**
 * The dead-letter queue's consumer: each event whose retries ran out is marked a dead letter
 * (failed, with its last error) for an operator. One still being processed is left to the sweep.
 */
export async function consumeDeadLetters(deps: Deps, batch: MessageBatch<unknown>): Promise<void> {
  for (const msg of batch.messages) {
    const body = readEventMessage(msg.body);
    if (!body) {
      msg.ack();
      continue;
    }
    try {
      if (await deadLetterWebhookEvent(deps.store, body.id, deps.clock.now())) {
        deps.log.error('webhook event dead-lettered: its retries ran out', {
          webhookEventId: body.id,
        });
      }
      msg.ack();
    } catch (err) {
      deps.log.error('dead-letter queue: not recorded; retried later', {
        webhookEventId: body.id,
        error: String(err),
      });
      msg.retry({ delaySeconds: 60 });
    }
  }
}

/** The dead-letter queue is named after the events queue: `<events queue>-dlq`. */
const DEAD_LETTER_SUFFIX = '-dlq';

/**
 * With the push queue, the cron's part in news push jobs: the next minute's work as messages,
 * one per LINE call, spread over the minute at PUSH_RATE_PER_SECOND (message k waits k / rate
 * seconds, so no second sees more calls than the rate). A pending job (its audience still being
 * written in batches, or a broadcast waiting for LINE's hourly slot) gets one message: a step of
 * the runner; a running job one per ready batch (at most 500 recipients each); a running job with
 * nothing left pending one, which finishes it. A batch waiting for its retry time or leased by a
 * sender is left for a later minute. A surplus message finds nothing ready and sends nothing.
 * Returns how many messages were sent.
 */
export async function schedulePushBatches(
  deps: Deps,
  queue: Queue<PushMessage>,
  windowSeconds = 60,
): Promise<number> {
  const rate = deps.config.pushRatePerSecond;
  const capacity = Math.max(1, Math.floor(rate * windowSeconds));
  const jobs: number[] = [];
  // Scheduled jobs whose time has come become pending here (never before their time).
  for (const job of await listActiveJobs(deps.store, undefined, deps.clock.now())) {
    const room = capacity - jobs.length;
    if (room <= 0) break;
    if (job.status === 'pending') {
      jobs.push(job.id);
      continue;
    }
    const ready = await readyBatchNumbers(deps.store, job.id, deps.clock.now(), room);
    if (ready.length > 0) {
      for (let i = 0; i < ready.length; i++) jobs.push(job.id);
    } else if ((await nextPendingAt(deps.store, job.id)) === undefined) {
      jobs.push(job.id);
    }
  }
  await sendAll(
    queue,
    jobs.map((job, k) => ({ body: { job }, delaySeconds: Math.floor(k / rate) })),
  );
  return jobs.length;
}

function readPushMessage(body: unknown): PushMessage | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { job } = body as { job?: unknown };
  return Number.isSafeInteger(job) && (job as number) > 0 ? { job: job as number } : undefined;
}

/** A push message's step: at most one LINE call, and this much wall time (a snapshot step). */
const PUSH_STEP_BUDGET_MS = 25_000;

/**
 * The push queue's consumer: each message is one step of its job's runner (src/news/push-jobs.ts)
 * limited to one LINE call — a batch claimed under a lease and sent with its retry key, its
 * outcome (sent, retry at a later time, failed) recorded in D1 — or a step of its snapshot.
 * Unpaced here: the messages carry the pacing. A step that throws is retried; the batch's lease
 * expires and a later message takes it.
 */
export async function consumePushes(
  deps: Deps,
  messages: readonly Message<unknown>[],
): Promise<void> {
  await Promise.all(
    messages.map(async (msg) => {
      const body = readPushMessage(msg.body);
      if (!body) {
        msg.ack();
        return;
      }
      try {
        await runPushJobs(deps, {
          jobId: body.job,
          maxBatches: 1,
          deadlineMs: PUSH_STEP_BUDGET_MS,
          ratePerSecond: Number.POSITIVE_INFINITY,
        });
        msg.ack();
      } catch (err) {
        deps.log.error('push queue: step failed; retried later', {
          jobId: body.job,
          attempts: msg.attempts,
          error: String(err),
        });
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }),
  );
}

/**
 * Without the push queue, news push jobs get this much wall time per cron run (every minute);
 * what is left waits for the next run. Well under the cron limits: the runner mostly waits on LINE, and stops starting
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
 * The reference offices, once per isolate (Node loads them at start-up): the entry's job, so no
 * handler asks which runtime it runs on. A failure is logged and retried on the next call.
 */
async function referenceOffices(env: WorkerBindings): Promise<void> {
  await ensureOfficesOnce(() => openD1Store(env.DB)).catch((err: unknown) =>
    createLogger(envState(env).config.logLevel).error('reference offices not loaded', {
      error: err,
    }),
  );
}

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) {
      return Response.json({ message: 'The service is not configured' }, { status: 503 });
    }
    await referenceOffices(env);
    const session = openD1Session(env.DB, sessionStart(request));
    requestSessions.set(request, session.store);
    const response = await app.fetch(request, env, ctx);
    return withBookmark(request, response, session.bookmark());
  },
  async queue(batch: MessageBatch<unknown>, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) {
      batch.retryAll({ delaySeconds: 60 });
      return;
    }
    await referenceOffices(env);
    if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
      await consumeDeadLetters(messageDeps(env, ctx), batch);
      return;
    }
    // The events queue and the push queue share this handler; a message says which it is.
    // Each message gets its own D1 session (first-primary), so each starts from the primary.
    await Promise.all(
      batch.messages.map((m) =>
        readPushMessage(m.body) !== undefined
          ? consumePushes(messageDeps(env, ctx), [m])
          : consumeEvents(messageDeps(env, ctx), [m]),
      ),
    );
  },
  async scheduled(controller: ScheduledController, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) return;
    await referenceOffices(env);
    const deps = workerDeps(env, (p) => ctx.waitUntil(p));
    const { queues } = envState(env);
    ctx.waitUntil(
      (queues.events ? sweepWebhookEvents(deps, queues.events) : recoverStaleEvents(deps)).catch(
        (err: unknown) => deps.log.error('webhook events sweep failed', { error: err }),
      ),
    );
    // Retention once an hour (the cron runs every minute).
    if (new Date(controller.scheduledTime).getUTCMinutes() === 0) ctx.waitUntil(runRetention(deps));
    ctx.waitUntil(
      (queues.pushes
        ? schedulePushBatches(deps, queues.pushes)
        : runPushJobs(deps, { deadlineMs: PUSH_CRON_BUDGET_MS })
      ).catch((err: unknown) => deps.log.error('push job runner failed', { error: err })),
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
