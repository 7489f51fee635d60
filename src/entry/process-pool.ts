/**
 * Webhook processing on worker threads (Node). The main thread serves HTTP and records each
 * event before its 200, as always; the processing after the response (claim, NLU, handler,
 * building the answer, outcome) runs on `threads` worker threads, each with its own connection
 * to the same WAL database, so a two-core machine answers with both cores. Their LINE calls
 * come back to this thread's client (src/entry/line-relay.ts), which balances the two. The database stays the source
 * of truth: a thread that dies leaves its events pending or processing there, where the
 * idle sweep finishes them, and it is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { Env } from '../config.ts';
import type { Tuning } from '../deps.ts';
import type { LineClient } from '../line/client.ts';
import type { Logger } from '../log.ts';
import type { WebhookEventRow } from '../store/webhook-events.ts';
import { answerLineCall, isLineCall, type LineAnswer, type LineCall } from './line-relay.ts';

export interface ProcessPool {
  readonly threads: number;
  /** The running threads (tests stop one to see it replaced). */
  readonly workers: readonly Worker[];
  /** Processes one recorded event on the least busy thread; resolves when it is finished. */
  process(id: string, recover: boolean, claimed?: WebhookEventRow): Promise<void>;
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
  /** Processes an event on the main thread while no thread is running (one is restarting). */
  fallback: (id: string, recover: boolean, claimed?: WebhookEventRow) => Promise<void>;
}

/** Main thread → processing thread. */
export type ToThread =
  | { seq: number; id: string; recover: boolean; claimed?: WebhookEventRow }
  | LineAnswer
  | 'close';
/** Processing thread → main thread. */
export type FromThread =
  | { ready: true }
  | { seq: number; error?: string }
  | { log: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  | LineCall;

interface Thread {
  worker: Worker;
  pending: Map<number, () => void>;
  alive: boolean;
}

const SCRIPT = new URL('./process-thread.ts', import.meta.url);

/**
 * The threads load TypeScript as the main thread does, under tsx: its loader flags are passed
 * on, and the CPU profiler's (`BENCH_PROFILE_DIR`); nothing else (a worker refuses
 * process-wide flags such as --expose-gc).
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] {
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
  return out.length > 0 ? out : ['--import', 'tsx'];
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
        if (msg.error) log.error('deferred work failed', { error: msg.error, thread: index });
        thread.pending.get(msg.seq)?.();
        thread.pending.delete(msg.seq);
      });
      worker.on('error', (err) => {
        log.error('processing thread failed', { error: String(err), thread: index });
      });
      worker.on('exit', (code) => {
        // Its unfinished events stay recorded in the database; the idle sweep finishes them.
        thread.alive = false;
        const lost = thread.pending.size;
        for (const done of thread.pending.values()) done();
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

  return {
    threads: options.threads,
    get workers() {
      return threads.map((t) => t.worker);
    },
    process(id, recover, claimed) {
      let best: Thread | undefined;
      for (const t of threads) {
        if (t.alive && (!best || t.pending.size < best.pending.size)) best = t;
      }
      // Every thread is being replaced: this thread answers meanwhile.
      if (!best) return options.fallback(id, recover, claimed);
      const thread = best;
      const n = ++seq;
      return new Promise<void>((resolve) => {
        thread.pending.set(n, resolve);
        thread.worker.postMessage({ seq: n, id, recover, claimed } satisfies ToThread);
      });
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
