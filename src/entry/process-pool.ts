/**
 * Webhook events on worker threads (Node). The main thread serves HTTP: it verifies and parses
 * a webhook, hands the events to a thread to record, and answers 200 once they are recorded.
 * The thread then processes them (NLU, handler, the answer, the outcome) with its own
 * connection to the same WAL database, so a two-core machine answers with both cores and the
 * hot writes come from one connection (a write on another connection empties this one's page
 * cache). The threads' LINE calls come back to the main thread's client
 * (src/entry/line-relay.ts), which balances the two. The database stays the source of truth:
 * a thread that dies leaves its events recorded there, where the idle sweep finishes them, and
 * it is replaced; until then the main thread records and processes.
 */
import { Worker } from 'node:worker_threads';
import type { Env } from '../config.ts';
import type { Events, Tuning } from '../deps.ts';
import type { LineClient } from '../line/client.ts';
import type { Logger } from '../log.ts';
import type { WebhookEventRow } from '../store/webhook-events.ts';
import { answerLineCall, isLineCall, type LineAnswer, type LineCall } from './line-relay.ts';

/** The Node runtime's events seam (`Deps.events`) when it has processing threads. */
export interface ProcessPool extends Events {
  readonly threads: number;
  /** The running threads (tests stop one to see it replaced). */
  readonly workers: readonly Worker[];
  /** Records webhook events on a thread; resolves with the ids that were new. */
  record(rows: readonly WebhookEventRow[]): Promise<string[]>;
  /** Processes one recorded event on the least busy thread; resolves when it is finished. */
  process(id: string, recover: boolean, claimed?: WebhookEventRow): Promise<void>;
  /** Each thread's used heap in MB, after a full GC (diagnostics: the soak test, the bench). */
  heapUsedMb(): Promise<number[]>;
  /** Stops the threads (after the caller has let queued work finish). */
  close(): Promise<void>;
}

export interface ProcessPoolOptions {
  threads: number;
  env: Env;
  tuning: Tuning;
  log: Logger;
  /** Makes the threads' LINE calls. */
  line: LineClient;
  /** The main thread's own way, used while no thread is running (one is restarting). */
  fallback: Events;
}

/** Main thread → processing thread. */
export type ToThread =
  | { seq: number; record: readonly WebhookEventRow[] }
  | { seq: number; id: string; recover: boolean; claimed?: WebhookEventRow }
  | { seq: number; heap: true }
  | LineAnswer
  | 'close';
/** Processing thread → main thread. */
export type FromThread =
  | { ready: true }
  | { seq: number; ids?: string[]; heapUsedMb?: number; error?: string; code?: string }
  | { log: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  | LineCall;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** What was asked: a recording is refused when its thread dies (the webhook then answers
   *  non-2xx); a processing is given up (the sweep finishes it). */
  kind: 'record' | 'process' | 'heap';
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  alive: boolean;
}

/** Compiled by `npm run build` (dist/, plain Node) or the TypeScript source (tsx, vitest). */
const COMPILED = import.meta.url.endsWith('.js');
const SCRIPT = new URL(COMPILED ? './process-thread.js' : './process-thread.ts', import.meta.url);

/**
 * The threads load TypeScript as the main thread does, under tsx: its loader flags are passed
 * on, and the CPU profiler's (`BENCH_PROFILE_DIR`); nothing else (a worker refuses
 * process-wide flags such as --expose-gc). Compiled (dist/), they need no loader.
 */
export function threadExecArgv(
  argv: readonly string[] = process.execArgv,
  compiled = COMPILED,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^--(import|require|loader)=/.test(arg) && arg.includes('tsx')) out.push(arg);
    else if (arg === '--cpu-prof' || arg.startsWith('--cpu-prof-dir=')) out.push(arg);
    else if (/^(--import|--require|--loader|-r)$/.test(arg) && argv[i + 1]?.includes('tsx')) {
      out.push(arg, argv[i + 1]!);
      i++;
    }
  }
  return out.length > 0 || compiled ? out : ['--import', 'tsx'];
}

export async function createProcessPool(options: ProcessPoolOptions): Promise<ProcessPool> {
  const { log } = options;
  const threads: Thread[] = [];
  let seq = 0;
  let closing = false;

  const spawn = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(SCRIPT, {
        execArgv: threadExecArgv(),
        workerData: { env: { ...options.env }, tuning: options.tuning },
      });
      const thread: Thread = { worker, pending: new Map(), alive: true };
      let ready = false;
      worker.on('message', (msg: FromThread) => {
        if (isLineCall(msg)) {
          void answerLineCall(options.line, msg).then((answer) => worker.postMessage(answer));
          return;
        }
        if ('log' in msg) {
          log[msg.log](msg.msg, { ...msg.fields, thread: index });
          return;
        }
        if ('ready' in msg) {
          ready = true;
          threads[index] = thread;
          resolve();
          return;
        }
        const pending = thread.pending.get(msg.seq);
        thread.pending.delete(msg.seq);
        if (!pending) return;
        if (pending.kind === 'record') {
          // A busy database keeps its code, so the webhook waits it out as on the main thread.
          if (msg.error !== undefined) pending.reject(threadError(msg.error, msg.code));
          else pending.resolve(msg.ids ?? []);
          return;
        }
        if (pending.kind === 'heap') {
          pending.resolve(msg.heapUsedMb ?? Number.NaN);
          return;
        }
        if (msg.error !== undefined) {
          log.error('deferred work failed', { error: msg.error, thread: index });
        }
        pending.resolve(undefined);
      });
      worker.on('error', (err) => {
        log.error('processing thread failed', { error: String(err), thread: index });
      });
      worker.on('exit', (code) => {
        // Its events stay recorded in the database ('processing'); the idle sweep finishes them.
        thread.alive = false;
        const lost = thread.pending.size;
        for (const p of thread.pending.values()) {
          if (p.kind === 'record') p.reject(new Error('processing thread exited before recording'));
          else p.resolve(p.kind === 'heap' ? Number.NaN : undefined);
        }
        thread.pending.clear();
        if (!ready) {
          reject(new Error(`processing thread ${index} exited (${code}) before it was ready`));
          return;
        }
        if (closing) return;
        log.error('processing thread exited; starting another', { code, thread: index, lost });
        spawn(index).catch((err: unknown) =>
          log.error('processing thread could not be restarted', { error: String(err) }),
        );
      });
    });

  await Promise.all(Array.from({ length: options.threads }, (_, i) => spawn(i)));

  const leastBusy = (): Thread | undefined => {
    let best: Thread | undefined;
    for (const t of threads) {
      if (t.alive && (!best || t.pending.size < best.pending.size)) best = t;
    }
    return best;
  };
  const send = <T>(thread: Thread, msg: ToThread & { seq: number }, kind: Pending['kind']) =>
    new Promise<T>((resolve, reject) => {
      thread.pending.set(msg.seq, { resolve: resolve as (v: unknown) => void, reject, kind });
      thread.worker.postMessage(msg);
    });

  return {
    threads: options.threads,
    get workers() {
      return threads.map((t) => t.worker);
    },
    record(rows) {
      const thread = leastBusy();
      if (!thread) return options.fallback.record(rows);
      return send<string[]>(thread, { seq: ++seq, record: rows }, 'record');
    },
    process(id, recover, claimed) {
      const thread = leastBusy();
      if (!thread) return options.fallback.process(id, recover, claimed);
      return send<void>(thread, { seq: ++seq, id, recover, claimed }, 'process');
    },
    heapUsedMb() {
      return Promise.all(
        threads
          .filter((t) => t.alive)
          .map((t) => send<number>(t, { seq: ++seq, heap: true }, 'heap')),
      );
    },
    async close() {
      closing = true;
      await Promise.all(
        threads.map(
          (t) =>
            new Promise<void>((resolve) => {
              t.worker.once('exit', () => resolve());
              t.worker.postMessage('close' satisfies ToThread);
              setTimeout(() => void t.worker.terminate(), 5000).unref();
            }),
        ),
      );
    },
  };
}

/** An error from a thread, with the SQLite code that `isBusyError` looks at. */
function threadError(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}
