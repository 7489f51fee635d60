/**
 * Fixtures for the store contract suite, written only through the `Store` seam (drizzle on
 * `store.db`, `store.batch`): no better-sqlite3 API, so the same rows go into better-sqlite3 and
 * into D1.
 */
import { sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Store } from '../../src/store/db.ts';
import {
  accountLinks,
  auditLog,
  benefitClaimHistory,
  benefitClaims,
  benefitPayments,
  claimStatusHistory,
  contributions,
  employers,
  hospitalRegistrations,
  hospitals,
  identityDocuments,
  insuredPersons,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  meta,
  newsItems,
  notificationPrefs,
  notifications,
  offices,
  pushBatches,
  pushJobs,
  staffAccounts,
  staffAudit,
  staffFlagMessages,
  staffFlags,
  staffSessions,
  unansweredQuestions,
  unemploymentClaims,
  unemploymentPayments,
  webhookEvents,
} from '../../src/store/schema.ts';

/** Every table, children before parents (the order to empty them in). */
const TABLES: readonly SQLiteTable[] = [
  notifications,
  notificationPrefs,
  benefitPayments,
  benefitClaimHistory,
  benefitClaims,
  unemploymentPayments,
  claimStatusHistory,
  unemploymentClaims,
  hospitalRegistrations,
  contributions,
  accountLinks,
  linkTokens,
  linkNonces,
  linkCodes,
  linkFailures,
  identityDocuments,
  auditLog,
  pushBatches,
  pushJobs,
  newsItems,
  staffFlagMessages,
  staffFlags,
  staffSessions,
  staffAudit,
  staffAccounts,
  unansweredQuestions,
  webhookEvents,
  lineUsers,
  offices,
  meta,
  insuredPersons,
  hospitals,
  employers,
];

/** Empties every table in one batch (autoincrement counters keep counting: never assume ids). */
export async function wipe(store: Store): Promise<void> {
  await store.batch(TABLES.map((t) => store.db.delete(t)));
}

let seq = 0;

/** A valid 13-digit national ID from its first 12 digits. */
export function nationalIdFrom(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return `${first12}${(11 - (sum % 11)) % 10}`;
}

export type PersonInsert = typeof insuredPersons.$inferInsert;

export async function addPerson(
  store: Store,
  overrides: Partial<PersonInsert> = {},
): Promise<{ id: number; nationalId: string }> {
  seq++;
  const nationalId = overrides.nationalId ?? nationalIdFrom(`31012${String(7000000 + seq)}`);
  const rows = await store.db
    .insert(insuredPersons)
    .values({
      nationalId,
      titleTh: 'นาย',
      firstNameTh: 'ทดสอบ',
      lastNameTh: 'สัญญา',
      firstNameEn: 'Thotsop',
      lastNameEn: 'Sanya',
      birthDate: '1985-02-03',
      section: 33,
      status: 'active',
      laserCodeHash: 'none',
      updatedAt: 1,
      ...overrides,
    })
    .returning({ id: insuredPersons.id });
  return { id: rows[0]!.id, nationalId };
}

export async function addEmployer(store: Store, id: string, provinceCode = '10'): Promise<void> {
  await store.db
    .insert(employers)
    .values({ id, nameTh: `บริษัท ${id} จำกัด`, nameEn: `${id} Co., Ltd.`, provinceCode });
}

export async function addHospital(
  store: Store,
  h: { id: string; lat: number | null; lng: number | null; provinceCode?: string },
): Promise<void> {
  await store.db.insert(hospitals).values({
    id: h.id,
    nameTh: `โรงพยาบาล ${h.id}`,
    nameEn: `Hospital ${h.id}`,
    provinceCode: h.provinceCode ?? '10',
    addressTh: 'ที่อยู่',
    phone: '02-000-0000',
    lat: h.lat,
    lng: h.lng,
    locationPrecision: h.lat === null ? null : 'exact',
    isDemo: true,
  });
}

export async function addLineUser(
  store: Store,
  userId: string,
  patch: Partial<typeof lineUsers.$inferInsert> = {},
): Promise<void> {
  await store.db
    .insert(lineUsers)
    .values({ userId, status: 'active', createdAt: 1, updatedAt: 1, ...patch });
}

/** A LINE-style user id (U + 32 hex digits) from a small number; ordered as the numbers are. */
export const uid = (n: number): string => `U${n.toString(16).padStart(32, '0')}`;

/** Row count of a table. */
export async function countRows(store: Store, table: SQLiteTable): Promise<number> {
  const rows = (await store.db.select({ n: sql<number>`count(*)` }).from(table as never)) as {
    n: number;
  }[];
  return Number(rows[0]?.n ?? 0);
}
