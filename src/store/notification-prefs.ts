/**
 * Notification preferences (C14): per LINE user and category, off unless the user turned it on.
 * Turning a category on records when and under which wording (the consent: language, SHA-256 of
 * the exact text shown, version of the consent text); turning it off keeps that record, so the
 * row always says what the user last agreed to and when it last changed (`updatedAt`). No row
 * means "never chosen" = off. Unlink erases the rows (src/store/account-links.ts).
 */
import { and, eq, inArray, isNotNull, like, sql } from 'drizzle-orm';
import type { Store } from './db.ts';
import { NOTIFICATION_CATEGORIES, type NotificationCategory, notificationPrefs } from './schema.ts';

/**
 * The version of the consent text (locales/<lang>/notify.json `notify.consent`). Raise it when
 * what the user agrees to changes in substance: every category must then be agreed to again
 * before it can be turned back on (those already on stay on).
 */
export const CONSENT_VERSION = 'v1';

export interface NotificationPref {
  readonly category: NotificationCategory;
  readonly enabled: boolean;
  /** When the user agreed (ms), and to what: `<lang>:<sha256 hex of the wording>:<version>`. */
  readonly consentAt: number | null;
  readonly consentText: string | null;
  /** When the row last changed (ms); null = never chosen. */
  readonly updatedAt: number | null;
}

/** A consent given just now: when, and the record of the wording shown. */
export interface Consent {
  readonly at: number;
  /** From `consentRecord()`. */
  readonly text: string;
}

export function isNotificationCategory(value: unknown): value is NotificationCategory {
  return (
    typeof value === 'string' && (NOTIFICATION_CATEGORIES as readonly string[]).includes(value)
  );
}

/** SHA-256 of `text` (UTF-8), lower-case hex (Web Crypto: Node and Workers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What is stored for a consent: `<lang>:<sha256 hex of the exact wording shown>:<version>`. */
export async function consentRecord(lang: string, wording: string): Promise<string> {
  return `${lang}:${await sha256Hex(wording)}:${CONSENT_VERSION}`;
}

/** Whether the pref carries a consent to the current version of the consent text. */
export function hasCurrentConsent(pref: Pick<NotificationPref, 'consentAt' | 'consentText'>) {
  return pref.consentAt !== null && (pref.consentText?.endsWith(`:${CONSENT_VERSION}`) ?? false);
}

/** Every category for the user, in NOTIFICATION_CATEGORIES order (value first); off by default. */
export async function getNotificationPrefs(
  store: Store,
  userId: string,
): Promise<NotificationPref[]> {
  const rows = await store.db
    .select()
    .from(notificationPrefs)
    .where(eq(notificationPrefs.userId, userId));
  const byCategory = new Map(rows.map((r) => [r.category, r]));
  return NOTIFICATION_CATEGORIES.map((category) => {
    const row = byCategory.get(category);
    return {
      category,
      enabled: row?.enabled ?? false,
      consentAt: row?.consentAt ?? null,
      consentText: row?.consentText ?? null,
      updatedAt: row?.updatedAt ?? null,
    };
  });
}

/**
 * Turns `categories` on. With `consent` (the user just confirmed the consent text shown), the
 * consent is recorded for each of them; without it, only the categories that already carry a
 * consent to the current version are turned on (a category never agreed to stays off). Returns
 * the categories turned on.
 */
export async function turnNotificationsOn(
  store: Store,
  userId: string,
  categories: readonly NotificationCategory[],
  now: number,
  consent?: Consent,
): Promise<NotificationCategory[]> {
  if (categories.length === 0) return [];
  if (consent) {
    await store.db
      .insert(notificationPrefs)
      .values(
        categories.map((category) => ({
          userId,
          category,
          enabled: true,
          consentAt: consent.at,
          consentText: consent.text,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [notificationPrefs.userId, notificationPrefs.category],
        set: {
          enabled: true,
          consentAt: sql`excluded.consent_at`,
          consentText: sql`excluded.consent_text`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
    return [...categories];
  }
  const rows = await store.db
    .update(notificationPrefs)
    .set({ enabled: true, updatedAt: now })
    .where(
      and(
        eq(notificationPrefs.userId, userId),
        inArray(notificationPrefs.category, [...categories]),
        isNotNull(notificationPrefs.consentAt),
        like(notificationPrefs.consentText, `%:${CONSENT_VERSION}`),
      ),
    )
    .returning({ category: notificationPrefs.category });
  return rows.map((r) => r.category);
}

/**
 * Turns `categories` (default: all) off, keeping the consent record. Writes only rows that are
 * on (no row is created for a category never chosen). Returns how many were turned off.
 */
export async function turnNotificationsOff(
  store: Store,
  userId: string,
  now: number,
  categories: readonly NotificationCategory[] = NOTIFICATION_CATEGORIES,
): Promise<number> {
  if (categories.length === 0) return 0;
  const rows = await store.db
    .update(notificationPrefs)
    .set({ enabled: false, updatedAt: now })
    .where(
      and(
        eq(notificationPrefs.userId, userId),
        eq(notificationPrefs.enabled, true),
        inArray(notificationPrefs.category, [...categories]),
      ),
    )
    .returning({ category: notificationPrefs.category });
  return rows.length;
}
