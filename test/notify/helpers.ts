/** Shared bits for the notification tests: subscribers, contributions, claims, payments. */
import type { NodeStore } from '../../src/store/node.ts';
import {
  accountLinks,
  benefitClaims,
  benefitPayments,
  contributions,
  lineUsers,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
  notificationPrefs,
  unemploymentClaims,
  unemploymentPayments,
} from '../../src/store/schema.ts';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** A Bangkok wall-clock time as ms. */
export const bkk = (isoLocal: string) => Date.parse(`${isoLocal}+07:00`);

export interface SubscriberOptions {
  userId: string;
  personId: number;
  /** Default: every category. */
  categories?: readonly NotificationCategory[];
  consentAt: number;
  chosenLanguage?: string | null;
  profileLanguage?: string | null;
  follow?: 'active' | 'inactive';
  linked?: boolean;
  enabled?: boolean;
}

/** A LINE user, linked to the person, opted in to the categories with a consent time. */
export function addSubscriber(store: NodeStore, o: SubscriberOptions): void {
  store.syncDb
    .insert(lineUsers)
    .values({
      userId: o.userId,
      chosenLanguage: o.chosenLanguage ?? null,
      profileLanguage: o.profileLanguage ?? 'th',
      status: o.follow ?? 'active',
      createdAt: o.consentAt,
      updatedAt: o.consentAt,
    })
    .run();
  if (o.linked !== false) {
    store.syncDb
      .insert(accountLinks)
      .values({ userId: o.userId, personId: o.personId, linkedAt: o.consentAt })
      .run();
  }
  for (const category of o.categories ?? NOTIFICATION_CATEGORIES) {
    store.syncDb
      .insert(notificationPrefs)
      .values({
        userId: o.userId,
        category,
        enabled: o.enabled ?? true,
        consentAt: o.consentAt,
        consentText: 'en:test-consent',
        updatedAt: o.consentAt,
      })
      .run();
  }
}

/** Contribution rows for a person: `paid` periods paid, `unpaid` periods on file but unpaid. */
export function addContributions(
  store: NodeStore,
  personId: number,
  paid: readonly string[],
  unpaid: readonly string[] = [],
  payerId = 'self',
): void {
  for (const [period, isPaid] of [
    ...paid.map((p) => [p, true] as const),
    ...unpaid.map((p) => [p, false] as const),
  ]) {
    store.syncDb
      .insert(contributions)
      .values({
        personId,
        period,
        payerId,
        wage: 480_000,
        employeeAmount: 43_200,
        employerAmount: 0,
        governmentAmount: 12_000,
        oldAgeAmount: 0,
        paidDate: isPaid ? `${period}-10` : null,
      })
      .run();
  }
}

export function addBenefitClaim(
  store: NodeStore,
  row: Partial<typeof benefitClaims.$inferInsert> & { id: string; personId: number },
): void {
  store.syncDb
    .insert(benefitClaims)
    .values({
      benefit: 'sickness',
      filedDate: '2026-01-05',
      status: 'approved',
      updatedAt: 0,
      ...row,
    })
    .run();
}

export function addBenefitPayment(
  store: NodeStore,
  row: Partial<typeof benefitPayments.$inferInsert> & { claimId: string },
): void {
  store.syncDb
    .insert(benefitPayments)
    .values({
      installment: 1,
      amount: 350_000,
      payDate: '2026-01-20',
      status: 'paid',
      updatedAt: 0,
      ...row,
    })
    .run();
}

export function addUnemploymentClaim(
  store: NodeStore,
  row: Partial<typeof unemploymentClaims.$inferInsert> & { id: string; personId: number },
): void {
  store.syncDb
    .insert(unemploymentClaims)
    .values({
      cause: 'laid_off',
      lastWorkDate: '2026-01-31',
      filedDate: '2026-02-03',
      status: 'paying',
      approvedDays: 180,
      dailyAmount: 25_000,
      monthlyAmount: 750_000,
      updatedAt: 0,
      ...row,
    })
    .run();
}

export function addUnemploymentPayment(
  store: NodeStore,
  row: Partial<typeof unemploymentPayments.$inferInsert> & { claimId: string; installment: number },
): void {
  store.syncDb
    .insert(unemploymentPayments)
    .values({
      periodFrom: '2026-02-01',
      periodTo: '2026-02-28',
      amount: 750_000,
      payDate: '2026-03-05',
      status: 'scheduled',
      updatedAt: 0,
      ...row,
    })
    .run();
}

/** The notifications rows (id, user, category, key, status, params parsed). */
export function notificationRows(store: NodeStore) {
  return (
    store.sqlite
      .prepare(
        'select id, user_id as userId, category, dedupe_key as dedupeKey, status, attempts, due_at as dueAt, params, last_error as lastError, sent_at as sentAt, line_request_id as lineRequestId from notifications order by id',
      )
      .all() as {
      id: number;
      userId: string;
      category: NotificationCategory;
      dedupeKey: string;
      status: string;
      attempts: number;
      dueAt: number;
      params: string;
      lastError: string | null;
      sentAt: number | null;
      lineRequestId: string | null;
    }[]
  ).map((r) => ({ ...r, params: JSON.parse(r.params) as Record<string, unknown> }));
}
