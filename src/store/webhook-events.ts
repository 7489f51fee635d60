import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { type BatchQuery, type Db, perStore, retryWhileBusy, type Store } from './db.ts';
import { type WebhookEventStatus, webhookEvents } from './schema.ts';

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;

/**
 * The statements every event runs (record, mark, finish; the webhook records an event already
 * claimed), built and prepared once per store: drizzle's query building and SQLite's prepare
 * were a third of the CPU an event cost.
 */
function hotStatements(db: Db) {
  // In `set`, a placeholder goes in as SQL.
  const param = (name: string) => sql`${sql.placeholder(name)}`;
  const id = sql.placeholder('id');
  const byId = eq(webhookEvents.webhookEventId, id);
  const finish = (clearPayload: boolean) =>
    db
      .update(webhookEvents)
      .set({
        status: param('status'),
        delivery: param('delivery'),
        error: param('error'),
        lineRequestId: param('lineRequestId'),
        processedAt: param('processedAt'),
        intent: param('intent'),
        lang: param('lang'),
        ...(clearPayload ? { payload: '{}' } : {}),
      })
      .where(byId)
      .prepare();
  return {
    insertOne: db
      .insert(webhookEvents)
      .values({
        webhookEventId: id,
        type: sql.placeholder('type'),
        userId: sql.placeholder('userId'),
        replyToken: sql.placeholder('replyToken'),
        eventTimestamp: sql.placeholder('eventTimestamp'),
        isRedelivery: sql.placeholder('isRedelivery'),
        payload: sql.placeholder('payload'),
        status: sql.placeholder('status'),
        attempts: sql.placeholder('attempts'),
        replyAttemptedAt: sql.placeholder('replyAttemptedAt'),
        delivery: sql.placeholder('delivery'),
        error: sql.placeholder('error'),
        lineRequestId: sql.placeholder('lineRequestId'),
        receivedAt: sql.placeholder('receivedAt'),
        processedAt: sql.placeholder('processedAt'),
      })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.webhookEventId })
      .prepare(),
    markReplyAttempted: db
      .update(webhookEvents)
      .set({ replyAttemptedAt: param('at') })
      .where(byId)
      .prepare(),
    finishKeepPayload: finish(false),
    finishClearPayload: finish(true),
  };
}

const statements = perStore(hotStatements);

/**
 * Records events in one atomic batch; returns the ids that were new. An id already present
 * (a redelivery, or the same POST repeated) is left as it is and not returned.
 */
export async function recordWebhookEvents(
  store: Store,
  rows: readonly NewWebhookEvent[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  if (rows.length === 1) {
    // LINE sends most events one per request; a single statement is atomic on its own.
    const row = rows[0]!;
    const inserted = (await statements(store).insertOne.all({
      id: row.webhookEventId,
      type: row.type,
      userId: row.userId ?? null,
      replyToken: row.replyToken ?? null,
      eventTimestamp: row.eventTimestamp,
      isRedelivery: row.isRedelivery ? 1 : 0,
      payload: row.payload,
      status: row.status ?? 'pending',
      attempts: row.attempts ?? 0,
      replyAttemptedAt: row.replyAttemptedAt ?? null,
      delivery: row.delivery ?? null,
      error: row.error ?? null,
      lineRequestId: row.lineRequestId ?? null,
      receivedAt: row.receivedAt,
      processedAt: row.processedAt ?? null,
    })) as { id: string }[];
    return inserted.map((r) => r.id);
  }
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
      await statements(store).markReplyAttempted.run({ id, at });
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
  /** What the event was understood as (a text or postback), and the answer's language. */
  intent?: string | null;
  lang?: string | null;
}

export async function finishWebhookEvent(
  store: Store,
  id: string,
  outcome: EventOutcome,
  /** Writes that belong to this event (a staff thread's turn): in the same transaction. */
  alongside: readonly BatchQuery[] = [],
): Promise<void> {
  // A handled event's text is not kept (PDPA data minimisation); failures keep it to replay.
  const clear = outcome.status === 'done' || outcome.status === 'skipped';
  const values = {
    status: outcome.status,
    delivery: outcome.delivery ?? null,
    error: outcome.error ?? null,
    lineRequestId: outcome.lineRequestId ?? null,
    processedAt: outcome.at,
    intent: outcome.intent ?? null,
    lang: outcome.lang ?? null,
  };
  if (alongside.length > 0) {
    await store.batch([
      ...alongside,
      store.db
        .update(webhookEvents)
        .set(clear ? { ...values, payload: '{}' } : values)
        .where(eq(webhookEvents.webhookEventId, id)),
    ]);
    return;
  }
  const { finishClearPayload, finishKeepPayload } = statements(store);
  await (clear ? finishClearPayload : finishKeepPayload).run({ id, ...values });
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
