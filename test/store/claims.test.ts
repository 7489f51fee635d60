/**
 * listClaimsForPerson over the seeded demo data: every benefit and unemployment in one list,
 * newest filed first, each with its history (oldest first) and payments (by installment).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaimView, listClaimsForPerson } from '../../src/store/claims.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { seedDemoData } from '../../src/store/seed.ts';

const NOW = new Date('2026-05-20T03:00:00Z'); // Bangkok: 2026-05-20
const TODAY = '2026-05-20';
const PEOPLE = 400;

let dir: string;
let store: NodeStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sso-claims-test-'));
  store = openNodeStore(join(dir, 'claims.sqlite'));
  migrateNodeStore(store);
  await seedDemoData(store, { people: PEOPLE, now: NOW });
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const summary = (claims: readonly ClaimView[]) => claims.map((c) => `${c.benefit}:${c.status}`);

function expectWellFormed(claims: readonly ClaimView[]): void {
  for (let i = 1; i < claims.length; i++) {
    expect(claims[i - 1]!.filedDate >= claims[i]!.filedDate, 'newest filed first').toBe(true);
  }
  for (const c of claims) {
    const at = c.history.map((h) => h.at);
    expect(at, `${c.id} history oldest first`).toEqual([...at].sort());
    expect(c.history[0]?.at, `${c.id} starts when filed`).toBe(c.filedDate);
    expect(
      c.history.some((h) => h.status === c.status),
      `${c.id} reaches ${c.status}`,
    ).toBe(true);
    const installments = c.payments.map((p) => p.installment);
    expect(installments, `${c.id} payments by installment`).toEqual(
      installments.map((_, i) => i + 1),
    );
    for (const p of c.payments) {
      expect(p.status === 'scheduled' ? p.payDate > TODAY : p.payDate <= TODAY).toBe(true);
    }
  }
}

describe('listClaimsForPerson over the demo data', () => {
  it('lists unemployment next to the other benefits, newest first (Sudarat, person 2)', async () => {
    const claims = await listClaimsForPerson(store, 2);
    expect(summary(claims)).toEqual([
      'unemployment:paying',
      'child_allowance:paying',
      'maternity:paid',
    ]);
    expectWellFormed(claims);
    const [unemployment, allowance, maternity] = claims;
    // The unemployment claim as the unemployment answer knows it.
    expect(unemployment).toMatchObject({
      benefit: 'unemployment',
      approvedAmount: 1_050_000,
      installments: 6,
      reason: null,
    });
    expect(unemployment!.decisionDate).toBe(
      unemployment!.history.find((h) => h.status === 'approved')!.at,
    );
    expect(unemployment!.payments.map((p) => p.status)).toEqual([
      'paid',
      'paid',
      'scheduled',
      'scheduled',
      'scheduled',
      'scheduled',
    ]);
    // Child allowance: decided, paid monthly, the next one scheduled.
    expect(allowance!.history.map((h) => h.status)).toEqual([
      'received',
      'reviewing',
      'approved',
      'paying',
    ]);
    expect(allowance!.approvedAmount).toBe(80_000);
    expect(allowance!.payments.length).toBeGreaterThanOrEqual(12);
    expect(allowance!.payments.at(-1)!.status).toBe('scheduled');
    expect(allowance!.payments.slice(0, -1).every((p) => p.status === 'paid')).toBe(true);
    // Maternity: one sum, paid.
    expect(maternity!.installments).toBeNull();
    expect(maternity!.payments).toEqual([
      expect.objectContaining({
        installment: 1,
        amount: maternity!.approvedAmount,
        status: 'paid',
      }),
    ]);
    expect(maternity!.history.map((h) => h.status)).toEqual([
      'received',
      'reviewing',
      'approved',
      'paid',
    ]);
  });

  it('shows a rejected unemployment claim and a claim waiting for documents (Thanaphon, 3)', async () => {
    const claims = await listClaimsForPerson(store, 3);
    expect(summary(claims).sort()).toEqual(['sickness:more_documents', 'unemployment:rejected']);
    expectWellFormed(claims);
    const sickness = claims.find((c) => c.benefit === 'sickness')!;
    expect(sickness).toMatchObject({ decisionDate: null, approvedAmount: null, payments: [] });
    expect(sickness.reason).toMatch(/ใบรับรองแพทย์/);
    expect(sickness.history.map((h) => h.status)).toEqual([
      'received',
      'reviewing',
      'more_documents',
    ]);
    const unemployment = claims.find((c) => c.benefit === 'unemployment')!;
    expect(unemployment.reason).toMatch(/เงินสมทบ/);
    expect(unemployment.payments).toEqual([]);
  });

  it('gives every identity and migrant their documented claims, well formed', async () => {
    const expected: Record<number, string[]> = {
      1: ['old_age:rejected', 'sickness:paid'],
      2: ['child_allowance:paying', 'maternity:paid', 'unemployment:paying'],
      3: ['sickness:more_documents', 'unemployment:rejected'],
      4: ['invalidity:rejected'],
      5: ['child_allowance:paying', 'sickness:received'],
      6: ['death:approved'],
      7: ['maternity:reviewing', 'sickness:closed'],
      8: ['sickness:reviewing'],
    };
    for (const [id, list] of Object.entries(expected)) {
      const claims = await listClaimsForPerson(store, Number(id));
      expect(summary(claims).sort(), `person ${id}`).toEqual(list);
      expectWellFormed(claims);
    }
    // Phimchanok's funeral grant: approved, paid in a few days.
    const [death] = await listClaimsForPerson(store, 6);
    expect(death!.decisionDate! <= TODAY).toBe(true);
    expect(death!.payments).toEqual([
      expect.objectContaining({ installment: 1, status: 'scheduled', amount: 5_000_000 }),
    ]);
  });

  it('lists generated people with claims, and nothing for someone without any', async () => {
    const ids = store.sqlite
      .prepare(
        `select id from insured_persons p where id > 8 and (
           exists (select 1 from benefit_claims c where c.person_id = p.id)
           or exists (select 1 from unemployment_claims u where u.person_id = p.id))
         order by id limit 40`,
      )
      .pluck()
      .all() as number[];
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const claims = await listClaimsForPerson(store, id);
      expect(claims.length).toBeGreaterThan(0);
      expectWellFormed(claims);
    }
    const none = store.sqlite
      .prepare(
        `select id from insured_persons p where not exists (select 1 from benefit_claims c where c.person_id = p.id)
           and not exists (select 1 from unemployment_claims u where u.person_id = p.id) limit 1`,
      )
      .pluck()
      .get() as number;
    expect(await listClaimsForPerson(store, none)).toEqual([]);
    expect(await listClaimsForPerson(store, 999_999)).toEqual([]);
  });

  it('orders claims filed the same day by claim number, newest first', async () => {
    const personId = 9_000_001;
    const sqlite = store.sqlite;
    sqlite
      .prepare(
        `insert into insured_persons (id, national_id, first_name_th, last_name_th, birth_date, section,
           laser_code_hash, updated_at) values (?, '9000000000001', 'ก', 'ข', '1990-01-01', 39, 'none', 0)`,
      )
      .run(personId);
    const claim = sqlite.prepare(
      `insert into benefit_claims (id, person_id, benefit, filed_date, status, updated_at)
       values (?, ?, ?, '2026-05-01', 'received', 0)`,
    );
    claim.run('SI-2569-900001', personId, 'sickness');
    claim.run('SI-2569-900002', personId, 'sickness');
    sqlite
      .prepare(
        `insert into benefit_claims (id, person_id, benefit, filed_date, status, updated_at)
         values ('DE-2569-900003', ?, 'death', '2026-04-01', 'received', 0)`,
      )
      .run(personId);
    const history = sqlite.prepare(
      `insert into benefit_claim_history (claim_id, status, at) values ('SI-2569-900002', ?, ?)`,
    );
    history.run('reviewing', '2026-05-03');
    history.run('received', '2026-05-01');
    try {
      const claims = await listClaimsForPerson(store, personId);
      expect(claims.map((c) => c.id)).toEqual([
        'SI-2569-900002',
        'SI-2569-900001',
        'DE-2569-900003',
      ]);
      expect(claims[0]!.history.map((h) => h.status)).toEqual(['received', 'reviewing']);
      expect(claims[1]!.history).toEqual([]);
    } finally {
      sqlite.prepare('delete from benefit_claim_history where claim_id like ?').run('%-9000%');
      sqlite.prepare('delete from benefit_claims where person_id = ?').run(personId);
      sqlite.prepare('delete from insured_persons where id = ?').run(personId);
    }
  });
});
