/**
 * The Node runtime, assembled: better-sqlite3 store (migrated at boot), LINE client, the
 * in-process work queue behind `defer`, and recovery of events a crash left unfinished.
 * `src/entry/node.ts` serves it with startHttpServer (timeouts, early answers closed gently);
 * tests and the benchmark build it directly.
 */
import { IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { type HttpBindings, serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { type Config, type Env, parseConfig } from '../config.ts';
import { CONSOLE_STRINGS } from '../console/strings.ts';
import { DEFAULT_TUNING, type Deps, realSleep, systemClock, type Tuning } from '../deps.ts';
import { localEvents } from '../dispatcher.ts';
import { createI18n } from '../i18n.ts';
import { createLineClient, type LineClient } from '../line/client.ts';
import { createNodeSignatureVerifier } from '../line/signature-node.ts';
import { createLogger, type Logger } from '../log.ts';
import { warmUp } from '../nlu/index.ts';
import { ensureOffices } from '../offices/reference.ts';
import { nodeRichMenuImages } from '../richmenu/images-node.ts';
import { consoleRoutes } from '../routes/console/index.tsx';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../store/node.ts';
import { seedDemoData } from '../store/seed.ts';
import { listUnfinishedWebhookEvents } from '../store/webhook-events.ts';
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
  // Events recorded and processed in this thread (`deps` is assigned below, before any call).
  const here = localEvents(() => deps);
  const pool: ProcessPool | undefined =
    threads > 0
      ? await createProcessPool({
          threads,
          env: options.env,
          tuning,
          log,
          line,
          fallback: here,
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
    i18n: createI18n({ more: { console: CONSOLE_STRINGS } }),
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? realSleep,
    signature: createNodeSignatureVerifier(config.channelSecret),
    defer: (work) => queue.push(work),
    tuning,
    // On the processing threads when there are some (the pool falls back to `here` while
    // none is running), else here.
    events: pool ?? here,
    richMenuImages: nodeRichMenuImages(),
  };
  const app = createApp(() => deps, {
    console: consoleRoutes,
    socketAddress: (c) =>
      (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress,
  });
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
      for (const id of ids) queue.push(() => deps.events.process(id, true));
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

/**
 * The Node HTTP server's limits. Node's own defaults let a client take 60 s to send its headers
 * and 300 s for the whole request, checked only every 30 s.
 */
export interface HttpServerLimits {
  /** Until a request's headers are all in (a slow-headers client): 408, connection closed. */
  readonly headersTimeoutMs: number;
  /** Until the whole request, body included, is in (a slow body): 408, connection closed. */
  readonly requestTimeoutMs: number;
  /**
   * An idle keep-alive connection closes after this: longer than the idle timeout of the TLS
   * proxy in front (nginx upstream keepalive and AWS ALB: 60 s), so the proxy never sends a
   * request on a connection the server is just closing.
   */
  readonly keepAliveTimeoutMs: number;
  /** How often the two request timeouts are checked (Node's default: every 30 s). */
  readonly checkIntervalMs: number;
  /** Requests per connection; the last is answered with `Connection: close`. */
  readonly maxRequestsPerSocket: number;
  /**
   * After an answer given before the request body was all read (413, 401): the rest is read and
   * dropped for at most this many bytes and this long, the response's end and the server's FIN
   * already sent, before the socket is destroyed. A client that stops sending and closes (as
   * they do on `Connection: close`) ends it at once; closing with the body unread would reset
   * the connection and could lose the answer.
   */
  readonly lingerBytes: number;
  readonly lingerMs: number;
}

export const HTTP_SERVER_LIMITS: HttpServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  checkIntervalMs: 1_000,
  maxRequestsPerSocket: 1_000,
  lingerBytes: 4 * 1024 * 1024,
  lingerMs: 5_000,
};

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, closes idle connections, resolves when the last one has closed. */
  close(): Promise<void>;
}

type Fetch = (request: Request, env: HttpBindings) => Response | Promise<Response>;

/** Serves `fetch` (the app's) over HTTP/1.1 with HTTP_SERVER_LIMITS (each overridable). */
export async function startHttpServer(
  fetch: Fetch,
  options: { port: number; hostname?: string; limits?: Partial<HttpServerLimits> },
): Promise<HttpServer> {
  const limits: HttpServerLimits = { ...HTTP_SERVER_LIMITS, ...options.limits };
  const guarded: Fetch = (request, env) => {
    const res = fetch(request, env);
    if (res instanceof Promise) {
      return res.then((r) => {
        closeIfBodyUnread(env, limits);
        return r;
      });
    }
    closeIfBodyUnread(env, limits);
    return res;
  };
  const server = serve({
    fetch: guarded as (request: Request, env: unknown) => Response | Promise<Response>,
    port: options.port,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
  }) as Server;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  if (!server.listening) {
    // A port in use rejects here instead of crashing the process.
    await new Promise<void>((resolve, reject) => {
      const listening = () => {
        server.off('error', failed);
        resolve();
      };
      const failed = (err: Error) => {
        server.off('listening', listening);
        reject(err);
      };
      server.once('listening', listening);
      server.once('error', failed);
    });
  }
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

const lingering = new WeakSet<Socket>();

/**
 * The answer is ready while the request body is still arriving (an early 413 or 401): it goes
 * out with `Connection: close`, and the socket, instead of being destroyed once the response is
 * written (Node's `destroySoon`), closes gently (see `lingerBytes`).
 */
function closeIfBodyUnread(env: HttpBindings, limits: HttpServerLimits): void {
  const { incoming, outgoing } = env;
  if (!(incoming instanceof IncomingMessage) || incoming.complete) return;
  const res = outgoing as ServerResponse;
  if (res.headersSent) return;
  res.setHeader('Connection', 'close');
  const socket = incoming.socket;
  if (lingering.has(socket)) return;
  lingering.add(socket);
  let started = false;
  socket.destroySoon = () => {
    if (started) return;
    started = true;
    const from = socket.bytesRead;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    // The client has sent all it will: destroyed once the response is out, nothing unread.
    const finished = () => {
      if (socket.writableFinished) done();
      else socket.once('finish', done);
    };
    const timer = setTimeout(done, limits.lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    if (socket.readableEnded) {
      socket.end();
      finished();
      return;
    }
    // Read on (Node's parser drops the rest of the body) until the client's FIN.
    socket.on('data', () => {
      if (socket.bytesRead - from > limits.lingerBytes) done();
    });
    socket.once('end', finished);
    socket.end();
  };
}
