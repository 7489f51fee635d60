/**
 * One processing thread of src/entry/process-pool.ts: its own Deps (a connection to the
 * database the main thread migrated, i18n, the NLU model, LINE calls relayed to the main
 * thread); records the webhook events it is sent and processes the ids it is sent.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { type Env, parseConfig } from '../config.ts';
import { type Deps, realSleep, systemClock, type Tuning } from '../deps.ts';
import { localEvents, processWebhookEvent } from '../dispatcher.ts';
import { createI18n } from '../i18n.ts';
import { createNodeSignatureVerifier } from '../line/signature-node.ts';
import { createForwardingLogger } from '../log.ts';
import { warmUp } from '../nlu/index.ts';
import { openNodeStore } from '../store/node.ts';
import { recordWebhookEvents } from '../store/webhook-events.ts';
import { createLineRelay, isLineAnswer } from './line-relay.ts';
import type { FromThread, ToThread } from './process-pool.ts';

const port = parentPort;
if (!port) throw new Error('process-thread.ts runs as a worker thread of process-pool.ts');
const { env, tuning } = workerData as { env: Env; tuning: Tuning };

const config = parseConfig(env);
const send = (msg: FromThread) => port.postMessage(msg);
// Records go to the main thread's logger (one stream, one scrubber, the tests' capture).
const log = createForwardingLogger(config.logLevel, (level, msg, fields) => {
  try {
    send({ log: level, msg, ...(fields ? { fields } : {}) });
  } catch {
    send({ log: level, msg, fields: { fields: String(fields) } });
  }
});
const store = openNodeStore(config.databasePath, { busyTimeoutMs: tuning.dbBusyTimeoutMs });
const relay = createLineRelay(send);
const deps: Deps = {
  events: localEvents(() => deps),
  config,
  store,
  log,
  line: relay.client,
  i18n: createI18n(),
  clock: systemClock,
  sleep: realSleep,
  signature: createNodeSignatureVerifier(config.channelSecret),
  // Processing defers nothing today; should it, the work runs here and is logged if it fails.
  defer: (work) => {
    work().catch((err: unknown) => log.error('deferred work failed', { error: String(err) }));
  },
  tuning,
};
warmUp();

port.on('message', (msg: ToThread) => {
  if (msg === 'close') {
    store.close();
    process.exit(0);
  }
  if (isLineAnswer(msg)) {
    relay.onAnswer(msg);
    return;
  }
  if ('heap' in msg) {
    fullGc();
    const heapUsedMb = Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
    send({ seq: msg.seq, heapUsedMb });
    return;
  }
  if ('record' in msg) {
    recordWebhookEvents(store, msg.record).then(
      (ids) => send({ seq: msg.seq, ids }),
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        send({ seq: msg.seq, error: String(err), ...(typeof code === 'string' ? { code } : {}) });
      },
    );
    return;
  }
  processWebhookEvent(deps, msg.id, msg.recover, msg.claimed).then(
    () => send({ seq: msg.seq }),
    (err: unknown) => send({ seq: msg.seq, error: String(err) }),
  );
});
send({ ready: true });

/** A full GC for a heap figure (a worker cannot be started with --expose-gc; a new context can
 *  have `gc` once the flag is set). */
function fullGc(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // the figure is then taken without a collection
  }
}
