/**
 * Account linking (LINE account-link flow) and its privacy duties: nonces stored hashed and
 * single use, brute-force counting, binding, and unlink-with-erase.
 * https://developers.line.biz/en/docs/messaging-api/linking-accounts/
 */
import { and, desc, eq, gt, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { type BatchQuery, perStore, type Store } from './db.ts';
import { hashSecret } from './laser-code.ts';
import {
  accountLinks,
  identityDocuments,
  insuredPersons,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  notificationPrefs,
  notifications,
  staffFlagMessages,
  staffFlags,
  webhookEvents,
} from './schema.ts';
import { flagIdsOf } from './staff-flags.ts';

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

export type LinkDocument =
  | { readonly type: 'thai_id' | 'pink_card'; readonly nationalId: string }
  | { readonly type: 'passport'; readonly country: string; readonly number: string };

export interface LinkCandidate {
  readonly person: InsuredPersonRow;
  /** What the second factor is verified against: the laser-code hash (Thai ID card) or the
   * hash of the person's newest unused, unexpired link code (pink card, passport). */
  readonly secretHash: string | undefined;
  /** The link code row, when the second factor is a link code. */
  readonly linkCodeId?: number;
}

/** The person a document names, with the hash its second factor is checked against. */
export async function findPersonForDocument(
  store: Store,
  doc: LinkDocument,
  now: number,
): Promise<LinkCandidate | undefined> {
  let person: InsuredPersonRow | undefined;
  if (doc.type === 'passport') {
    const rows = await store.db
      .select({ person: insuredPersons })
      .from(identityDocuments)
      .innerJoin(insuredPersons, eq(insuredPersons.id, identityDocuments.personId))
      .where(
        and(
          eq(identityDocuments.type, 'passport'),
          eq(identityDocuments.country, doc.country),
          eq(identityDocuments.number, doc.number),
        ),
      )
      .limit(1);
    person = rows[0]?.person;
  } else {
    person = await getPersonByNationalId(store, doc.nationalId);
  }
  if (!person) return undefined;
  if (doc.type === 'thai_id') return { person, secretHash: person.laserCodeHash };
  const code = await activeLinkCode(store, person.id, now);
  return code
    ? { person, secretHash: code.codeHash, linkCodeId: code.id }
    : { person, secretHash: undefined };
}

/** The person's newest unused, unexpired link code. */
export async function activeLinkCode(
  store: Store,
  personId: number,
  now: number,
): Promise<{ id: number; codeHash: string; expiresAt: number } | undefined> {
  const rows = await store.db
    .select({ id: linkCodes.id, codeHash: linkCodes.codeHash, expiresAt: linkCodes.expiresAt })
    .from(linkCodes)
    .where(
      and(eq(linkCodes.personId, personId), isNull(linkCodes.usedAt), gt(linkCodes.expiresAt, now)),
    )
    .orderBy(desc(linkCodes.createdAt), desc(linkCodes.id))
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

/**
 * Remembers a link token the bot obtained from LINE for `userId` (hashed; LINE's token is
 * valid 10 minutes). The link page accepts no other token.
 */
export async function recordLinkToken(
  store: Store,
  linkToken: string,
  userId: string,
  now: number,
  ttlMs: number,
): Promise<void> {
  await store.db
    .insert(linkTokens)
    .values({
      tokenHash: await sha256Base64Url(linkToken),
      userId,
      createdAt: now,
      expiresAt: now + ttlMs,
    })
    .onConflictDoNothing();
}

export interface IssuedLinkToken {
  readonly tokenHash: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/** The unexpired, unused link token the bot issued, or undefined for any other token. */
export async function findLinkToken(
  store: Store,
  linkToken: string,
  now: number,
): Promise<IssuedLinkToken | undefined> {
  const rows = await store.db
    .select({
      tokenHash: linkTokens.tokenHash,
      userId: linkTokens.userId,
      expiresAt: linkTokens.expiresAt,
    })
    .from(linkTokens)
    .where(
      and(
        eq(linkTokens.tokenHash, await sha256Base64Url(linkToken)),
        isNull(linkTokens.usedAt),
        gt(linkTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return rows[0];
}

/**
 * A fresh nonce for `personId`, bound to the LINE user the link token was issued to; the token
 * is marked used in the same batch (LINE's link token is single use too).
 */
export async function createLinkNonce(
  store: Store,
  token: IssuedLinkToken,
  personId: number,
  now: number,
  ttlMs: number,
  extra: readonly BatchQuery[] = [],
): Promise<string> {
  const nonce = newNonce();
  await store.batch([
    ...extra,
    store.db.insert(linkNonces).values({
      nonceHash: await sha256Base64Url(nonce),
      personId,
      userId: token.userId,
      createdAt: now,
      expiresAt: now + ttlMs,
    }),
    store.db
      .update(linkTokens)
      .set({ usedAt: now })
      .where(eq(linkTokens.tokenHash, token.tokenHash)),
  ]);
  return nonce;
}

export type NonceResult =
  | { readonly ok: true; readonly personId: number }
  | { readonly ok: false; readonly reason: 'unknown' | 'other_user' };

/**
 * Marks the nonce used and returns its person. Unknown, used or expired: `unknown`. Made for
 * another LINE user: `other_user` (the nonce is burnt all the same, so it cannot be tried again).
 */
export async function consumeLinkNonce(
  store: Store,
  nonce: string,
  userId: string,
  now: number,
): Promise<NonceResult> {
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
    .returning({ personId: linkNonces.personId, userId: linkNonces.userId });
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.userId !== userId) return { ok: false, reason: 'other_user' };
  return { ok: true, personId: row.personId };
}

/** Binds without looking at other links (tests and benchmarks set up users with it). */
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

/**
 * The account-link flow's binding: one insured person, one LINE account. A person who links a
 * second LINE account (a new phone, a new LINE ID) moves the link there; the LINE users it was
 * bound to before are returned, so the caller can tell them (a person whose details were used by
 * someone else finds out at once).
 */
export async function bindAccountReplacing(
  store: Store,
  userId: string,
  personId: number,
  now: number,
): Promise<string[]> {
  const [previous] = (await store.batch([
    store.db
      .delete(accountLinks)
      .where(and(eq(accountLinks.personId, personId), ne(accountLinks.userId, userId)))
      .returning({ userId: accountLinks.userId }),
    store.db
      .insert(accountLinks)
      .values({ userId, personId, linkedAt: now })
      .onConflictDoUpdate({ target: accountLinks.userId, set: { personId, linkedAt: now } }),
  ])) as [{ userId: string }[], unknown];
  return (previous ?? []).map((r) => r.userId);
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
  return (await linkFailureStats(store, { key }, since)).count;
}

export interface FailureStats {
  /** Failures in the window. */
  readonly count: number;
  /** Distinct keys among them (with a prefix: e.g. distinct LINE users per national ID). */
  readonly distinct: number;
  /** The oldest failure in the window (ms), or undefined when there is none. */
  readonly oldest: number | undefined;
}

/** Failures since `since` for one key, or for every key that starts with `prefix`. */
export async function linkFailureStats(
  store: Store,
  match: { readonly key: string } | { readonly prefix: string },
  since: number,
): Promise<FailureStats> {
  const where =
    'key' in match
      ? and(eq(linkFailures.key, match.key), gt(linkFailures.at, since))
      : and(
          gte(linkFailures.key, match.prefix),
          lt(linkFailures.key, `${match.prefix}\uffff`),
          gt(linkFailures.at, since),
        );
  const rows = await store.db
    .select({
      n: sql<number>`count(*)`,
      distinct: sql<number>`count(distinct ${linkFailures.key})`,
      oldest: sql<number | null>`min(${linkFailures.at})`,
    })
    .from(linkFailures)
    .where(where);
  const row = rows[0];
  return {
    count: Number(row?.n ?? 0),
    distinct: Number(row?.distinct ?? 0),
    oldest: row?.oldest == null ? undefined : Number(row.oldest),
  };
}

/**
 * Unlink and erase (PDPA: the person asked). Gone: the binding, the link tokens and nonces made
 * for this LINE user, their notification choices and notifications (they are about the record), the user's row (languages, follow dates) unless they asked for no news
 * (that choice must keep being honoured, so the row keeps only it and the follow status), the
 * text and reply token of their webhook events and the LINE user ID on them, the conversations
 * of their staff follow-ups (the operator console's inbox: their words and the answers), and
 * the text of their staff follow-up notes, whose LINE user ID becomes `pseudonym` (the audit
 * trail's pseudonym of the same user). The audit trail itself is pseudonymous already.
 */
export async function unlinkAndErase(
  store: Store,
  userId: string,
  now: number,
  pseudonym: string,
): Promise<boolean> {
  const [deleted] = (await store.batch([
    store.db
      .delete(accountLinks)
      .where(eq(accountLinks.userId, userId))
      .returning({ userId: accountLinks.userId }),
    store.db.delete(linkTokens).where(eq(linkTokens.userId, userId)),
    store.db.delete(linkNonces).where(eq(linkNonces.userId, userId)),
    store.db.delete(notificationPrefs).where(eq(notificationPrefs.userId, userId)),
    store.db.delete(notifications).where(eq(notifications.userId, userId)),
    store.db
      .delete(lineUsers)
      .where(and(eq(lineUsers.userId, userId), eq(lineUsers.newsOptOut, false))),
    store.db
      .update(lineUsers)
      .set({
        chosenLanguage: null,
        profileLanguage: null,
        followedAt: null,
        unfollowedAt: null,
        botPausedUntil: null,
        createdAt: now,
        updatedAt: now,
      })
      .where(eq(lineUsers.userId, userId)),
    store.db
      .update(webhookEvents)
      .set({ payload: '{}', replyToken: null, userId: null })
      .where(eq(webhookEvents.userId, userId)),
    // Their words in the inbox (and the answers to them) go before their flags lose the user id.
    store.db.delete(staffFlagMessages).where(inArray(staffFlagMessages.flagId, flagIdsOf(userId))),
    store.db
      .update(staffFlags)
      .set({ note: null, userId: `erased:${pseudonym}`, status: 'closed', closedAt: now })
      .where(eq(staffFlags.userId, userId)),
  ])) as [{ userId: string }[], ...unknown[]];
  return (deleted?.length ?? 0) > 0;
}

/** Link codes use an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V). */
export const LINK_CODE_ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';
export const LINK_CODE_LENGTH = 10;
/** A link code is valid 30 days from issue. */
export const LINK_CODE_TTL_MS = 30 * 24 * 3600_000;

/** A fresh random link code, shown as `XXXXX-XXXXX` (≈ 45 bits; the laser code has ≈ 43). */
export function newLinkCode(): string {
  const out: string[] = [];
  const n = LINK_CODE_ALPHABET.length;
  // Rejection sampling: no modulo bias.
  const limit = 256 - (256 % n);
  while (out.length < LINK_CODE_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < limit && out.length < LINK_CODE_LENGTH) out.push(LINK_CODE_ALPHABET[b % n]!);
    }
  }
  return `${out.slice(0, 5).join('')}-${out.slice(5).join('')}`;
}

/**
 * Issues a one-time link code for a person whose document has no laser code; any unused code
 * they had stops working. The code is returned once and stored only hashed.
 */
export async function issueLinkCode(
  store: Store,
  personId: number,
  issuedBy: string,
  now: number,
  ttlMs: number = LINK_CODE_TTL_MS,
): Promise<{ code: string; expiresAt: number }> {
  const code = newLinkCode();
  const codeHash = await hashSecret(code);
  await store.batch([
    store.db
      .update(linkCodes)
      .set({ usedAt: now })
      .where(and(eq(linkCodes.personId, personId), isNull(linkCodes.usedAt))),
    store.db
      .insert(linkCodes)
      .values({ personId, codeHash, issuedBy, createdAt: now, expiresAt: now + ttlMs }),
  ]);
  return { code, expiresAt: now + ttlMs };
}
