/**
 * The insured person's own answers (C3 contributions, C4 hospital rights, C5 unemployment).
 * Only for a linked LINE user; every read is audited; numbers come from the store and the dated
 * rules; IDs are masked; dates are Buddhist-era in Thai.
 */
import type { messagingApi } from '@line/bot-sdk';
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import { bangkokDate, formatBaht, formatDate, formatPeriod } from '../format.ts';
import type { IntentName } from '../intents.ts';
import type { Message } from '../line/limits.ts';
import { maskNationalId } from '../nlu/index.ts';
import {
  cappedWageSatang,
  HOTLINE,
  hospitalChangeWindow,
  medicalRightsActive,
  pensionEstimate,
  ruleOn,
  unemploymentEligibility,
  unemploymentEstimate,
} from '../rules/index.ts';
import { getLinkedPerson, type InsuredPersonRow } from '../store/account-links.ts';
import { type AuditAction, pseudonym, writeAudit } from '../store/audit.ts';
import {
  getContributionTotals,
  getLatestClaim,
  listHospitalRegistrations,
  listRecentContributions,
} from '../store/records.ts';
import { linkPrompt } from './account.ts';
import { type Ctx, type IntentHandler, quickReplies, text, withQuickReplies } from './context.ts';
import { generalAndPersonal } from './knowledge.ts';

/** Estimates are shown in whole baht: satang would suggest a precision they do not have. */
const wholeBaht = (satang: number) => Math.round(satang / 100) * 100;

interface Card {
  title: string;
  subtitle: string;
  rows: { label: string; value: string }[];
  listTitle?: string;
  list?: string[];
  note?: string;
  buttons: { label: string; data: string }[];
}

function card(ctx: Ctx, alt: string, c: Card): messagingApi.FlexMessage {
  const bubble = renderFlex(
    templates.recordCard,
    { listTitle: '', list: [], note: '', ...c },
    ctx.t,
  );
  return flexMessage(alt, bubble);
}

function buttonsFor(ctx: Ctx, intents: IntentName[]) {
  return intents.map((intent) => ({
    label: String(ctx.t(`intent.${intent}`)),
    data: `action=${intent}`,
  }));
}

/** `name · masked ID · section`, the first line of every personal card. */
export function personLine(ctx: Ctx, p: InsuredPersonRow): string {
  const name =
    ctx.lang === 'th'
      ? `${p.firstNameTh} ${p.lastNameTh}`
      : `${p.firstNameEn ?? p.firstNameTh} ${p.lastNameEn ?? p.lastNameTh}`;
  return String(
    ctx.t('common.person', { name, nationalId: maskNationalId(p.nationalId), section: p.section }),
  );
}

/** The linked person, audited; or undefined with the link prompt to send instead. */
async function personFor(
  ctx: Ctx,
  action: AuditAction,
  purpose: string,
): Promise<InsuredPersonRow | Message[]> {
  const person = ctx.userId ? await getLinkedPerson(ctx.deps.store, ctx.userId) : undefined;
  if (!person || !ctx.userId) return linkPrompt(ctx, String(ctx.t('link.needed')));
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor: await pseudonym(ctx.deps.config.auditPseudonymKey, ctx.userId),
    personId: person.id,
    action,
    purpose,
  });
  return person;
}

/** Periods (YYYY-MM) with a paid contribution among the most recent ones. */
async function recentPaidPeriods(ctx: Ctx, personId: number): Promise<string[]> {
  const recent = await listRecentContributions(ctx.deps.store, personId, 24);
  return recent.filter((m) => m.paidDate !== null).map((m) => m.period);
}

/** The linked person's own contributions (the general answer: src/handlers/knowledge.ts). */
const myContributions: IntentHandler = async (ctx) => {
  const person = await personFor(
    ctx,
    'read_contributions',
    'insured person asked for their contributions',
  );
  if (Array.isArray(person)) return person;
  const t = ctx.t;
  const [totals, recent] = await Promise.all([
    getContributionTotals(ctx.deps.store, person.id),
    listRecentContributions(ctx.deps.store, person.id, 60),
  ]);
  const next: IntentName[] = ['hospital_rights', 'unemployment_benefit', 'news'];
  if (totals.monthsPaid === 0) {
    return withQuickReplies([text(String(t('contrib.none')))], quickReplies(t, next));
  }
  const rows = [
    {
      label: String(t('contrib.months')),
      value: String(t('contrib.monthsValue', { count: totals.monthsPaid })),
    },
    {
      label: String(t('contrib.lastPaid')),
      value: totals.lastPaidPeriod
        ? formatPeriod(ctx.lang, totals.lastPaidPeriod)
        : String(t('common.none')),
    },
    { label: String(t('contrib.employee')), value: formatBaht(t, totals.employee) },
  ];
  if (person.section === 33)
    rows.push({ label: String(t('contrib.employer')), value: formatBaht(t, totals.employer) });
  rows.push({ label: String(t('contrib.government')), value: formatBaht(t, totals.government) });
  if (person.section !== 40)
    rows.push({ label: String(t('contrib.oldAge')), value: formatBaht(t, totals.oldAge) });

  const list = recent.slice(0, 6).map((m) =>
    m.paidDate
      ? String(
          t('contrib.paidLine', {
            period: formatPeriod(ctx.lang, m.period),
            amount: formatBaht(t, m.employee),
          }),
        )
      : String(t('contrib.unpaidLine', { period: formatPeriod(ctx.lang, m.period) })),
  );

  let outlook: string;
  if (person.section === 40) {
    outlook = String(
      t('contrib.s40', {
        option: person.section40Option ?? '-',
        amount: formatBaht(t, recent[0]?.employee ?? 0),
      }),
    );
  } else {
    const paid = recent.filter((m) => m.paidDate !== null);
    const avg =
      paid.length === 0
        ? 0
        : Math.round(
            paid.reduce((s, m) => s + cappedWageSatang(m.wage, `${m.period}-01`), 0) / paid.length,
          );
    const estimate = pensionEstimate(totals.monthsPaid, avg);
    outlook =
      estimate.kind === 'pension'
        ? String(
            t('contrib.pension', {
              amount: formatBaht(t, wholeBaht(estimate.monthlySatang)),
              percent: estimate.percent,
              wage: formatBaht(t, wholeBaht(avg)),
            }),
          )
        : lumpSumLine(ctx, totals.monthsPaid, totals.oldAge);
  }
  const message = card(ctx, String(t('contrib.alt', { months: totals.monthsPaid })), {
    title: String(t('contrib.title')),
    subtitle: personLine(ctx, person),
    rows,
    listTitle: String(t('contrib.recent')),
    list,
    note: `${outlook}\n${t('common.estimate')}`,
    buttons: buttonsFor(ctx, ['hospital_rights', 'unemployment_benefit']),
  });
  return withQuickReplies([message], quickReplies(t, next));
};

/**
 * The lump-sum outlook (fewer than the pension's months): always with the condition that it is
 * paid from the pension age once insured work has ended, never "you would get it now".
 */
function lumpSumLine(ctx: Ctx, monthsPaid: number, oldAgeSatang: number): string {
  const today = bangkokDate(ctx.now);
  const lump = ruleOn('old_age.lump_sum', today).value;
  const pension = ruleOn('old_age.pension', today).value;
  const values = {
    required: pension.min_months,
    missing: pension.min_months - monthsPaid,
    age: pension.min_age,
    ownOnly: lump.own_only_below_months,
  };
  return monthsPaid < lump.own_only_below_months
    ? String(ctx.t('contrib.lumpSumSmall', values))
    : String(ctx.t('contrib.lumpSum', { ...values, amount: formatBaht(ctx.t, oldAgeSatang) }));
}

/** The linked person's own hospital rights. */
const myHospitalRights: IntentHandler = async (ctx) => {
  const person = await personFor(
    ctx,
    'read_hospital_rights',
    'insured person asked for their hospital rights',
  );
  if (Array.isArray(person)) return person;
  const t = ctx.t;
  const next: IntentName[] = ['contribution_balance', 'office_location', 'talk_to_staff'];
  if (person.section === 40)
    return withQuickReplies(
      [text(String(t('hospital.s40', { hotline: HOTLINE })))],
      quickReplies(t, next),
    );

  const today = bangkokDate(ctx.now);
  const [registrations, paidPeriods] = await Promise.all([
    listHospitalRegistrations(ctx.deps.store, person.id),
    recentPaidPeriods(ctx, person.id),
  ]);
  const current = registrations.find((r) => r.validTo === null) ?? registrations[0];
  if (!current) return withQuickReplies([text(String(t('hospital.none')))], quickReplies(t, next));

  const rights = medicalRightsActive(paidPeriods, today);
  // This year's change window, or next year's once this year's has closed.
  const thisYear = hospitalChangeWindow(Number(today.slice(0, 4)));
  const window =
    today > thisYear.to ? hospitalChangeWindow(Number(today.slice(0, 4)) + 1) : thisYear;
  const windowText = {
    from: formatDate(ctx.lang, window.from),
    to: formatDate(ctx.lang, window.to),
  };
  const name = ctx.lang === 'th' ? current.nameTh : (current.nameEn ?? current.nameTh);
  const rows = [
    {
      label: String(t('hospital.registered')),
      value: `${name}${current.isDemo ? ` ${t('common.demo')}` : ''}`,
    },
    { label: String(t('hospital.since')), value: formatDate(ctx.lang, current.validFrom) },
    {
      label: String(t('hospital.status')),
      value: String(t(rights.active ? 'hospital.active' : 'hospital.inactive')),
    },
  ];
  if (current.phone) rows.push({ label: String(t('hospital.phone')), value: current.phone });
  const list = [
    String(
      t('hospital.eligibility', {
        months: rights.monthsInWindow,
        required: rights.required,
        windowMonths: rights.windowMonths,
        from: formatPeriod(ctx.lang, rights.windowFrom),
        to: formatPeriod(ctx.lang, rights.windowTo),
      }),
    ),
  ];
  if (!rights.active) list.push(String(t('hospital.inactiveAdvice')));
  const inWindow = today >= window.from && today <= window.to;
  list.push(String(t(inWindow ? 'hospital.changeOpen' : 'hospital.change', windowText)));
  list.push(String(t('hospital.emergency')));
  const previous = registrations.find((r) => r !== current && r.validTo !== null);
  if (previous?.validTo) {
    list.push(
      String(
        t('hospital.previous', {
          hospital: ctx.lang === 'th' ? previous.nameTh : (previous.nameEn ?? previous.nameTh),
          from: formatDate(ctx.lang, previous.validFrom),
          to: formatDate(ctx.lang, previous.validTo),
        }),
      ),
    );
  }
  const messages: Message[] = [
    card(ctx, String(t('hospital.alt', { hospital: name })), {
      title: String(t('hospital.title')),
      subtitle: personLine(ctx, person),
      rows,
      listTitle: '',
      list,
      note:
        current.locationPrecision === 'province_seat_approx' ? String(t('hospital.approx')) : '',
      buttons: buttonsFor(ctx, ['contribution_balance', 'office_location']),
    }),
  ];
  if (current.lat !== null && current.lng !== null) {
    messages.push({
      type: 'location',
      title: name.slice(0, 100),
      address: (current.addressTh ?? name).slice(0, 100),
      latitude: current.lat,
      longitude: current.lng,
    });
  }
  return withQuickReplies(messages, quickReplies(t, next));
};

/** The linked person's own unemployment claim, or their eligibility and estimates. */
const myUnemploymentClaim: IntentHandler = async (ctx) => {
  const person = await personFor(
    ctx,
    'read_unemployment_claim',
    'insured person asked about their unemployment claim',
  );
  if (Array.isArray(person)) return person;
  const t = ctx.t;
  const next: IntentName[] = ['contribution_balance', 'hospital_rights', 'talk_to_staff'];
  if (person.section !== 33) {
    return withQuickReplies(
      [text(String(t('claim.s3940', { section: person.section })))],
      quickReplies(t, next),
    );
  }
  const today = bangkokDate(ctx.now);
  const detail = await getLatestClaim(ctx.deps.store, person.id);
  if (!detail)
    return withQuickReplies(await noClaimAnswer(ctx, person, today), quickReplies(t, next));

  const { claim, history, payments } = detail;
  const status = String(t(`claim.statuses.${claim.status}`));
  const rows = [
    { label: String(t('claim.number')), value: claim.id },
    { label: String(t('claim.cause')), value: String(t(`claim.causes.${claim.cause}`)) },
    { label: String(t('claim.filed')), value: formatDate(ctx.lang, claim.filedDate) },
    { label: String(t('claim.statusLabel')), value: status },
  ];
  if (claim.approvedDays)
    rows.push({
      label: String(t('claim.approvedDays')),
      value: String(t('claim.days', { count: claim.approvedDays })),
    });
  if (claim.monthlyAmount)
    rows.push({ label: String(t('claim.monthly')), value: formatBaht(t, claim.monthlyAmount) });
  const paid = payments.filter((p) => p.status === 'paid');
  if (paid.length > 0) {
    rows.push({
      label: String(t('claim.paidSoFar')),
      value: formatBaht(
        t,
        paid.reduce((s, p) => s + p.amount, 0),
      ),
    });
  }
  const upcoming = payments.find((p) => p.status !== 'paid');
  if (upcoming && (claim.status === 'paying' || claim.status === 'approved')) {
    rows.push({
      label: String(t('claim.nextPayment')),
      value: String(
        t('claim.nextPaymentValue', {
          date: formatDate(ctx.lang, upcoming.payDate),
          amount: formatBaht(t, upcoming.amount),
        }),
      ),
    });
  }
  const list = history.map((h) =>
    String(
      t('claim.step', {
        date: formatDate(ctx.lang, h.at),
        status: String(t(`claim.statuses.${h.status}`)),
      }),
    ),
  );
  let note = '';
  if (claim.status === 'rejected')
    note = String(t('claim.rejected', { reason: claim.rejectionReason ?? '-' }));
  else if (claim.status === 'completed') note = String(t('claim.completed'));
  else {
    const due = payments.find((p) => p.reportDueDate && !p.reportedAt && p.reportDueDate >= today);
    if (due?.reportDueDate)
      note = String(
        t('claim.report', {
          date: formatDate(ctx.lang, due.reportDueDate),
          site: ruleOn('unemployment.procedure', today).value.report_site,
        }),
      );
  }
  return withQuickReplies(
    [
      card(ctx, String(t('claim.alt', { status })), {
        title: String(t('claim.title')),
        subtitle: personLine(ctx, person),
        rows,
        listTitle: String(t('claim.timeline')),
        list,
        note,
        buttons: buttonsFor(ctx, ['contribution_balance', 'talk_to_staff']),
      }),
    ],
    quickReplies(t, next),
  );
};

/** No claim: eligibility now and what laid-off / resigned would pay, on the capped wage. */
async function noClaimAnswer(
  ctx: Ctx,
  person: InsuredPersonRow,
  today: string,
): Promise<Message[]> {
  const t = ctx.t;
  const recent = await listRecentContributions(ctx.deps.store, person.id, 24);
  const paid = recent.filter((m) => m.paidDate !== null);
  const eligibility = unemploymentEligibility(
    paid.map((m) => m.period),
    today,
  );
  const last6 = paid.slice(0, 6);
  const avgWage =
    last6.length === 0 ? 0 : Math.round(last6.reduce((s, m) => s + m.wage, 0) / last6.length);
  const lines = [
    String(t('claim.noClaim')),
    String(
      t(eligibility.eligible ? 'claim.eligible' : 'claim.notEligible', {
        months: eligibility.monthsInWindow,
      }),
    ),
  ];
  for (const cause of ['laid_off', 'resigned'] as const) {
    const e = unemploymentEstimate(cause, avgWage, today);
    lines.push(
      String(
        t(cause === 'laid_off' ? 'claim.laidOff' : 'claim.resigned', {
          rate: e.ratePercent,
          monthly: formatBaht(t, e.monthlySatang),
          days: e.maxDays,
          total: formatBaht(t, e.totalMaxSatang),
        }),
      ),
    );
  }
  const procedure = ruleOn('unemployment.procedure', today).value;
  lines.push(
    String(
      t('claim.howTo', { site: procedure.register_site, days: procedure.register_within_days }),
    ),
    String(t('common.estimate')),
  );
  return [text(lines.join('\n\n'))];
}

/** Everyone gets the general answer; a linked user in a 1:1 chat also gets their own figures. */
export const contributionBalance = generalAndPersonal(myContributions);
export const hospitalRights = generalAndPersonal(myHospitalRights);
export const unemploymentBenefit = generalAndPersonal(myUnemploymentClaim);
