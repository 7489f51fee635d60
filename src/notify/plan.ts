/**
 * The planner: decides which notifications are due from the stored records and the dated rules,
 * and writes one `notifications` row for each. Set-based: one INSERT … SELECT per category (it
 * has to scale to a million linked users), each row with a deterministic dedupe key and
 * `ON CONFLICT DO NOTHING`, so planning twice (every schedule run, every import) writes once.
 *
 * Only LINE users who are linked (account_links), following (line_users.status active) and
 * opted in to the category (notification_prefs enabled, with a consent time) get a row.
 * `params` holds what the message needs in raw form (codes, ISO dates, satang), never a
 * national ID; the sender formats it in the user's language.
 *
 * - claim_decided: a claim (any benefit, unemployment too) now decided — approved, rejected, or
 *   already paying/paid (one notification per decision, keyed by the outcome) — changed by
 *   an import after the user's consent and within CHANGE_LOOKBACK_DAYS, and decided within it
 *   too (decision date, else the history's date of that status).
 * - payment_made: a payment now paid, changed by an import after the consent, paid within the
 *   same look-back.
 * - lapse_risk, contribution_due, medical_inactive, hospital_window, unemployment_report: from
 *   the day's position against the rules (src/notify/policy.ts); keys per person and period (or
 *   year, or installment), so each is told once.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Store } from '../store/db.ts';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '../store/schema.ts';
import { addDays, bangkokDay, DAY_MS } from './dates.ts';
import {
  CHANGE_LOOKBACK_DAYS,
  hospitalWindowOpening,
  lapseRisk,
  medicalRisk,
  REPORT_LEAD_DAYS,
  s39ContributionDue,
  s40ContributionDue,
} from './policy.ts';

/** Categories decided from changes an import made (planned on every run and after imports). */
export const CHANGE_CATEGORIES: readonly NotificationCategory[] = ['claim_decided', 'payment_made'];
/** Categories decided from the date (planned once a day). */
export const DATED_CATEGORIES: readonly NotificationCategory[] = NOTIFICATION_CATEGORIES.filter(
  (c) => !CHANGE_CATEGORIES.includes(c),
);

export interface PlanOptions {
  /** Only these categories (default: all). */
  readonly categories?: readonly NotificationCategory[];
  /** Count what would be planned; write nothing. */
  readonly dryRun?: boolean;
}

export type CategoryCounts = Record<NotificationCategory, number>;

export interface PlanReport {
  /** New notifications (or, in a dry run, ones that would be new) per category. */
  readonly planned: CategoryCounts;
  readonly total: number;
  /** The Bangkok day the dated rules were read for. */
  readonly day: string;
}

export function zeroCounts(): CategoryCounts {
  return Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, 0])) as CategoryCounts;
}

/** Plans the notifications due at `at` (ms); returns how many new rows each category got. */
export async function planNotifications(
  store: Store,
  at: number,
  options: PlanOptions = {},
): Promise<PlanReport> {
  const day = bangkokDay(at);
  const planned = zeroCounts();
  for (const category of options.categories ?? NOTIFICATION_CATEGORIES) {
    for (const select of selectsFor(category, at, day)) {
      planned[category] += options.dryRun
        ? await countNew(store, select)
        : await insertNew(store, select);
    }
  }
  const total = Object.values(planned).reduce((a, b) => a + b, 0);
  return { planned, total, day };
}

async function insertNew(store: Store, select: SQL): Promise<number> {
  // `WHERE true`: SQLite's documented way to parse ON CONFLICT after INSERT … SELECT.
  const result = await store.db.run(
    sql`insert into notifications (user_id, category, dedupe_key, due_at, params, created_at)
        select user_id, category, dedupe_key, due_at, params, created_at from (${select}) where true
        on conflict (dedupe_key) do nothing`,
  );
  return changesOf(result);
}

async function countNew(store: Store, select: SQL): Promise<number> {
  const rows = await store.db.all<{ n: number }>(
    sql`select count(distinct s.dedupe_key) as n from (${select}) s
        where not exists (select 1 from notifications x where x.dedupe_key = s.dedupe_key)`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Rows changed by a run: better-sqlite3's RunResult or D1's result. */
export function changesOf(result: unknown): number {
  const r = result as { changes?: number; meta?: { changes?: number } };
  return Number(r.changes ?? r.meta?.changes ?? 0);
}

// ---------------------------------------------------------------------------------------------
// One SELECT per source, each giving (user_id, category, dedupe_key, due_at, params, created_at)

/** Opted in to `category`, following, linked: p (prefs), u (line user), l (link). */
const optedIn = (category: NotificationCategory) =>
  sql`p.category = ${category} and p.enabled = 1 and p.consent_at is not null and u.status = 'active'`;

/**
 * From a record's side (its claim `c`): the LINE users linked to the claim's person (l), their
 * prefs for the category (p) and their follow status (u); filter with `optedIn`.
 */
const ownerSubscribed = (category: NotificationCategory) => sql`cross join account_links l
    on l.person_id = c.person_id
  cross join notification_prefs p on p.user_id = l.user_id and p.category = ${category}
  cross join line_users u on u.user_id = l.user_id`;

/** Linked subscribers of a category with their person (ip), prefs first (category index). */
const subscribers = (category: NotificationCategory) => sql`notification_prefs p
  cross join account_links l on l.user_id = p.user_id
  cross join line_users u on u.user_id = p.user_id
  cross join insured_persons ip on ip.id = l.person_id
  where ${optedIn(category)} and ip.status = 'active'`;

const paidIn = (from: string, to: string) =>
  sql`(select count(distinct c.period) from contributions c
       where c.person_id = ip.id and c.period between ${from} and ${to} and c.paid_date is not null)`;

const paid = (period: string) =>
  sql`exists (select 1 from contributions c
       where c.person_id = ip.id and c.period = ${period} and c.paid_date is not null)`;

const inList = (values: readonly number[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * The decision a claim's status carries: a claim imported straight as paying or paid (its
 * decision date set) was approved; one decision, one notification, whatever status follows.
 */
const outcome = sql`(case when c.status = 'rejected' then 'rejected' else 'approved' end)`;

function selectsFor(category: NotificationCategory, at: number, day: string): SQL[] {
  const since = at - CHANGE_LOOKBACK_DAYS * DAY_MS;
  // The fact itself must be recent too: an old decision or payment whose row an import touched
  // again (a corrected amount, a re-sent extract) is not news.
  const sinceDay = addDays(day, -CHANGE_LOOKBACK_DAYS);
  switch (category) {
    case 'claim_decided':
      return [
        sql`select l.user_id, 'claim_decided' as category,
              'claim_decided:' || c.id || ':' || ${outcome} as dedupe_key, ${at} as due_at,
              json_object('benefit', c.benefit, 'claimId', c.id, 'status', ${outcome}) as params,
              ${at} as created_at
            from benefit_claims c
            ${ownerSubscribed('claim_decided')}
            where c.updated_at > ${since} and c.status in ('approved', 'rejected', 'paying', 'paid')
              and c.updated_at > p.consent_at and ${optedIn('claim_decided')}
              and coalesce(c.decision_date, (select max(h.at) from benefit_claim_history h
                    where h.claim_id = c.id and h.status = c.status), ${day}) >= ${sinceDay}`,
        sql`select l.user_id, 'claim_decided' as category,
              'claim_decided:' || c.id || ':' || ${outcome} as dedupe_key, ${at} as due_at,
              json_object('benefit', 'unemployment', 'claimId', c.id, 'status', ${outcome}) as params,
              ${at} as created_at
            from unemployment_claims c
            ${ownerSubscribed('claim_decided')}
            where c.updated_at > ${since} and c.status in ('approved', 'rejected', 'paying', 'completed')
              and c.updated_at > p.consent_at and ${optedIn('claim_decided')}
              and coalesce((select max(h.at) from claim_status_history h
                    where h.claim_id = c.id and h.status in ('approved', 'rejected')),
                    (select max(h.at) from claim_status_history h
                    where h.claim_id = c.id and h.status = c.status), ${day}) >= ${sinceDay}`,
      ];
    case 'payment_made':
      return [
        sql`select l.user_id, 'payment_made' as category,
              'payment_made:' || bp.claim_id || ':' || bp.installment as dedupe_key, ${at} as due_at,
              json_object('benefit', c.benefit, 'claimId', c.id, 'installment', bp.installment,
                'amount', bp.amount_satang, 'date', bp.pay_date) as params,
              ${at} as created_at
            from benefit_payments bp
            cross join benefit_claims c on c.id = bp.claim_id
            ${ownerSubscribed('payment_made')}
            where bp.updated_at > ${since} and bp.status = 'paid' and bp.pay_date >= ${sinceDay}
              and bp.updated_at > p.consent_at and ${optedIn('payment_made')}`,
        sql`select l.user_id, 'payment_made' as category,
              'payment_made:' || up.claim_id || ':' || up.installment as dedupe_key, ${at} as due_at,
              json_object('benefit', 'unemployment', 'claimId', c.id, 'installment', up.installment,
                'amount', up.amount_satang, 'date', up.pay_date) as params,
              ${at} as created_at
            from unemployment_payments up
            cross join unemployment_claims c on c.id = up.claim_id
            ${ownerSubscribed('payment_made')}
            where up.updated_at > ${since} and up.status = 'paid' and up.pay_date >= ${sinceDay}
              and up.updated_at > p.consent_at and ${optedIn('payment_made')}`,
      ];
    case 'lapse_risk': {
      const risk = lapseRisk(day);
      if (!risk) return [];
      const params = JSON.stringify({
        months: risk.months,
        period: risk.period,
        deadline: risk.deadline,
      });
      return [
        sql`select p.user_id, 'lapse_risk' as category,
              'lapse_risk:' || ip.id || ':' || ${risk.period} as dedupe_key, ${at} as due_at,
              ${params} as params, ${at} as created_at
            from ${subscribers('lapse_risk')} and ip.section = 39
              and ${paid(risk.paidPeriod)}
              and ${paidIn(risk.unpaidFrom, risk.unpaidTo)} = 0`,
      ];
    }
    case 'contribution_due': {
      const out: SQL[] = [];
      const s39 = s39ContributionDue(day);
      if (s39?.coveredFrom && s39.coveredTo && typeof s39.amountSatang === 'number') {
        const params = JSON.stringify({
          section: 39,
          amount: s39.amountSatang,
          period: s39.period,
          deadline: s39.deadline,
        });
        out.push(
          sql`select p.user_id, 'contribution_due' as category,
                'contribution_due:' || ip.id || ':' || ${s39.period} as dedupe_key,
                ${at} as due_at, ${params} as params, ${at} as created_at
              from ${subscribers('contribution_due')} and ip.section = 39
                and not ${paid(s39.period)}
                and ${paidIn(s39.coveredFrom, s39.coveredTo)} > 0`,
        );
      }
      const s40 = s40ContributionDue(day);
      if (s40 && typeof s40.amountSatang === 'object') {
        const options = Object.entries(s40.amountSatang);
        if (options.length > 0) {
          const amount = sql.join(
            options.map(([option, satang]) => sql`when ${Number(option)} then ${satang}`),
            sql` `,
          );
          out.push(
            sql`select p.user_id, 'contribution_due' as category,
                  'contribution_due:' || ip.id || ':' || ${s40.period} as dedupe_key,
                  ${at} as due_at,
                  json_object('section', 40, 'amount', case ip.section40_option ${amount} end,
                    'period', ${s40.period}, 'deadline', ${s40.deadline}) as params,
                  ${at} as created_at
                from ${subscribers('contribution_due')} and ip.section = 40
                  and ip.section40_option in (${inList(options.map(([o]) => Number(o)))})
                  and not ${paid(s40.period)}`,
          );
        }
      }
      return out;
    }
    case 'medical_inactive': {
      const risk = medicalRisk(day);
      if (!risk || risk.sections.length === 0) return [];
      const params = JSON.stringify({ period: risk.period, date: risk.date });
      return [
        sql`select p.user_id, 'medical_inactive' as category,
              'medical_inactive:' || ip.id || ':' || ${risk.period} as dedupe_key,
              ${at} as due_at, ${params} as params, ${at} as created_at
            from ${subscribers('medical_inactive')} and ip.section in (${inList(risk.sections)})
              and not ${paid(risk.period)}
              and ${paidIn(risk.nowFrom, risk.nowTo)} >= ${risk.required}
              and ${paidIn(risk.nextFrom, risk.nowTo)} < ${risk.required}`,
      ];
    }
    case 'hospital_window': {
      const window = hospitalWindowOpening(day);
      if (!window || window.sections.length === 0) return [];
      const params = JSON.stringify({ year: window.year, from: window.from, to: window.to });
      return [
        sql`select p.user_id, 'hospital_window' as category,
              'hospital_window:' || ${String(window.year)} || ':' || p.user_id as dedupe_key,
              ${at} as due_at, ${params} as params, ${at} as created_at
            from ${subscribers('hospital_window')} and ip.section in (${inList(window.sections)})`,
      ];
    }
    case 'unemployment_report': {
      const last = addDays(day, REPORT_LEAD_DAYS);
      return [
        sql`select l.user_id, 'unemployment_report' as category,
              'unemployment_report:' || up.claim_id || ':' || up.installment as dedupe_key,
              ${at} as due_at,
              json_object('claimId', c.id, 'installment', up.installment,
                'date', up.report_due_date) as params,
              ${at} as created_at
            from unemployment_payments up
            join unemployment_claims c on c.id = up.claim_id
            join account_links l on l.person_id = c.person_id
            join notification_prefs p on p.user_id = l.user_id and p.category = 'unemployment_report'
            join line_users u on u.user_id = l.user_id
            where up.report_due_date between ${day} and ${last} and up.reported_at is null
              and up.status <> 'paid' and c.status in ('approved', 'paying')
              and ${optedIn('unemployment_report')}`,
      ];
    }
  }
}
