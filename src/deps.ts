/**
 * Deps: the only seams between the app and the world. Entry files build them (Node once, Workers
 * per request); routes, the dispatcher and handlers receive them and import no globals.
 */
import type { Config } from './config.ts';
import type { I18n, Lang } from './i18n.ts';
import type { LineClient } from './line/client.ts';
import type { SignatureVerifier } from './line/signature.ts';
import type { Logger } from './log.ts';
import type { MenuKey } from './richmenu/definition.ts';
import type { Store } from './store/db.ts';
import type { WebhookEventRow } from './store/webhook-events.ts';

export interface Clock {
  now(): number;
}

/**
 * The webhook events seam. Node's main thread records and processes events itself
 * (`localEvents`, src/dispatcher.ts) or on its processing threads (src/entry/process-pool.ts);
 * a processing thread itself runs `localEvents`; the Worker records in D1 and hands the events
 * to the events queue, whose consumer processes them (src/entry/worker.ts). Routes, the
 * dispatcher and handlers only call these two.
 */
export interface Events {
  /**
   * Records webhook events (each id once: a repeated or redelivered one is left as it is) and
   * resolves with the ids of the new ones the caller hands to `process`: on Node every new
   * event to process, recorded already claimed ('processing', attempt 1); on the Worker with its
   * queue none — they are recorded 'pending' and sent to the queue before this resolves (a
   * failed send is logged, and the sweep sends them later). Rejects when nothing was recorded.
   */
  record(rows: readonly WebhookEventRow[]): Promise<string[]>;
  /**
   * Has a recorded event processed. Node: here or on a processing thread, resolving once it is
   * finished. The Worker with its queue: sends it to the queue, resolving once it is there.
   * `recover`: also take over an event left 'processing' (Node only: at start-up and in the
   * idle sweep; the Worker's sweep recovers those itself). `claimed`: the row as `record`
   * claimed it.
   */
  process(webhookEventId: string, recover: boolean, claimed?: WebhookEventRow): Promise<void>;
}

export interface Deps {
  readonly config: Config;
  readonly store: Store;
  readonly line: LineClient;
  readonly i18n: I18n;
  readonly log: Logger;
  readonly clock: Clock;
  readonly signature: SignatureVerifier;
  readonly sleep: (ms: number) => Promise<void>;
  /** Runs work after the response: an in-process queue on Node, waitUntil on Workers. */
  readonly defer: (work: () => Promise<unknown>) => void;
  readonly tuning: Tuning;
  /** Where webhook events are recorded and processed: one seam, built by each entry file. */
  readonly events: Events;
  /**
   * The rendered rich-menu PNGs (assets/richmenu/), for the console's preview and deploy: the
   * Node entry reads them from disk (src/richmenu/images-node.ts); a Worker has no file system
   * and leaves it unset (the console then draws the menu from its definition and says why it
   * cannot deploy).
   */
  richMenuImages?: RichMenuImages;
}

export interface RichMenuImages {
  /** The PNG of one menu, or undefined when it is not there (not rendered yet). */
  read(lang: Lang, key: MenuKey): Promise<Uint8Array | undefined>;
}

/** Delivery timings; tests shrink them, production keeps the defaults. */
export interface Tuning {
  /** A reply token is tried only while the event is younger than this (LINE: 1 minute). */
  readonly replyWindowMs: number;
  /** Backoff before retry n (0-based) of a LINE call: base × 2^min(n, 4), with jitter. */
  readonly retryBaseMs: number;
  readonly replyAttempts: number;
  readonly pushAttempts: number;
  /** News push jobs: a batch being sent is leased for this long (another runner skips it). */
  readonly jobLeaseMs: number;
  /** News push jobs: the longest wait between two attempts of a batch. */
  readonly jobRetryMaxMs: number;
  /** News push jobs: retries stop this long after the job was created (LINE keeps keys 24 h). */
  readonly jobRetryWindowMs: number;
  /** News push jobs: batches sent at the same time (the rate limit still applies). */
  readonly jobConcurrency: number;
  /** SQLite busy timeout of the server's connection: short, so a lock held elsewhere
   *  never blocks the event loop for long (the waiting happens on timers instead). */
  readonly dbBusyTimeoutMs: number;
  /** The webhook keeps trying to record events for this long before it answers anyway. */
  readonly recordBusyMs: number;
  /** Processing an event waits this long for a busy database before giving up for now. */
  readonly processBusyMs: number;
}

export const DEFAULT_TUNING: Tuning = {
  replyWindowMs: 50_000,
  retryBaseMs: 500,
  replyAttempts: 3,
  // 16 attempts: 15 waits of ½–1 × (0.5, 1, 2, 4, then 8 s) = 47.75–95.5 s, past a 30 s outage.
  pushAttempts: 16,
  jobLeaseMs: 60_000,
  jobRetryMaxMs: 10 * 60_000,
  jobRetryWindowMs: 24 * 3600_000,
  jobConcurrency: 8,
  dbBusyTimeoutMs: 20,
  recordBusyMs: 750,
  processBusyMs: 5 * 60_000,
};

export const systemClock: Clock = { now: () => Date.now() };
export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
