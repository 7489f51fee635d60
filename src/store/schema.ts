/**
 * The database schema (drizzle, SQLite dialect). One schema serves better-sqlite3 (Node) and D1
 * (Workers); drizzle-kit writes migrations to drizzle/, which both runtimes apply.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A LINE user who has talked to or followed the bot. */
export const lineUsers = sqliteTable(
  'line_users',
  {
    userId: text('user_id').primaryKey(),
    /** The language the user picked in chat; wins over the profile language. */
    chosenLanguage: text('chosen_language'),
    /** `language` from the LINE profile, when it is one we speak. */
    profileLanguage: text('profile_language'),
    /** `active` while following; `inactive` after unfollow (no pushes). */
    status: text('status', { enum: ['active', 'inactive'] })
      .notNull()
      .default('active'),
    followedAt: integer('followed_at'),
    unfollowedAt: integer('unfollowed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('line_users_status_idx').on(t.status)],
);

export const WEBHOOK_EVENT_STATUSES = [
  'pending',
  'processing',
  'done',
  'failed',
  'skipped',
  'undeliverable',
] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * Every webhook event, recorded before the webhook answers 200. The primary key is LINE's
 * `webhookEventId`, so a redelivered or repeated event is recorded (and processed) once.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    webhookEventId: text('webhook_event_id').primaryKey(),
    type: text('type').notNull(),
    userId: text('user_id'),
    replyToken: text('reply_token'),
    /** LINE's event timestamp (ms since epoch). */
    eventTimestamp: integer('event_timestamp').notNull(),
    isRedelivery: integer('is_redelivery', { mode: 'boolean' }).notNull().default(false),
    /** The event object as LINE sent it (JSON). */
    payload: text('payload').notNull(),
    status: text('status', { enum: WEBHOOK_EVENT_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Set just before a reply call: a crash after it leaves the outcome uncertain. */
    replyAttemptedAt: integer('reply_attempted_at'),
    /** How the answer went out: reply, push, or none. */
    delivery: text('delivery', { enum: ['reply', 'push', 'none'] }),
    error: text('error'),
    lineRequestId: text('line_request_id'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
  },
  (t) => [index('webhook_events_status_idx').on(t.status, t.receivedAt)],
);

/** Key/value facts about the database itself (seed version, …). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
