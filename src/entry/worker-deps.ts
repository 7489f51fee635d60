/**
 * What both Workers build per request from their bindings: the parsed configuration (fail
 * closed), the queues, and Deps on the D1 store. The bot's Worker (worker.ts) and the console's
 * (console-worker.ts) share it; each entry file adds its own start-up work (the bot warms the NLU
 * model) and its own strings, so neither pays for the other's.
 */
import { type Config, ConfigError, type Env, parseConfig } from '../config.ts';
import {
  DEFAULT_TUNING,
  type Deps,
  type Events,
  realSleep,
  systemClock,
  type Tuning,
} from '../deps.ts';
import { localEvents } from '../dispatcher.ts';
import type { I18n } from '../i18n.ts';
import { createLineClient } from '../line/client.ts';
import { createSignatureVerifier, type SignatureVerifier } from '../line/signature.ts';
import { createLogger } from '../log.ts';
import { openD1Store } from '../store/d1.ts';
import type { Store } from '../store/db.ts';
import { recordWebhookEvents } from '../store/webhook-events.ts';

export interface WorkerBindings {
  DB: D1Database;
  /** The events queue's producer (wrangler.toml `[[queues.producers]]`). */
  EVENTS_QUEUE?: Queue<EventMessage>;
  /** The push queue's producer. */
  PUSH_QUEUE?: Queue<PushMessage>;
  [key: string]: unknown;
}

/**
 * A message of the events queue: a recorded event's id. `stale`: sent by the sweep, with the
 * event's `attempts` as the sweep saw them; its first delivery claims the event only if they
 * are unchanged (claimSweptWebhookEvent), later deliveries (its own retries) as any message.
 */
export interface EventMessage {
  id: string;
  stale?: number;
}

/** A message of the push queue: send one ready batch of this news push job. */
export interface PushMessage {
  job: number;
}

/** The queues the Worker uses; none (undefined) means that work is done without a queue. */
interface Queues {
  events: Queue<EventMessage> | undefined;
  pushes: Queue<PushMessage> | undefined;
}

const perEnv = new WeakMap<
  object,
  { config: Config; signature: SignatureVerifier; queues: Queues }
>();

export function envState(env: WorkerBindings) {
  let state = perEnv.get(env);
  if (!state) {
    const vars: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = parseConfig(vars as Env);
    state = {
      config,
      signature: createSignatureVerifier(config.channelSecret),
      queues: queuesOf(env),
    };
    perEnv.set(env, state);
  }
  return state;
}

/**
 * Where the Worker sends work: EVENT_PROCESSING = "queue" (the default with the EVENTS_QUEUE
 * binding) or "inline" (in `waitUntil`; the default without it); PUSH_PROCESSING = "queue" (the
 * default with the PUSH_QUEUE binding) or "cron" (the cron sends; the default without it).
 * "queue" without its binding is a configuration error: the Worker fails closed rather than
 * work from the wrong place.
 */
function queuesOf(env: WorkerBindings): Queues {
  return {
    events: queueFor<EventMessage>(env, 'EVENT_PROCESSING', 'inline', 'EVENTS_QUEUE'),
    pushes: queueFor<PushMessage>(env, 'PUSH_PROCESSING', 'cron', 'PUSH_QUEUE'),
  };
}

function queueFor<T>(
  env: WorkerBindings,
  variable: string,
  without: string,
  binding: string,
): Queue<T> | undefined {
  const value = env[binding];
  const bound = value && typeof value === 'object' ? (value as Queue<T>) : undefined;
  const raw = env[variable];
  const mode = typeof raw === 'string' ? raw.trim() : '';
  if (mode === '') return bound;
  if (mode === without) return undefined;
  if (mode !== 'queue') {
    throw new ConfigError(variable, `must be "queue" or "${without}", got "${mode}"`);
  }
  if (!bound) {
    throw new ConfigError(
      variable,
      `is "queue" but the Worker has no ${binding} binding (wrangler.toml [[queues.producers]])`,
    );
  }
  return bound;
}

/**
 * The queue consumer's timings: a retry goes back to the queue (with its backoff) instead of
 * waiting in the isolate, so LINE and a busy D1 get short in-place retries only.
 */
export const QUEUE_TUNING: Tuning = {
  ...DEFAULT_TUNING,
  replyAttempts: 2,
  pushAttempts: 2,
  processBusyMs: 5_000,
};

export function workerDeps(
  env: WorkerBindings,
  waitUntil: (p: Promise<unknown>) => void,
  i18n: I18n,
  tuning: Tuning = DEFAULT_TUNING,
  store: Store = openD1Store(env.DB),
): Deps {
  const { config, signature, queues } = envState(env);
  const log = createLogger(config.logLevel);
  const deps: Deps = {
    config,
    store,
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
    tuning,
    events: queues.events ? queuedEvents(queues.events, () => deps) : localEvents(() => deps),
  };
  return deps;
}

/**
 * The events seam with the queue: `record` writes the events 'pending' (the consumer claims
 * them) and sends the new ones to the queue before resolving, so the webhook answers 200 only
 * once they are there; a failed send is logged and left to the sweep (the events are recorded).
 * Nothing is left for the webhook to process itself. `process` sends one event to the queue
 * (an operator's replay); an event left 'processing' is recovered by the sweep, not here.
 */
function queuedEvents(queue: Queue<EventMessage>, deps: () => Deps): Events {
  return {
    async record(rows) {
      const toProcess = new Set<string>();
      const pending = rows.map((row) => {
        if (row.status !== 'processing') return row;
        toProcess.add(row.webhookEventId);
        return { ...row, status: 'pending' as const, attempts: 0 };
      });
      const fresh = await recordWebhookEvents(deps().store, pending);
      const ids = fresh.filter((id) => toProcess.has(id));
      try {
        await sendEvents(
          queue,
          ids.map((id) => ({ id })),
        );
      } catch (err) {
        deps().log.error('webhook events recorded but not queued; the sweep queues them', {
          error: String(err),
          webhookEventIds: ids,
        });
      }
      return [];
    },
    async process(id) {
      await sendEvents(queue, [{ id }]);
    },
  };
}

/** Messages per sendBatch call (Cloudflare's limit: 100 and 256 KB; an id is ~40 bytes). */
const SEND_BATCH_MAX = 100;

export async function sendEvents(
  queue: Queue<EventMessage>,
  bodies: readonly EventMessage[],
  delaySeconds = 0,
): Promise<void> {
  await sendAll(
    queue,
    bodies.map((body) => ({ body, delaySeconds })),
  );
}

/** Sends messages in sendBatch calls of at most SEND_BATCH_MAX, each with its own delay. */
export async function sendAll<T>(
  queue: Queue<T>,
  messages: readonly { body: T; delaySeconds: number }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH_MAX) {
    await queue.sendBatch(
      messages.slice(i, i + SEND_BATCH_MAX).map(({ body, delaySeconds }) => ({
        body,
        contentType: 'json' as const,
        ...(delaySeconds > 0 ? { delaySeconds } : {}),
      })),
    );
  }
}

/**
 * Fail closed: with a secret missing outside NODE_ENV=development (or any variable malformed) the
 * Worker serves nothing — every request gets 503 and one clear line is logged, as a Node server
 * refuses to start. The console's Worker (console-worker.ts) checks the same way.
 */
export function configProblem(env: WorkerBindings): string | undefined {
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
