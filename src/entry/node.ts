/** `npm start`: the bot on Node with embedded SQLite. */
import '../check-runtime.ts';
import { ConfigError } from '../config.ts';
import { startPushWorker } from '../news/push-jobs.ts';
import { NOTIFY_EVERY_MS, startNotifyWorker } from '../notify/run.ts';
import { RETENTION_EVERY_MS, runRetention } from '../retention.ts';
import { createNodeRuntime, HTTP_SERVER_LIMITS, startHttpServer } from './node-runtime.ts';

async function main(): Promise<void> {
  const runtime = await createNodeRuntime({ env: process.env });
  const { config, deps } = runtime;
  // Header, request and keep-alive timeouts, and early answers (413, 401) closed gently:
  // HTTP_SERVER_LIMITS in node-runtime.ts.
  const { server, port } = await startHttpServer(runtime.app.fetch, { port: config.port });
  deps.log.info('ready', {
    port,
    database: config.databasePath,
    headersTimeoutMs: HTTP_SERVER_LIMITS.headersTimeoutMs,
    requestTimeoutMs: HTTP_SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeoutMs: HTTP_SERVER_LIMITS.keepAliveTimeoutMs,
  });
  if (config.nodeEnv !== 'production') {
    process.stdout.write(
      `\nSSO LINE assistant listening on http://localhost:${port}\n` +
        `  webhook: POST http://localhost:${port}/webhook   health: GET /healthz\n` +
        `  database: ${config.databasePath}\n` +
        `  talk to it: npm run cli -- chat   (in another terminal)\n` +
        `  demo identities to link with: docs/demo-identities.md\n\n`,
    );
  }
  // Unfinished events from a previous run go out after the server is listening.
  void runtime.recover();
  // News push jobs: one resumable runner step every second (jobs survive restarts).
  const pushWorker = startPushWorker(deps, 1000);
  // Notifications (src/notify): plan and send every five minutes, and once now.
  const notifyWorker = startNotifyWorker(deps, NOTIFY_EVERY_MS);
  // Events left unfinished while running (a database busy for minutes): finished when idle.
  const sweeper = setInterval(() => {
    runtime.sweep().catch((err: unknown) => deps.log.error('sweep failed', { error: err }));
  }, 60_000);
  sweeper.unref();
  // The retention schedule (src/retention.ts), hourly and once at start.
  void runRetention(deps);
  const pruner = setInterval(() => void runRetention(deps), RETENTION_EVERY_MS);
  pruner.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweeper);
    clearInterval(pruner);
    deps.log.info('shutting down', { signal });
    server.close(() => {
      void Promise.all([pushWorker.stop(), notifyWorker.stop()])
        .then(() => runtime.close())
        .then(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Configuration error: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
