/**
 * Insured persons for tests, with known laser codes. The default hash is the old single-call
 * scheme at 1,000 iterations: cheap to insert (node:crypto, sync), and `verifySecret` pads every
 * verification to the current cost anyway, so it answers like a real row (a successful one also
 * returns a `rehash`). Pass `laserCodeHash` to store something else: a current-cost hash
 * (`hashSecret`), an old 100,000-iteration row, or `none` (no laser code).
 */
import { hashLaserCode } from '../../src/store/laser-code.ts';
import type { NodeStore } from '../../src/store/node.ts';
import { insuredPersons } from '../../src/store/schema.ts';

/** A valid 13-digit national ID: the first 12 digits and the checksum digit. */
export function nationalIdFrom(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return `${first12}${(11 - (sum % 11)) % 10}`;
}

export interface TestPerson {
  id: number;
  nationalId: string;
  birthDate: string;
  laserCode: string;
}

let n = 0;

export function insertPerson(
  store: NodeStore,
  overrides: Partial<typeof insuredPersons.$inferInsert> & { laserCode?: string } = {},
): TestPerson {
  n++;
  const nationalId =
    overrides.nationalId ?? nationalIdFrom(`31012${String(1000000 + n).slice(-7)}`);
  const laserCode = overrides.laserCode ?? `ME${String(1000000000 + n).slice(-10)}`;
  const birthDate = overrides.birthDate ?? '1988-04-12';
  const row = store.syncDb
    .insert(insuredPersons)
    .values({
      nationalId,
      titleTh: 'นาย',
      firstNameTh: 'สมชาย',
      lastNameTh: 'ใจดี',
      firstNameEn: 'Somchai',
      lastNameEn: 'Jaidee',
      birthDate,
      section: 33,
      status: 'active',
      updatedAt: Date.now(),
      ...overrides,
      laserCodeHash:
        overrides.laserCodeHash ??
        hashLaserCode(laserCode, new TextEncoder().encode(`salt-${n}`), 1000),
    })
    .returning({ id: insuredPersons.id })
    .get();
  return { id: row.id, nationalId, birthDate, laserCode };
}
