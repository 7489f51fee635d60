/**
 * Questions the bot could not answer, for the operators (C13): the text masked, the language,
 * the closest intents and the date; kept 90 days (the retention schedule, src/retention.ts), counted by topic.
 */
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import { maskPersonalData } from '../privacy/mask.ts';
import type { Store } from './db.ts';
import { unansweredQuestions } from './schema.ts';

export type UnansweredRow = typeof unansweredQuestions.$inferSelect;

const TEXT_MAX = 500;

export async function recordUnanswered(
  store: Store,
  input: {
    at: number;
    lang: string;
    text: string;
    alternatives: readonly string[];
    confidence: number;
  },
): Promise<void> {
  await store.db.insert(unansweredQuestions).values({
    at: input.at,
    lang: input.lang,
    text: maskPersonalData(input.text).slice(0, TEXT_MAX),
    topic: input.alternatives[0] ?? null,
    alternatives: JSON.stringify(input.alternatives.slice(0, 3)),
    confidence: input.confidence,
  });
}

/** Newest first, optionally only those not yet handled. */
export async function listUnanswered(
  store: Store,
  opts: { since?: number; open?: boolean; limit?: number; offset?: number } = {},
): Promise<UnansweredRow[]> {
  return store.db
    .select()
    .from(unansweredQuestions)
    .where(
      and(
        opts.since !== undefined ? gte(unansweredQuestions.at, opts.since) : undefined,
        opts.open ? isNull(unansweredQuestions.handledAt) : undefined,
      ),
    )
    .orderBy(desc(unansweredQuestions.at), desc(unansweredQuestions.id))
    .limit(opts.limit ?? 50)
    .offset(opts.offset ?? 0);
}

/** Unanswered questions since `since`, counted by closest intent (null: none was close). */
export async function countUnansweredByTopic(
  store: Store,
  since: number,
): Promise<{ topic: string | null; count: number }[]> {
  const rows = await store.db
    .select({ topic: unansweredQuestions.topic, count: count() })
    .from(unansweredQuestions)
    .where(gte(unansweredQuestions.at, since))
    .groupBy(unansweredQuestions.topic)
    .orderBy(desc(count()));
  return rows.map((r) => ({ topic: r.topic, count: Number(r.count) }));
}

export async function markUnansweredHandled(
  store: Store,
  id: number,
  now: number,
): Promise<boolean> {
  const rows = await store.db
    .update(unansweredQuestions)
    .set({ handledAt: now })
    .where(and(eq(unansweredQuestions.id, id), isNull(unansweredQuestions.handledAt)))
    .returning({ id: unansweredQuestions.id });
  return rows.length > 0;
}

/** Which questions the operator console shows: not yet handled, handled, or both. */
export type UnansweredState = 'open' | 'handled' | 'all';

/**
 * The questions of a period for the operator console (newest `limit`, returned oldest first, so
 * grouping them is stable as new ones arrive), optionally of one language and state.
 */
export async function listUnansweredSince(
  store: Store,
  opts: { since: number; lang?: string; state?: UnansweredState; limit?: number },
): Promise<UnansweredRow[]> {
  const rows = await store.db
    .select()
    .from(unansweredQuestions)
    .where(
      and(
        gte(unansweredQuestions.at, opts.since),
        opts.lang ? eq(unansweredQuestions.lang, opts.lang) : undefined,
        opts.state === 'open' ? isNull(unansweredQuestions.handledAt) : undefined,
        opts.state === 'handled' ? isNotNull(unansweredQuestions.handledAt) : undefined,
      ),
    )
    .orderBy(desc(unansweredQuestions.at), desc(unansweredQuestions.id))
    .limit(opts.limit ?? 5000);
  return rows.reverse();
}

/** Questions asked in [from, to), counted by closest intent (the console's weekly trend). */
export async function countUnansweredBetween(
  store: Store,
  from: number,
  to: number,
  lang?: string,
): Promise<Map<string | null, number>> {
  const rows = await store.db
    .select({ topic: unansweredQuestions.topic, count: count() })
    .from(unansweredQuestions)
    .where(
      and(
        gte(unansweredQuestions.at, from),
        lt(unansweredQuestions.at, to),
        lang ? eq(unansweredQuestions.lang, lang) : undefined,
      ),
    )
    .groupBy(unansweredQuestions.topic);
  return new Map(rows.map((r) => [r.topic, Number(r.count)]));
}

/** Marks open questions handled (a whole group at once); returns how many were open. */
export async function markManyUnansweredHandled(
  store: Store,
  ids: readonly number[],
  now: number,
): Promise<number> {
  let marked = 0;
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await store.db
      .update(unansweredQuestions)
      .set({ handledAt: now })
      .where(
        and(
          inArray(unansweredQuestions.id, ids.slice(i, i + 90)),
          isNull(unansweredQuestions.handledAt),
        ),
      )
      .returning({ id: unansweredQuestions.id });
    marked += rows.length;
  }
  return marked;
}
