/**
 * News push jobs through the push queue, in workerd with D1: the cron puts the next minute's
 * work on the queue (one message per ready batch of at most 500 recipients, spread at
 * PUSH_RATE_PER_SECOND) and sends nothing itself; each message sends one multicast. Every
 * recipient is reached once, surplus messages send nothing, and the job ends done. The Worker
 * runs with PUSH_PROCESSING = "queue" and a recording queue whose messages the test delivers to
 * the `queue` handler (createMessageBatch / getQueueResult).
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import worker, { type PushMessage } from '../../src/entry/worker.ts';

const bindings = env as unknown as { DB: D1Database; LINE_API_BASE_URL: string };
const PREFIX = 'Ufeed';

interface Sent {
  body: PushMessage;
  delaySeconds: number;
}

function recordingQueue() {
  const sent: Sent[] = [];
  const queue = {
    async sendBatch(messages: Iterable<MessageSendRequest<PushMessage>>) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds ?? 0 });
      return {};
    },
    async send(body: PushMessage, options?: QueueSendOptions) {
      sent.push({ body, delaySeconds: options?.delaySeconds ?? 0 });
      return {};
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return { queue: queue as unknown as Queue<PushMessage>, take: () => sent.splice(0) };
}

interface Recorded {
  path: string;
  status: number;
  body: { to?: string[] };
  violations: string[];
}

async function multicasts(): Promise<Recorded[]> {
  const reqs = (await (
    await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`)
  ).json()) as Recorded[];
  return reqs.filter(
    (r) => r.path === '/v2/bot/message/multicast' && r.body.to?.[0]?.startsWith(PREFIX),
  );
}

let minute = 1;
async function cron(workerEnv: never): Promise<void> {
  const ctx = createExecutionContext();
  // Minutes that are neither 0 (retention) nor a multiple of 5 (notifications).
  minute = minute % 5 === 4 ? minute + 2 : minute + 1;
  await worker.scheduled!(
    createScheduledController({ scheduledTime: Date.UTC(2026, 0, 5, 1, minute) }),
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

let nextMessage = 0;
async function deliver(workerEnv: never, messages: Sent[]) {
  const batch = createMessageBatch<PushMessage>(
    'sso-bot-pushes',
    messages.map((m) => ({
      id: `push-${++nextMessage}`,
      timestamp: new Date(),
      attempts: 1,
      body: m.body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<unknown>, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks).toHaveLength(messages.length);
}

const jobRow = (id: number) =>
  bindings.DB.prepare(
    'select status, sent_recipients as sent, batches_total as batches from push_jobs where id = ?',
  )
    .bind(id)
    .first<{ status: string; sent: number; batches: number }>();

it('fans a multicast job out through the queue: paced, one call per message, each recipient once', async () => {
  const ids = Array.from(
    { length: 2300 },
    (_, i) => `${PREFIX}${i.toString(16).padStart(28, '0')}`,
  );
  const insert = bindings.DB.prepare(
    "insert into line_users (user_id, status, news_opt_out, created_at, updated_at) values (?, 'active', 0, 0, 0)",
  );
  for (let i = 0; i < ids.length; i += 500) {
    await bindings.DB.batch(ids.slice(i, i + 500).map((id) => insert.bind(id)));
  }
  const audience = (
    await bindings.DB.prepare(
      "select user_id as id from line_users where status = 'active' and news_opt_out = 0",
    ).all<{ id: string }>()
  ).results.map((r) => r.id);
  expect(audience.filter((id) => id.startsWith(PREFIX))).toHaveLength(2300);
  const news = await bindings.DB.prepare(
    "insert into news_items (title, summary, body, published_date, source_url, created_at, updated_at) values ('ข่าวคิว', 'สรุป', 'เนื้อหา', '2026-03-01', 'https://www.sso.go.th/q', 0, 0) returning id",
  ).first<{ id: number }>();
  const job = await bindings.DB.prepare(
    "insert into push_jobs (news_id, kind, segment, created_at) values (?, 'multicast', '{}', ?) returning id",
  )
    .bind(news!.id, Date.now())
    .first<{ id: number }>();
  const jobId = job!.id;

  const rec = recordingQueue();
  const workerEnv = {
    ...(env as object),
    PUSH_PROCESSING: 'queue',
    PUSH_QUEUE: rec.queue,
    PUSH_RATE_PER_SECOND: '2',
  } as never;

  // A pending job: one message, a step that writes the audience in batches and sends the first.
  await cron(workerEnv);
  const first = rec.take();
  expect(first).toEqual([{ body: { job: jobId }, delaySeconds: 0 }]);
  expect(await multicasts()).toHaveLength(0);
  await deliver(workerEnv, first);
  expect(await multicasts()).toHaveLength(1);
  expect(await jobRow(jobId)).toEqual({ status: 'running', sent: 500, batches: 5 });

  // Running: one message per ready batch, two a second.
  await cron(workerEnv);
  const next = rec.take();
  expect(next.map((m) => m.body)).toEqual(Array(4).fill({ job: jobId }));
  expect(next.map((m) => m.delaySeconds)).toEqual([0, 0, 1, 1]);
  // Delivered together, and one surplus message: each batch is claimed once.
  await deliver(workerEnv, [...next, { body: { job: jobId }, delaySeconds: 0 }]);
  expect(await multicasts()).toHaveLength(5);

  // Nothing pending: one message finishes the job.
  await cron(workerEnv);
  const last = rec.take();
  expect(last).toEqual([{ body: { job: jobId }, delaySeconds: 0 }]);
  await deliver(workerEnv, last);
  expect(await jobRow(jobId)).toEqual({ status: 'done', sent: 2300, batches: 5 });

  // Done: the cron has nothing more to send.
  await cron(workerEnv);
  expect(rec.take()).toEqual([]);

  const calls = await multicasts();
  expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
  expect(calls.flatMap((c) => c.violations)).toEqual([]);
  const to = calls.flatMap((c) => c.body.to ?? []);
  expect(to.length).toBe(new Set(to).size);
  expect(to.sort()).toEqual([...ids].sort());
});
