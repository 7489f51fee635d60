/**
 * Notification preferences on a real (migrated) SQLite database: off by default, on only with a
 * consent (stored with its date and wording record) or an earlier consent to the current text,
 * off keeps the consent, no rows for categories never chosen, and unlink erases them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindAccount, unlinkAndErase } from '../../src/store/account-links.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import {
  CONSENT_VERSION,
  consentRecord,
  getNotificationPrefs,
  hasCurrentConsent,
  isNotificationCategory,
  turnNotificationsOff,
  turnNotificationsOn,
} from '../../src/store/notification-prefs.ts';
import { NOTIFICATION_CATEGORIES, notificationPrefs } from '../../src/store/schema.ts';
import { insertPerson } from '../helpers/people.ts';

let dir: string;
let store: NodeStore;
const USER = `U${'a'.repeat(32)}`;
const OTHER = `U${'b'.repeat(32)}`;
const T0 = Date.parse('2026-12-01T03:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'notify-prefs-'));
  store = openNodeStore(join(dir, 'test.sqlite'));
  migrateNodeStore(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = () => store.syncDb.select().from(notificationPrefs).all();
const on = async (userId = USER) =>
  (await getNotificationPrefs(store, userId)).filter((p) => p.enabled).map((p) => p.category);

describe('notification preferences', () => {
  it('are all off by default, in value order, never chosen', async () => {
    const prefs = await getNotificationPrefs(store, USER);
    expect(prefs.map((p) => p.category)).toEqual([...NOTIFICATION_CATEGORIES]);
    for (const p of prefs) {
      expect(p).toEqual({
        category: p.category,
        enabled: false,
        consentAt: null,
        consentText: null,
        updatedAt: null,
      });
    }
  });

  it('record the consent as <lang>:<sha256 of the exact wording>:<version>', async () => {
    const wording = 'เมื่อคุณกดยินยอม …\n• เงินเข้า: …';
    const hex = createHash('sha256').update(wording, 'utf8').digest('hex');
    expect(await consentRecord('th', wording)).toBe(`th:${hex}:${CONSENT_VERSION}`);
    expect(await consentRecord('th', `${wording} `)).not.toBe(`th:${hex}:${CONSENT_VERSION}`);
  });

  it('turn on only with a consent, storing its date and record; other users untouched', async () => {
    expect(await turnNotificationsOn(store, USER, ['payment_made'], T0)).toEqual([]);
    expect(rows()).toEqual([]);

    const text = await consentRecord('en', 'wording');
    expect(
      await turnNotificationsOn(store, USER, ['payment_made', 'lapse_risk'], T0, { at: T0, text }),
    ).toEqual(['payment_made', 'lapse_risk']);
    const prefs = await getNotificationPrefs(store, USER);
    const paid = prefs.find((p) => p.category === 'payment_made')!;
    expect(paid).toEqual({
      category: 'payment_made',
      enabled: true,
      consentAt: T0,
      consentText: text,
      updatedAt: T0,
    });
    expect(hasCurrentConsent(paid)).toBe(true);
    expect(await on()).toEqual(['payment_made', 'lapse_risk']);
    expect(await on(OTHER)).toEqual([]);
  });

  it('turn off keeping the consent, write only rows that were on, and turn back on', async () => {
    const text = await consentRecord('th', 'wording');
    await turnNotificationsOn(store, USER, ['claim_decided', 'payment_made'], T0, { at: T0, text });

    expect(await turnNotificationsOff(store, USER, T0 + 1000, ['payment_made'])).toBe(1);
    expect(await turnNotificationsOff(store, USER, T0 + 2000, ['payment_made'])).toBe(0);
    const paid = (await getNotificationPrefs(store, USER)).find(
      (p) => p.category === 'payment_made',
    )!;
    expect(paid).toMatchObject({ enabled: false, consentAt: T0, consentText: text });
    expect(paid.updatedAt).toBe(T0 + 1000);

    // All off: only the row that was still on is written; no rows appear for the others.
    expect(await turnNotificationsOff(store, USER, T0 + 3000)).toBe(1);
    expect(rows()).toHaveLength(2);
    expect(await on()).toEqual([]);

    // The consent stays: back on without a new one, only for the categories agreed to.
    expect(
      await turnNotificationsOn(store, USER, ['payment_made', 'hospital_window'], T0 + 4000),
    ).toEqual(['payment_made']);
    expect(await on()).toEqual(['payment_made']);
    const again = (await getNotificationPrefs(store, USER)).find(
      (p) => p.category === 'payment_made',
    )!;
    expect(again).toMatchObject({ consentAt: T0, consentText: text, updatedAt: T0 + 4000 });
  });

  it('need a new consent after the consent text version changes', async () => {
    store.syncDb
      .insert(notificationPrefs)
      .values({
        userId: USER,
        category: 'medical_inactive',
        enabled: false,
        consentAt: T0,
        consentText: 'th:abc:v0',
        updatedAt: T0,
      })
      .run();
    const [pref] = (await getNotificationPrefs(store, USER)).filter(
      (p) => p.category === 'medical_inactive',
    );
    expect(hasCurrentConsent(pref!)).toBe(false);
    expect(await turnNotificationsOn(store, USER, ['medical_inactive'], T0 + 1)).toEqual([]);
    expect(await on()).toEqual([]);
    const text = await consentRecord('th', 'new wording');
    await turnNotificationsOn(store, USER, ['medical_inactive'], T0 + 2, { at: T0 + 2, text });
    expect((await getNotificationPrefs(store, USER)).find((p) => p.enabled)).toMatchObject({
      category: 'medical_inactive',
      consentAt: T0 + 2,
      consentText: text,
    });
  });

  it('are erased when the user unlinks', async () => {
    const person = insertPerson(store);
    await bindAccount(store, USER, person.id, T0);
    await turnNotificationsOn(store, USER, [...NOTIFICATION_CATEGORIES], T0, {
      at: T0,
      text: await consentRecord('th', 'w'),
    });
    await turnNotificationsOn(store, OTHER, ['payment_made'], T0, {
      at: T0,
      text: await consentRecord('th', 'w'),
    });
    expect(await unlinkAndErase(store, USER, T0 + 1, 'pseudonym')).toBe(true);
    expect(rows().map((r) => r.userId)).toEqual([OTHER]);
  });

  it('know their category names', () => {
    expect(isNotificationCategory('lapse_risk')).toBe(true);
    expect(isNotificationCategory('news')).toBe(false);
    expect(isNotificationCategory(undefined)).toBe(false);
  });
});
