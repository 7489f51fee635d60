/**
 * The store contract: every exported store function (src/store/*.ts, and the notification
 * sender's queries in src/notify/store.ts) run through the `Store` seam with the same fixtures
 * and the same assertions, once on better-sqlite3 (test/store/contract.test.ts) and once on D1
 * inside workerd (test/workers/store-contract.test.ts). A test that passes on one driver and not
 * on the other is a runtime difference in a store function: a bug.
 *
 * Runtime-neutral on purpose: this module imports only vitest and src/ (no better-sqlite3, no
 * node:*, no cloudflare:*), and writes fixtures with drizzle on `store.db`. Each test starts from
 * empty tables (`wipe`); ids come from the rows written, never from literals.
 *
 * Not here: the demo seed and the importer (both write through the store on either driver;
 * test/import/d1-import.test.ts runs them on D1 and better-sqlite3 side by side),
 * src/store/backup.ts (SQLite files), `openNodeStore` / `openD1Store` (the drivers themselves).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDue,
  countDue,
  countWaiting,
  dueChunk,
  emptyOutcomes,
  outcomeCount,
  pendingCursorStart,
  writeOutcomes,
} from '../../src/notify/store.ts';
import { haversineKm, type LatLng } from '../../src/offices/geo.ts';
import {
  ensureOffices,
  ensureOfficesOnce,
  REFERENCE_SOURCE_PREFIX,
  referenceOffices,
} from '../../src/offices/reference.ts';
import { maskPersonalData } from '../../src/privacy/mask.ts';
import {
  activeLinkCode,
  base64Url,
  bindAccount,
  bindAccountReplacing,
  consumeLinkNonce,
  countLinkFailures,
  createLinkNonce,
  findLinkToken,
  findPersonForDocument,
  getLinkedPerson,
  getPersonByNationalId,
  isLinked,
  issueLinkCode,
  LINK_CODE_ALPHABET,
  LINK_CODE_TTL_MS,
  linkFailureStats,
  newLinkCode,
  newNonce,
  recordLinkFailure,
  recordLinkToken,
  sha256Base64Url,
  unlinkAndErase,
} from '../../src/store/account-links.ts';
import { pseudonym, writeAudit } from '../../src/store/audit.ts';
import { listClaimsForPerson } from '../../src/store/claims.ts';
import { perStore, type Store } from '../../src/store/db.ts';
import {
  claimSweptWebhookEvent,
  DEAD_LETTER_MARK,
  deadLetterWebhookEvent,
  isTransientDbError,
  listDeadLetters,
  listStaleWebhookEvents,
  releaseWebhookEvent,
  replayDeadLetter,
} from '../../src/store/dead-letters.ts';
import { verifySecret } from '../../src/store/laser-code.ts';
import {
  getLineUser,
  isBotPaused,
  markLineUserInactive,
  setBotPausedUntil,
  setLineUserLanguage,
  upsertLineUser,
} from '../../src/store/line-users.ts';
import {
  createNews,
  getNews,
  getNewsAudience,
  latestNewsFor,
  listNews,
  setNewsOptOut,
  sourceUrlTaken,
  updateNews,
  upsertNewsBySource,
} from '../../src/store/news.ts';
import {
  CONSENT_VERSION,
  consentRecord,
  getNotificationPrefs,
  hasCurrentConsent,
  isNotificationCategory,
  sha256Hex,
  turnNotificationsOff,
  turnNotificationsOn,
} from '../../src/store/notification-prefs.ts';
import { getPersonById } from '../../src/store/persons.ts';
import {
  bangkokAreaOffice,
  boxQuery,
  nearestPlaces,
  officesInProvince,
} from '../../src/store/places.ts';
import { countPrunable, PRUNE_KEYS, type PruneKey, prune } from '../../src/store/prune.ts';
import {
  cancelJob,
  claimBatch,
  completeSnapshot,
  countBroadcastsSince,
  countOptedOutFollowers,
  createPushJob,
  failJob,
  failPendingBatches,
  finishJob,
  getJobProgress,
  getPushJob,
  insertBatches,
  listActiveJobs,
  listPushJobs,
  markBatchFailed,
  markBatchSent,
  markJobStarted,
  nextPendingAt,
  readyBatchNumbers,
  recipientPage,
  scheduleRetry,
  snapshotCursor,
} from '../../src/store/push-jobs.ts';
import {
  getContributionTotals,
  getLatestClaim,
  listHospitalRegistrations,
  listRecentContributions,
} from '../../src/store/records.ts';
import {
  accountLinks,
  auditLog,
  benefitClaimHistory,
  benefitClaims,
  benefitPayments,
  claimStatusHistory,
  contributions,
  hospitalRegistrations,
  identityDocuments,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  meta,
  NOTIFICATION_CATEGORIES,
  notificationPrefs,
  notifications,
  offices,
  pushBatches,
  pushJobs,
  staffFlagMessages,
  staffFlags,
  unansweredQuestions,
  unemploymentClaims,
  unemploymentPayments,
  webhookEvents,
} from '../../src/store/schema.ts';
import { DEMO_SEED_VERSION, isSeeded } from '../../src/store/seed.ts';
import {
  beginStaffReply,
  closeStaffFlag,
  countFlagMessages,
  FLAG_MESSAGE_MAX,
  finishStaffReply,
  flagForStaff,
  getStaffFlag,
  inboxItem,
  listFlagMessages,
  listInbox,
  listStaffFlags,
  maskNote,
  openFlagOf,
  recordFlagTurn,
  STAFF_FLAG_DEDUPE_MS,
  summariseMessages,
} from '../../src/store/staff-flags.ts';
import {
  countUnansweredBetween,
  countUnansweredByTopic,
  listUnanswered,
  listUnansweredSince,
  markManyUnansweredHandled,
  markUnansweredHandled,
  recordUnanswered,
} from '../../src/store/unanswered.ts';
import {
  claimWebhookEvent,
  finishWebhookEvent,
  getWebhookEvent,
  listUnfinishedWebhookEvents,
  markReplyAttempted,
  type NewWebhookEvent,
  recordWebhookEvents,
} from '../../src/store/webhook-events.ts';
import {
  addEmployer,
  addHospital,
  addLineUser,
  addPerson,
  countRows,
  uid,
  wipe,
} from './fixtures.ts';

export interface ContractDriver {
  /** Shown in the test names: `better-sqlite3` or `d1`. */
  readonly name: string;
  /** A migrated database (opened once for the whole suite). */
  open(): Promise<Store> | Store;
  close?(): Promise<void> | void;
}

const NOW = Date.parse('2026-06-01T03:00:00Z');
const DAY = 86_400_000;
const U1 = uid(1);
const U2 = uid(2);
const U3 = uid(3);
const U4 = uid(4);
const U5 = uid(5);

export function storeContract(driver: ContractDriver): void {
  let store: Store;

  describe(`store contract on ${driver.name}`, () => {
    beforeAll(async () => {
      store = await driver.open();
    });
    afterAll(async () => {
      await driver.close?.();
    });
    beforeEach(async () => {
      await wipe(store);
    });

    describe('the seam (db.ts)', () => {
      it('answers ping, and runs a batch in order with each query’s rows', async () => {
        expect(await store.ping()).toBe(true);
        expect(await store.batch([])).toEqual([]);
        const results = await store.batch([
          store.db.insert(meta).values({ key: 'a', value: '1' }).returning(),
          store.db.update(meta).set({ value: '2' }).where(eq(meta.key, 'a')).returning(),
          store.db.select().from(meta),
          store.db.delete(meta).where(eq(meta.key, 'none')).returning({ key: meta.key }),
        ]);
        expect(results).toEqual([
          [{ key: 'a', value: '1' }],
          [{ key: 'a', value: '2' }],
          [{ key: 'a', value: '2' }],
          [],
        ]);
      });

      it('runs a batch atomically: one failing statement undoes the others', async () => {
        await store.db.insert(meta).values({ key: 'taken', value: 'x' });
        await expect(
          store.batch([
            store.db.insert(meta).values({ key: 'new', value: 'y' }),
            store.db.insert(meta).values({ key: 'taken', value: 'z' }),
          ]),
        ).rejects.toThrow();
        expect(await store.db.select().from(meta)).toEqual([{ key: 'taken', value: 'x' }]);
      });

      it('enforces foreign keys', async () => {
        await expect(
          store.db.insert(accountLinks).values({ userId: U1, personId: 999_999, linkedAt: NOW }),
        ).rejects.toThrow();
      });

      it('perStore builds once per store', () => {
        let built = 0;
        const get = perStore(() => ({ n: ++built }));
        expect(get(store)).toBe(get(store));
        expect(built).toBe(1);
      });
    });

    describe('account-links.ts', () => {
      it('hashes and random values look the same on both runtimes', async () => {
        expect(await sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
        expect(base64Url(new Uint8Array([251, 255, 0]))).toBe('-_8A');
        expect(newNonce()).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(newLinkCode()).toMatch(
          new RegExp(`^[${LINK_CODE_ALPHABET}]{5}-[${LINK_CODE_ALPHABET}]{5}$`),
        );
      });

      it('finds a person by national ID and by document, with the hash to check', async () => {
        const thai = await addPerson(store, { laserCodeHash: 'pbkdf2-sha256$1$AA==$BB==' });
        const pink = await addPerson(store, { nationalId: '0067102345674' });
        const traveller = await addPerson(store, { nationalId: '0067203456781' });
        await store.db.insert(identityDocuments).values({
          personId: traveller.id,
          type: 'passport',
          number: 'N01234567',
          country: 'KHM',
          updatedAt: 1,
        });
        expect((await getPersonByNationalId(store, thai.nationalId))?.id).toBe(thai.id);
        expect(await getPersonByNationalId(store, '1103702071811')).toBeUndefined();

        expect(
          await findPersonForDocument(store, { type: 'thai_id', nationalId: thai.nationalId }, NOW),
        ).toEqual({
          person: expect.objectContaining({ id: thai.id }),
          secretHash: 'pbkdf2-sha256$1$AA==$BB==',
        });
        const pinkDoc = { type: 'pink_card', nationalId: pink.nationalId } as const;
        expect(await findPersonForDocument(store, pinkDoc, NOW)).toEqual({
          person: expect.objectContaining({ id: pink.id }),
          secretHash: undefined,
        });

        await store.db
          .insert(linkCodes)
          .values([
            code(pink.id, 'used', NOW - 3000, NOW + DAY, NOW - 100),
            code(pink.id, 'expired', NOW - 2000, NOW),
            code(pink.id, 'older', NOW - 1500, NOW + DAY),
            code(pink.id, 'current', NOW - 1000, NOW + DAY),
            code(traveller.id, 'passport-code', NOW - 1000, NOW + DAY),
          ]);
        const active = await activeLinkCode(store, pink.id, NOW);
        expect(active).toEqual({
          id: expect.any(Number),
          codeHash: 'current',
          expiresAt: NOW + DAY,
        });
        expect(await activeLinkCode(store, pink.id, NOW + DAY)).toBeUndefined();
        expect(await findPersonForDocument(store, pinkDoc, NOW)).toEqual({
          person: expect.objectContaining({ id: pink.id }),
          secretHash: 'current',
          linkCodeId: active!.id,
        });
        const passport = { type: 'passport', country: 'KHM', number: 'N01234567' } as const;
        expect(await findPersonForDocument(store, passport, NOW)).toMatchObject({
          person: { id: traveller.id },
          secretHash: 'passport-code',
        });
        expect(
          await findPersonForDocument(store, { ...passport, country: 'MMR' }, NOW),
        ).toBeUndefined();
      });

      it('link tokens: found until used or expired; nonces single use, for their user', async () => {
        const p = await addPerson(store);
        await recordLinkToken(store, 'tok-1', U1, NOW, 600_000);
        await recordLinkToken(store, 'tok-1', U2, NOW, 600_000); // the same token: ignored
        const hash = await sha256Base64Url('tok-1');
        expect(await store.db.select().from(linkTokens)).toEqual([
          { tokenHash: hash, userId: U1, createdAt: NOW, expiresAt: NOW + 600_000, usedAt: null },
        ]);
        const token = await findLinkToken(store, 'tok-1', NOW + 1000);
        expect(token).toEqual({ tokenHash: hash, userId: U1, expiresAt: NOW + 600_000 });
        expect(await findLinkToken(store, 'tok-1', NOW + 600_000)).toBeUndefined();
        expect(await findLinkToken(store, 'tok-2', NOW)).toBeUndefined();

        // The extra statements run in the same batch as the nonce.
        const extra = [store.db.insert(linkFailures).values({ key: 'extra', at: NOW })];
        const nonce = await createLinkNonce(store, token!, p.id, NOW, 60_000, extra);
        expect(await countRows(store, linkFailures)).toBe(1);
        expect(await findLinkToken(store, 'tok-1', NOW + 1000)).toBeUndefined(); // used
        expect(await store.db.select().from(linkNonces)).toEqual([
          {
            nonceHash: await sha256Base64Url(nonce),
            personId: p.id,
            userId: U1,
            createdAt: NOW,
            expiresAt: NOW + 60_000,
            usedAt: null,
          },
        ]);
        expect(await consumeLinkNonce(store, nonce, U2, NOW + 1)).toEqual({
          ok: false,
          reason: 'other_user',
        });
        // Burnt by the other user's attempt.
        expect(await consumeLinkNonce(store, nonce, U1, NOW + 2)).toEqual({
          ok: false,
          reason: 'unknown',
        });

        await recordLinkToken(store, 'tok-2', U1, NOW, 600_000);
        const n2 = await createLinkNonce(
          store,
          (await findLinkToken(store, 'tok-2', NOW))!,
          p.id,
          NOW,
          60_000,
        );
        expect(await consumeLinkNonce(store, n2, U1, NOW + 60_000)).toEqual({
          ok: false,
          reason: 'unknown',
        });
        expect(await consumeLinkNonce(store, n2, U1, NOW + 59_999)).toEqual({
          ok: true,
          personId: p.id,
        });
        expect(await consumeLinkNonce(store, n2, U1, NOW + 59_999)).toEqual({
          ok: false,
          reason: 'unknown',
        });
      });

      it('binds, moves and replaces links', async () => {
        const a = await addPerson(store);
        const b = await addPerson(store);
        expect(await isLinked(store, U1)).toBe(false);
        expect(await getLinkedPerson(store, U1)).toBeUndefined();
        await bindAccount(store, U1, a.id, NOW);
        expect(await isLinked(store, U1)).toBe(true);
        expect((await getLinkedPerson(store, U1))?.id).toBe(a.id);
        await bindAccount(store, U1, b.id, NOW + 1);
        expect((await getLinkedPerson(store, U1))?.id).toBe(b.id);
        await bindAccount(store, U2, a.id, NOW);
        expect(await bindAccountReplacing(store, U3, a.id, NOW + 2)).toEqual([U2]);
        expect(await bindAccountReplacing(store, U3, a.id, NOW + 3)).toEqual([]);
        expect(
          await store.db.select().from(accountLinks).orderBy(asc(accountLinks.userId)),
        ).toEqual([
          { userId: U1, personId: b.id, linkedAt: NOW + 1 },
          { userId: U3, personId: a.id, linkedAt: NOW + 3 },
        ]);
      });

      it('counts link failures by key and by key prefix', async () => {
        await recordLinkFailure(store, [], NOW);
        await recordLinkFailure(store, ['tok:a', 'id:1|U1'], NOW - 5000);
        await recordLinkFailure(store, ['id:1|U2'], NOW - 1000);
        await recordLinkFailure(store, ['id:1|U2', 'id:2|U1'], NOW);
        expect(await countRows(store, linkFailures)).toBe(5);
        expect(await countLinkFailures(store, 'id:1|U2', NOW - 10_000)).toBe(2);
        expect(await countLinkFailures(store, 'id:1|U2', NOW - 1000)).toBe(1);
        expect(await linkFailureStats(store, { prefix: 'id:1|' }, NOW - 10_000)).toEqual({
          count: 3,
          distinct: 2,
          oldest: NOW - 5000,
        });
        expect(await linkFailureStats(store, { key: 'none' }, 0)).toEqual({
          count: 0,
          distinct: 0,
          oldest: undefined,
        });
      });

      it('unlink erases what belongs to the LINE user, and keeps only a news opt-out', async () => {
        const p = await addPerson(store);
        const q = await addPerson(store);
        await addLineUser(store, U1, { chosenLanguage: 'en', newsOptOut: true, followedAt: 5 });
        await addLineUser(store, U2, { chosenLanguage: 'th' });
        await bindAccount(store, U1, p.id, NOW);
        await bindAccount(store, U2, q.id, NOW);
        await recordLinkToken(store, 't1', U1, NOW, 1000);
        await recordLinkToken(store, 't2', U2, NOW, 1000);
        await createLinkNonce(store, (await findLinkToken(store, 't1', NOW))!, p.id, NOW, 1000);
        await store.db.insert(notificationPrefs).values([
          { userId: U1, category: 'claim_decided', enabled: true, updatedAt: NOW },
          { userId: U2, category: 'claim_decided', enabled: true, updatedAt: NOW },
        ]);
        await store.db
          .insert(notifications)
          .values([
            notification(U1, 'n1', 'claim_decided', NOW),
            notification(U2, 'n2', 'claim_decided', NOW),
          ]);
        await recordWebhookEvents(store, [
          event('e1', { userId: U1 }),
          event('e2', { userId: U2 }),
        ]);
        await flagForStaff(store, { userId: U1, note: 'ช่วยด้วย', lang: 'th', now: NOW });
        await flagForStaff(store, { userId: U2, note: 'ช่วยด้วย', lang: 'th', now: NOW });
        // Their words in the inbox, and a pause of the bot set by staff.
        for (const userId of [U1, U2]) {
          await recordFlagTurn(store, {
            userId,
            key: 'event:x',
            at: NOW,
            userText: 'ขอคุยกับเจ้าหน้าที่',
            botText: 'รับเรื่องแล้ว',
          });
        }
        await setBotPausedUntil(store, U1, NOW + 3600_000, NOW);

        expect(await unlinkAndErase(store, U1, NOW + 10, 'pseudo')).toBe(true);
        expect(await getLineUser(store, U1)).toEqual({
          userId: U1,
          chosenLanguage: null,
          profileLanguage: null,
          status: 'active',
          followedAt: null,
          unfollowedAt: null,
          newsOptOut: true,
          botPausedUntil: null,
          createdAt: NOW + 10,
          updatedAt: NOW + 10,
        });
        // Only U2's conversation is left.
        const u2Flag = (await openFlagOf(store, U2))!;
        expect((await store.db.select().from(staffFlagMessages)).map((m) => m.flagId)).toEqual([
          u2Flag.id,
          u2Flag.id,
        ]);
        expect(await isLinked(store, U1)).toBe(false);
        expect(await isLinked(store, U2)).toBe(true);
        expect((await store.db.select().from(linkTokens)).map((r) => r.userId)).toEqual([U2]);
        expect(await countRows(store, linkNonces)).toBe(0);
        expect((await store.db.select().from(notificationPrefs)).map((r) => r.userId)).toEqual([
          U2,
        ]);
        expect((await store.db.select().from(notifications)).map((r) => r.userId)).toEqual([U2]);
        expect(await getWebhookEvent(store, 'e1')).toMatchObject({
          payload: '{}',
          replyToken: null,
          userId: null,
        });
        expect(await getWebhookEvent(store, 'e2')).toMatchObject({
          payload: '{"type":"message"}',
          userId: U2,
        });
        expect(await store.db.select().from(staffFlags).orderBy(asc(staffFlags.id))).toEqual([
          expect.objectContaining({
            userId: 'erased:pseudo',
            note: null,
            status: 'closed',
            closedAt: NOW + 10,
          }),
          expect.objectContaining({ userId: U2, status: 'open' }),
        ]);
        expect(await unlinkAndErase(store, U1, NOW + 11, 'pseudo')).toBe(false);
        // Without a news opt-out the user's row goes too.
        expect(await unlinkAndErase(store, U2, NOW + 12, 'pseudo2')).toBe(true);
        expect(await getLineUser(store, U2)).toBeUndefined();
        expect(await countRows(store, staffFlagMessages)).toBe(0);
      });

      it('issues a link code that replaces the unused one, stored only hashed', async () => {
        const p = await addPerson(store);
        const first = await issueLinkCode(store, p.id, 'staff-1', NOW);
        const second = await issueLinkCode(store, p.id, 'staff-2', NOW + 1, 1000);
        expect(first.expiresAt).toBe(NOW + LINK_CODE_TTL_MS);
        expect(second.expiresAt).toBe(NOW + 1001);
        const rows = await store.db.select().from(linkCodes).orderBy(asc(linkCodes.id));
        expect(rows.map((r) => [r.issuedBy, r.usedAt, r.expiresAt])).toEqual([
          ['staff-1', NOW + 1, NOW + LINK_CODE_TTL_MS],
          ['staff-2', null, NOW + 1001],
        ]);
        expect(JSON.stringify(rows)).not.toContain(second.code);
        const active = await activeLinkCode(store, p.id, NOW + 2);
        expect(active?.id).toBe(rows[1]!.id);
        expect((await verifySecret(second.code, active!.codeHash)).ok).toBe(true);
      });
    });

    describe('audit.ts', () => {
      it('writes entries under a stable, keyed pseudonym', async () => {
        const actor = await pseudonym('contract-key', 'Ua0000000000000000000000000000001');
        expect(actor).toBe('e8974ec76b39226509937d74ef9efe61');
        await writeAudit(store, {
          at: NOW,
          actor,
          personId: 5,
          action: 'read_contributions',
          purpose: 'asked',
        });
        await writeAudit(store, {
          at: NOW + 1,
          actor,
          personId: null,
          action: 'link_account',
          purpose: 'linked',
        });
        const rows = await store.db.select().from(auditLog).orderBy(asc(auditLog.id));
        expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
          { at: NOW, actor, personId: 5, action: 'read_contributions', purpose: 'asked' },
          { at: NOW + 1, actor, personId: null, action: 'link_account', purpose: 'linked' },
        ]);
      });
    });

    describe('line-users.ts', () => {
      it('creates, updates and marks LINE users inactive', async () => {
        expect(await getLineUser(store, U1)).toBeUndefined();
        const created = await upsertLineUser(store, U1, NOW, {
          profileLanguage: 'en',
          followedAt: NOW,
        });
        expect(created).toEqual({
          userId: U1,
          chosenLanguage: null,
          profileLanguage: 'en',
          status: 'active',
          followedAt: NOW,
          unfollowedAt: null,
          newsOptOut: false,
          botPausedUntil: null,
          createdAt: NOW,
          updatedAt: NOW,
        });
        expect(await upsertLineUser(store, U1, NOW + 5)).toEqual({
          ...created,
          updatedAt: NOW + 5,
        });
        await setLineUserLanguage(store, U1, 'my', NOW + 6);
        await markLineUserInactive(store, U1, NOW + 7);
        await markLineUserInactive(store, U2, NOW + 8);
        expect(await getLineUser(store, U1)).toEqual({
          ...created,
          chosenLanguage: 'my',
          status: 'inactive',
          unfollowedAt: NOW + 7,
          updatedAt: NOW + 7,
        });
        expect(await getLineUser(store, U2)).toEqual({
          userId: U2,
          chosenLanguage: null,
          profileLanguage: null,
          status: 'inactive',
          followedAt: null,
          unfollowedAt: NOW + 8,
          newsOptOut: false,
          botPausedUntil: null,
          createdAt: NOW + 8,
          updatedAt: NOW + 8,
        });
        expect(await upsertLineUser(store, U2, NOW + 9, { status: 'active' })).toMatchObject({
          status: 'active',
          unfollowedAt: NOW + 8,
          updatedAt: NOW + 9,
        });
      });

      it('pauses the bot for a user until a time, and resumes it', async () => {
        await addLineUser(store, U1);
        expect(isBotPaused(await getLineUser(store, U1), NOW)).toBe(false);
        expect(await setBotPausedUntil(store, U1, NOW + 1000, NOW)).toBe(true);
        const paused = await getLineUser(store, U1);
        expect(paused).toMatchObject({ botPausedUntil: NOW + 1000, updatedAt: NOW });
        expect(isBotPaused(paused, NOW + 999)).toBe(true);
        expect(isBotPaused(paused, NOW + 1000)).toBe(false);
        expect(await setBotPausedUntil(store, U1, null, NOW + 1)).toBe(true);
        expect((await getLineUser(store, U1))?.botPausedUntil).toBeNull();
        expect(await setBotPausedUntil(store, U2, NOW + 1000, NOW)).toBe(false);
        expect(isBotPaused(undefined, NOW)).toBe(false);
      });
    });

    describe('persons.ts', () => {
      it('reads a person by id, every column', async () => {
        await addEmployer(store, '1000000001');
        const p = await addPerson(store, {
          employerId: '1000000001',
          provinceCode: '50',
          coverageStart: '2010-01-01',
          laserCodeHash: 'none',
        });
        expect(await getPersonById(store, p.id)).toEqual({
          id: p.id,
          nationalId: p.nationalId,
          titleTh: 'นาย',
          firstNameTh: 'ทดสอบ',
          lastNameTh: 'สัญญา',
          firstNameEn: 'Thotsop',
          lastNameEn: 'Sanya',
          birthDate: '1985-02-03',
          section: 33,
          status: 'active',
          employerId: '1000000001',
          section40Option: null,
          coverageStart: '2010-01-01',
          provinceCode: '50',
          laserCodeHash: 'none',
          updatedAt: 1,
        });
        expect(await getPersonById(store, p.id + 1000)).toBeUndefined();
      });
    });

    describe('news.ts', () => {
      it('creates, updates, lists and targets news', async () => {
        const a = await createNews(
          store,
          {
            title: 'A',
            summary: 'sa',
            body: 'ba',
            publishedDate: '2026-05-01',
            targetSections: [40, 33, 33],
            targetProvinces: ['50', '10'],
            languages: ['th', 'en', 'th'],
          },
          NOW,
        );
        expect(a).toEqual({
          id: expect.any(Number),
          title: 'A',
          summary: 'sa',
          body: 'ba',
          imageUrl: null,
          sourceUrl: null,
          publishedDate: '2026-05-01',
          topic: 'general',
          targetSections: [33, 40],
          targetProvinces: ['10', '50'],
          languages: ['th', 'en'],
          status: 'published',
          createdAt: NOW,
          updatedAt: NOW,
        });
        const b = await createNews(
          store,
          {
            title: 'B',
            summary: 'sb',
            body: 'bb',
            publishedDate: '2026-05-03',
            sourceUrl: 'https://www.sso.go.th/b',
            topic: 'benefit',
            imageUrl: 'https://www.sso.go.th/b.jpg',
          },
          NOW + 1,
        );
        const draft = await createNews(
          store,
          { title: 'D', summary: 'sd', body: 'bd', publishedDate: '2026-05-04', status: 'draft' },
          NOW + 2,
        );
        const c = await createNews(
          store,
          { title: 'C', summary: 'sc', body: 'bc', publishedDate: '2026-05-03' },
          NOW + 3,
        );
        const ids = (items: { id: number }[]) => items.map((i) => i.id);
        expect(ids(await listNews(store))).toEqual([draft.id, c.id, b.id, a.id]);
        expect(ids(await listNews(store, { status: 'published' }))).toEqual([c.id, b.id, a.id]);
        expect(ids(await listNews(store, { status: 'published', limit: 1, offset: 1 }))).toEqual([
          b.id,
        ]);
        expect(await getNews(store, b.id)).toEqual(b);
        expect(await getNews(store, draft.id + 1000)).toBeUndefined();

        expect(ids(await latestNewsFor(store, {}, 10))).toEqual([c.id, b.id, a.id]);
        expect(ids(await latestNewsFor(store, { section: 39 }, 10))).toEqual([c.id, b.id]);
        expect(ids(await latestNewsFor(store, { section: 33, provinceCode: '20' }, 10))).toEqual([
          c.id,
          b.id,
        ]);
        expect(ids(await latestNewsFor(store, { section: 40, provinceCode: '50' }, 10))).toEqual([
          c.id,
          b.id,
          a.id,
        ]);
        expect(ids(await latestNewsFor(store, { section: null, provinceCode: null }, 1))).toEqual([
          c.id,
        ]);

        expect(await sourceUrlTaken(store, 'https://www.sso.go.th/b')).toBe(true);
        expect(await sourceUrlTaken(store, 'https://www.sso.go.th/b', b.id)).toBe(false);
        expect(await sourceUrlTaken(store, 'https://www.sso.go.th/x')).toBe(false);

        const again = await upsertNewsBySource(
          store,
          {
            title: 'B2',
            summary: 'sb',
            body: 'bb',
            publishedDate: '2026-05-03',
            sourceUrl: 'https://www.sso.go.th/b',
          },
          NOW + 10,
        );
        expect(again).toEqual({
          item: { ...b, title: 'B2', updatedAt: NOW + 10 },
          created: false,
        });
        const fresh = await upsertNewsBySource(
          store,
          { title: 'E', summary: 'se', body: 'be', publishedDate: '2026-05-05', sourceUrl: 'u:e' },
          NOW + 11,
        );
        expect(fresh.created).toBe(true);
        expect(fresh.item).toMatchObject({ title: 'E', sourceUrl: 'u:e', createdAt: NOW + 11 });

        expect(await updateNews(store, fresh.item.id + 1000, { title: 'x' }, NOW)).toBeUndefined();
        expect(
          await updateNews(store, a.id, { targetSections: [], status: 'draft' }, NOW + 12),
        ).toEqual({ ...a, targetSections: [], status: 'draft', updatedAt: NOW + 12 });
      });

      it('reads a linked user’s news audience and keeps their opt-out', async () => {
        const p = await addPerson(store, { section: 39, provinceCode: '50' });
        await addLineUser(store, U1);
        await bindAccount(store, U1, p.id, NOW);
        expect(await getNewsAudience(store, U1)).toEqual({
          personId: p.id,
          section: 39,
          provinceCode: '50',
        });
        expect(await getNewsAudience(store, U2)).toBeUndefined();
        await setNewsOptOut(store, U1, true, NOW + 1);
        expect(await getLineUser(store, U1)).toMatchObject({
          newsOptOut: true,
          updatedAt: NOW + 1,
        });
        await setNewsOptOut(store, U1, false, NOW + 2);
        expect(await getLineUser(store, U1)).toMatchObject({
          newsOptOut: false,
          updatedAt: NOW + 2,
        });
      });
    });

    describe('offices/reference.ts and places.ts', () => {
      it('loads the reference offices once, and leaves imported rows alone on a reload', async () => {
        const reference = referenceOffices();
        expect(await ensureOffices(store, NOW)).toEqual({ loaded: true, rows: reference.length });
        expect(await countRows(store, offices)).toBe(reference.length);
        expect(await ensureOffices(store, NOW)).toEqual({ loaded: false, rows: 0 });
        const stored = await store.db.select().from(offices).where(eq(offices.id, 'sso-p50'));
        expect(stored).toEqual([{ ...reference.find((o) => o.id === 'sso-p50'), updatedAt: NOW }]);

        await store.db
          .update(offices)
          .set({ phone: '053 000 000', source: 'operator import' })
          .where(eq(offices.id, 'sso-p50'));
        await store.db.delete(meta).where(eq(meta.key, 'offices_reference'));
        expect(await ensureOffices(store, NOW + 1)).toEqual({
          loaded: true,
          rows: reference.length,
        });
        const after = await store.db.select().from(offices).where(eq(offices.id, 'sso-p50'));
        expect(after[0]).toMatchObject({ phone: '053 000 000', source: 'operator import' });
        const other = await store.db.select().from(offices).where(eq(offices.id, 'sso-hq'));
        expect(other[0]?.updatedAt).toBe(NOW + 1);
        expect(other[0]?.source?.startsWith(REFERENCE_SOURCE_PREFIX)).toBe(true);
      });

      it('ensureOfficesOnce loads on the first call of an isolate, and only then', async () => {
        await ensureOfficesOnce(() => store);
        expect(await countRows(store, offices)).toBe(referenceOffices().length);
        await store.db.delete(offices);
        await ensureOfficesOnce(() => store);
        expect(await countRows(store, offices)).toBe(0);
      });

      it('finds offices by province, by Bangkok area and nearest to a point', async () => {
        await ensureOffices(store, NOW);
        const bangkok = await officesInProvince(store, '10');
        expect(bangkok.map((o) => [o.kind, o.areaNo])).toEqual([
          ...Array.from({ length: 12 }, (_, i) => ['bangkok_area', i + 1]),
        ]);
        // Nonthaburi: the provincial office first, then the headquarters.
        expect((await officesInProvince(store, '12')).map((o) => o.kind)).toEqual([
          'provincial',
          'headquarters',
        ]);
        expect((await officesInProvince(store, '50')).map((o) => o.id)).toEqual(['sso-p50']);
        expect(await officesInProvince(store, '99')).toEqual([]);
        expect(await bangkokAreaOffice(store, 3)).toMatchObject({
          kind: 'bangkok_area',
          areaNo: 3,
        });
        expect(await bangkokAreaOffice(store, 13)).toBeUndefined();

        const all = await store.db.select().from(offices);
        for (const point of [
          { lat: 18.79, lng: 98.98 }, // Chiang Mai
          { lat: 13.7563, lng: 100.5018 }, // Bangkok: many offices on one approximate point
          { lat: 7.0, lng: 100.47 }, // Hat Yai
          { lat: 35.68, lng: 139.69 }, // Tokyo: outside Thailand
        ]) {
          const found = await nearestPlaces(store, 'offices', point, 3);
          expect(found.map((f) => f.row.id)).toEqual(bruteForce(all, point, 3));
          for (const f of found) expect(f.km).toBeCloseTo(haversineKm(point, f.row as never), 9);
        }
      });

      it('finds the nearest hospitals and runs the box query', async () => {
        await addHospital(store, { id: 'H-CM-1', lat: 18.8, lng: 98.99, provinceCode: '50' });
        await addHospital(store, { id: 'H-CM-2', lat: 18.7, lng: 98.9, provinceCode: '50' });
        await addHospital(store, { id: 'H-BKK', lat: 13.75, lng: 100.5 });
        await addHospital(store, { id: 'H-NOWHERE', lat: null, lng: null });
        const found = await nearestPlaces(store, 'hospitals', { lat: 18.79, lng: 98.98 }, 2);
        expect(found.map((f) => f.row.id)).toEqual(['H-CM-1', 'H-CM-2']);
        expect(found[0]!.row).toMatchObject({ isDemo: true, locationPrecision: 'exact' });
        const far = await nearestPlaces(store, 'hospitals', { lat: 18.79, lng: 98.98 }, 10);
        expect(far.map((f) => f.row.id)).toEqual(['H-CM-1', 'H-CM-2', 'H-BKK']);
        const box = await boxQuery(store.db, 'hospitals', {
          minLat: 18,
          maxLat: 19,
          minLng: 98,
          maxLng: 99,
        });
        expect(box.map((h) => h.id).sort()).toEqual(['H-CM-1', 'H-CM-2']);
      });
    });

    describe('records.ts and claims.ts', () => {
      it('totals and lists contributions (paid months only in the totals)', async () => {
        await addEmployer(store, '1000000001');
        await addEmployer(store, '1000000002');
        const p = await addPerson(store, { employerId: '1000000001' });
        const none = await addPerson(store);
        const month = (period: string, payerId: string, paidDate: string | null) => ({
          personId: p.id,
          period,
          payerId,
          wage: 1_500_000,
          employeeAmount: 75_000,
          employerAmount: 75_000,
          governmentAmount: 41_250,
          oldAgeAmount: 90_000,
          paidDate,
        });
        await store.db
          .insert(contributions)
          .values([
            month('2026-01', '1000000001', '2026-02-15'),
            month('2026-02', '1000000001', '2026-03-15'),
            month('2026-02', '1000000002', '2026-03-14'),
            month('2026-03', '1000000001', '2026-04-15'),
            month('2026-04', '1000000002', '2026-05-15'),
            month('2026-05', '1000000002', null),
          ]);
        expect(await getContributionTotals(store, p.id)).toEqual({
          monthsPaid: 4,
          firstPeriod: '2026-01',
          lastPaidPeriod: '2026-04',
          employee: 375_000,
          employer: 375_000,
          government: 206_250,
          oldAge: 450_000,
        });
        expect(await getContributionTotals(store, none.id)).toEqual({
          monthsPaid: 0,
          firstPeriod: null,
          lastPaidPeriod: null,
          employee: 0,
          employer: 0,
          government: 0,
          oldAge: 0,
        });
        expect(await listRecentContributions(store, p.id, 3)).toEqual([
          {
            period: '2026-05',
            payerId: '1000000002',
            wage: 1_500_000,
            employee: 75_000,
            paidDate: null,
          },
          {
            period: '2026-04',
            payerId: '1000000002',
            wage: 1_500_000,
            employee: 75_000,
            paidDate: '2026-05-15',
          },
          {
            period: '2026-03',
            payerId: '1000000001',
            wage: 1_500_000,
            employee: 75_000,
            paidDate: '2026-04-15',
          },
        ]);
        expect(await listRecentContributions(store, none.id, 3)).toEqual([]);
      });

      it('lists hospital registrations, the current one first', async () => {
        await addHospital(store, { id: 'H1', lat: 13.7, lng: 100.5 });
        await addHospital(store, { id: 'H2', lat: null, lng: null });
        const p = await addPerson(store);
        await store.db.insert(hospitalRegistrations).values([
          { personId: p.id, hospitalId: 'H1', validFrom: '2020-01-01', validTo: '2022-12-31' },
          { personId: p.id, hospitalId: 'H2', validFrom: '2023-01-01', validTo: null },
          { personId: p.id, hospitalId: 'H1', validFrom: '2018-01-01', validTo: '2019-12-31' },
        ]);
        const regs = await listHospitalRegistrations(store, p.id);
        expect(regs).toEqual([
          {
            hospitalId: 'H2',
            nameTh: 'โรงพยาบาล H2',
            nameEn: 'Hospital H2',
            addressTh: 'ที่อยู่',
            phone: '02-000-0000',
            lat: null,
            lng: null,
            locationPrecision: null,
            isDemo: true,
            validFrom: '2023-01-01',
            validTo: null,
          },
          expect.objectContaining({ hospitalId: 'H1', validFrom: '2020-01-01', lat: 13.7 }),
          expect.objectContaining({ hospitalId: 'H1', validFrom: '2018-01-01' }),
        ]);
      });

      it('reads the latest unemployment claim and every claim of a person', async () => {
        const p = await addPerson(store);
        const none = await addPerson(store);
        await store.db.insert(unemploymentClaims).values([
          {
            id: 'UC-OLD',
            personId: p.id,
            cause: 'resigned',
            lastWorkDate: '2024-01-31',
            filedDate: '2024-02-10',
            status: 'completed',
            approvedDays: 90,
            dailyAmount: 15_000,
            monthlyAmount: 450_000,
          },
          {
            id: 'UC-NEW',
            personId: p.id,
            cause: 'laid_off',
            lastWorkDate: '2026-03-31',
            filedDate: '2026-04-05',
            status: 'paying',
            approvedDays: 180,
            dailyAmount: 35_000,
            monthlyAmount: 1_050_000,
          },
        ]);
        await store.db.insert(claimStatusHistory).values([
          { claimId: 'UC-NEW', status: 'approved', at: '2026-04-20', note: null },
          { claimId: 'UC-NEW', status: 'filed', at: '2026-04-05', note: 'online' },
          { claimId: 'UC-NEW', status: 'paying', at: '2026-05-01', note: null },
          { claimId: 'UC-OLD', status: 'filed', at: '2024-02-10', note: null },
        ]);
        await store.db
          .insert(unemploymentPayments)
          .values([
            payment('UC-NEW', 2, '2026-06-01', 'scheduled'),
            payment('UC-NEW', 1, '2026-05-01', 'paid'),
          ]);
        const latest = await getLatestClaim(store, p.id);
        expect(latest?.claim).toEqual({
          id: 'UC-NEW',
          personId: p.id,
          cause: 'laid_off',
          lastWorkDate: '2026-03-31',
          filedDate: '2026-04-05',
          status: 'paying',
          approvedDays: 180,
          dailyAmount: 35_000,
          monthlyAmount: 1_050_000,
          rejectionReason: null,
          updatedAt: 0,
        });
        expect(latest?.history.map((h) => h.status)).toEqual(['filed', 'approved', 'paying']);
        expect(latest?.payments).toEqual([
          { ...payment('UC-NEW', 1, '2026-05-01', 'paid'), reportedAt: null, updatedAt: 0 },
          { ...payment('UC-NEW', 2, '2026-06-01', 'scheduled'), reportedAt: null, updatedAt: 0 },
        ]);
        expect(await getLatestClaim(store, none.id)).toBeUndefined();

        await store.db.insert(benefitClaims).values({
          id: 'SI-2569-000001',
          personId: p.id,
          benefit: 'sickness',
          filedDate: '2026-05-10',
          status: 'paid',
          decisionDate: '2026-05-20',
          reason: null,
          approvedAmount: 500_000,
          installments: null,
          updatedAt: NOW,
        });
        await store.db.insert(benefitClaimHistory).values([
          { claimId: 'SI-2569-000001', status: 'paid', at: '2026-05-25', note: null },
          { claimId: 'SI-2569-000001', status: 'received', at: '2026-05-10', note: null },
        ]);
        await store.db.insert(benefitPayments).values({
          claimId: 'SI-2569-000001',
          installment: 1,
          amount: 500_000,
          payDate: '2026-05-25',
          status: 'paid',
          updatedAt: NOW,
        });
        const claims = await listClaimsForPerson(store, p.id);
        expect(claims).toEqual([
          {
            id: 'SI-2569-000001',
            benefit: 'sickness',
            status: 'paid',
            filedDate: '2026-05-10',
            decisionDate: '2026-05-20',
            reason: null,
            approvedAmount: 500_000,
            installments: null,
            history: [
              { status: 'received', at: '2026-05-10', note: null },
              { status: 'paid', at: '2026-05-25', note: null },
            ],
            payments: [{ installment: 1, amount: 500_000, payDate: '2026-05-25', status: 'paid' }],
          },
          {
            id: 'UC-NEW',
            benefit: 'unemployment',
            status: 'paying',
            filedDate: '2026-04-05',
            decisionDate: '2026-04-20',
            reason: null,
            approvedAmount: 1_050_000,
            installments: 6,
            history: [
              { status: 'filed', at: '2026-04-05', note: 'online' },
              { status: 'approved', at: '2026-04-20', note: null },
              { status: 'paying', at: '2026-05-01', note: null },
            ],
            payments: [
              { installment: 1, amount: 350_000, payDate: '2026-05-01', status: 'paid' },
              { installment: 2, amount: 350_000, payDate: '2026-06-01', status: 'scheduled' },
            ],
          },
          expect.objectContaining({ id: 'UC-OLD', installments: 3, decisionDate: null }),
        ]);
        expect(await listClaimsForPerson(store, none.id)).toEqual([]);
      });
    });

    describe('push-jobs.ts', () => {
      const spoken = ['th', 'en', 'my', 'km', 'lo'];

      it('pages a segment’s recipients in user id order', async () => {
        const p33 = await addPerson(store, { section: 33, provinceCode: '10' });
        const p39 = await addPerson(store, { section: 39, provinceCode: '50' });
        await addLineUser(store, U1, { chosenLanguage: 'en' });
        await addLineUser(store, U2, { profileLanguage: 'my' });
        await addLineUser(store, U3, { chosenLanguage: 'xx' });
        await addLineUser(store, U4, { newsOptOut: true });
        await addLineUser(store, U5, { status: 'inactive' });
        await bindAccount(store, U1, p33.id, NOW);
        await bindAccount(store, U2, p39.id, NOW);
        const page = (segment: Parameters<typeof recipientPage>[1], after = '', limit = 10) =>
          recipientPage(store, segment, spoken, after, limit);
        expect(await page({})).toEqual([U1, U2, U3]);
        expect(await page({}, U1)).toEqual([U2, U3]);
        expect(await page({}, '', 1)).toEqual([U1]);
        expect(await page({ languages: ['th'] })).toEqual([U3]);
        expect(await page({ languages: ['en', 'my'] })).toEqual([U1, U2]);
        expect(await page({ sections: [33] })).toEqual([U1]);
        expect(await page({ provinces: ['50'] })).toEqual([U2]);
        expect(await page({ sections: [33, 39], linked: true })).toEqual([U1, U2]);
        expect(await page({ linked: true })).toEqual([U1, U2]);
        expect(await page({ linked: false })).toEqual([U3]);
        expect(await page({ linked: false, sections: [33] })).toEqual([]);
        expect(await countOptedOutFollowers(store)).toBe(1);
      });

      it('snapshots a job into batches and drives them to an outcome', async () => {
        const news = await createNews(
          store,
          { title: 'N', summary: 's', body: 'b', publishedDate: '2026-05-01' },
          NOW,
        );
        const job = await createPushJob(
          store,
          { newsId: news.id, kind: 'multicast', segment: { linked: true } },
          NOW,
        );
        expect(job).toEqual({
          id: expect.any(Number),
          newsId: news.id,
          kind: 'multicast',
          segment: '{"linked":true}',
          status: 'pending',
          totalRecipients: 0,
          sentRecipients: 0,
          batchesTotal: 0,
          batchesDone: 0,
          error: null,
          createdAt: NOW,
          startedAt: null,
          finishedAt: null,
          scheduledAt: null,
          createdBy: null,
        });
        expect(await getPushJob(store, job.id)).toEqual(job);
        expect(await listActiveJobs(store)).toEqual([job]);
        expect(await listActiveJobs(store, job.id)).toEqual([job]);
        expect(await listActiveJobs(store, job.id + 1000)).toEqual([]);
        expect(await snapshotCursor(store, job.id)).toEqual({ nextBatchNo: 0, afterUserId: '' });
        await markJobStarted(store, job.id, NOW + 1);
        await markJobStarted(store, job.id, NOW + 2);
        expect((await getPushJob(store, job.id))?.startedAt).toBe(NOW + 1);

        // 40 batches: more than one INSERT statement (15 rows each on D1's parameter limit).
        const batches = Array.from({ length: 40 }, (_, i) => ({
          batchNo: i,
          recipients: i % 2 === 0 ? [uid(100 + 2 * i)] : [uid(100 + 2 * i), uid(101 + 2 * i)],
        }));
        await insertBatches(store, job.id, []);
        await insertBatches(store, job.id, batches.slice(0, 25));
        await expect(insertBatches(store, job.id, batches.slice(24, 26))).rejects.toThrow();
        expect(await snapshotCursor(store, job.id)).toEqual({
          nextBatchNo: 25,
          afterUserId: uid(100 + 2 * 24),
        });
        await insertBatches(store, job.id, batches.slice(25));
        expect(await snapshotCursor(store, job.id)).toEqual({
          nextBatchNo: 40,
          afterUserId: uid(101 + 2 * 39),
        });
        const keys = (await store.db.select().from(pushBatches)).map((b) => b.retryKey);
        expect(new Set(keys).size).toBe(40);
        expect(await getPushJob(store, job.id)).toMatchObject({
          status: 'pending',
          totalRecipients: 60,
          batchesTotal: 40,
        });
        await completeSnapshot(store, job.id, NOW + 3);
        expect((await getPushJob(store, job.id))?.status).toBe('running');

        expect(await readyBatchNumbers(store, job.id, NOW, 5)).toEqual([0, 1, 2, 3, 4]);
        expect(await nextPendingAt(store, job.id)).toBe(0);
        const claimed = await claimBatch(store, job.id, 0, NOW, 1000);
        expect(claimed).toMatchObject({
          jobId: job.id,
          batchNo: 0,
          attempts: 1,
          nextAttemptAt: NOW + 1000,
          status: 'pending',
          recipients: JSON.stringify([uid(100)]),
          recipientCount: 1,
        });
        expect(await claimBatch(store, job.id, 0, NOW + 999, 1000)).toBeUndefined();
        expect(await readyBatchNumbers(store, job.id, NOW, 2)).toEqual([1, 2]);
        expect(await readyBatchNumbers(store, job.id, NOW + 1000, 1)).toEqual([0]);
        await markBatchSent(store, claimed!, 'req-0', NOW + 4);
        await markBatchSent(store, claimed!, 'req-0', NOW + 5); // already sent: counted once
        await scheduleRetry(store, { jobId: job.id, batchNo: 1 }, NOW + 5000, 'x'.repeat(600));
        await markBatchFailed(store, { jobId: job.id, batchNo: 2 }, 'bad request');
        const rows = await store.db
          .select()
          .from(pushBatches)
          .where(and(eq(pushBatches.jobId, job.id), sql`${pushBatches.batchNo} < 3`))
          .orderBy(asc(pushBatches.batchNo));
        expect(rows.map((r) => [r.status, r.sentAt, r.acceptedRequestId, r.nextAttemptAt])).toEqual(
          [
            ['sent', NOW + 4, 'req-0', null],
            ['pending', null, null, NOW + 5000],
            ['failed', null, null, null],
          ],
        );
        expect(rows[1]!.lastError).toBe('x'.repeat(500));
        expect(await nextPendingAt(store, job.id)).toBe(NOW + 5000);

        const progress = await getJobProgress(store, job.id);
        expect(progress).toEqual({
          id: job.id,
          newsId: news.id,
          kind: 'multicast',
          segment: { linked: true },
          status: 'running',
          snapshotComplete: true,
          totalRecipients: 60,
          sentRecipients: 1,
          failedRecipients: 1,
          batchesTotal: 40,
          batchesSent: 1,
          batchesFailed: 1,
          batchesPending: 38,
          error: null,
          createdAt: NOW,
          startedAt: NOW + 1,
          finishedAt: null,
        });
        expect((await getPushJob(store, job.id))?.batchesDone).toBe(1);

        await failPendingBatches(store, job.id, 'stop');
        expect(await nextPendingAt(store, job.id)).toBeUndefined();
        expect(await finishJob(store, job.id, NOW + 6)).toBe('failed');
        expect(await getJobProgress(store, job.id)).toMatchObject({
          status: 'failed',
          failedRecipients: 59,
          batchesFailed: 39,
          batchesPending: 0,
          finishedAt: NOW + 6,
          error: '39 batch(es) failed, 59 recipient(s) not delivered; last error: stop',
        });
        expect(await listActiveJobs(store)).toEqual([]);
        expect(await getJobProgress(store, job.id + 1000)).toBeUndefined();
      });

      it('counts broadcasts, cancels and fails jobs, and finishes a job with nothing to send', async () => {
        const news = await createNews(
          store,
          { title: 'N', summary: 's', body: 'b', publishedDate: '2026-05-01' },
          NOW,
        );
        const b1 = await createPushJob(
          store,
          { newsId: news.id, kind: 'broadcast', segment: null },
          NOW + 10,
        );
        expect(b1.segment).toBeNull();
        expect(await countBroadcastsSince(store, NOW, 'createdAt')).toEqual({
          count: 1,
          oldest: NOW + 10,
        });
        expect(await countBroadcastsSince(store, NOW, 'createdAt', b1.id)).toEqual({
          count: 0,
          oldest: null,
        });
        expect(await countBroadcastsSince(store, NOW + 10, 'createdAt')).toEqual({
          count: 0,
          oldest: null,
        });
        expect(await countBroadcastsSince(store, NOW, 'startedAt')).toEqual({
          count: 0,
          oldest: null,
        });
        await markJobStarted(store, b1.id, NOW + 11);
        expect(await countBroadcastsSince(store, NOW, 'startedAt')).toEqual({
          count: 1,
          oldest: NOW + 11,
        });
        expect(await cancelJob(store, b1.id, NOW + 12)).toBe(true);
        expect(await cancelJob(store, b1.id, NOW + 13)).toBe(false);
        expect(await getPushJob(store, b1.id)).toMatchObject({
          status: 'cancelled',
          finishedAt: NOW + 12,
        });
        expect(await countBroadcastsSince(store, NOW, 'createdAt')).toEqual({
          count: 0,
          oldest: null,
        });

        const b2 = await createPushJob(
          store,
          { newsId: news.id, kind: 'broadcast', segment: null },
          NOW + 20,
        );
        await failJob(store, b2.id, 'e'.repeat(1200), NOW + 21);
        expect(await getPushJob(store, b2.id)).toMatchObject({
          status: 'failed',
          error: 'e'.repeat(1000),
          finishedAt: NOW + 21,
        });
        expect(await cancelJob(store, b2.id, NOW + 22)).toBe(false);

        const empty = await createPushJob(
          store,
          { newsId: news.id, kind: 'multicast', segment: {} },
          NOW + 30,
        );
        await completeSnapshot(store, empty.id, NOW + 31);
        expect(await getPushJob(store, empty.id)).toMatchObject({
          status: 'done',
          finishedAt: NOW + 31,
        });
        await completeSnapshot(store, empty.id, NOW + 32); // not pending any more: no change
        expect((await getPushJob(store, empty.id))?.finishedAt).toBe(NOW + 31);

        const one = await createPushJob(
          store,
          { newsId: news.id, kind: 'multicast', segment: {} },
          NOW + 40,
        );
        await insertBatches(store, one.id, [{ batchNo: 0, recipients: [U1, U2] }]);
        await completeSnapshot(store, one.id, NOW + 41);
        await markBatchSent(
          store,
          { jobId: one.id, batchNo: 0, recipientCount: 2 },
          null,
          NOW + 42,
        );
        expect(await finishJob(store, one.id, NOW + 43)).toBe('done');
        expect(await getJobProgress(store, one.id)).toMatchObject({
          status: 'done',
          sentRecipients: 2,
          batchesSent: 1,
          error: null,
          finishedAt: NOW + 43,
        });
        expect((await listPushJobs(store, 2)).map((j) => j.id)).toEqual([one.id, empty.id]);
        expect((await listPushJobs(store)).map((j) => j.id)).toEqual([
          one.id,
          empty.id,
          b2.id,
          b1.id,
        ]);
      });
    });

    describe('staff-flags.ts', () => {
      it('flags a chat once per window, masks the note, lists and closes', async () => {
        const note = 'เลขบัตร 3100600123450 โทร 081-234-5678';
        const first = await flagForStaff(store, { userId: U1, note, lang: 'th', now: NOW });
        expect(first.created).toBe(true);
        expect(first.flag).toEqual({
          id: expect.any(Number),
          userId: U1,
          note: maskNote(note),
          lang: 'th',
          status: 'open',
          createdAt: NOW,
          closedAt: null,
          closedBy: null,
          closeNote: null,
          lastMessageAt: null,
        });
        expect(first.flag.note).not.toContain('3100600123450');
        const again = await flagForStaff(store, {
          userId: U1,
          note: 'x',
          lang: 'th',
          now: NOW + 1,
        });
        expect(again).toEqual({ flag: first.flag, created: false });
        const later = await flagForStaff(store, {
          userId: U1,
          note: null,
          lang: 'en',
          now: NOW + STAFF_FLAG_DEDUPE_MS + 1,
        });
        expect(later.created).toBe(true);
        expect(later.flag.note).toBeNull();
        const short = await flagForStaff(store, {
          userId: U2,
          note: 'ก'.repeat(700),
          lang: 'th',
          now: NOW + 2,
          dedupeMs: 1,
        });
        expect(short.flag.note).toHaveLength(500);

        const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
        expect(ids(await listStaffFlags(store))).toEqual([
          later.flag.id,
          short.flag.id,
          first.flag.id,
        ]);
        expect(ids(await listStaffFlags(store, { limit: 1, offset: 1 }))).toEqual([short.flag.id]);
        expect(await closeStaffFlag(store, first.flag.id, NOW + 3)).toBe(true);
        expect(await closeStaffFlag(store, first.flag.id, NOW + 4)).toBe(false);
        expect(await listStaffFlags(store, { status: 'closed' })).toEqual([
          { ...first.flag, status: 'closed', closedAt: NOW + 3 },
        ]);
        expect(ids(await listStaffFlags(store, { status: 'open' }))).toEqual([
          later.flag.id,
          short.flag.id,
        ]);
        expect(await getStaffFlag(store, first.flag.id)).toEqual({
          ...first.flag,
          status: 'closed',
          closedAt: NOW + 3,
        });
        expect(await getStaffFlag(store, later.flag.id + 1000)).toBeUndefined();
      });

      it('records the conversation of an open flag once per event, masked, for the inbox', async () => {
        await addLineUser(store, U1);
        // No open flag: nothing is recorded.
        expect(
          await recordFlagTurn(store, { userId: U1, key: 'event:e0', at: NOW, userText: 'hi' }),
        ).toBeUndefined();
        const { flag } = await flagForStaff(store, {
          userId: U1,
          note: 'help',
          lang: 'th',
          now: NOW,
        });
        expect(await openFlagOf(store, U1)).toEqual(flag);
        expect(await openFlagOf(store, U2)).toBeUndefined();
        const turn = {
          userId: U1,
          key: 'event:e1',
          at: NOW + 1,
          userText: 'เลขบัตร 3100600123450',
          botText: 'x'.repeat(FLAG_MESSAGE_MAX + 10),
        };
        expect(await recordFlagTurn(store, turn)).toBe(flag.id);
        // The same event again (a retry): recorded once.
        expect(await recordFlagTurn(store, { ...turn, at: NOW + 2 })).toBe(flag.id);
        expect(
          await recordFlagTurn(store, { userId: U1, key: 'event:e2', at: NOW + 3, userText: ' ' }),
        ).toBeUndefined();
        const messages = await listFlagMessages(store, flag.id);
        expect(messages.map((m) => [m.direction, m.at, m.retryKey, m.status])).toEqual([
          ['user', NOW + 1, 'event:e1', null],
          ['bot', NOW + 1, 'event:e1', null],
        ]);
        expect(messages[0]!.text).toBe(maskNote('เลขบัตร 3100600123450'));
        expect(messages[1]!.text).toHaveLength(FLAG_MESSAGE_MAX);
        expect(await countFlagMessages(store, flag.id)).toBe(2);
        expect((await getStaffFlag(store, flag.id))?.lastMessageAt).toBe(NOW + 1);

        // A staff reply: written pending before sending; the same key finds the same row.
        const reply = {
          flagId: flag.id,
          staffId: 7,
          text: 'โทร 081-234-5678',
          retryKey: 'k1',
          at: NOW + 4,
        };
        const first = await beginStaffReply(store, reply);
        expect(first.created).toBe(true);
        expect(first.message).toMatchObject({
          direction: 'staff',
          staffId: 7,
          text: maskNote('โทร 081-234-5678'),
          retryKey: 'k1',
          status: 'pending',
        });
        await finishStaffReply(store, first.message.id, 'sent');
        const again = await beginStaffReply(store, { ...reply, at: NOW + 5 });
        expect(again).toEqual({ message: { ...first.message, status: 'sent' }, created: false });
        expect((await listFlagMessages(store, flag.id, 1)).map((m) => m.id)).toEqual([
          first.message.id,
        ]);

        // The inbox: open first, with the person's state.
        await setBotPausedUntil(store, U1, NOW + 100, NOW);
        const other = await flagForStaff(store, {
          userId: U2,
          note: null,
          lang: 'en',
          now: NOW + 6,
        });
        await closeStaffFlag(store, other.flag.id, NOW + 7);
        const inbox = await listInbox(store, { closedSince: NOW });
        expect(inbox.map((i) => [i.flag.id, i.messages, i.botPausedUntil, i.userStatus])).toEqual([
          [flag.id, 3, NOW + 100, 'active'],
          [other.flag.id, 0, null, null],
        ]);
        expect(inbox[0]!.personId).toBeNull();
        expect(await listInbox(store, { closedSince: NOW + 8 })).toHaveLength(1);
        const person = await addPerson(store);
        await bindAccount(store, U1, person.id, NOW);
        expect(await inboxItem(store, flag.id)).toMatchObject({
          messages: 3,
          personId: person.id,
          botPausedUntil: NOW + 100,
        });
        expect(await inboxItem(store, flag.id + 1000)).toBeUndefined();

        // Closing with a note (masked) by a staff account ends the pause.
        expect(
          await closeStaffFlag(store, flag.id, NOW + 9, { by: 7, note: 'โทร 081-234-5678 แล้ว' }),
        ).toBe(true);
        expect(await getStaffFlag(store, flag.id)).toMatchObject({
          status: 'closed',
          closedAt: NOW + 9,
          closedBy: 7,
          closeNote: maskNote('โทร 081-234-5678 แล้ว'),
        });
        expect((await getLineUser(store, U1))?.botPausedUntil).toBeNull();
        expect(await openFlagOf(store, U1)).toBeUndefined();
        expect(await countRows(store, staffFlagMessages)).toBe(3);
      });

      it('summarises what the bot sent: texts as they are, cards by their alt text', () => {
        expect(
          summariseMessages([
            { type: 'text', text: 'สวัสดี' },
            { type: 'flex', altText: 'เมนู', contents: { type: 'bubble' } },
            { type: 'sticker', packageId: '1', stickerId: '2' },
          ]),
        ).toBe('สวัสดี\n[card: เมนู]\n[sticker]');
      });
    });

    describe('unanswered.ts', () => {
      it('records masked questions, lists, counts by topic and marks them handled', async () => {
        const long = `โทร 081-234-5678 ${'ก'.repeat(600)}`;
        await recordUnanswered(store, {
          at: NOW,
          lang: 'th',
          text: long,
          alternatives: ['a', 'b', 'c', 'd'],
          confidence: 0.25,
        });
        await recordUnanswered(store, {
          at: NOW + 1,
          lang: 'en',
          text: 'hello',
          alternatives: [],
          confidence: 0.125,
        });
        await recordUnanswered(store, {
          at: NOW + 2,
          lang: 'en',
          text: 'x',
          alternatives: ['a'],
          confidence: 0.5,
        });
        const all = await listUnanswered(store);
        expect(all.map((r) => r.at)).toEqual([NOW + 2, NOW + 1, NOW]);
        expect(all[2]).toEqual({
          id: expect.any(Number),
          at: NOW,
          lang: 'th',
          text: maskPersonalData(long).slice(0, 500),
          topic: 'a',
          alternatives: '["a","b","c"]',
          confidence: 0.25,
          handledAt: null,
        });
        expect(all[2]!.text).not.toContain('5678');
        expect(all[1]).toMatchObject({ topic: null, alternatives: '[]' });
        expect((await listUnanswered(store, { since: NOW + 1 })).length).toBe(2);
        expect((await listUnanswered(store, { limit: 1, offset: 2 })).map((r) => r.at)).toEqual([
          NOW,
        ]);
        expect(await countUnansweredByTopic(store, NOW)).toEqual([
          { topic: 'a', count: 2 },
          { topic: null, count: 1 },
        ]);
        expect(await countUnansweredByTopic(store, NOW + 2)).toEqual([{ topic: 'a', count: 1 }]);
        expect(await markUnansweredHandled(store, all[2]!.id, NOW + 3)).toBe(true);
        expect(await markUnansweredHandled(store, all[2]!.id, NOW + 4)).toBe(false);
        const open = await listUnanswered(store, { open: true });
        expect(open.map((r) => r.at)).toEqual([NOW + 2, NOW + 1]);
        expect((await listUnanswered(store, { since: NOW }))[2]?.handledAt).toBe(NOW + 3);
      });

      it('lists a period for the console by language and state, counts a week, marks many handled', async () => {
        const ask = (at: number, lang: string, topic: string | null) =>
          recordUnanswered(store, {
            at,
            lang,
            text: `q${at}`,
            alternatives: topic ? [topic] : [],
            confidence: 0.1,
          });
        await ask(NOW, 'th', 'a');
        await ask(NOW + 1, 'en', 'a');
        await ask(NOW + 2, 'th', null);
        await ask(NOW + 3, 'th', 'b');
        const all = await listUnansweredSince(store, { since: NOW });
        // Oldest first.
        expect(all.map((r) => r.at)).toEqual([NOW, NOW + 1, NOW + 2, NOW + 3]);
        expect(
          (await listUnansweredSince(store, { since: NOW + 1, lang: 'th' })).map((r) => r.at),
        ).toEqual([NOW + 2, NOW + 3]);
        // The newest `limit`, still oldest first.
        expect(
          (await listUnansweredSince(store, { since: NOW, limit: 2 })).map((r) => r.at),
        ).toEqual([NOW + 2, NOW + 3]);
        expect(await markManyUnansweredHandled(store, [all[0]!.id, all[2]!.id], NOW + 9)).toBe(2);
        expect(await markManyUnansweredHandled(store, [all[0]!.id], NOW + 10)).toBe(0);
        expect(
          (await listUnansweredSince(store, { since: NOW, state: 'open' })).map((r) => r.at),
        ).toEqual([NOW + 1, NOW + 3]);
        expect(
          (await listUnansweredSince(store, { since: NOW, state: 'handled' })).map((r) => [
            r.at,
            r.handledAt,
          ]),
        ).toEqual([
          [NOW, NOW + 9],
          [NOW + 2, NOW + 9],
        ]);
        expect(await countUnansweredBetween(store, NOW, NOW + 3)).toEqual(
          new Map<string | null, number>([
            ['a', 2],
            [null, 1],
          ]),
        );
        expect(await countUnansweredBetween(store, NOW, NOW + 10, 'en')).toEqual(
          new Map([['a', 1]]),
        );
        // More ids than one statement binds on D1.
        const many = Array.from({ length: 200 }, (_, i) => i + 1_000_000);
        expect(await markManyUnansweredHandled(store, [...many, all[3]!.id], NOW + 11)).toBe(1);
      });
    });

    describe('webhook-events.ts', () => {
      it('records each event once, claims, finishes and lists the unfinished', async () => {
        expect(await recordWebhookEvents(store, [])).toEqual([]);
        expect(await recordWebhookEvents(store, [event('e1')])).toEqual(['e1']);
        expect(await recordWebhookEvents(store, [event('e1')])).toEqual([]);
        expect(
          await recordWebhookEvents(store, [
            event('e1'),
            event('e2', { receivedAt: NOW + 10, isRedelivery: true }),
            event('e3', { status: 'done', receivedAt: NOW + 20, userId: null, replyToken: null }),
          ]),
        ).toEqual(['e2', 'e3']);
        expect(await getWebhookEvent(store, 'e1')).toEqual({
          webhookEventId: 'e1',
          type: 'message',
          userId: U1,
          replyToken: 'rt-e1',
          eventTimestamp: NOW - 100,
          isRedelivery: false,
          payload: '{"type":"message"}',
          status: 'pending',
          attempts: 0,
          replyAttemptedAt: null,
          delivery: null,
          error: null,
          lineRequestId: null,
          receivedAt: NOW,
          processedAt: null,
          intent: null,
          lang: null,
        });
        expect(await getWebhookEvent(store, 'e2')).toMatchObject({
          isRedelivery: true,
          status: 'pending',
        });
        expect(await getWebhookEvent(store, 'e3')).toMatchObject({ status: 'done', userId: null });
        expect(await getWebhookEvent(store, 'nope')).toBeUndefined();

        expect(await listUnfinishedWebhookEvents(store)).toEqual(['e1', 'e2']);
        expect(await listUnfinishedWebhookEvents(store, 1)).toEqual(['e1']);
        expect(await listUnfinishedWebhookEvents(store, 10, NOW + 5)).toEqual(['e1']);

        const claimed = await claimWebhookEvent(store, 'e1');
        expect(claimed).toMatchObject({ webhookEventId: 'e1', status: 'processing', attempts: 1 });
        expect(await claimWebhookEvent(store, 'e1')).toBeUndefined();
        expect(await claimWebhookEvent(store, 'e1', true)).toMatchObject({ attempts: 2 });
        expect(await claimWebhookEvent(store, 'e3', true)).toBeUndefined();
        await markReplyAttempted(store, 'e1', NOW + 30);
        await finishWebhookEvent(store, 'e1', {
          status: 'done',
          delivery: 'reply',
          lineRequestId: 'req-1',
          at: NOW + 31,
        });
        expect(await getWebhookEvent(store, 'e1')).toMatchObject({
          status: 'done',
          payload: '{}',
          replyAttemptedAt: NOW + 30,
          delivery: 'reply',
          lineRequestId: 'req-1',
          error: null,
          processedAt: NOW + 31,
        });
        await claimWebhookEvent(store, 'e2');
        await finishWebhookEvent(store, 'e2', {
          status: 'failed',
          error: 'LINE 500',
          at: NOW + 32,
        });
        expect(await getWebhookEvent(store, 'e2')).toMatchObject({
          status: 'failed',
          payload: '{"type":"message"}',
          delivery: null,
          error: 'LINE 500',
          processedAt: NOW + 32,
        });
        expect(await listUnfinishedWebhookEvents(store)).toEqual([]);
      });
    });

    describe('dead-letters.ts', () => {
      it('puts events back, finds stale ones, dead-letters, lists and replays them', async () => {
        await recordWebhookEvents(store, [
          event('d1'),
          event('d2', { receivedAt: NOW + 10 }),
          event('d3', { receivedAt: NOW + 20 }),
        ]);
        const retry = (error: string, keepReplyMark: boolean) => ({ error, keepReplyMark });
        expect(await releaseWebhookEvent(store, 'd1', retry('LINE 500', true))).toBe(false);
        await claimWebhookEvent(store, 'd1');
        await markReplyAttempted(store, 'd1', NOW + 1);
        expect(await releaseWebhookEvent(store, 'd1', retry('LINE 500', true))).toBe(true);
        expect(await getWebhookEvent(store, 'd1')).toMatchObject({
          status: 'pending',
          attempts: 1,
          error: 'LINE 500',
          replyAttemptedAt: NOW + 1,
        });
        await claimWebhookEvent(store, 'd1');
        expect(await releaseWebhookEvent(store, 'd1', retry('LINE 429', false))).toBe(true);
        expect(await getWebhookEvent(store, 'd1')).toMatchObject({
          status: 'pending',
          attempts: 2,
          error: 'LINE 429',
          replyAttemptedAt: null,
        });

        await claimWebhookEvent(store, 'd3');
        expect(await listStaleWebhookEvents(store, NOW + 30)).toEqual([
          { webhookEventId: 'd2', status: 'pending', attempts: 0 },
          { webhookEventId: 'd3', status: 'processing', attempts: 1 },
        ]);
        expect(await listStaleWebhookEvents(store, NOW + 15)).toEqual([
          { webhookEventId: 'd2', status: 'pending', attempts: 0 },
        ]);
        expect(await listStaleWebhookEvents(store, NOW + 30, 1)).toHaveLength(2);
        expect(await claimSweptWebhookEvent(store, 'd3', 0)).toBeUndefined();
        expect(await claimSweptWebhookEvent(store, 'd3', 1)).toMatchObject({
          webhookEventId: 'd3',
          status: 'processing',
          attempts: 2,
        });
        expect(await claimSweptWebhookEvent(store, 'd3', 1)).toBeUndefined();

        expect(await deadLetterWebhookEvent(store, 'd3', NOW + 40)).toBe(false);
        expect(await deadLetterWebhookEvent(store, 'd1', NOW + 40)).toBe(true);
        expect(await deadLetterWebhookEvent(store, 'd2', NOW + 41)).toBe(true);
        expect(await deadLetterWebhookEvent(store, 'd2', NOW + 42)).toBe(false);
        expect(await getWebhookEvent(store, 'd1')).toMatchObject({
          status: 'failed',
          error: `${DEAD_LETTER_MARK}LINE 429`,
          processedAt: NOW + 40,
        });
        expect(await listDeadLetters(store)).toEqual([
          {
            webhookEventId: 'd2',
            type: 'message',
            attempts: 0,
            error: `${DEAD_LETTER_MARK}retries exhausted`,
            lineRequestId: null,
            receivedAt: NOW + 10,
            deadAt: NOW + 41,
            replayable: true,
          },
          {
            webhookEventId: 'd1',
            type: 'message',
            attempts: 2,
            error: `${DEAD_LETTER_MARK}LINE 429`,
            lineRequestId: null,
            receivedAt: NOW,
            deadAt: NOW + 40,
            replayable: true,
          },
        ]);
        expect(
          (await listDeadLetters(store, { limit: 1, offset: 1 })).map((d) => d.webhookEventId),
        ).toEqual(['d1']);

        expect(await replayDeadLetter(store, 'd1')).toBe('replayed');
        expect(await getWebhookEvent(store, 'd1')).toMatchObject({
          status: 'pending',
          attempts: 2,
          error: null,
          processedAt: null,
        });
        expect(await replayDeadLetter(store, 'd1')).toBe('not-found');
        await store.db
          .update(webhookEvents)
          .set({ payload: '{}' })
          .where(eq(webhookEvents.webhookEventId, 'd2'));
        expect(await replayDeadLetter(store, 'd2')).toBe('erased');
        expect(await listDeadLetters(store)).toEqual([
          expect.objectContaining({ webhookEventId: 'd2', replayable: false }),
        ]);
        expect(await replayDeadLetter(store, 'nope')).toBe('not-found');

        expect(isTransientDbError(new Error('D1_ERROR: Network connection lost.'))).toBe(true);
        expect(isTransientDbError({ message: 'x', cause: new Error('D1 DB is overloaded') })).toBe(
          true,
        );
        expect(isTransientDbError(new Error('UNIQUE constraint failed'))).toBe(false);
      });
    });

    describe('notification-prefs.ts', () => {
      it('is off by default, turns on with a recorded consent, off keeping it', async () => {
        const defaults = await getNotificationPrefs(store, U1);
        expect(defaults).toEqual(
          NOTIFICATION_CATEGORIES.map((category) => ({
            category,
            enabled: false,
            consentAt: null,
            consentText: null,
            updatedAt: null,
          })),
        );
        expect(await sha256Hex('abc')).toBe(
          'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        );
        const text = await consentRecord('th', 'ข้อความยินยอม');
        expect(text).toBe(`th:${await sha256Hex('ข้อความยินยอม')}:${CONSENT_VERSION}`);
        expect(isNotificationCategory('payment_made')).toBe(true);
        expect(isNotificationCategory('nope')).toBe(false);

        expect(await turnNotificationsOn(store, U1, [], NOW)).toEqual([]);
        expect(await turnNotificationsOn(store, U1, ['payment_made'], NOW)).toEqual([]);
        expect(
          await turnNotificationsOn(store, U1, ['claim_decided', 'payment_made'], NOW, {
            at: NOW,
            text,
          }),
        ).toEqual(['claim_decided', 'payment_made']);
        expect(await turnNotificationsOff(store, U1, NOW + 1, ['payment_made'])).toBe(1);
        expect(await turnNotificationsOff(store, U1, NOW + 1, ['payment_made'])).toBe(0);
        expect(await turnNotificationsOff(store, U1, NOW + 1, [])).toBe(0);
        expect(
          await turnNotificationsOn(store, U1, ['payment_made', 'lapse_risk'], NOW + 2),
        ).toEqual(['payment_made']);
        // A consent to an older wording does not turn a category back on.
        await store.db.insert(notificationPrefs).values({
          userId: U1,
          category: 'hospital_window',
          enabled: false,
          consentAt: NOW - DAY,
          consentText: 'th:abc:v0',
          updatedAt: NOW - DAY,
        });
        expect(await turnNotificationsOn(store, U1, ['hospital_window'], NOW + 3)).toEqual([]);

        const prefs = await getNotificationPrefs(store, U1);
        const by = Object.fromEntries(prefs.map((p) => [p.category, p]));
        expect(by.claim_decided).toEqual({
          category: 'claim_decided',
          enabled: true,
          consentAt: NOW,
          consentText: text,
          updatedAt: NOW,
        });
        expect(by.payment_made).toEqual({
          category: 'payment_made',
          enabled: true,
          consentAt: NOW,
          consentText: text,
          updatedAt: NOW + 2,
        });
        expect(by.hospital_window).toMatchObject({ enabled: false, consentText: 'th:abc:v0' });
        expect(hasCurrentConsent(by.claim_decided!)).toBe(true);
        expect(hasCurrentConsent(by.hospital_window!)).toBe(false);
        expect(prefs.map((p) => p.category)).toEqual([...NOTIFICATION_CATEGORIES]);

        // Consent again: the record moves to the new time and wording.
        const en = await consentRecord('en', 'consent');
        await turnNotificationsOn(store, U1, ['claim_decided'], NOW + 4, { at: NOW + 4, text: en });
        expect((await getNotificationPrefs(store, U1))[0]).toEqual({
          category: 'claim_decided',
          enabled: true,
          consentAt: NOW + 4,
          consentText: en,
          updatedAt: NOW + 4,
        });
        expect(await turnNotificationsOff(store, U1, NOW + 5)).toBe(2);
        expect((await getNotificationPrefs(store, U1)).filter((p) => p.enabled)).toEqual([]);
        expect((await getNotificationPrefs(store, U2)).filter((p) => p.updatedAt !== null)).toEqual(
          [],
        );
      });
    });

    describe('notify/store.ts', () => {
      it('counts, walks, claims and settles due notifications', async () => {
        const p = await addPerson(store);
        await addLineUser(store, U1, { chosenLanguage: 'en' });
        await addLineUser(store, U2, { status: 'inactive', profileLanguage: 'my' });
        await bindAccount(store, U1, p.id, NOW);
        await store.db.insert(notificationPrefs).values({
          userId: U1,
          category: 'claim_decided',
          enabled: true,
          consentAt: NOW - DAY,
          consentText: 'en:x:v1',
          updatedAt: NOW - DAY,
        });
        await store.db
          .insert(notifications)
          .values([
            notification(U1, 'k1', 'claim_decided', NOW - 10),
            notification(U2, 'k2', 'payment_made', NOW - 5),
            notification(U1, 'k3', 'lapse_risk', NOW + 1000),
            { ...notification(U1, 'k4', 'claim_decided', NOW - 20), status: 'sent' as const },
            notification(U3, 'k5', 'payment_made', NOW - 1),
          ]);
        const rows = await store.db.select().from(notifications).orderBy(asc(notifications.id));
        const id = (key: string) => rows.find((r) => r.dedupeKey === key)!.id;

        const due = await countDue(store, NOW);
        expect(due).toEqual({
          ...Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, 0])),
          claim_decided: 1,
          payment_made: 2,
        });
        expect(await pendingCursorStart(store)).toBe(id('k1') - 1);
        const chunk = await dueChunk(store, NOW, 0, ['claim_decided', 'payment_made'], 10);
        expect(chunk).toEqual([
          {
            id: id('k1'),
            userId: U1,
            category: 'claim_decided',
            dedupeKey: 'k1',
            params: '{"k":"k1"}',
            attempts: 0,
            createdAt: NOW - DAY,
            follow: 'active',
            chosenLanguage: 'en',
            profileLanguage: null,
            linked: 1,
            optedIn: 1,
          },
          {
            id: id('k2'),
            userId: U2,
            category: 'payment_made',
            dedupeKey: 'k2',
            params: '{"k":"k2"}',
            attempts: 0,
            createdAt: NOW - DAY,
            follow: 'inactive',
            chosenLanguage: null,
            profileLanguage: 'my',
            linked: 0,
            optedIn: 0,
          },
          expect.objectContaining({ id: id('k5'), follow: null, linked: 0, optedIn: 0 }),
        ]);
        expect(await dueChunk(store, NOW, id('k1'), ['claim_decided'], 10)).toEqual([]);
        expect(await dueChunk(store, NOW, 0, [], 10)).toEqual([]);
        expect((await dueChunk(store, NOW, 0, ['payment_made'], 1)).map((r) => r.id)).toEqual([
          id('k2'),
        ]);

        const claimed = await claimDue(
          store,
          [id('k1'), id('k2'), id('k3'), id('k5')],
          NOW,
          NOW + 500,
        );
        expect([...claimed].sort((a, b) => a - b)).toEqual([id('k1'), id('k2'), id('k5')]);
        expect((await claimDue(store, [id('k1')], NOW, NOW + 500)).size).toBe(0);
        expect((await claimDue(store, [], NOW, NOW + 500)).size).toBe(0);
        expect(await countWaiting(store, NOW)).toBe(4);

        const o = emptyOutcomes();
        expect(outcomeCount(o)).toBe(0);
        o.sent.set(id('k1'), 'req-1');
        o.skipped.set(id('k2'), 'unfollowed');
        o.failed.set(id('k5'), 'LINE 400');
        await writeOutcomes(store, o, NOW + 1);
        await writeOutcomes(store, emptyOutcomes(), NOW + 1);
        expect(outcomeCount(o)).toBe(3);
        const retry = emptyOutcomes();
        retry.retry.set(id('k3'), { at: NOW + 9999, error: 'LINE 500' });
        retry.sent.set(id('k1'), 'again'); // no longer pending: left alone
        await writeOutcomes(store, retry, NOW + 2);
        const after = await store.db.select().from(notifications).orderBy(asc(notifications.id));
        const row = (key: string) => after.find((r) => r.dedupeKey === key)!;
        expect(row('k1')).toMatchObject({
          status: 'sent',
          sentAt: NOW + 1,
          lineRequestId: 'req-1',
          lastError: null,
          attempts: 1,
        });
        expect(row('k2')).toMatchObject({ status: 'skipped', lastError: 'unfollowed' });
        expect(row('k5')).toMatchObject({ status: 'failed', lastError: 'LINE 400' });
        expect(row('k3')).toMatchObject({
          status: 'pending',
          dueAt: NOW + 9999,
          lastError: 'LINE 500',
          attempts: 0,
        });
        expect(await countWaiting(store, NOW)).toBe(1);
        expect(await countDue(store, NOW + 9999)).toMatchObject({ lapse_risk: 1 });
      });
    });

    describe('prune.ts', () => {
      it('counts and prunes every retention target in chunks, the same rows on both', async () => {
        const cutoff = NOW;
        const old = cutoff - DAY;
        const recent = cutoff + 1;
        const p = await addPerson(store);
        // webhook_events: old finished (text kept on failure), old pending, recent finished.
        await recordWebhookEvents(store, [
          event('w-old-1', { status: 'failed', receivedAt: old, processedAt: old }),
          event('w-old-2', { status: 'undeliverable', receivedAt: old, processedAt: old }),
          event('w-old-3', {
            status: 'done',
            receivedAt: old,
            processedAt: old,
            payload: '{}',
            replyToken: null,
            userId: null,
          }),
          event('w-pending', { status: 'pending', receivedAt: old }),
          event('w-new', { status: 'done', receivedAt: recent, processedAt: recent }),
        ]);
        // line_users: inactive long ago (3, one of them linked; one known only by its last
        // update), inactive lately, active.
        for (const n of [11, 12, 13]) {
          await addLineUser(store, uid(n), { status: 'inactive', unfollowedAt: old });
        }
        await bindAccount(store, uid(13), p.id, NOW);
        await addLineUser(store, uid(14), { status: 'inactive', unfollowedAt: recent });
        await addLineUser(store, uid(15), { status: 'inactive', updatedAt: old });
        await addLineUser(store, uid(16), { status: 'active', updatedAt: old });
        for (const [i, at] of [old, old, old, recent].entries()) {
          await store.db.insert(linkTokens).values({
            tokenHash: `t${i}`,
            userId: U1,
            createdAt: at - 600_000,
            expiresAt: at,
          });
          await store.db.insert(linkNonces).values({
            nonceHash: `n${i}`,
            personId: p.id,
            userId: U1,
            createdAt: at - 600_000,
            expiresAt: at,
          });
          await store.db.insert(linkFailures).values({ key: `k${i}`, at });
          await store.db.insert(unansweredQuestions).values({
            at,
            lang: 'th',
            text: 'q',
            alternatives: '[]',
            confidence: 0.1,
          });
          await store.db.insert(auditLog).values({
            at,
            actor: 'a',
            personId: p.id,
            action: 'read_contributions',
            purpose: 'p',
          });
        }
        await store.db
          .insert(linkCodes)
          .values([
            code(p.id, 'expired', old - DAY, old),
            code(p.id, 'used', old - DAY, recent + DAY, old),
            code(p.id, 'live', old, recent + DAY),
          ]);
        await store.db.insert(staffFlags).values([
          { userId: U1, lang: 'th', status: 'closed', createdAt: old, closedAt: old },
          { userId: U1, lang: 'th', status: 'closed', createdAt: old, closedAt: null },
          { userId: U1, lang: 'th', status: 'closed', createdAt: old, closedAt: recent },
          { userId: U1, lang: 'th', status: 'open', createdAt: old, closedAt: null },
        ]);
        await store.db.insert(notifications).values([
          { ...notification(U1, 'o1', 'claim_decided', old), createdAt: old, status: 'sent' },
          { ...notification(U1, 'o2', 'claim_decided', old), createdAt: old, status: 'failed' },
          { ...notification(U1, 'o3', 'claim_decided', old), createdAt: old, status: 'pending' },
          { ...notification(U1, 'o4', 'claim_decided', old), createdAt: recent, status: 'sent' },
        ]);
        const news = await createNews(
          store,
          { title: 'N', summary: 's', body: 'b', publishedDate: '2026-05-01' },
          old,
        );
        const ended = await createPushJob(
          store,
          { newsId: news.id, kind: 'multicast', segment: {} },
          old,
        );
        const running = await createPushJob(
          store,
          { newsId: news.id, kind: 'multicast', segment: {} },
          old,
        );
        await insertBatches(store, ended.id, [
          { batchNo: 0, recipients: [U1] },
          { batchNo: 1, recipients: [U2] },
          { batchNo: 2, recipients: [U3] },
        ]);
        await insertBatches(store, running.id, [{ batchNo: 0, recipients: [U4] }]);
        await store.db
          .update(pushJobs)
          .set({ status: 'done', finishedAt: old })
          .where(eq(pushJobs.id, ended.id));

        const expected: Record<PruneKey, number> = {
          'webhook_events.payload': 2,
          webhook_events: 3,
          line_users: 3,
          link_tokens: 3,
          link_nonces: 3,
          link_codes: 2,
          link_failures: 3,
          staff_flags: 2,
          unanswered_questions: 3,
          'push_batches.recipients': 3,
          notifications: 2,
          audit_log: 3,
          staff_flag_messages: 0,
          staff_sessions: 0,
          staff_audit: 0,
          import_staging: 0,
        };
        for (const key of PRUNE_KEYS) {
          expect(await countPrunable(store, key, cutoff), key).toBe(expected[key]);
        }
        // Rules that run before on the same table are not counted again.
        expect(
          await countPrunable(store, 'webhook_events.payload', cutoff, [
            { key: 'webhook_events', cutoff },
          ]),
        ).toBe(0);
        expect(
          await countPrunable(store, 'webhook_events.payload', cutoff, [
            { key: 'webhook_events', cutoff: old },
          ]),
        ).toBe(2);

        for (const key of PRUNE_KEYS) {
          expect(await prune(store, key, cutoff, 2), key).toBe(expected[key]);
          expect(await countPrunable(store, key, cutoff), key).toBe(0);
        }
        expect(
          (await store.db.select().from(webhookEvents)).map((e) => e.webhookEventId).sort(),
        ).toEqual(['w-new', 'w-pending']);
        expect((await store.db.select().from(lineUsers)).map((u) => u.userId).sort()).toEqual([
          uid(13),
          uid(14),
          uid(16),
        ]);
        expect((await store.db.select().from(linkCodes)).map((c) => c.codeHash)).toEqual(['live']);
        expect((await store.db.select().from(staffFlags)).map((f) => f.status).sort()).toEqual([
          'closed',
          'open',
        ]);
        expect(
          (await store.db.select().from(notifications)).map((n) => n.dedupeKey).sort(),
        ).toEqual(['o3', 'o4']);
        expect(
          (await store.db.select().from(pushBatches).orderBy(asc(pushBatches.jobId))).map((b) => [
            b.jobId,
            b.recipients,
            b.recipientCount,
          ]),
        ).toEqual([
          [ended.id, '[]', 1],
          [ended.id, '[]', 1],
          [ended.id, '[]', 1],
          [running.id, JSON.stringify([U4]), 1],
        ]);
        for (const table of [linkTokens, linkNonces, linkFailures, unansweredQuestions, auditLog]) {
          expect(await countRows(store, table)).toBe(1);
        }
      });
    });

    describe('seed.ts', () => {
      it('isSeeded reads the recorded demo version', async () => {
        expect(await isSeeded(store)).toBe(false);
        await store.db.insert(meta).values({ key: 'demo_seed', value: '0' });
        expect(await isSeeded(store)).toBe(false);
        await store.db
          .update(meta)
          .set({ value: DEMO_SEED_VERSION })
          .where(eq(meta.key, 'demo_seed'));
        expect(await isSeeded(store)).toBe(true);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------

function code(
  personId: number,
  codeHash: string,
  createdAt: number,
  expiresAt: number,
  usedAt?: number,
) {
  return { personId, codeHash, issuedBy: 'test', createdAt, expiresAt, usedAt: usedAt ?? null };
}

function notification(
  userId: string,
  key: string,
  category: (typeof NOTIFICATION_CATEGORIES)[number],
  dueAt: number,
) {
  return {
    userId,
    category,
    dedupeKey: key,
    dueAt,
    params: JSON.stringify({ k: key }),
    createdAt: NOW - DAY,
  };
}

function payment(
  claimId: string,
  installment: number,
  payDate: string,
  status: 'paid' | 'scheduled',
) {
  return {
    claimId,
    installment,
    periodFrom: payDate,
    periodTo: payDate,
    amount: 350_000,
    payDate,
    status,
    reportDueDate: payDate,
  };
}

function event(id: string, over: Partial<NewWebhookEvent> = {}): NewWebhookEvent {
  return {
    webhookEventId: id,
    type: 'message',
    userId: U1,
    replyToken: `rt-${id}`,
    eventTimestamp: NOW - 100,
    isRedelivery: false,
    payload: '{"type":"message"}',
    receivedAt: NOW,
    ...over,
  };
}

/** The `limit` nearest rows by exhaustive search, ordered as `nearestPlaces` orders them. */
function bruteForce(
  rows: readonly { id: string; lat: number | null; lng: number | null }[],
  point: LatLng,
  limit: number,
): string[] {
  return rows
    .filter((r) => r.lat !== null && r.lng !== null)
    .map((r) => ({ id: r.id, km: haversineKm(point, { lat: r.lat!, lng: r.lng! }) }))
    .sort((a, b) => a.km - b.km || a.id.localeCompare(b.id, 'en', { numeric: true }))
    .slice(0, limit)
    .map((r) => r.id);
}
