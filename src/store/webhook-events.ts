import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { retryWhileBusy, type Store } from './db.ts';
import { type WebhookEventStatus, webhookEvents } from './schema.ts';

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;

/**
 * Records events in one atomic batch; returns the ids that were new. An id already present
 * (a redelivery, or the same POST repeated) is left as it is and not returned.
 */
export async function recordWebhookEvents(
  store: Store,
  rows: readonly NewWebhookEvent[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  // One statement per event keeps every statement well under D1's 100 bound parameters.
  const queries = rows.map((row) =>
    store.db
      .insert(webhookEvents)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: webhookEvents.webhookEventId }),
  );
  const results = (await store.batch(queries)) as { id: string }[][];
  return results.flatMap((r) => r.map((x) => x.id));
}

/**
 * Moves an event from `pending` (or a stale `processing` left by a crash, when `recover`) to
 * `processing` and returns it; undefined when someone else has it or it is finished.
 */
export async function claimWebhookEvent(
  store: Store,
  id: string,
  recover = false,
): Promise<WebhookEventRow | undefined> {
  const statuses: WebhookEventStatus[] = recover ? ['pending', 'processing'] : ['pending'];
  const rows = await store.db
    .update(webhookEvents)
    .set({ status: 'processing', attempts: sql`${webhookEvents.attempts} + 1` })
    .where(and(eq(webhookEvents.webhookEventId, id), inArray(webhookEvents.status, statuses)))
    .returning();
  return rows[0];
}

/**
 * Notes that a reply is about to be sent (recovery after a crash must not send it twice). Waits
 * out a busy database for up to a reply token's life rather than failing the event.
 */
export async function markReplyAttempted(store: Store, id: string, at: number): Promise<void> {
  await retryWhileBusy(
    async () => {
      await store.db
        .update(webhookEvents)
        .set({ replyAttemptedAt: at })
        .where(eq(webhookEvents.webhookEventId, id));
    },
    { deadlineMs: 60_000 },
  );
}

export interface EventOutcome {
  status: Exclude<WebhookEventStatus, 'pending' | 'processing'>;
  delivery?: 'reply' | 'push' | 'none';
  error?: string | null;
  lineRequestId?: string | null;
  at: number;
}

export async function finishWebhookEvent(
  store: Store,
  id: string,
  outcome: EventOutcome,
): Promise<void> {
  await store.db
    .update(webhookEvents)
    .set({
      status: outcome.status,
      delivery: outcome.delivery ?? null,
      error: outcome.error ?? null,
      lineRequestId: outcome.lineRequestId ?? null,
      processedAt: outcome.at,
      // A handled event's text is not kept (PDPA data minimisation); failures keep it to replay.
      ...(outcome.status === 'done' || outcome.status === 'skipped' ? { payload: '{}' } : {}),
    })
    .where(eq(webhookEvents.webhookEventId, id));
}

/** Events a crash left unfinished, oldest first. */
export async function listUnfinishedWebhookEvents(
  store: Store,
  limit = 500,
  receivedBefore?: number,
): Promise<string[]> {
  const unfinished = inArray(webhookEvents.status, ['pending', 'processing']);
  const rows = await store.db
    .select({ id: webhookEvents.webhookEventId })
    .from(webhookEvents)
    .where(
      receivedBefore === undefined
        ? unfinished
        : and(unfinished, lt(webhookEvents.receivedAt, receivedBefore)),
    )
    .orderBy(asc(webhookEvents.receivedAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function getWebhookEvent(
  store: Store,
  id: string,
): Promise<WebhookEventRow | undefined> {
  const rows = await store.db
    .select()
    .from(webhookEvents)
    .where(eq(webhookEvents.webhookEventId, id))
    .limit(1);
  return rows[0];
}
