/**
 * A person's claims for every benefit, one shape for the chat (C14): the other benefits
 * (`benefit_claims`) and unemployment (`unemployment_claims`), with their status history and
 * payments, newest first.
 */
import { desc, eq, inArray } from 'drizzle-orm';
import type { Store } from './db.ts';
import {
  type Benefit,
  type BenefitClaimStatus,
  benefitClaimHistory,
  benefitClaims,
  benefitPayments,
  type ClaimStatus,
  claimStatusHistory,
  unemploymentClaims,
  unemploymentPayments,
} from './schema.ts';

export interface ClaimPayment {
  readonly installment: number;
  /** Satang. */
  readonly amount: number;
  /** Planned or actual payment date (YYYY-MM-DD). */
  readonly payDate: string;
  readonly status: 'scheduled' | 'paid' | 'held';
}

export interface ClaimStep {
  readonly status: string;
  /** YYYY-MM-DD */
  readonly at: string;
  readonly note: string | null;
}

export type ClaimView =
  | (ClaimBase & { readonly benefit: Benefit; readonly status: BenefitClaimStatus })
  | (ClaimBase & { readonly benefit: 'unemployment'; readonly status: ClaimStatus });

interface ClaimBase {
  readonly id: string;
  readonly filedDate: string;
  readonly decisionDate: string | null;
  /** Why it was rejected, or what is missing (stored masked). */
  readonly reason: string | null;
  /** Satang: the whole sum, or one installment when `installments` is set. */
  readonly approvedAmount: number | null;
  readonly installments: number | null;
  /** Oldest first. */
  readonly history: readonly ClaimStep[];
  /** By installment. */
  readonly payments: readonly ClaimPayment[];
}

/** Every claim of the person, newest filed first (unemployment included). */
export async function listClaimsForPerson(store: Store, personId: number): Promise<ClaimView[]> {
  const [others, unemployment] = await Promise.all([
    store.db
      .select()
      .from(benefitClaims)
      .where(eq(benefitClaims.personId, personId))
      .orderBy(desc(benefitClaims.filedDate)),
    store.db
      .select()
      .from(unemploymentClaims)
      .where(eq(unemploymentClaims.personId, personId))
      .orderBy(desc(unemploymentClaims.filedDate)),
  ]);
  const otherIds = others.map((c) => c.id);
  const unemploymentIds = unemployment.map((c) => c.id);
  const [otherHistory, otherPayments, uHistory, uPayments] = await Promise.all([
    otherIds.length === 0
      ? []
      : store.db
          .select()
          .from(benefitClaimHistory)
          .where(inArray(benefitClaimHistory.claimId, otherIds)),
    otherIds.length === 0
      ? []
      : store.db.select().from(benefitPayments).where(inArray(benefitPayments.claimId, otherIds)),
    unemploymentIds.length === 0
      ? []
      : store.db
          .select()
          .from(claimStatusHistory)
          .where(inArray(claimStatusHistory.claimId, unemploymentIds)),
    unemploymentIds.length === 0
      ? []
      : store.db
          .select()
          .from(unemploymentPayments)
          .where(inArray(unemploymentPayments.claimId, unemploymentIds)),
  ]);
  const steps = (
    rows: readonly { claimId: string; status: string; at: string; note: string | null }[],
    id: string,
  ) =>
    rows
      .filter((h) => h.claimId === id)
      .map(({ status, at, note }) => ({ status, at, note }))
      .sort((a, b) => a.at.localeCompare(b.at));
  const pays = (
    rows: readonly {
      claimId: string;
      installment: number;
      amount: number;
      payDate: string;
      status: ClaimPayment['status'];
    }[],
    id: string,
  ) =>
    rows
      .filter((p) => p.claimId === id)
      .map(({ installment, amount, payDate, status }) => ({ installment, amount, payDate, status }))
      .sort((a, b) => a.installment - b.installment);

  const views: ClaimView[] = [
    ...others.map(
      (c): ClaimView => ({
        id: c.id,
        benefit: c.benefit,
        status: c.status,
        filedDate: c.filedDate,
        decisionDate: c.decisionDate,
        reason: c.reason,
        approvedAmount: c.approvedAmount,
        installments: c.installments,
        history: steps(otherHistory, c.id),
        payments: pays(otherPayments, c.id),
      }),
    ),
    ...unemployment.map((c): ClaimView => {
      const history = steps(uHistory, c.id);
      const decided = history.find((h) => h.status === 'approved' || h.status === 'rejected');
      return {
        id: c.id,
        benefit: 'unemployment',
        status: c.status,
        filedDate: c.filedDate,
        decisionDate: decided?.at ?? null,
        reason: c.rejectionReason,
        approvedAmount: c.monthlyAmount,
        installments: c.approvedDays === null ? null : Math.ceil(c.approvedDays / 30),
        history,
        payments: pays(uPayments, c.id),
      };
    }),
  ];
  return views.sort((a, b) => b.filedDate.localeCompare(a.filedDate) || b.id.localeCompare(a.id));
}
