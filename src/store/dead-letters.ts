/**
 * Webhook events between tries, for a runtime that retries them later through a queue (the
 * Workers events queue, src/entry/worker.ts): an event put back to wait for its next try, the
 * claim a sweep message makes, the stale events the sweep looks for, and dead letters — events
 * whose retries ran out, kept as `webhook_events` rows with status 'failed' and an error that
 * starts with DEAD_LETTER_MARK, listed and replayed by an operator (GET /admin/dead-letters,
 * POST /admin/dead-letters/{id}/replay). No table of their own: the row is the event.
 */
import { and, desc, eq, inArray, like, lt, ne, sql } from 'drizzle-orm';
import type { Store } from './db.ts';
import { webhookEvents } from './schema.ts';
import type { WebhookEventRow } from './webhook-events.ts';

/** The start of a dead letter's `error`; the rest is the last try's error. */
export const DEAD_LETTER_MARK = 'dead letter: ';

/**
 * A D1 error worth another try later (Cloudflare's list of retryable D1 errors), besides the
 * SQLite busy/locked errors `isBusyError` knows.
 */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { message?: unknown; cause?: unknown } | undefined;
  if (!e) return false;
  if (
    typeof e.message === 'string' &&
    /Network connection lost|storage caused object to be reset|reset because its code was updated|D1 DB is overloaded|Internal error in D1/i.test(
      e.message,
    )
  ) {
    return true;
  }
  return e.cause !== undefined && e.cause !== err ? isTransientDbError(e.cause) : false;
}

/**
 * Puts an event being processed back to 'pending' for its next try, with the error of this one.
 * `keepReplyMark`: a reply may have reached LINE (its answer was a 5xx or never came), so the
 * next try treats the reply token as possibly used; otherwise the mark is cleared (every reply
 * was refused, e.g. 429) and the next try may reply while the token lives.
 */
export async function releaseWebhookEvent(
  store: Store,
  id: string,
  options: { error: string; keepReplyMark: boolean },
): Promise<boolean> {
  const rows = await store.db
    .update(webhookEvents)
    .set({
      status: 'pending',
      error: options.error,
      ...(options.keepReplyMark ? {} : { replyAttemptedAt: null }),
    })
    .where(and(eq(webhookEvents.webhookEventId, id), eq(webhookEvents.status, 'processing')))
    .returning({ id: webhookEvents.webhookEventId });
  return rows.length > 0;
}

/**
 * The claim of a sweep message: the event moves to 'processing' only while it still has the
 * `attempts` the sweep saw (pending or processing). A stale 'processing' event is taken over
 * this way only after its claim is certainly dead (the sweep delays the message past a
 * consumer's longest life); any newer claim has changed `attempts`, and the message claims
 * nothing.
 */
export async function claimSweptWebhookEvent(
  store: Store,
  id: string,
  attempts: number,
): Promise<WebhookEventRow | undefined> {
  const rows = await store.db
    .update(webhookEvents)
    .set({ status: 'processing', attempts: sql`${webhookEvents.attempts} + 1` })
    .where(
      and(
        eq(webhookEvents.webhookEventId, id),
        inArray(webhookEvents.status, ['pending', 'processing']),
        eq(webhookEvents.attempts, attempts),
      ),
    )
    .returning();
  return rows[0];
}

export interface StaleWebhookEvent {
  readonly webhookEventId: string;
  readonly status: 'pending' | 'processing';
  readonly attempts: number;
}

/**
 * Events received before `receivedBefore` that no queue message may be carrying: pending and
 * never claimed (their enqueue failed), and processing (their consumer may have died). A pending
 * event with attempts > 0 is waiting for a retry the queue holds, and is left alone. Oldest
 * first, at most `limit` of each kind.
 */
export async function listStaleWebhookEvents(
  store: Store,
  receivedBefore: number,
  limit = 200,
): Promise<StaleWebhookEvent[]> {
  const columns = {
    webhookEventId: webhookEvents.webhookEventId,
    status: webhookEvents.status,
    attempts: webhookEvents.attempts,
  };
  const older = lt(webhookEvents.receivedAt, receivedBefore);
  const [pending, processing] = await Promise.all([
    store.db
      .select(columns)
      .from(webhookEvents)
      .where(and(eq(webhookEvents.status, 'pending'), older, eq(webhookEvents.attempts, 0)))
      .orderBy(webhookEvents.receivedAt)
      .limit(limit),
    store.db
      .select(columns)
      .from(webhookEvents)
      .where(and(eq(webhookEvents.status, 'processing'), older))
      .orderBy(webhookEvents.receivedAt)
      .limit(limit),
  ]);
  return [...pending, ...processing] as StaleWebhookEvent[];
}

/**
 * Records that the queue gave up on an event waiting for a retry: 'failed', marked as a dead
 * letter with the last try's error. False when the event is not pending (finished meanwhile,
 * or being processed: the sweep has it).
 */
export async function deadLetterWebhookEvent(
  store: Store,
  id: string,
  at: number,
): Promise<boolean> {
  const rows = await store.db
    .update(webhookEvents)
    .set({
      status: 'failed',
      error: sql`${DEAD_LETTER_MARK} || coalesce(${webhookEvents.error}, 'retries exhausted')`,
      processedAt: at,
    })
    .where(and(eq(webhookEvents.webhookEventId, id), eq(webhookEvents.status, 'pending')))
    .returning({ id: webhookEvents.webhookEventId });
  return rows.length > 0;
}

const isDeadLetter = and(
  eq(webhookEvents.status, 'failed'),
  like(webhookEvents.error, `${DEAD_LETTER_MARK}%`),
);

export interface DeadLetter {
  readonly webhookEventId: string;
  readonly type: string;
  readonly attempts: number;
  readonly error: string;
  readonly lineRequestId: string | null;
  readonly receivedAt: number;
  readonly deadAt: number;
  /** False once retention has erased the event's content: it can no longer be replayed. */
  readonly replayable: boolean;
}

/** Dead letters, the most recent first. The event's content and user are not listed. */
export async function listDeadLetters(
  store: Store,
  options: { limit?: number; offset?: number } = {},
): Promise<DeadLetter[]> {
  const rows = await store.db
    .select({
      webhookEventId: webhookEvents.webhookEventId,
      type: webhookEvents.type,
      attempts: webhookEvents.attempts,
      error: webhookEvents.error,
      lineRequestId: webhookEvents.lineRequestId,
      receivedAt: webhookEvents.receivedAt,
      deadAt: webhookEvents.processedAt,
      erased: sql<number>`${webhookEvents.payload} = '{}'`,
    })
    .from(webhookEvents)
    .where(isDeadLetter)
    .orderBy(desc(webhookEvents.processedAt), desc(webhookEvents.receivedAt))
    .limit(options.limit ?? 50)
    .offset(options.offset ?? 0);
  return rows.map(({ erased, ...r }) => ({
    ...r,
    error: r.error ?? DEAD_LETTER_MARK,
    deadAt: r.deadAt ?? r.receivedAt,
    replayable: !Number(erased),
  }));
}

/**
 * Puts a dead letter back to 'pending' for another round of tries (its attempts and reply mark
 * kept: a reply that may have gone out is not sent twice). 'replayed', or why not: no such dead
 * letter, or its content already erased by retention.
 */
export async function replayDeadLetter(
  store: Store,
  id: string,
): Promise<'replayed' | 'not-found' | 'erased'> {
  const rows = await store.db
    .update(webhookEvents)
    .set({ status: 'pending', error: null, processedAt: null })
    .where(and(eq(webhookEvents.webhookEventId, id), isDeadLetter, ne(webhookEvents.payload, '{}')))
    .returning({ id: webhookEvents.webhookEventId });
  if (rows.length > 0) return 'replayed';
  const left = await store.db
    .select({ id: webhookEvents.webhookEventId })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.webhookEventId, id), isDeadLetter))
    .limit(1);
  return left.length > 0 ? 'erased' : 'not-found';
}
