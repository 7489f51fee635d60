/**
 * POST /webhook (SPEC §3.2). Order matters: size (413, src/app.ts's body limits, at most
 * MAX_WEBHOOK_BYTES) → signature over the raw bytes (401, nothing processed; no header at all:
 * 401 before the body is read) → JSON (400) → record every identifiable event durably (and, on
 * the Worker, put it on the events queue) → 200 → process after the response, where the
 * runtime processes events (`Deps.events`).
 * https://developers.line.biz/en/reference/messaging-api/#webhooks
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import type { Deps } from '../deps.ts';
import { HANDLED_EVENT_TYPES } from '../dispatcher.ts';
import { isWebhookBody, readEnvelope } from '../line/events.ts';
import { createLogLimiter } from '../log.ts';
import { isBusyError, retryWhileBusy } from '../store/db.ts';
import type { WebhookEventRow } from '../store/webhook-events.ts';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Events accepted while the database was busy and not yet recorded, at most (per process). */
export const MAX_HELD_EVENTS = 10_000;
let heldInMemory = 0;

/**
 * Anyone can post a forged webhook, so its warning is capped (per process): this many lines a
 * minute, then the count of the rest (`suppressed`) on the next line written.
 */
export const REJECTED_LOG_PER_MINUTE = 10;
const rejectedLog = createLogLimiter({ max: REJECTED_LOG_PER_MINUTE, windowMs: 60_000 });
const REJECTED = 'webhook rejected: bad or missing signature';

/**
 * The event as JSON for `webhook_events`; undefined when it cannot be written back (JSON.parse
 * accepts nesting that JSON.stringify overflows the stack on). LINE never sends such events;
 * one is recorded as failed rather than failing the whole request and its neighbours.
 */
function serialise(event: unknown): string | undefined {
  try {
    return JSON.stringify(event);
  } catch {
    return undefined;
  }
}

function holdUntilRecorded(
  deps: Deps,
  rows: readonly WebhookEventRow[],
  record: () => Promise<string[]>,
  toProcess: ReadonlyMap<string, WebhookEventRow>,
): void {
  heldInMemory += rows.length;
  deps.log.warn('database busy: webhook events accepted and held until it frees', {
    events: rows.length,
    held: heldInMemory,
  });
  deps.defer(async () => {
    let fresh: string[];
    try {
      fresh = await retryWhileBusy(record, {
        deadlineMs: deps.tuning.processBusyMs,
        sleep: deps.sleep,
      });
    } catch (err) {
      deps.log.error('held webhook events could not be recorded; they are lost', {
        error: String(err),
        webhookEventIds: rows.map((r) => r.webhookEventId),
      });
      return;
    } finally {
      heldInMemory -= rows.length;
    }
    await Promise.all(
      fresh.flatMap((id) => {
        const row = toProcess.get(id);
        return row ? [deps.events.process(id, false, row)] : [];
      }),
    );
  });
}

export const webhookRoutes = new Hono<AppEnv>().post('/webhook', async (c) => {
  const deps = c.get('deps');
  const signature = c.req.header('x-line-signature');
  if (!signature) {
    // Nothing to check the body against: answered without reading it.
    rejectedLog.warn(deps.log, deps.clock.now(), REJECTED, { signature: 'missing' });
    return c.json({ message: 'Invalid signature' }, 401);
  }
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (!(await deps.signature.verify(raw, signature))) {
    rejectedLog.warn(deps.log, deps.clock.now(), REJECTED, { bytes: raw.byteLength });
    return c.json({ message: 'Invalid signature' }, 401);
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return c.json({ message: 'Body is not JSON' }, 400);
  }
  if (!isWebhookBody(body)) return c.json({ message: 'Body has no events array' }, 400);
  if (body.events.length === 0) return c.json({});

  const now = deps.clock.now();
  const rows: WebhookEventRow[] = [];
  for (const raw of body.events) {
    const env = readEnvelope(raw);
    if (!env) {
      deps.log.warn('webhook event ignored: no webhookEventId or type');
      continue;
    }
    const skip = env.mode === 'standby' || !HANDLED_EVENT_TYPES.has(env.type);
    const payload = skip ? '{}' : serialise(raw);
    const unreadable = payload === undefined;
    if (unreadable) {
      deps.log.warn('webhook event not processed: nested too deeply to store', {
        webhookEventId: env.webhookEventId,
        type: env.type,
      });
    }
    // An event to process is recorded already claimed by this process ('processing',
    // attempt 1): it goes straight to processing with the row in hand, and a crash leaves
    // it for recovery all the same. (Where a queue processes events, the seam records it
    // 'pending' instead, for the queue's consumer to claim.)
    const row: WebhookEventRow = {
      webhookEventId: env.webhookEventId,
      type: env.type,
      userId: env.userId ?? null,
      replyToken: env.replyToken ?? null,
      eventTimestamp: env.timestamp || now,
      isRedelivery: env.isRedelivery,
      payload: payload ?? '{}',
      status: skip ? 'skipped' : unreadable ? 'failed' : 'processing',
      attempts: skip || unreadable ? 0 : 1,
      replyAttemptedAt: null,
      delivery: null,
      error: unreadable ? 'event nested too deeply to store' : null,
      lineRequestId: null,
      receivedAt: now,
      processedAt: skip || unreadable ? now : null,
      intent: null,
      lang: null,
    };
    rows.push(row);
  }

  const toProcess = new Map(
    rows.filter((r) => r.status === 'processing').map((r) => [r.webhookEventId, r]),
  );
  const record = () => deps.events.record(rows);
  let fresh: string[];
  try {
    fresh = await retryWhileBusy(record, {
      deadlineMs: deps.tuning.recordBusyMs,
      sleep: deps.sleep,
    });
  } catch (err) {
    if (isBusyError(err) && heldInMemory + rows.length <= MAX_HELD_EVENTS) {
      // The database stayed locked by another connection for longer than LINE waits for an
      // answer. Accept the events now and record them as soon as it frees; they are then
      // processed as usual (a late reply while the token lives, else a push).
      holdUntilRecorded(deps, rows, record, toProcess);
      return c.json({});
    }
    // Not recorded means not accepted: a non-2xx lets LINE redeliver the POST later.
    deps.log.error('webhook events could not be recorded', {
      error: String(err),
      busy: isBusyError(err),
    });
    return c.json({ message: 'Temporarily unavailable' }, 503);
  }
  for (const id of fresh) {
    const row = toProcess.get(id);
    if (row) deps.defer(() => deps.events.process(id, false, row));
  }
  return c.json({});
});
