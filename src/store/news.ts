/**
 * News items (staff announcements) and the users' news opt-out. Targets and languages are JSON
 * arrays in the row; an empty target list means "everyone".
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Store } from './db.ts';
import { accountLinks, insuredPersons, lineUsers, newsItems } from './schema.ts';

export const SECTIONS = [33, 39, 40] as const;
export type SectionNo = (typeof SECTIONS)[number];
export const NEWS_STATUSES = ['draft', 'published'] as const;
export type NewsStatus = (typeof NEWS_STATUSES)[number];

export interface NewsItem {
  readonly id: number;
  readonly title: string;
  readonly summary: string;
  readonly body: string;
  readonly imageUrl: string | null;
  readonly sourceUrl: string | null;
  /** YYYY-MM-DD */
  readonly publishedDate: string;
  readonly topic: string;
  readonly targetSections: SectionNo[];
  readonly targetProvinces: string[];
  readonly languages: string[];
  readonly status: NewsStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewsInput {
  title: string;
  summary: string;
  body: string;
  imageUrl?: string | null;
  sourceUrl?: string | null;
  publishedDate: string;
  topic?: string;
  targetSections?: SectionNo[];
  targetProvinces?: string[];
  languages?: string[];
  status?: NewsStatus;
}

type NewsRow = typeof newsItems.$inferSelect;

function decode(row: NewsRow): NewsItem {
  return {
    ...row,
    status: row.status,
    targetSections: JSON.parse(row.targetSections) as SectionNo[],
    targetProvinces: JSON.parse(row.targetProvinces) as string[],
    languages: JSON.parse(row.languages) as string[],
  };
}

function encode(input: Partial<NewsInput>): Partial<typeof newsItems.$inferInsert> {
  const out: Partial<typeof newsItems.$inferInsert> = {};
  if (input.title !== undefined) out.title = input.title;
  if (input.summary !== undefined) out.summary = input.summary;
  if (input.body !== undefined) out.body = input.body;
  if (input.imageUrl !== undefined) out.imageUrl = input.imageUrl;
  if (input.sourceUrl !== undefined) out.sourceUrl = input.sourceUrl;
  if (input.publishedDate !== undefined) out.publishedDate = input.publishedDate;
  if (input.topic !== undefined) out.topic = input.topic;
  if (input.targetSections !== undefined)
    out.targetSections = JSON.stringify([...new Set(input.targetSections)].sort());
  if (input.targetProvinces !== undefined)
    out.targetProvinces = JSON.stringify([...new Set(input.targetProvinces)].sort());
  if (input.languages !== undefined) out.languages = JSON.stringify([...new Set(input.languages)]);
  if (input.status !== undefined) out.status = input.status;
  return out;
}

export async function createNews(store: Store, input: NewsInput, now: number): Promise<NewsItem> {
  const rows = await store.db
    .insert(newsItems)
    .values({
      title: input.title,
      summary: input.summary,
      body: input.body,
      publishedDate: input.publishedDate,
      ...encode(input),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return decode(rows[0]!);
}

/** Import: the source URL identifies an article, so importing it again updates it. */
export async function upsertNewsBySource(
  store: Store,
  input: NewsInput,
  now: number,
): Promise<{ item: NewsItem; created: boolean }> {
  if (input.sourceUrl) {
    const existing = await store.db
      .select()
      .from(newsItems)
      .where(eq(newsItems.sourceUrl, input.sourceUrl))
      .limit(1);
    if (existing[0]) {
      const item = await updateNews(store, existing[0].id, input, now);
      return { item: item!, created: false };
    }
  }
  return { item: await createNews(store, input, now), created: true };
}

export async function updateNews(
  store: Store,
  id: number,
  patch: Partial<NewsInput>,
  now: number,
): Promise<NewsItem | undefined> {
  const rows = await store.db
    .update(newsItems)
    .set({ ...encode(patch), updatedAt: now })
    .where(eq(newsItems.id, id))
    .returning();
  return rows[0] ? decode(rows[0]) : undefined;
}

export async function getNews(store: Store, id: number): Promise<NewsItem | undefined> {
  const rows = await store.db.select().from(newsItems).where(eq(newsItems.id, id)).limit(1);
  return rows[0] ? decode(rows[0]) : undefined;
}

/** True when another item already has this source URL (the column is unique). */
export async function sourceUrlTaken(
  store: Store,
  sourceUrl: string,
  exceptId?: number,
): Promise<boolean> {
  const rows = await store.db
    .select({ id: newsItems.id })
    .from(newsItems)
    .where(eq(newsItems.sourceUrl, sourceUrl))
    .limit(1);
  return rows[0] !== undefined && rows[0].id !== exceptId;
}

export async function listNews(
  store: Store,
  options: { status?: NewsStatus; limit?: number; offset?: number } = {},
): Promise<NewsItem[]> {
  const rows = await store.db
    .select()
    .from(newsItems)
    .where(options.status ? eq(newsItems.status, options.status) : undefined)
    .orderBy(desc(newsItems.publishedDate), desc(newsItems.id))
    .limit(options.limit ?? 50)
    .offset(options.offset ?? 0);
  return rows.map(decode);
}

/**
 * The latest published items that concern a reader: those aimed at everyone, plus those aimed
 * at their section / province when we know it (a linked user). Unknown → no target filter.
 */
export async function latestNewsFor(
  store: Store,
  reader: { section?: number | null; provinceCode?: string | null },
  limit: number,
): Promise<NewsItem[]> {
  const conditions = [eq(newsItems.status, 'published')];
  if (reader.section != null) {
    conditions.push(
      sql`(${newsItems.targetSections} = '[]' or exists (select 1 from json_each(${newsItems.targetSections}) where value = ${reader.section}))`,
    );
  }
  if (reader.provinceCode != null) {
    conditions.push(
      sql`(${newsItems.targetProvinces} = '[]' or exists (select 1 from json_each(${newsItems.targetProvinces}) where value = ${reader.provinceCode}))`,
    );
  }
  const rows = await store.db
    .select()
    .from(newsItems)
    .where(and(...conditions))
    .orderBy(desc(newsItems.publishedDate), desc(newsItems.id))
    .limit(limit);
  return rows.map(decode);
}

/** Section and province of a linked user (for news targeting); undefined when not linked. */
export async function getNewsAudience(
  store: Store,
  userId: string,
): Promise<{ personId: number; section: number; provinceCode: string | null } | undefined> {
  const rows = await store.db
    .select({
      personId: insuredPersons.id,
      section: insuredPersons.section,
      provinceCode: insuredPersons.provinceCode,
    })
    .from(accountLinks)
    .innerJoin(insuredPersons, eq(insuredPersons.id, accountLinks.personId))
    .where(eq(accountLinks.userId, userId))
    .limit(1);
  return rows[0];
}

/** "หยุดรับข่าว" / "รับข่าว": excluded from (or back in) every later push job. */
export async function setNewsOptOut(
  store: Store,
  userId: string,
  optOut: boolean,
  now: number,
): Promise<void> {
  await store.db
    .update(lineUsers)
    .set({ newsOptOut: optOut, updatedAt: now })
    .where(eq(lineUsers.userId, userId));
}
