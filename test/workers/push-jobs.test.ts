/**
 * News push jobs on Workers: the Cron Trigger's `scheduled` handler runs a pending multicast job
 * against D1 (batched inserts within D1's bound-parameter limit) and the LINE mock.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import worker from '../../src/entry/worker.ts';

const bindings = env as unknown as { DB: D1Database; LINE_API_BASE_URL: string };

interface Recorded {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: { to?: string[] };
  violations: string[];
}

it('the cron drives a pending multicast job to done, each recipient once', async () => {
  await fetch(`${bindings.LINE_API_BASE_URL}/__mock/reset`, { method: 'POST' });
  const ids = Array.from({ length: 620 }, (_, i) => `U${i.toString(16).padStart(32, '0')}`);
  const insert = bindings.DB.prepare(
    "insert into line_users (user_id, status, news_opt_out, created_at, updated_at) values (?, 'active', 0, 0, 0)",
  );
  await bindings.DB.batch(ids.map((id) => insert.bind(id)));
  await bindings.DB.prepare(
    "insert into line_users (user_id, status, news_opt_out, created_at, updated_at) values ('Uoptedout000000000000000000000000', 'active', 1, 0, 0)",
  ).run();
  const news = await bindings.DB.prepare(
    "insert into news_items (title, summary, body, published_date, source_url, created_at, updated_at) values ('ข่าวทดสอบ', 'สรุป', 'เนื้อหา', '2026-03-01', 'https://www.sso.go.th/w', 0, 0) returning id",
  ).first<{ id: number }>();
  const job = await bindings.DB.prepare(
    "insert into push_jobs (news_id, kind, segment, created_at) values (?, 'multicast', '{}', ?) returning id",
  )
    .bind(news!.id, Date.now())
    .first<{ id: number }>();

  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController(), env as never, ctx);
  await waitOnExecutionContext(ctx);

  const row = await bindings.DB.prepare(
    'select status, sent_recipients, batches_total from push_jobs where id = ?',
  )
    .bind(job!.id)
    .first();
  expect(row).toEqual({ status: 'done', sent_recipients: 620, batches_total: 2 });
  const requests = (await (
    await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`)
  ).json()) as Recorded[];
  const multicasts = requests.filter((r) => r.path === '/v2/bot/message/multicast');
  expect(multicasts.map((r) => r.status)).toEqual([200, 200]);
  expect(multicasts.flatMap((r) => r.violations)).toEqual([]);
  const to = multicasts.flatMap((r) => r.body.to ?? []);
  expect(to.sort()).toEqual([...ids].sort());
});
