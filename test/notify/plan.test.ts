/**
 * The planner: every category from records shaped like the seed's and the import's, each told
 * once (dedupe keys), only to linked, following, opted-in users; what the rules in data/rules
 * say decides the dates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planNotifications } from '../../src/notify/plan.ts';
import {
  lapseRisk,
  medicalRisk,
  s39ContributionDue,
  s40ContributionDue,
} from '../../src/notify/policy.ts';
import {
  hospitalChangeWindow,
  section39ContributionSatang,
  section40Options,
} from '../../src/rules/index.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { insertPerson } from '../helpers/people.ts';
import {
  addBenefitClaim,
  addBenefitPayment,
  addContributions,
  addSubscriber,
  addUnemploymentClaim,
  addUnemploymentPayment,
  bkk,
  DAY,
  HOUR,
  notificationRows,
} from './helpers.ts';

let store: NodeStore;
beforeEach(() => {
  store = openNodeStore(':memory:');
  migrateNodeStore(store);
});
afterEach(() => store.close());

const keys = () => notificationRows(store).map((r) => r.dedupeKey);

describe('the dated rules', () => {
  it('section 39: due on the 15th of the month after the period; lapse after 3 unpaid in a row', () => {
    // The rule says day 15 ([L]); the period it applies to is the engine's stated assumption.
    expect(s39ContributionDue('2026-05-12')).toMatchObject({
      period: '2026-04',
      deadline: '2026-05-15',
      coveredFrom: '2026-01',
      coveredTo: '2026-03',
      amountSatang: section39ContributionSatang('2026-04-01'),
    });
    expect(s39ContributionDue('2026-05-15')?.period).toBe('2026-04');
    expect(s39ContributionDue('2026-05-11')).toBeUndefined(); // 4 days before
    expect(s39ContributionDue('2026-05-16')).toBeUndefined();
    expect(lapseRisk('2026-05-20')).toEqual({
      paidPeriod: '2026-02',
      unpaidFrom: '2026-03',
      unpaidTo: '2026-04',
      months: 2,
      period: '2026-05',
      deadline: '2026-06-15',
    });
    // Until April's due date passes, April is not overdue yet.
    expect(lapseRisk('2026-05-15')?.unpaidTo).toBe('2026-03');
  });

  it('section 40: the month is due by its last day (no back payment)', () => {
    const option3 = section40Options('2026-05-01').find((o) => o.option === 3)!.monthlySatang;
    expect(s40ContributionDue('2026-05-28')).toMatchObject({
      period: '2026-05',
      deadline: '2026-05-31',
    });
    expect((s40ContributionDue('2026-05-28')!.amountSatang as Record<number, number>)[3]).toBe(
      option3,
    );
    expect(s40ContributionDue('2026-05-27')).toBeUndefined();
  });

  it('medical rights: the last week of the month decides the next', () => {
    expect(medicalRisk('2026-05-25')).toMatchObject({
      period: '2026-05',
      nowFrom: '2025-02',
      nowTo: '2026-04',
      nextFrom: '2025-03',
      required: 3,
      date: '2026-06-01',
    });
    expect(medicalRisk('2026-05-24')).toBeUndefined();
  });
});

describe('planNotifications', () => {
  const consentAt = bkk('2026-01-01T09:00:00');

  it('lapse_risk: two unpaid months after a paid one, once per period; lapsed members are not told to pay', async () => {
    const risky = insertPerson(store, { section: 39 });
    const lapsed = insertPerson(store, { section: 39 });
    const paying = insertPerson(store, { section: 39 });
    const s33 = insertPerson(store, { section: 33 });
    addContributions(store, risky.id, ['2026-01', '2026-02'], ['2026-03', '2026-04']);
    addContributions(store, lapsed.id, ['2026-01'], ['2026-02', '2026-03', '2026-04']);
    addContributions(store, paying.id, ['2026-02', '2026-03', '2026-04']);
    addContributions(store, s33.id, ['2026-02'], [], '1234567890');
    for (const [i, p] of [risky, lapsed, paying, s33].entries()) {
      addSubscriber(store, { userId: `U${i}`, personId: p.id, consentAt });
    }
    const at = bkk('2026-05-20T09:00:00');
    const report = await planNotifications(store, at, { categories: ['lapse_risk'] });
    expect(report.planned.lapse_risk).toBe(1);
    const [row] = notificationRows(store);
    expect(row).toMatchObject({
      userId: 'U0',
      category: 'lapse_risk',
      dedupeKey: `lapse_risk:${risky.id}:2026-05`,
      status: 'pending',
      dueAt: at,
      params: { months: 2, period: '2026-05', deadline: '2026-06-15' },
    });
    // Later days of the same period: nothing new.
    expect((await planNotifications(store, at + 5 * DAY)).planned.lapse_risk).toBe(0);
  });

  it('contribution_due: section 39 a few days before the 15th, section 40 before the month ends', async () => {
    const s39 = insertPerson(store, { section: 39 });
    const s39paid = insertPerson(store, { section: 39 });
    const s40 = insertPerson(store, { section: 40, section40Option: 3 });
    addContributions(store, s39.id, ['2026-02', '2026-03'], ['2026-04']);
    addContributions(store, s39paid.id, ['2026-02', '2026-03', '2026-04']);
    addContributions(store, s40.id, ['2026-04']);
    addSubscriber(store, { userId: 'U39', personId: s39.id, consentAt });
    addSubscriber(store, { userId: 'U39paid', personId: s39paid.id, consentAt });
    addSubscriber(store, { userId: 'U40', personId: s40.id, consentAt });

    await planNotifications(store, bkk('2026-05-12T09:00:00'), {
      categories: ['contribution_due'],
    });
    await planNotifications(store, bkk('2026-05-29T09:00:00'), {
      categories: ['contribution_due'],
    });
    const rows = notificationRows(store);
    expect(rows.map((r) => [r.userId, r.dedupeKey])).toEqual([
      ['U39', `contribution_due:${s39.id}:2026-04`],
      ['U40', `contribution_due:${s40.id}:2026-05`],
    ]);
    expect(rows[0]!.params).toEqual({
      section: 39,
      amount: section39ContributionSatang('2026-04-01'),
      period: '2026-04',
      deadline: '2026-05-15',
    });
    expect(rows[1]!.params).toEqual({
      section: 40,
      amount: section40Options('2026-05-01').find((o) => o.option === 3)!.monthlySatang,
      period: '2026-05',
      deadline: '2026-05-31',
    });
  });

  it('medical_inactive: active now, inactive next month unless this month is paid', async () => {
    const atRisk = insertPerson(store, { section: 33 });
    const safe = insertPerson(store, { section: 33 });
    const s40 = insertPerson(store, { section: 40, section40Option: 1 });
    // Window for May 2026: 2025-02..2026-04; for June without May: 2025-03..2026-04.
    addContributions(store, atRisk.id, ['2025-02', '2025-09', '2026-04'], [], '1234567890');
    addContributions(
      store,
      safe.id,
      ['2025-02', '2025-09', '2026-03', '2026-04'],
      [],
      '1234567890',
    );
    addContributions(store, s40.id, ['2025-02', '2025-09', '2026-04']);
    addSubscriber(store, { userId: 'Urisk', personId: atRisk.id, consentAt });
    addSubscriber(store, { userId: 'Usafe', personId: safe.id, consentAt });
    addSubscriber(store, { userId: 'U40', personId: s40.id, consentAt });
    const report = await planNotifications(store, bkk('2026-05-27T10:00:00'), {
      categories: ['medical_inactive'],
    });
    expect(report.planned.medical_inactive).toBe(1);
    expect(notificationRows(store)[0]).toMatchObject({
      userId: 'Urisk',
      dedupeKey: `medical_inactive:${atRisk.id}:2026-05`,
      params: { period: '2026-05', date: '2026-06-01' },
    });
  });

  it('hospital_window: on its opening day (or the grace days), once a year, for sections with an SSO hospital', async () => {
    const window = hospitalChangeWindow(2027);
    const s33 = insertPerson(store, { section: 33 });
    const s40 = insertPerson(store, { section: 40, section40Option: 2 });
    addSubscriber(store, { userId: 'U33', personId: s33.id, consentAt });
    addSubscriber(store, { userId: 'U40', personId: s40.id, consentAt });
    const opening = bkk(`${window.from}T09:00:00`);
    expect((await planNotifications(store, opening - DAY)).planned.hospital_window).toBe(0);
    expect((await planNotifications(store, opening)).planned.hospital_window).toBe(1);
    expect((await planNotifications(store, opening + 2 * DAY)).planned.hospital_window).toBe(0);
    expect(notificationRows(store).find((r) => r.category === 'hospital_window')).toMatchObject({
      userId: 'U33',
      dedupeKey: 'hospital_window:2027:U33',
      params: { year: 2027, from: window.from, to: window.to },
    });
  });

  it('unemployment_report: a report due within 3 days and not made yet', async () => {
    const p = insertPerson(store);
    addSubscriber(store, { userId: 'U1', personId: p.id, consentAt });
    addUnemploymentClaim(store, { id: 'UC-2026-000001', personId: p.id });
    addUnemploymentPayment(store, {
      claimId: 'UC-2026-000001',
      installment: 1,
      reportDueDate: '2026-02-28',
      reportedAt: '2026-02-27',
      status: 'paid',
    });
    addUnemploymentPayment(store, {
      claimId: 'UC-2026-000001',
      installment: 2,
      reportDueDate: '2026-03-31',
    });
    addUnemploymentPayment(store, {
      claimId: 'UC-2026-000001',
      installment: 3,
      reportDueDate: '2026-04-30',
    });
    await planNotifications(store, bkk('2026-03-28T09:00:00'), {
      categories: ['unemployment_report'],
    });
    expect(keys()).toEqual(['unemployment_report:UC-2026-000001:2']);
    expect(notificationRows(store)[0]!.params).toEqual({
      claimId: 'UC-2026-000001',
      installment: 2,
      date: '2026-03-31',
    });
  });

  it('claim_decided and payment_made: changes an import made after the consent, about recent facts', async () => {
    const at = bkk('2026-03-10T10:00:00');
    const p = insertPerson(store);
    addSubscriber(store, { userId: 'U1', personId: p.id, consentAt: at - 2 * DAY });
    // Decided and imported after the consent: told.
    addBenefitClaim(store, {
      id: 'SC-1',
      personId: p.id,
      status: 'approved',
      decisionDate: '2026-03-09',
      updatedAt: at - HOUR,
    });
    addBenefitClaim(store, {
      id: 'SC-2',
      personId: p.id,
      benefit: 'maternity',
      status: 'rejected',
      decisionDate: '2026-03-09',
      updatedAt: at - HOUR,
    });
    // Imported before the consent: not news to announce.
    addBenefitClaim(store, {
      id: 'SC-3',
      personId: p.id,
      status: 'approved',
      decisionDate: '2026-03-01',
      updatedAt: at - 3 * DAY,
    });
    // Decided long ago, its row touched again now (a corrected amount): not news.
    addBenefitClaim(store, {
      id: 'SC-4',
      personId: p.id,
      status: 'approved',
      decisionDate: '2025-11-01',
      updatedAt: at - HOUR,
    });
    // Still under review.
    addBenefitClaim(store, {
      id: 'SC-5',
      personId: p.id,
      status: 'reviewing',
      updatedAt: at - HOUR,
    });
    addBenefitPayment(store, { claimId: 'SC-1', payDate: '2026-03-09', updatedAt: at - HOUR });
    addBenefitPayment(store, {
      claimId: 'SC-1',
      installment: 2,
      status: 'scheduled',
      payDate: '2026-04-09',
      updatedAt: at - HOUR,
    });
    addUnemploymentClaim(store, {
      id: 'UC-1',
      personId: p.id,
      status: 'approved',
      updatedAt: at - HOUR,
    });
    addUnemploymentPayment(store, {
      claimId: 'UC-1',
      installment: 1,
      status: 'paid',
      payDate: '2026-03-05',
      updatedAt: at - HOUR,
    });

    const report = await planNotifications(store, at, {
      categories: ['claim_decided', 'payment_made'],
    });
    expect(report.planned).toMatchObject({ claim_decided: 3, payment_made: 2 });
    expect(keys().sort()).toEqual([
      'claim_decided:SC-1:approved',
      'claim_decided:SC-2:rejected',
      'claim_decided:UC-1:approved',
      'payment_made:SC-1:1',
      'payment_made:UC-1:1',
    ]);
    const byKey = new Map(notificationRows(store).map((r) => [r.dedupeKey, r.params]));
    expect(byKey.get('claim_decided:SC-2:rejected')).toEqual({
      benefit: 'maternity',
      claimId: 'SC-2',
      status: 'rejected',
    });
    expect(byKey.get('payment_made:UC-1:1')).toEqual({
      benefit: 'unemployment',
      claimId: 'UC-1',
      installment: 1,
      amount: 750_000,
      date: '2026-03-05',
    });
    // No params carry a national ID.
    expect(JSON.stringify([...byKey.values()])).not.toContain(p.nationalId);
    // Planning again (the next run, a re-import): nothing new.
    expect((await planNotifications(store, at + 5 * 60_000)).total).toBe(0);
  });

  it('claim_decided: a claim imported straight as paid is decided too, and moving on (approved → paying) tells nobody again', async () => {
    const at = bkk('2026-03-10T10:00:00');
    const p = insertPerson(store);
    addSubscriber(store, { userId: 'U1', personId: p.id, consentAt: at - 2 * DAY });
    addBenefitClaim(store, {
      id: 'SC-PAID',
      personId: p.id,
      status: 'paid',
      decisionDate: '2026-03-09',
      updatedAt: at - HOUR,
    });
    addBenefitClaim(store, {
      id: 'SC-MOVES',
      personId: p.id,
      benefit: 'child_allowance',
      status: 'approved',
      decisionDate: '2026-03-09',
      updatedAt: at - HOUR,
    });
    await planNotifications(store, at, { categories: ['claim_decided'] });
    expect(keys().sort()).toEqual([
      'claim_decided:SC-MOVES:approved',
      'claim_decided:SC-PAID:approved',
    ]);
    // The next import moves the approved claim on to paying: the decision is not news again.
    store.sqlite
      .prepare("update benefit_claims set status = 'paying', updated_at = ? where id = 'SC-MOVES'")
      .run(at + HOUR);
    const again = await planNotifications(store, at + 2 * HOUR, { categories: ['claim_decided'] });
    expect(again.planned.claim_decided ?? 0).toBe(0);
    expect(notificationRows(store)).toHaveLength(2);
  });

  it('only linked, following, opted-in users with a consent get anything', async () => {
    const at = bkk('2026-03-10T10:00:00');
    const people = Array.from({ length: 5 }, () => insertPerson(store));
    addSubscriber(store, { userId: 'Uok', personId: people[0]!.id, consentAt: at - DAY });
    addSubscriber(store, {
      userId: 'Uunlinked',
      personId: people[1]!.id,
      consentAt: at - DAY,
      linked: false,
    });
    addSubscriber(store, {
      userId: 'Uoff',
      personId: people[2]!.id,
      consentAt: at - DAY,
      enabled: false,
    });
    addSubscriber(store, {
      userId: 'Ublocked',
      personId: people[3]!.id,
      consentAt: at - DAY,
      follow: 'inactive',
    });
    addSubscriber(store, {
      userId: 'Uother',
      personId: people[4]!.id,
      consentAt: at - DAY,
      categories: ['payment_made'],
    });
    for (const [i, p] of people.entries()) {
      addBenefitClaim(store, {
        id: `SC-${i}`,
        personId: p.id,
        decisionDate: '2026-03-09',
        updatedAt: at - HOUR,
      });
    }
    await planNotifications(store, at);
    expect(notificationRows(store).map((r) => r.userId)).toEqual(['Uok']);
  });

  it('a dry run counts what would be planned and writes nothing', async () => {
    const at = bkk('2026-03-10T10:00:00');
    const p = insertPerson(store);
    addSubscriber(store, { userId: 'U1', personId: p.id, consentAt: at - DAY });
    addBenefitClaim(store, {
      id: 'SC-1',
      personId: p.id,
      decisionDate: '2026-03-09',
      updatedAt: at - HOUR,
    });
    expect((await planNotifications(store, at, { dryRun: true })).planned.claim_decided).toBe(1);
    expect(notificationRows(store)).toEqual([]);
    await planNotifications(store, at);
    expect((await planNotifications(store, at, { dryRun: true })).total).toBe(0);
  });
});
