/**
 * Retention on Workers: the Cron Trigger run at minute 0 applies the schedule to D1 (the other
 * minutes leave it alone).
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import worker from '../../src/entry/worker.ts';

const bindings = env as unknown as { DB: D1Database };
const DAY = 24 * 3600_000;

async function cron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ scheduledTime, cron: '* * * * *' }),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

const keys = async () =>
  (
    await bindings.DB.prepare('select key from link_failures order by key').all<{ key: string }>()
  ).results.map((r) => r.key);

it('the hourly cron run prunes D1 by the schedule', async () => {
  const now = Date.now();
  await bindings.DB.batch([
    bindings.DB.prepare('insert into link_failures (key, at) values (?, ?), (?, ?)').bind(
      'old',
      now - 2 * DAY,
      'recent',
      now - 3600_000,
    ),
    bindings.DB.prepare(
      "insert into unanswered_questions (at, lang, text, alternatives, confidence) values (?, 'th', 'old', '[]', 0.1), (?, 'th', 'recent', '[]', 0.1)",
    ).bind(now - 100 * DAY, now - DAY),
    bindings.DB.prepare(
      "insert into line_users (user_id, status, unfollowed_at, created_at, updated_at) values ('Ugone', 'inactive', ?, 0, 0)",
    ).bind(now - 100 * DAY),
    bindings.DB.prepare(
      `insert into webhook_events (webhook_event_id, type, user_id, reply_token, event_timestamp,
         payload, status, received_at, processed_at)
       values ('ev-old', 'message', 'U1', 'rt', ?, '{"message":{"text":"hi"}}', 'failed', ?, ?)`,
    ).bind(now - 10 * DAY, now - 10 * DAY, now - 10 * DAY),
  ]);

  // Not on the hour: retention does not run.
  await cron(Date.parse('2026-12-04T03:17:00Z'));
  expect(await keys()).toEqual(['old', 'recent']);

  await cron(Date.parse('2026-12-04T04:00:00Z'));
  expect(await keys()).toEqual(['recent']);
  const texts = await bindings.DB.prepare('select text from unanswered_questions').all();
  expect(texts.results).toEqual([{ text: 'recent' }]);
  const users = await bindings.DB.prepare("select 1 from line_users where user_id = 'Ugone'").all();
  expect(users.results).toEqual([]);
  const event = await bindings.DB.prepare(
    "select payload, user_id, reply_token, status from webhook_events where webhook_event_id = 'ev-old'",
  ).first();
  expect(event).toEqual({ payload: '{}', user_id: null, reply_token: null, status: 'failed' });
});
