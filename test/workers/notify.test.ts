/**
 * Notifications on Workers: the Cron Trigger's `scheduled` handler (every fifth minute) plans
 * from D1 and pushes through the LINE mock, once; the same SQL as on Node (INSERT … SELECT …
 * ON CONFLICT, json_each, UPDATE … FROM) runs on D1.
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
  body: { to?: string; messages?: { text: string }[] };
  violations: string[];
}

/** 10:05 in Bangkok, a fifth minute. */
const AT = Date.parse('2026-12-04T03:05:00Z');

async function cron(scheduledTime: number) {
  const ctx = createExecutionContext();
  // Its own env object: parsed afresh, with quiet hours off.
  await worker.scheduled(
    createScheduledController({ scheduledTime, cron: '* * * * *' }),
    { ...env, NOTIFY_QUIET_HOURS: 'off' } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

async function pushes(): Promise<Recorded[]> {
  const requests = (await (
    await fetch(`${bindings.LINE_API_BASE_URL}/__mock/requests`)
  ).json()) as Recorded[];
  return requests.filter((r) => r.path === '/v2/bot/message/push');
}

it('the cron plans a claim decision from D1 and pushes it once', async () => {
  await fetch(`${bindings.LINE_API_BASE_URL}/__mock/reset`, { method: 'POST' });
  const db = bindings.DB;
  await db.batch([
    db.prepare(
      "insert into insured_persons (id, national_id, first_name_th, last_name_th, birth_date, section, laser_code_hash, updated_at) values (900, '1103702071811', 'ทดสอบ', 'ระบบ', '1990-01-01', 33, 'none', 0)",
    ),
    db.prepare(
      "insert into line_users (user_id, chosen_language, status, created_at, updated_at) values ('Unotify0000000000000000000000000', 'en', 'active', 0, 0)",
    ),
    db.prepare(
      "insert into account_links (user_id, person_id, linked_at) values ('Unotify0000000000000000000000000', 900, 0)",
    ),
    db
      .prepare(
        "insert into notification_prefs (user_id, category, enabled, consent_at, consent_text, updated_at) values ('Unotify0000000000000000000000000', 'claim_decided', 1, ?, 'en:test', ?)",
      )
      .bind(AT - 86_400_000, AT - 86_400_000),
    db
      .prepare(
        "insert into benefit_claims (id, person_id, benefit, filed_date, status, decision_date, updated_at) values ('SC-W-1', 900, 'sickness', '2026-11-20', 'approved', '2026-12-03', ?)",
      )
      .bind(AT - 3_600_000),
  ]);

  // Not a fifth minute: nothing.
  await cron(AT - 60_000);
  expect(await pushes()).toEqual([]);

  await cron(AT);
  const first = await pushes();
  expect(first.map((r) => [r.status, r.body.to])).toEqual([
    [200, 'Unotify0000000000000000000000000'],
  ]);
  expect(first[0]!.body.messages?.[0]?.text).toContain('SC-W-1');
  expect(first.flatMap((r) => r.violations)).toEqual([]);
  const row = await db
    .prepare(
      "select status, attempts, line_request_id from notifications where dedupe_key = 'claim_decided:SC-W-1:approved'",
    )
    .first<{ status: string; attempts: number; line_request_id: string | null }>();
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  expect(row?.line_request_id).toBeTruthy();

  await cron(AT + 5 * 60_000);
  expect(await pushes()).toHaveLength(1);
});
