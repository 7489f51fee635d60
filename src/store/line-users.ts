import { eq, sql } from 'drizzle-orm';
import { perStore, type Store } from './db.ts';
import { lineUsers } from './schema.ts';

export type LineUserRow = typeof lineUsers.$inferSelect;

/** Read for every event: built and prepared once per store. */
const byUserId = perStore((db) =>
  db
    .select()
    .from(lineUsers)
    .where(eq(lineUsers.userId, sql.placeholder('userId')))
    .limit(1)
    .prepare(),
);

export async function getLineUser(store: Store, userId: string): Promise<LineUserRow | undefined> {
  const rows = (await byUserId(store).all({ userId })) as LineUserRow[];
  return rows[0];
}

/** Creates the user on first contact; marks them active (they just wrote or followed). */
export async function upsertLineUser(
  store: Store,
  userId: string,
  now: number,
  patch: Partial<Pick<LineUserRow, 'profileLanguage' | 'followedAt' | 'status'>> = {},
): Promise<LineUserRow> {
  const rows = await store.db
    .insert(lineUsers)
    .values({ userId, createdAt: now, updatedAt: now, status: 'active', ...patch })
    .onConflictDoUpdate({ target: lineUsers.userId, set: { updatedAt: now, ...patch } })
    .returning();
  return rows[0]!;
}

export async function setLineUserLanguage(
  store: Store,
  userId: string,
  language: string,
  now: number,
) {
  await store.db
    .update(lineUsers)
    .set({ chosenLanguage: language, updatedAt: now })
    .where(eq(lineUsers.userId, userId));
}

export async function markLineUserInactive(
  store: Store,
  userId: string,
  now: number,
): Promise<void> {
  await store.db
    .insert(lineUsers)
    .values({ userId, status: 'inactive', unfollowedAt: now, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: lineUsers.userId,
      set: { status: 'inactive', unfollowedAt: now, updatedAt: now },
    });
}

/**
 * Staff took the chat over (operator console): true while the pause set by staff lasts. The
 * dispatcher also checks that the person still has an open flag (closing a flag ends it).
 */
export function isBotPaused(
  user: Pick<LineUserRow, 'botPausedUntil'> | undefined,
  now: number,
): boolean {
  return user?.botPausedUntil != null && now < user.botPausedUntil;
}

/** Pauses the bot for a person until `until` (ms), or resumes it (`null`); false: no such user. */
export async function setBotPausedUntil(
  store: Store,
  userId: string,
  until: number | null,
  now: number,
): Promise<boolean> {
  const rows = await store.db
    .update(lineUsers)
    .set({ botPausedUntil: until, updatedAt: now })
    .where(eq(lineUsers.userId, userId))
    .returning({ userId: lineUsers.userId });
  return rows.length > 0;
}
