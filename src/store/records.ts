/**
 * Reads of an insured person's own records (C3–C5). Every function takes the person id and uses
 * an index on it; handlers audit each read.
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { perStore, type Store } from './db.ts';
import {
  claimStatusHistory,
  contributions,
  hospitalRegistrations,
  hospitals,
  unemploymentClaims,
  unemploymentPayments,
} from './schema.ts';

export interface ContributionTotals {
  monthsPaid: number;
  firstPeriod: string | null;
  lastPaidPeriod: string | null;
  employee: number;
  employer: number;
  government: number;
  oldAge: number;
}

const byPerson = sql.placeholder('personId');

/** The reads below run on every personal question: built and prepared once per store. */
const totalsQuery = perStore((db) =>
  db
    .select({
      monthsPaid: sql<number>`count(distinct ${contributions.period})`,
      firstPeriod: sql<string | null>`min(${contributions.period})`,
      lastPaidPeriod: sql<string | null>`max(${contributions.period})`,
      employee: sql<number>`coalesce(sum(${contributions.employeeAmount}), 0)`,
      employer: sql<number>`coalesce(sum(${contributions.employerAmount}), 0)`,
      government: sql<number>`coalesce(sum(${contributions.governmentAmount}), 0)`,
      oldAge: sql<number>`coalesce(sum(${contributions.oldAgeAmount}), 0)`,
    })
    .from(contributions)
    .where(and(eq(contributions.personId, byPerson), isNotNull(contributions.paidDate)))
    .prepare(),
);

export async function getContributionTotals(
  store: Store,
  personId: number,
): Promise<ContributionTotals> {
  const rows = (await totalsQuery(store).all({ personId })) as ContributionTotals[];
  const r = rows[0];
  return {
    monthsPaid: Number(r?.monthsPaid ?? 0),
    firstPeriod: r?.firstPeriod ?? null,
    lastPaidPeriod: r?.lastPaidPeriod ?? null,
    employee: Number(r?.employee ?? 0),
    employer: Number(r?.employer ?? 0),
    government: Number(r?.government ?? 0),
    oldAge: Number(r?.oldAge ?? 0),
  };
}

export interface ContributionMonth {
  period: string;
  payerId: string;
  wage: number;
  employee: number;
  paidDate: string | null;
}

/** The most recent months, newest first (paid or not). */
const recentQuery = perStore((db) =>
  db
    .select({
      period: contributions.period,
      payerId: contributions.payerId,
      wage: contributions.wage,
      employee: contributions.employeeAmount,
      paidDate: contributions.paidDate,
    })
    .from(contributions)
    .where(eq(contributions.personId, byPerson))
    .orderBy(desc(contributions.period))
    .limit(sql.placeholder('limit'))
    .prepare(),
);

export async function listRecentContributions(
  store: Store,
  personId: number,
  limit: number,
): Promise<ContributionMonth[]> {
  return (await recentQuery(store).all({ personId, limit })) as ContributionMonth[];
}

export interface HospitalRegistration {
  hospitalId: string;
  nameTh: string;
  nameEn: string | null;
  addressTh: string | null;
  phone: string | null;
  lat: number | null;
  lng: number | null;
  locationPrecision: string | null;
  isDemo: boolean;
  validFrom: string;
  validTo: string | null;
}

/** Current registration first, then earlier ones. */
const registrationsQuery = perStore((db) =>
  db
    .select({
      hospitalId: hospitals.id,
      nameTh: hospitals.nameTh,
      nameEn: hospitals.nameEn,
      addressTh: hospitals.addressTh,
      phone: hospitals.phone,
      lat: hospitals.lat,
      lng: hospitals.lng,
      locationPrecision: hospitals.locationPrecision,
      isDemo: hospitals.isDemo,
      validFrom: hospitalRegistrations.validFrom,
      validTo: hospitalRegistrations.validTo,
    })
    .from(hospitalRegistrations)
    .innerJoin(hospitals, eq(hospitals.id, hospitalRegistrations.hospitalId))
    .where(eq(hospitalRegistrations.personId, byPerson))
    .orderBy(
      sql`${hospitalRegistrations.validTo} is not null`,
      desc(hospitalRegistrations.validFrom),
    )
    .limit(5)
    .prepare(),
);

export async function listHospitalRegistrations(
  store: Store,
  personId: number,
): Promise<HospitalRegistration[]> {
  return (await registrationsQuery(store).all({ personId })) as HospitalRegistration[];
}

export type ClaimRow = typeof unemploymentClaims.$inferSelect;
export type ClaimPaymentRow = typeof unemploymentPayments.$inferSelect;
export type ClaimStatusRow = typeof claimStatusHistory.$inferSelect;

export interface ClaimDetail {
  claim: ClaimRow;
  history: ClaimStatusRow[];
  payments: ClaimPaymentRow[];
}

/** The person's latest unemployment claim with its timeline and payments, if any. */
const claimQueries = perStore((db) => {
  const claimId = sql.placeholder('claimId');
  return {
    latest: db
      .select()
      .from(unemploymentClaims)
      .where(eq(unemploymentClaims.personId, byPerson))
      .orderBy(desc(unemploymentClaims.filedDate))
      .limit(1)
      .prepare(),
    history: db
      .select()
      .from(claimStatusHistory)
      .where(eq(claimStatusHistory.claimId, claimId))
      .orderBy(claimStatusHistory.at)
      .prepare(),
    payments: db
      .select()
      .from(unemploymentPayments)
      .where(eq(unemploymentPayments.claimId, claimId))
      .orderBy(unemploymentPayments.installment)
      .prepare(),
  };
});

export async function getLatestClaim(
  store: Store,
  personId: number,
): Promise<ClaimDetail | undefined> {
  const q = claimQueries(store);
  const claims = (await q.latest.all({ personId })) as ClaimRow[];
  const claim = claims[0];
  if (!claim) return undefined;
  const [history, payments] = await Promise.all([
    q.history.all({ claimId: claim.id }) as Promise<ClaimStatusRow[]>,
    q.payments.all({ claimId: claim.id }) as Promise<ClaimPaymentRow[]>,
  ]);
  return { claim, history, payments };
}
