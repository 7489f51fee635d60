/**
 * Webhook events through Cloudflare Queues (SPEC C16), in workerd with D1: the webhook records
 * and enqueues before its 200, the `queue` handler answers each event once, retries LINE's
 * failures with backoff, gives up into the dead-letter queue, whose events an operator lists
 * and replays; the cron only sweeps. The Worker runs with EVENT_PROCESSING = "queue" (the lane's
 * default is "inline"). Most tests hand the Worker a recording queue and deliver its messages to
 * the handler themselves (createMessageBatch / getQueueResult), so every delivery, ack and retry
 * delay is seen; the last goes through the queue Miniflare runs from wrangler.toml.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  type QueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import worker, {
  type EventMessage,
  sweepWebhookEvents,
  workerDeps,
} from '../../src/entry/worker.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';

const bindings = env as unknown as {
  DB: D1Database;
  LINE_API_BASE_URL: string;
  EVENTS_QUEUE: Queue<EventMessage>;
};
const signer = createSignatureVerifier('test-channel-secret');
const ADMIN_TOKEN = 'queue-test-admin-token-0123456789abcdef';
const EVENTS_QUEUE = 'sso-bot-events';
const DEAD_LETTERS = 'sso-bot-events-dlq';

interface Sent {
  body: EventMessage;
  delaySeconds?: number;
}

/** A queue that records what the Worker sends (and can refuse, like a queue over its limits). */
function recordingQueue() {
  const sent: Sent[] = [];
  const calls: number[] = [];
  let refuse = false;
  const queue = {
    async sendBatch(messages: Iterable<MessageSendRequest<EventMessage>>) {
      if (refuse) throw new Error('Queue sendBatch failed: Too Many Requests');
      const list = [...messages];
      calls.push(list.length);
      for (const m of list) {
        sent.push({ body: m.body, ...(m.delaySeconds ? { delaySeconds: m.delaySeconds } : {}) });
      }
      return {};
    },
    async send(body: EventMessage, options?: QueueSendOptions) {
      await queue.sendBatch([{ body, ...options }]);
      return {};
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return {
    queue: queue as unknown as Queue<EventMessage>,
    sent,
    calls,
    /** Takes what was sent so far. */
    take(): Sent[] {
      return sent.splice(0);
    },
    refuse(on: boolean) {
      refuse = on;
    },
  };
}

type Recording = ReturnType<typeof recordingQueue>;

/** The Worker's bindings as deployed (queue mode), with `queue` as the events queue. */
const queueEnv = (rec: Recording, extra: Record<string, string> = {}) =>
  ({
    ...(env as object),
    EVENT_PROCESSING: 'queue',
    EVENTS_QUEUE: rec.queue,
    ADMIN_TOKEN,
    ...extra,
  }) as never;

async function post(workerEnv: never, body: string): Promise<Response> {
  const headers = {
    'content-type': 'application/json',
    'x-line-signature': await signer.sign(body),
  };
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request('https://bot.example/webhook', { method: 'POST', headers, body }),
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function admin(workerEnv: never, method: string, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://bot.example${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

let nextMessage = 0;

/**
 * Delivers messages to the Worker's `queue` handler as the queue would; returns its verdicts
 * (getQueueResult), with each retry's delay (which getQueueResult does not keep).
 */
async function deliver(
  workerEnv: never,
  queueName: string,
  messages: { body: EventMessage; attempts?: number }[],
): Promise<QueueResult & { ids: string[] }> {
  const ids = messages.map(() => `msg-${++nextMessage}`);
  const batch = createMessageBatch<EventMessage>(
    queueName,
    messages.map((m, i) => ({
      id: ids[i]!,
      timestamp: new Date(),
      attempts: m.attempts ?? 1,
      body: m.body,
    })),
  );
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, 'retry', {
      value: (options?: QueueRetryOptions) => {
        delays.set(message.id, options?.delaySeconds);
        retry(options);
      },
    });
  }
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<unknown>, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryMessages: result.retryMessages.map((r) => ({
      ...r,
      delaySeconds: delays.get(r.msgId),
    })),
    ids,
  };
}

interface Recorded {
  path: string;
  status: number;
  body: { replyToken?: string; to?: string; messages?: { type: string; text?: string }[] };
  violations: string[];
}

async function lineRequests(): Promise<Recorded[]> {
  return (await (
    await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`)
  ).json()) as Recorded[];
}

/** Replies and pushes LINE accepted for this event (by its reply token or its user). */
async function answersTo(evt: { replyToken?: string; source: { userId: string } }) {
  const reqs = await lineRequests();
  return {
    replies: reqs.filter(
      (r) =>
        r.path === '/v2/bot/message/reply' &&
        r.status === 200 &&
        r.body.replyToken === evt.replyToken,
    ),
    pushes: reqs.filter(
      (r) =>
        r.path === '/v2/bot/message/push' && r.status === 200 && r.body.to === evt.source.userId,
    ),
    violations: reqs.flatMap((r) => r.violations),
  };
}

const rowOf = (id: string) =>
  bindings.DB.prepare(
    'select status, attempts, delivery, error, reply_attempted_at as replyAttemptedAt from webhook_events where webhook_event_id = ?',
  )
    .bind(id)
    .first<{
      status: string;
      attempts: number;
      delivery: string | null;
      error: string | null;
      replyAttemptedAt: number | null;
    }>();

/** LINE answers the reply and push calls with `status` while `failing()` says so. */
function lineFails(status: number, failing: () => boolean = () => true) {
  const realFetch = globalThis.fetch;
  let failed = 0;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (/\/v2\/bot\/message\/(reply|push)$/.test(url) && failing()) {
      failed++;
      return Response.json(
        { message: 'Internal server error' },
        { status, headers: { 'x-line-request-id': `failed-${failed}` } },
      );
    }
    return realFetch(input, init);
  });
  return { failed: () => failed };
}

beforeEach(async () => {
  await fetch(`${bindings.LINE_API_BASE_URL}/__mock/reset`, { method: 'POST' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the webhook with the events queue', () => {
  it('records the event pending and enqueues it before the 200; the consumer answers once', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q1') }, 'สวัสดี');
    expect((await post(workerEnv, webhookBody([evt]))).status).toBe(200);

    // Before any consumer ran: recorded, on the queue, nothing sent to LINE.
    expect(rec.sent).toEqual([{ body: { id: evt.webhookEventId } }]);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await answersTo(evt)).replies).toHaveLength(0);

    const result = await deliver(workerEnv, EVENTS_QUEUE, rec.take());
    expect(result.explicitAcks).toEqual(result.ids);
    expect(result.retryMessages).toEqual([]);
    const answers = await answersTo(evt);
    expect(answers.replies).toHaveLength(1);
    expect(answers.violations).toEqual([]);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({
      status: 'done',
      attempts: 1,
      delivery: 'reply',
    });
  });

  it('enqueues a redelivered or repeated event once, and a duplicate message answers nothing', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q2') }, 'สวัสดี');
    await post(workerEnv, webhookBody([evt]));
    await post(workerEnv, webhookBody([evt]));
    await post(workerEnv, webhookBody([{ ...evt, deliveryContext: { isRedelivery: true } }]));
    expect(rec.sent).toEqual([{ body: { id: evt.webhookEventId } }]);

    // At-least-once delivery: the same id twice in a batch, and once more later.
    const message = rec.take()[0]!;
    const first = await deliver(workerEnv, EVENTS_QUEUE, [message, message]);
    const again = await deliver(workerEnv, EVENTS_QUEUE, [message]);
    expect(first.explicitAcks).toEqual(first.ids);
    expect(again.explicitAcks).toEqual(again.ids);
    const answers = await answersTo(evt);
    expect(answers.replies.length + answers.pushes.length).toBe(1);
  });

  it('sends a many-event POST in sendBatch calls of at most 100, skipped events not at all', async () => {
    const rec = recordingQueue();
    const many = Array.from({ length: 130 }, (_, i) =>
      events.follow({ userId: demoUserId(`q-many-${i}`) }),
    );
    const unknown = { ...events.follow({ userId: demoUserId('q-uk') }), type: 'brandNewType' };
    expect((await post(queueEnv(rec), webhookBody([...many, unknown]))).status).toBe(200);
    expect(rec.calls).toEqual([100, 30]);
    expect(rec.sent.map((s) => s.body.id).sort()).toEqual(many.map((e) => e.webhookEventId).sort());
    expect(await rowOf(unknown.webhookEventId)).toMatchObject({ status: 'skipped' });
  });

  it('answers 200 when the queue refuses (the event is recorded; the sweep enqueues it)', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q-refused') }, 'สวัสดี');
    rec.refuse(true);
    expect((await post(workerEnv, webhookBody([evt]))).status).toBe(200);
    expect(rec.sent).toEqual([]);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'pending', attempts: 0 });

    rec.refuse(false);
    const deps = workerDeps(workerEnv as never, () => {});
    // The sweep looks at events older than two minutes; this one is, a little later.
    const later = { ...deps, clock: { now: () => Date.now() + 3 * 60_000 } };
    expect(await sweepWebhookEvents(later, rec.queue)).toBeGreaterThanOrEqual(1);
    const swept = rec.take().filter((s) => s.body.id === evt.webhookEventId);
    expect(swept).toEqual([{ body: { id: evt.webhookEventId, stale: 0 } }]);
    await deliver(workerEnv, EVENTS_QUEUE, swept);
    const answers = await answersTo(evt);
    expect(answers.replies.length + answers.pushes.length).toBe(1);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'done' });
  });

  it('fails closed when EVENT_PROCESSING asks for a queue the Worker is not bound to', async () => {
    const body = webhookBody([events.follow({ userId: demoUserId('q-cfg') })]);
    const unbound = { ...(env as object), EVENT_PROCESSING: 'queue', EVENTS_QUEUE: undefined };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await post(unbound as never, body)).status).toBe(503);
    const wrong = { ...(env as object), EVENT_PROCESSING: 'later' };
    expect((await post(wrong as never, body)).status).toBe(503);
    expect(logged.mock.calls.map((c) => String(c[0]))).toEqual([
      'configuration error: EVENT_PROCESSING: is "queue" but the Worker has no EVENTS_QUEUE binding (wrangler.toml [[queues.producers]])',
      expect.stringContaining('EVENT_PROCESSING: must be "queue" or "inline"'),
    ]);
  });
});

describe('the consumer: retries, backoff and dead letters', () => {
  it('retries LINE 500 with backoff, then answers once', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q-500') }, 'สวัสดี');
    await post(workerEnv, webhookBody([evt]));
    const [message] = rec.take();

    let down = true;
    const line = lineFails(500, () => down);
    const first = await deliver(workerEnv, EVENTS_QUEUE, [message!]);
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toHaveLength(1);
    // The first retry waits 5 s (half to all of it).
    expect(first.retryMessages[0]!.delaySeconds).toBeGreaterThanOrEqual(3);
    expect(first.retryMessages[0]!.delaySeconds).toBeLessThanOrEqual(5);
    // Both reply attempts failed while the token lived: no push (a reply is free), the event
    // waits pending with the error and the reply mark (a 500 may have been shown).
    expect(line.failed()).toBe(2);
    const waiting = await rowOf(evt.webhookEventId);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.error).toContain('500');
    expect(waiting?.replyAttemptedAt).not.toBeNull();

    const second = await deliver(workerEnv, EVENTS_QUEUE, [{ ...message!, attempts: 2 }]);
    expect(second.retryMessages[0]!.delaySeconds).toBeGreaterThanOrEqual(5);
    expect(second.retryMessages[0]!.delaySeconds).toBeLessThanOrEqual(10);

    down = false;
    const third = await deliver(workerEnv, EVENTS_QUEUE, [{ ...message!, attempts: 3 }]);
    expect(third.explicitAcks).toEqual(third.ids);
    const answers = await answersTo(evt);
    expect(answers.replies).toHaveLength(1);
    expect(answers.pushes).toHaveLength(0);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({
      status: 'done',
      attempts: 3,
      delivery: 'reply',
    });
  });

  it('gives a refused reply (429) a clean retry: the reply mark is cleared', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q-429') }, 'สวัสดี');
    await post(workerEnv, webhookBody([evt]));
    lineFails(429);
    const result = await deliver(workerEnv, EVENTS_QUEUE, rec.take());
    expect(result.retryMessages).toHaveLength(1);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({
      status: 'pending',
      replyAttemptedAt: null,
    });
  });

  it('always failing: retries to the end, dead-lettered, listed, replayed and answered once', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text({ userId: demoUserId('q-dead') }, 'สวัสดี');
    await post(workerEnv, webhookBody([evt]));
    const [message] = rec.take();

    lineFails(503);
    // max_retries = 10 in wrangler.toml: the first delivery and ten retries, each retried with a
    // longer delay, up to 15 minutes.
    const delays: number[] = [];
    for (let attempts = 1; attempts <= 11; attempts++) {
      const result = await deliver(workerEnv, EVENTS_QUEUE, [{ ...message!, attempts }]);
      expect(result.explicitAcks).toEqual([]);
      delays.push(result.retryMessages[0]!.delaySeconds!);
    }
    const caps = delays.map((_, i) => Math.min(900, 5 * 2 ** i));
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(caps[i]! / 2);
      expect(d).toBeLessThanOrEqual(caps[i]!);
    });
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'pending', attempts: 11 });

    // Cloudflare moves the message to the dead-letter queue; its consumer marks the event.
    const dead = await deliver(workerEnv, DEAD_LETTERS, [{ ...message!, attempts: 1 }]);
    expect(dead.explicitAcks).toEqual(dead.ids);
    const row = await rowOf(evt.webhookEventId);
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/^dead letter: .*503/);

    const list = await admin(workerEnv, 'GET', '/admin/dead-letters');
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as {
      items: { webhookEventId: string; type: string; attempts: number; replayable: boolean }[];
    };
    const item = items.find((i) => i.webhookEventId === evt.webhookEventId);
    expect(item).toMatchObject({ type: 'message', attempts: 11, replayable: true });
    expect(JSON.stringify(items)).not.toContain('สวัสดี');

    // LINE is back; the operator replays: the event goes back on the queue and is answered.
    vi.restoreAllMocks();
    const replay = await admin(
      workerEnv,
      'POST',
      `/admin/dead-letters/${evt.webhookEventId}/replay`,
    );
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ webhookEventId: evt.webhookEventId, status: 'pending' });
    const resent = rec.take();
    expect(resent).toEqual([{ body: { id: evt.webhookEventId } }]);
    const done = await deliver(workerEnv, EVENTS_QUEUE, resent);
    expect(done.explicitAcks).toEqual(done.ids);
    const answers = await answersTo(evt);
    expect(answers.replies.length + answers.pushes.length).toBe(1);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'done' });

    // Replayed once only: it is no longer a dead letter.
    expect(
      (await admin(workerEnv, 'POST', `/admin/dead-letters/${evt.webhookEventId}/replay`)).status,
    ).toBe(404);
    const after = (await (await admin(workerEnv, 'GET', '/admin/dead-letters')).json()) as {
      items: { webhookEventId: string }[];
    };
    expect(after.items.map((i) => i.webhookEventId)).not.toContain(evt.webhookEventId);
  });

  it('acks and drops a message that is not an event id', async () => {
    const rec = recordingQueue();
    const result = await deliver(queueEnv(rec), EVENTS_QUEUE, [
      { body: { nope: true } as unknown as EventMessage },
    ]);
    expect(result.explicitAcks).toEqual(result.ids);
  });
});

describe('the cron: a sweep only', () => {
  it('re-enqueues a stuck event (at once if never claimed, after the lease if processing), answered once', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const unsent = events.text({ userId: demoUserId('q-sweep-1') }, 'สวัสดี');
    const abandoned = events.text({ userId: demoUserId('q-sweep-2') }, 'สวัสดี');
    const waiting = events.text({ userId: demoUserId('q-sweep-3') }, 'สวัสดี');
    await post(workerEnv, webhookBody([unsent, abandoned, waiting]));
    rec.take();
    // `abandoned`: claimed by a consumer that died; `waiting`: released for a retry the queue
    // holds (left alone).
    await bindings.DB.prepare(
      "update webhook_events set status = 'processing', attempts = 1 where webhook_event_id = ?",
    )
      .bind(abandoned.webhookEventId)
      .run();
    await bindings.DB.prepare(
      "update webhook_events set status = 'pending', attempts = 1 where webhook_event_id = ?",
    )
      .bind(waiting.webhookEventId)
      .run();

    const deps = workerDeps(workerEnv as never, () => {});
    const later = { ...deps, clock: { now: () => Date.now() + 3 * 60_000 } };
    await sweepWebhookEvents(later, rec.queue);
    const swept = rec.take();
    const mine = (id: string) => swept.filter((s) => s.body.id === id);
    expect(mine(unsent.webhookEventId)).toEqual([
      { body: { id: unsent.webhookEventId, stale: 0 } },
    ]);
    expect(mine(abandoned.webhookEventId)).toEqual([
      { body: { id: abandoned.webhookEventId, stale: 1 }, delaySeconds: 16 * 60 },
    ]);
    expect(mine(waiting.webhookEventId)).toEqual([]);

    // The sweep runs every minute: the same stuck event is sent again; only one message claims.
    await sweepWebhookEvents(later, rec.queue);
    const twice = [...mine(unsent.webhookEventId), ...mine(abandoned.webhookEventId)];
    const again = rec
      .take()
      .filter((s) => [unsent.webhookEventId, abandoned.webhookEventId].includes(s.body.id));
    const result = await deliver(workerEnv, EVENTS_QUEUE, [...twice, ...again]);
    expect(result.explicitAcks).toEqual(result.ids);
    for (const evt of [unsent, abandoned]) {
      const answers = await answersTo(evt);
      expect(answers.replies.length + answers.pushes.length, evt.webhookEventId).toBe(1);
      expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'done' });
    }
    expect(await rowOf(waiting.webhookEventId)).toMatchObject({ status: 'pending' });
  });

  it('the scheduled handler sweeps instead of answering', async () => {
    const rec = recordingQueue();
    const workerEnv = queueEnv(rec);
    const evt = events.text(
      { userId: demoUserId('q-cron'), timestamp: Date.now() - 10 * 60_000 },
      'สวัสดี',
    );
    rec.refuse(true);
    await post(workerEnv, webhookBody([evt]));
    rec.refuse(false);
    await bindings.DB.prepare(
      'update webhook_events set received_at = ? where webhook_event_id = ?',
    )
      .bind(Date.now() - 10 * 60_000, evt.webhookEventId)
      .run();
    const ctx = createExecutionContext();
    // 00:07 UTC: neither retention (minute 0) nor notifications (every fifth minute).
    await worker.scheduled!(
      createScheduledController({ scheduledTime: Date.UTC(2026, 0, 5, 0, 7) }),
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(rec.sent.filter((s) => s.body.id === evt.webhookEventId)).toEqual([
      { body: { id: evt.webhookEventId, stale: 0 } },
    ]);
    const answers = await answersTo(evt);
    expect(answers.replies.length + answers.pushes.length).toBe(0);
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'pending' });
  });
});

describe('through the queue Miniflare runs from wrangler.toml', () => {
  it('a signed webhook is answered by the queue consumer, exactly once', async () => {
    const workerEnv = {
      ...(env as object),
      EVENT_PROCESSING: 'queue',
      EVENTS_QUEUE: bindings.EVENTS_QUEUE,
    } as never;
    const evt = events.text({ userId: demoUserId('q-real') }, 'สวัสดี');
    expect((await post(workerEnv, webhookBody([evt]))).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while ((await rowOf(evt.webhookEventId))?.status !== 'done' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await rowOf(evt.webhookEventId)).toMatchObject({ status: 'done', delivery: 'reply' });
    const answers = await answersTo(evt);
    expect(answers.replies).toHaveLength(1);
    expect(answers.violations).toEqual([]);
  });
});
