/**
 * The sender's queries on `notifications`, on the Store seam (better-sqlite3 and D1). Lists of
 * ids travel as one JSON parameter (`json_each`), so a chunk of any size is one statement within
 * D1's 100 bound parameters, and a run costs a handful of statements per chunk.
 */
import { and, count, eq, lte, min, sql } from 'drizzle-orm';
import type { BatchQuery, Store } from '../store/db.ts';
import { type NotificationCategory, notifications } from '../store/schema.ts';
import { type CategoryCounts, zeroCounts } from './plan.ts';

/** A due notification with what the sender checks before pushing it. */
export interface DueRow {
  readonly id: number;
  readonly userId: string;
  readonly category: NotificationCategory;
  readonly dedupeKey: string;
  readonly params: string;
  readonly attempts: number;
  readonly createdAt: number;
  /** line_users.status, null when the row is gone. */
  readonly follow: string | null;
  readonly chosenLanguage: string | null;
  readonly profileLanguage: string | null;
  /** 1 when the LINE user is still linked. */
  readonly linked: number;
  /** 1 when the user is still opted in to the category. */
  readonly optedIn: number;
}

/** Pending notifications due at `now`, per category. */
export async function countDue(store: Store, now: number): Promise<CategoryCounts> {
  const rows = await store.db
    .select({ category: notifications.category, n: count() })
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), lte(notifications.dueAt, now)))
    .groupBy(notifications.category);
  const out = zeroCounts();
  for (const r of rows) out[r.category] = Number(r.n);
  return out;
}

/** The lowest pending id, minus one (where a run's id-ordered walk starts); 0 when none. */
export async function pendingCursorStart(store: Store): Promise<number> {
  const rows = await store.db
    .select({ id: min(notifications.id) })
    .from(notifications)
    .where(eq(notifications.status, 'pending'));
  const id = rows[0]?.id;
  return id === null || id === undefined ? 0 : id - 1;
}

/**
 * The next `limit` pending notifications due at `now` after `afterId`, in id order, of the given
 * categories, with the user's state. The walk goes by primary key (`+status` keeps SQLite off
 * the status index, which would sort every due row for each chunk).
 */
export async function dueChunk(
  store: Store,
  now: number,
  afterId: number,
  categories: readonly NotificationCategory[],
  limit: number,
): Promise<DueRow[]> {
  if (categories.length === 0) return [];
  const list = sql.join(
    categories.map((c) => sql`${c}`),
    sql`, `,
  );
  return store.db.all<DueRow>(sql`
    select n.id as id, n.user_id as userId, n.category as category,
      n.dedupe_key as dedupeKey, n.params as params,
      n.attempts as attempts, n.created_at as createdAt, u.status as follow,
      u.chosen_language as chosenLanguage, u.profile_language as profileLanguage,
      (l.user_id is not null) as linked,
      (coalesce(p.enabled, 0) = 1 and p.consent_at is not null) as optedIn
    from notifications n
    left join line_users u on u.user_id = n.user_id
    left join account_links l on l.user_id = n.user_id
    left join notification_prefs p on p.user_id = n.user_id and p.category = n.category
    where +n.status = 'pending' and n.id > ${afterId} and n.due_at <= ${now}
      and n.category in (${list})
    order by n.id
    limit ${limit}`);
}

/**
 * Still pending. The unary `+` keeps SQLite off the (status, due_at) index: these statements
 * name their rows by id, and must look them up by primary key, not scan every pending row.
 */
const stillPending = sql`+${notifications.status} = 'pending'`;

const idsIn = (json: string) =>
  sql`${notifications.id} in (select cast(value as integer) from json_each(${json}))`;

/**
 * Takes notifications for one attempt: counts it and leases them until `leaseUntil` (a second
 * runner leaves them alone; a crashed run's lease expires and the next run retries with the same
 * retry key). Returns the ids taken (ones another runner took meanwhile are left out).
 */
export async function claimDue(
  store: Store,
  ids: readonly number[],
  now: number,
  leaseUntil: number,
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await store.db
    .update(notifications)
    .set({ attempts: sql`${notifications.attempts} + 1`, dueAt: leaseUntil })
    .where(and(idsIn(JSON.stringify(ids)), stillPending, sql`+${notifications.dueAt} <= ${now}`))
    .returning({ id: notifications.id });
  return new Set(rows.map((r) => r.id));
}

/** What happened to each notification of a chunk, written in one batch. */
export interface Outcomes {
  /** id → LINE request id (null when LINE gave none). */
  readonly sent: Map<number, string | null>;
  /** id → why it was not sent (unfollowed, unlinked, opted out, expired). */
  readonly skipped: Map<number, string>;
  /** id → the error it failed with for good. */
  readonly failed: Map<number, string>;
  /** id → when to try again, and the error. */
  readonly retry: Map<number, { at: number; error: string }>;
}

export function emptyOutcomes(): Outcomes {
  return { sent: new Map(), skipped: new Map(), failed: new Map(), retry: new Map() };
}

export function outcomeCount(o: Outcomes): number {
  return o.sent.size + o.skipped.size + o.failed.size + o.retry.size;
}

/**
 * Writes a chunk's outcomes atomically (one transaction on Node, one D1 batch): each kind is one
 * `UPDATE … FROM json_each(map)`, a join on the primary key, whatever the chunk size.
 */
export async function writeOutcomes(store: Store, o: Outcomes, now: number): Promise<void> {
  const queries: BatchQuery[] = [];
  const update = (map: Readonly<Record<string, unknown>>, set: Parameters<typeof setOf>[0]) =>
    store.db
      .update(notifications)
      .set(setOf(set))
      .from(sql`json_each(${JSON.stringify(map)}) as j`)
      .where(and(sql`${notifications.id} = cast(j.key as integer)`, stillPending));
  if (o.sent.size > 0) {
    queries.push(
      update(Object.fromEntries(o.sent), {
        status: 'sent',
        sentAt: now,
        lineRequestId: sql`j.value`,
        lastError: null,
      }),
    );
  }
  if (o.skipped.size > 0) {
    queries.push(
      update(Object.fromEntries(o.skipped), { status: 'skipped', lastError: sql`j.value` }),
    );
  }
  if (o.failed.size > 0) {
    queries.push(
      update(Object.fromEntries(o.failed), { status: 'failed', lastError: sql`j.value` }),
    );
  }
  if (o.retry.size > 0) {
    const map = Object.fromEntries([...o.retry].map(([id, r]) => [id, { d: r.at, e: r.error }]));
    queries.push(
      update(map, {
        dueAt: sql`json_extract(j.value, '$.d')`,
        lastError: sql`json_extract(j.value, '$.e')`,
      }),
    );
  }
  if (queries.length > 0) await store.batch(queries);
}

function setOf(set: Partial<Record<keyof typeof notifications.$inferInsert, unknown>>) {
  return set as Partial<typeof notifications.$inferInsert>;
}

/** Pending notifications not due yet (waiting for a retry or a lease), for the report. */
export async function countWaiting(store: Store, now: number): Promise<number> {
  const rows = await store.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), sql`${notifications.dueAt} > ${now}`));
  return Number(rows[0]?.n ?? 0);
}
