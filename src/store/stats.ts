/**
 * The operator console's numbers (dashboard, staff pages): counts over the last days in
 * Asia/Bangkok, read-only, on both drivers. Each query says which index it rides on; the tables
 * it scans whole are small by nature (push jobs, staff replies, staff accounts).
 *
 * Days are bucketed in SQL as whole days since the epoch in Bangkok time
 * (`(ms + 7 h) / 24 h`, integer division), so no date function of either driver is involved.
 */
import { and, count, eq, gte, inArray, isNotNull, like, lt, sql } from 'drizzle-orm';
import type { Store } from './db.ts';
import { DEAD_LETTER_MARK } from './dead-letters.ts';
import {
  accountLinks,
  lineUsers,
  notifications,
  pushJobs,
  staffAccounts,
  staffAudit,
  staffFlagMessages,
  WEBHOOK_EVENT_STATUSES,
  webhookEvents,
} from './schema.ts';

const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
const BANGKOK_OFFSET_MS = 7 * HOUR_MS;

/**
 * A notification is counted on the day it was sent, found through the (status, due_at) index:
 * sent ones due at most this long before the window. One held longer than that (by quiet hours,
 * the quota or retries) is not counted; change notifications are dropped after 30 days anyway.
 * An index on (status, sent_at) would make this exact.
 */
export const NOTIFICATION_LOOKBACK_MS = 31 * DAY_MS;

/** Bangkok day number (days since 1970-01-01 in UTC+7) of an instant. */
export function bangkokDayNumber(at: number): number {
  return Math.floor((at + BANGKOK_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD` of a Bangkok day number. */
export function dayOfNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The SQL twin of `bangkokDayNumber` for an integer ms column. The constants are literals: a bound
 * JS number may arrive as REAL (then `/` would not be integer division).
 */
const dayOf = (column: unknown) =>
  sql<number>`((${column} + ${sql.raw(String(BANGKOK_OFFSET_MS))}) / ${sql.raw(String(DAY_MS))})`.mapWith(
    Number,
  );

export interface StatsWindow {
  /** Bangkok day numbers, oldest first; the last one is today. */
  readonly days: readonly number[];
  /** Bangkok midnight of the first day (ms). */
  readonly from: number;
  /** Exclusive end: now + 1 ms. */
  readonly to: number;
}

/** The last `days` Bangkok days, today included. */
export function statsWindow(now: number, days = 7): StatsWindow {
  const today = bangkokDayNumber(now);
  const list = Array.from({ length: days }, (_, i) => today - days + 1 + i);
  return { days: list, from: list[0]! * DAY_MS - BANGKOK_OFFSET_MS, to: now + 1 };
}

/** A count for today and for the whole window. */
export interface TodayWeek {
  today: number;
  week: number;
}

/** Per-day counts summed for today (the window's last day) and for the whole window. */
function todayWeek(window: StatsWindow, rows: readonly { day: number; n: number }[]): TodayWeek {
  const today = window.days[window.days.length - 1];
  const out = { today: 0, week: 0 };
  for (const r of rows) {
    out.week += Number(r.n);
    if (Number(r.day) === today) out.today += Number(r.n);
  }
  return out;
}

/** `status IN (every status) AND received_at in the window`: the (status, received_at) index. */
function eventsIn(window: StatsWindow, statuses: readonly string[] = WEBHOOK_EVENT_STATUSES) {
  return and(
    inArray(webhookEvents.status, statuses as (typeof WEBHOOK_EVENT_STATUSES)[number][]),
    gte(webhookEvents.receivedAt, window.from),
    lt(webhookEvents.receivedAt, window.to),
  );
}

/** The events of people writing to the bot (texts, stickers, locations, …, and button taps). */
const CONVERSATION_TYPES = ['message', 'postback'];

export interface ConversationStats {
  /** Distinct LINE users who wrote or tapped, per day (aligned with `window.days`). */
  readonly perDay: number[];
  /** Distinct over the whole window (a person writing on two days counts once). */
  readonly week: number;
}

/**
 * People who wrote. A finished event keeps its LINE user id for 7 days after processing
 * (retention `webhook_events.payload`), longer than the 7-day window reaches back, so distinct
 * users are countable; a user who erased their data (unlink and erase) is no longer counted.
 */
export async function conversationStats(
  store: Store,
  window: StatsWindow,
): Promise<ConversationStats> {
  const scope = and(
    eventsIn(window),
    inArray(webhookEvents.type, CONVERSATION_TYPES),
    isNotNull(webhookEvents.userId),
  );
  const day = dayOf(webhookEvents.receivedAt);
  const [perDayRows, weekRows] = await Promise.all([
    store.db
      .select({ day, users: sql<number>`count(distinct ${webhookEvents.userId})`.mapWith(Number) })
      .from(webhookEvents)
      .where(scope)
      .groupBy(day),
    store.db
      .select({ users: sql<number>`count(distinct ${webhookEvents.userId})`.mapWith(Number) })
      .from(webhookEvents)
      .where(scope),
  ]);
  const byDay = new Map(perDayRows.map((r) => [Number(r.day), Number(r.users)]));
  return {
    perDay: window.days.map((d) => byDay.get(d) ?? 0),
    week: Number(weekRows[0]?.users ?? 0),
  };
}

export interface QuestionCell {
  /** Bangkok day number. */
  readonly day: number;
  /** The intent it was understood as; `unknown` = the bot could not answer. */
  readonly intent: string;
  /** The answer's language. */
  readonly lang: string;
  readonly n: number;
}

/**
 * Texts and button taps the bot tried to answer (the dispatcher records the understood intent
 * on every text and postback; stickers, locations and tab switches have none), by day, intent
 * and language. The page folds these cells into its charts.
 */
export async function questionCells(store: Store, window: StatsWindow): Promise<QuestionCell[]> {
  const day = dayOf(webhookEvents.receivedAt);
  const rows = await store.db
    .select({ day, intent: webhookEvents.intent, lang: webhookEvents.lang, n: count() })
    .from(webhookEvents)
    .where(and(eventsIn(window), isNotNull(webhookEvents.intent)))
    .groupBy(day, webhookEvents.intent, webhookEvents.lang);
  return rows.map((r) => ({
    day: Number(r.day),
    intent: r.intent ?? 'unknown',
    lang: r.lang ?? 'th',
    n: Number(r.n),
  }));
}

export interface ErrorStats {
  /** Events that failed (including dead letters) and that LINE could not be given. */
  readonly failed: TodayWeek;
  readonly undeliverable: TodayWeek;
  /** Failed events whose queue retries ran out (Workers), in the window. */
  readonly deadLetters: TodayWeek;
  /** Every dead letter still kept (an operator may replay it: /admin/dead-letters). */
  readonly deadLettersKept: number;
}

export async function errorStats(store: Store, window: StatsWindow): Promise<ErrorStats> {
  const day = dayOf(webhookEvents.receivedAt);
  const isDead = like(webhookEvents.error, `${DEAD_LETTER_MARK}%`);
  const [rows, kept] = await Promise.all([
    store.db
      .select({
        day,
        status: webhookEvents.status,
        n: count(),
        dead: sql<number>`sum(case when ${isDead} then 1 else 0 end)`.mapWith(Number),
      })
      .from(webhookEvents)
      .where(eventsIn(window, ['failed', 'undeliverable']))
      .groupBy(day, webhookEvents.status),
    // status = 'failed': the index's first column; failures are few.
    store.db
      .select({ n: count() })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.status, 'failed'), isDead)),
  ]);
  const ofStatus = (status: string) =>
    todayWeek(
      window,
      rows.filter((r) => r.status === status),
    );
  return {
    failed: ofStatus('failed'),
    undeliverable: ofStatus('undeliverable'),
    deadLetters: todayWeek(
      window,
      rows.map((r) => ({ day: r.day, n: r.dead ?? 0 })),
    ),
    deadLettersKept: Number(kept[0]?.n ?? 0),
  };
}

export interface LinkStats {
  /** Active followers with a linked account. */
  readonly linked: number;
  /** Users following the bot now. */
  readonly activeFollowers: number;
}

export async function linkStats(store: Store): Promise<LinkStats> {
  const [followers, linked] = await Promise.all([
    // line_users_status_idx alone (a covering count).
    store.db.select({ n: count() }).from(lineUsers).where(eq(lineUsers.status, 'active')),
    store.db
      .select({ n: count() })
      .from(accountLinks)
      .innerJoin(lineUsers, eq(lineUsers.userId, accountLinks.userId))
      .where(eq(lineUsers.status, 'active')),
  ]);
  return { linked: Number(linked[0]?.n ?? 0), activeFollowers: Number(followers[0]?.n ?? 0) };
}

export interface PushStats {
  /** News multicast recipients the started jobs reached (counted on the day the job started). */
  readonly newsRecipients: TodayWeek;
  /** News broadcasts started (LINE sends them to every friend; the count of people is LINE's). */
  readonly broadcasts: TodayWeek;
  /** Personal notifications pushed (claims, contributions, …). */
  readonly notifications: TodayWeek;
  /** Staff answers in flagged chats that LINE accepted. */
  readonly staffReplies: TodayWeek;
}

export async function pushStats(store: Store, window: StatsWindow): Promise<PushStats> {
  const jobDay = dayOf(pushJobs.startedAt);
  const sentDay = dayOf(notifications.sentAt);
  const replyDay = dayOf(staffFlagMessages.at);
  const [jobs, sent, replies] = await Promise.all([
    // push_jobs is small (a row per news push): read whole.
    store.db
      .select({
        day: jobDay,
        kind: pushJobs.kind,
        jobs: count(),
        recipients: sql<number>`coalesce(sum(${pushJobs.sentRecipients}), 0)`.mapWith(Number),
      })
      .from(pushJobs)
      .where(and(gte(pushJobs.startedAt, window.from), lt(pushJobs.startedAt, window.to)))
      .groupBy(jobDay, pushJobs.kind),
    // The (status, due_at) index; see NOTIFICATION_LOOKBACK_MS.
    store.db
      .select({ day: sentDay, n: count() })
      .from(notifications)
      .where(
        and(
          eq(notifications.status, 'sent'),
          gte(notifications.dueAt, window.from - NOTIFICATION_LOOKBACK_MS),
          lt(notifications.dueAt, window.to),
          gte(notifications.sentAt, window.from),
          lt(notifications.sentAt, window.to),
        ),
      )
      .groupBy(sentDay),
    // Staff replies are few (a person types each one): read whole.
    store.db
      .select({ day: replyDay, n: count() })
      .from(staffFlagMessages)
      .where(
        and(
          eq(staffFlagMessages.direction, 'staff'),
          eq(staffFlagMessages.status, 'sent'),
          gte(staffFlagMessages.at, window.from),
          lt(staffFlagMessages.at, window.to),
        ),
      )
      .groupBy(replyDay),
  ]);
  const fold = (rows: { day: number; n: number }[]) => todayWeek(window, rows);
  return {
    newsRecipients: fold(
      jobs.filter((j) => j.kind === 'multicast').map((j) => ({ day: j.day, n: j.recipients })),
    ),
    broadcasts: fold(
      jobs.filter((j) => j.kind === 'broadcast').map((j) => ({ day: j.day, n: j.jobs })),
    ),
    notifications: fold(sent.map((r) => ({ day: r.day, n: Number(r.n) }))),
    staffReplies: fold(replies.map((r) => ({ day: r.day, n: Number(r.n) }))),
  };
}

// ---- the staff pages ------------------------------------------------------------------------

/**
 * Each account's last successful sign-in from the staff audit: per account, the
 * (staff_id, at) index walked backwards to its newest `login` row.
 */
export async function lastSignIns(store: Store): Promise<Map<number, number>> {
  const rows = await store.db
    .select({
      id: staffAccounts.id,
      // Spelt out: drizzle leaves columns unqualified in a one-table select, and an unqualified
      // "id" inside the subquery would be staff_audit's own.
      at: sql<
        number | null
      >`(select a.at from staff_audit a where a.staff_id = staff_accounts.id and a.action = 'login' order by a.at desc limit 1)`,
    })
    .from(staffAccounts);
  const out = new Map<number, number>();
  for (const r of rows) if (r.at !== null && r.at !== undefined) out.set(r.id, Number(r.at));
  return out;
}

/** The actions among the newest `recent` audit entries (for the audit page's filter). */
export async function recentStaffActions(store: Store, recent = 2000): Promise<string[]> {
  const newest = store.db
    .select({ action: staffAudit.action })
    .from(staffAudit)
    .orderBy(sql`${staffAudit.id} desc`)
    .limit(recent)
    .as('newest');
  const rows = await store.db
    .select({ action: newest.action })
    .from(newest)
    .groupBy(newest.action)
    .orderBy(newest.action);
  return rows.map((r) => r.action);
}
