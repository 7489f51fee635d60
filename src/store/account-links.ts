/**
 * Account linking (LINE account-link flow) and its privacy duties: nonces stored hashed and
 * single use, brute-force counting, binding, and unlink-with-erase.
 * https://developers.line.biz/en/docs/messaging-api/linking-accounts/
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { perStore, type Store } from './db.ts';
import {
  accountLinks,
  insuredPersons,
  lineUsers,
  linkFailures,
  linkNonces,
  staffFlags,
  webhookEvents,
} from './schema.ts';

export type InsuredPersonRow = typeof insuredPersons.$inferSelect;

export async function sha256Base64Url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return base64Url(new Uint8Array(digest));
}

export function base64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh nonce: 24 random bytes (192 bits), base64url. */
export function newNonce(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(24)));
}

export async function getPersonByNationalId(
  store: Store,
  nationalId: string,
): Promise<InsuredPersonRow | undefined> {
  const rows = await store.db
    .select()
    .from(insuredPersons)
    .where(eq(insuredPersons.nationalId, nationalId))
    .limit(1);
  return rows[0];
}

/** Read by every personal question: built and prepared once per store. */
const linkedPersonQuery = perStore((db) =>
  db
    .select({ person: insuredPersons })
    .from(accountLinks)
    .innerJoin(insuredPersons, eq(insuredPersons.id, accountLinks.personId))
    .where(eq(accountLinks.userId, sql.placeholder('userId')))
    .limit(1)
    .prepare(),
);

/** Whether the LINE user is linked (no personal data read: the link row only). */
export async function isLinked(store: Store, userId: string): Promise<boolean> {
  const rows = await store.db
    .select({ userId: accountLinks.userId })
    .from(accountLinks)
    .where(eq(accountLinks.userId, userId))
    .limit(1);
  return rows.length > 0;
}

export async function getLinkedPerson(
  store: Store,
  userId: string,
): Promise<InsuredPersonRow | undefined> {
  const rows = (await linkedPersonQuery(store).all({ userId })) as { person: InsuredPersonRow }[];
  return rows[0]?.person;
}

export async function createLinkNonce(
  store: Store,
  personId: number,
  now: number,
  ttlMs: number,
): Promise<string> {
  const nonce = newNonce();
  await store.db.insert(linkNonces).values({
    nonceHash: await sha256Base64Url(nonce),
    personId,
    createdAt: now,
    expiresAt: now + ttlMs,
  });
  return nonce;
}

/** Marks the nonce used and returns its person; undefined when unknown, used or expired. */
export async function consumeLinkNonce(
  store: Store,
  nonce: string,
  now: number,
): Promise<number | undefined> {
  const rows = await store.db
    .update(linkNonces)
    .set({ usedAt: now })
    .where(
      and(
        eq(linkNonces.nonceHash, await sha256Base64Url(nonce)),
        isNull(linkNonces.usedAt),
        gt(linkNonces.expiresAt, now),
      ),
    )
    .returning({ personId: linkNonces.personId });
  return rows[0]?.personId;
}

export async function bindAccount(
  store: Store,
  userId: string,
  personId: number,
  now: number,
): Promise<void> {
  await store.db
    .insert(accountLinks)
    .values({ userId, personId, linkedAt: now })
    .onConflictDoUpdate({ target: accountLinks.userId, set: { personId, linkedAt: now } });
}

export async function recordLinkFailure(
  store: Store,
  keys: readonly string[],
  now: number,
): Promise<void> {
  if (keys.length === 0) return;
  await store.db.insert(linkFailures).values(keys.map((key) => ({ key, at: now })));
}

export async function countLinkFailures(store: Store, key: string, since: number): Promise<number> {
  const rows = await store.db
    .select({ n: sql<number>`count(*)` })
    .from(linkFailures)
    .where(and(eq(linkFailures.key, key), gt(linkFailures.at, since)));
  return Number(rows[0]?.n ?? 0);
}

/** Failed link attempts older than this are deleted (the lock-out looks back 15 minutes). */
export const LINK_FAILURE_RETENTION_MS = 24 * 3600_000;

/** Deletes failed attempts past their retention and nonces once they have expired. */
export async function pruneLinkState(
  store: Store,
  now: number,
  failuresKeepMs: number = LINK_FAILURE_RETENTION_MS,
): Promise<void> {
  await store.batch([
    store.db.delete(linkFailures).where(lt(linkFailures.at, now - failuresKeepMs)),
    store.db.delete(linkNonces).where(lt(linkNonces.expiresAt, now)),
  ]);
}

/**
 * Unlink and erase: the binding goes, and so does what we stored about the LINE user (language
 * choice, profile language, the text of their events and of their staff follow-up notes). Only
 * the pseudonymous audit trail stays.
 */
export async function unlinkAndErase(store: Store, userId: string, now: number): Promise<boolean> {
  const [deleted] = (await store.batch([
    store.db
      .delete(accountLinks)
      .where(eq(accountLinks.userId, userId))
      .returning({ userId: accountLinks.userId }),
    store.db
      .update(lineUsers)
      .set({ chosenLanguage: null, profileLanguage: null, updatedAt: now })
      .where(eq(lineUsers.userId, userId)),
    store.db
      .update(webhookEvents)
      .set({ payload: '{}', replyToken: null })
      .where(eq(webhookEvents.userId, userId)),
    store.db.update(staffFlags).set({ note: null }).where(eq(staffFlags.userId, userId)),
  ])) as [{ userId: string }[], unknown, unknown, unknown];
  return (deleted?.length ?? 0) > 0;
}
