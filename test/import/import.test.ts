import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASETS, formatImportReport, type ImportReport } from '../../src/import/index.ts';
import { verifyLaserCode } from '../../src/store/laser-code.ts';
import {
  fixture,
  isValidChecksum,
  LOAD_ORDER,
  loadBefore,
  nationalId,
  type TempDb,
  tempDb,
} from './helpers.ts';

let db: TempDb;
beforeEach(() => {
  db = tempDb();
});
afterEach(() => db.dispose());

const NOW = Date.parse('2025-06-01T00:00:00Z');

function ok(report: ImportReport): ImportReport {
  expect(report.errors).toEqual([]);
  expect(report.written).toBe(true);
  return report;
}

function errorLines(report: ImportReport): string[] {
  return formatImportReport(report).slice(0, report.errors.length);
}

function all<T>(sql: string): T[] {
  return db.store.sqlite.prepare<[], T>(sql).all();
}

describe('fixtures', () => {
  it('use national IDs with valid checksums', () => {
    const ids = new Set<string>();
    for (const [, file] of LOAD_ORDER) {
      for (const m of readFileSync(fixture(file), 'utf8').matchAll(/\b\d[\d-]{11,15}\d\b/g)) {
        if (m[0].replace(/-/g, '').length === 13) ids.add(m[0]);
      }
    }
    expect(ids.size).toBeGreaterThan(3);
    for (const id of ids) expect(isValidChecksum(id), id).toBe(true);
    expect(nationalId('110170020763')).toBe('1101700207633');
  });
});

describe('docs/import-formats.md', () => {
  it('has a table with every column of every dataset', () => {
    const doc = readFileSync('docs/import-formats.md', 'utf8');
    for (const [name, def] of Object.entries(DATASETS)) {
      const section = doc.split(`### \`${name}\``)[1]?.split('\n##')[0] ?? '';
      expect(section, name).toContain(`Table \`${def.table}\``);
      for (const c of def.columns)
        expect(section, `${name}.${c.name}`).toContain(`| \`${c.name}\` |`);
    }
  });
});

describe('importFile: each dataset', () => {
  it('employers: account numbers without dashes, quoted names', async () => {
    const report = ok(await db.import('employers', fixture('employers.csv')));
    expect(report).toMatchObject({ rows: 2, inserted: 2, updated: 0, unchanged: 0 });
    expect(all('SELECT * FROM employers ORDER BY id')).toEqual([
      {
        id: '1000123456',
        name_th: 'บริษัท ตัวอย่าง จำกัด',
        name_en: 'Example Co., Ltd.',
        province_code: '10',
      },
      {
        id: '2000045678',
        name_th: 'ห้างหุ้นส่วนจำกัด เชียงใหม่ตัวอย่าง',
        name_en: 'Chiang Mai Example Ltd. Part.',
        province_code: '50',
      },
    ]);
  });

  it('hospitals: multi-line quoted address, escaped quotes, coordinates, is_demo', async () => {
    ok(await db.import('hospitals', fixture('hospitals.csv')));
    const rows = all<Record<string, unknown>>('SELECT * FROM hospitals ORDER BY id');
    expect(rows[0]).toMatchObject({
      id: '10669',
      address_th: '123 ถ.พระราม 4\nแขวงคลองเตย, กรุงเทพฯ',
      lat: 13.7563,
      lng: 100.5018,
      location_precision: 'exact',
      is_demo: 0,
    });
    expect(rows[1]).toMatchObject({
      id: '11111',
      name_en: 'Chiang Mai "Demo" Hospital',
      lat: null,
      is_demo: 1,
    });
  });

  it('persons: IDs normalised, Buddhist-era dates converted, laser codes hashed (never stored raw)', async () => {
    await loadBefore(db, 'persons');
    const report = ok(await db.import('persons', fixture('persons.csv'), { now: NOW }));
    expect(report.inserted).toBe(3);
    const rows = all<Record<string, unknown>>('SELECT * FROM insured_persons ORDER BY national_id');
    expect(rows.map((r) => r.national_id)).toEqual([
      '1101700207633',
      '3101500123459',
      '3509900045670',
    ]);
    expect(rows[0]).toMatchObject({
      section: 33,
      employer_id: '1000123456',
      status: 'active',
      updated_at: NOW,
    });
    expect(rows[1]).toMatchObject({ birth_date: '1982-02-28', section: 39, employer_id: null });
    expect(rows[2]).toMatchObject({
      section: 40,
      section40_option: 2,
      status: 'active',
      first_name_en: null,
    });
    const hash = rows[0]!.laser_code_hash as string;
    expect(hash).toMatch(/^pbkdf2-sha256-chain\$6\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyLaserCode('JT0123456789', hash)).toBe(true);
    expect(await verifyLaserCode('JT0123456780', hash)).toBe(false);
    // Lower case in the file is normalised before hashing.
    expect(await verifyLaserCode('AB0000000001', rows[2]!.laser_code_hash as string)).toBe(true);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain('JT0');
    expect(dump).not.toContain('ME1234567890');
    // Each hash has its own salt.
    expect(new Set(rows.map((r) => (r.laser_code_hash as string).split('$')[3])).size).toBe(3);
  });

  it('identity-documents: migrants without a laser code (none) and their passports', async () => {
    await loadBefore(db, 'persons');
    ok(await db.import('persons', fixture('persons-migrant.csv'), { now: NOW }));
    const people = all<{ national_id: string; laser_code_hash: string }>(
      'SELECT national_id, laser_code_hash FROM insured_persons ORDER BY national_id',
    );
    expect(people).toEqual([
      { national_id: '0067102345674', laser_code_hash: 'none' },
      { national_id: '0067203456781', laser_code_hash: 'none' },
    ]);
    const report = ok(
      await db.import('identity-documents', fixture('identity-documents.csv'), { now: NOW }),
    );
    expect(report.inserted).toBe(2);
    expect(
      all(
        'SELECT type, country, number, work_permit_number FROM identity_documents ORDER BY number',
      ),
    ).toEqual([
      { type: 'passport', country: 'MMR', number: 'MA1234567', work_permit_number: null },
      {
        type: 'passport',
        country: 'KHM',
        number: 'N01234567',
        work_permit_number: 'WP-67-0045678',
      },
    ]);
    // The same file again changes nothing.
    const again = ok(
      await db.import('identity-documents', fixture('identity-documents.csv'), { now: NOW }),
    );
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('contributions: amounts in satang, self payers, BE periods', async () => {
    await loadBefore(db, 'contributions');
    ok(await db.import('contributions', fixture('contributions.csv')));
    const rows = all<Record<string, unknown>>(
      `SELECT p.national_id, c.* FROM contributions c JOIN insured_persons p ON p.id = c.person_id
       ORDER BY p.national_id, c.period`,
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      national_id: '1101700207633',
      period: '2025-01',
      payer_id: '1000123456',
      wage_satang: 1_500_000,
      employee_satang: 75_000,
      employer_satang: 75_000,
      government_satang: 41_250,
      old_age_satang: 45_000,
      paid_date: '2025-02-15',
    });
    expect(rows[1]).toMatchObject({ wage_satang: 1_500_000, government_satang: 41_250 });
    expect(rows[2]).toMatchObject({
      national_id: '3101500123459',
      period: '2025-01',
      payer_id: 'self',
      employee_satang: 43_200,
      employer_satang: 0,
      old_age_satang: 0,
    });
    expect(rows[3]).toMatchObject({ payer_id: 'self', paid_date: null });
  });

  it('registrations, claims, claim status history and payments', async () => {
    await loadBefore(db, 'registrations');
    ok(await db.import('registrations', fixture('registrations.csv')));
    ok(await db.import('claims', fixture('claims.csv')));
    ok(await db.import('claim-status', fixture('claim-status.csv')));
    ok(await db.import('payments', fixture('payments.csv')));
    expect(
      all(
        'SELECT hospital_id, valid_from, valid_to FROM hospital_registrations ORDER BY person_id, valid_from',
      ),
    ).toEqual([
      { hospital_id: '10669', valid_from: '2024-01-01', valid_to: '2024-12-31' },
      { hospital_id: '11111', valid_from: '2025-01-01', valid_to: null },
      { hospital_id: '11111', valid_from: '2025-01-01', valid_to: null },
    ]);
    expect(
      all(
        'SELECT id, status, daily_satang, monthly_satang, rejection_reason FROM unemployment_claims ORDER BY id',
      ),
    ).toEqual([
      {
        id: 'UC-2024-000987',
        status: 'rejected',
        daily_satang: null,
        monthly_satang: null,
        rejection_reason: 'section 39 is not covered for unemployment',
      },
      {
        id: 'UC-2025-000123',
        status: 'paying',
        daily_satang: 25_000,
        monthly_satang: 750_000,
        rejection_reason: null,
      },
    ]);
    expect(db.count('claim_status_history')).toBe(6);
    expect(
      all(
        'SELECT installment, amount_satang, status FROM unemployment_payments ORDER BY installment',
      ),
    ).toEqual([
      { installment: 1, amount_satang: 700_000, status: 'paid' },
      { installment: 2, amount_satang: 775_000, status: 'scheduled' },
    ]);
  });

  it('JSONL: numbers, nulls, blank lines, dashed IDs and pre-hashed laser codes', async () => {
    await loadBefore(db, 'persons');
    const report = ok(await db.import('persons', fixture('persons.jsonl')));
    expect(report).toMatchObject({ format: 'jsonl', rows: 2, inserted: 2 });
    const rows = all<Record<string, unknown>>('SELECT * FROM insured_persons ORDER BY national_id');
    expect(rows[1]).toMatchObject({
      national_id: '1209900111113',
      section: 40,
      section40_option: 3,
      birth_date: '1977-07-01',
      last_name_en: null,
      laser_code_hash:
        'pbkdf2-sha256$100000$c3NvLWR1bW15LXNhbHQtMQ==$wLuv53PP+6KjU3CvpQKuD+44Z7xmYJu17Rs3yR3Ko5U=',
    });
    expect(await verifyLaserCode('JT9876543210', rows[0]!.laser_code_hash as string)).toBe(true);
  });

  it('JSONL reports bad lines with their line numbers', async () => {
    await loadBefore(db, 'employers');
    const file = db.write(
      'employers.jsonl',
      [
        '{"id":"1000000001","name_th":"ก"}',
        '{"id":"1000000002","name_th":"ข",',
        '',
        '["not","an","object"]',
        '{"id":"1000000003","name_th":"ค","nme_en":"typo"}',
        '{"id":"1000000004","name_th":{"nested":true}}',
      ].join('\n'),
    );
    const report = await db.import('employers', file);
    expect(errorLines(report)).toEqual([
      'employers.jsonl:2: is not valid JSON',
      'employers.jsonl:4: must be a JSON object, one per line',
      expect.stringMatching(/^employers\.jsonl:5: unknown column "nme_en"/),
      'employers.jsonl:6: name_th: must be a string, number or boolean',
    ]);
    expect(db.count('employers')).toBe(0);
  });
});

describe('importFile: bad files write nothing', () => {
  it('reports 3 bad rows with their file lines and writes nothing', async () => {
    const report = await db.import('persons', fixture('persons-bad.csv'));
    expect(report.errors).toHaveLength(3);
    expect(report.written).toBe(false);
    expect(report.inserted).toBe(0);
    const lines = formatImportReport(report);
    expect(lines).toEqual([
      'persons-bad.csv:3: national_id: checksum is invalid',
      'persons-bad.csv:5: section: must be one of 33, 39, 40, got "41"',
      'persons-bad.csv:8: birth_date: is not a valid date, got "1990-02-30"',
      'persons-bad.csv: 3 errors; nothing was imported',
    ]);
    expect(lines.join('\n')).not.toContain('1101700207634');
    expect(db.count('insured_persons')).toBe(0);
  });

  it('an unknown reference fails the whole file, and the ID is masked', async () => {
    await loadBefore(db, 'contributions');
    const stranger = nationalId('170010033333');
    const file = db.write(
      'contributions.csv',
      [
        'national_id,period,payer_id,wage,employee_amount',
        '1101700207633,2025-03,1000123456,15000,750',
        `${stranger},2025-03,self,4800,432`,
        '1101700207633,2025-04,9999999999,15000,750',
      ].join('\n'),
    );
    const report = await db.import('contributions', file);
    const text = formatImportReport(report).join('\n');
    expect(errorLines(report)).toEqual([
      `contributions.csv:3: national_id: no insured person 1-7001-xxxxx-xx-${stranger[12]} (import persons first)`,
      'contributions.csv:4: payer_id: no employer 9999999999 (import employers first)',
    ]);
    expect(text).not.toContain(stranger);
    expect(db.count('contributions')).toBe(0);
  });

  it('checks required fields, enums, amounts, periods, dates and section-40 options', async () => {
    await loadBefore(db, 'persons');
    const file = db.write(
      'persons.csv',
      [
        'national_id,first_name_th,last_name_th,birth_date,section,employer_id,section40_option,status,laser_code',
        `${nationalId('100000000001')},ก,ข,1990-01-01,33,1000123456,2,active,JT0123456789`,
        `${nationalId('100000000002')},,ข,1990-01-01,40,,,retired,JT0123456789`,
        `${nationalId('100000000003')},ก,ข,2999-01-01,33,,,,JT01234`,
        `12345,ก,ข,1990-13-01,39,,,,JT0123456789`,
        `${nationalId('100000000004')},ก,ข,1990-01-01,39,,,,`,
      ].join('\n'),
    );
    const report = await db.import('persons', file);
    expect(errorLines(report)).toEqual([
      'persons.csv:2: section40_option: is only for section 40 (this person is section 33)',
      'persons.csv:3: first_name_th: is required',
      'persons.csv:3: status: must be one of active, inactive, deceased, got "retired"',
      'persons.csv:3: section40_option: is required for section 40',
      'persons.csv:4: birth_date: is in the future',
      'persons.csv:4: employer_id: is required for section 33',
      'persons.csv:4: laser_code: must be 2 letters and 10 digits (dashes allowed)',
      'persons.csv:5: national_id: must be 13 digits (dashes allowed)',
      'persons.csv:5: birth_date: is not a valid date, got "1990-13-01"',
      'persons.csv:6: laser_code: laser_code or laser_code_hash is required for a new insured person',
    ]);
    expect(db.count('insured_persons')).toBe(0);

    const contributions = db.write(
      'contributions.csv',
      [
        'national_id,period,payer_id,wage,employee_amount,employer_amount',
        `1101700207633,2025-13,1000123456,-1,750.123,abc`,
        `1101700207633,2025-01,self,100,10,5`,
      ].join('\n'),
    );
    expect(errorLines(await db.import('contributions', contributions))).toEqual([
      'contributions.csv:2: period: must be a month YYYY-MM, got "2025-13"',
      'contributions.csv:2: wage: must not be negative',
      'contributions.csv:2: employee_amount: has more than 2 decimal places, got "750.123"',
      'contributions.csv:2: employer_amount: must be an amount in baht like 750 or 1,234.50, got "abc"',
      'contributions.csv:3: employer_amount: must be 0 when payer_id is self',
    ]);
  });

  it('reports duplicate keys within a file', async () => {
    await loadBefore(db, 'contributions');
    const file = db.write(
      'contributions.csv',
      [
        'national_id,period,payer_id,wage,employee_amount',
        '1101700207633,2025-03,1000123456,15000,750',
        '1-1017-00207-63-3,2568-03,1000123456,15000,750',
        '1101700207633,2025-03,self,100,10',
      ].join('\n'),
    );
    const report = await db.import('contributions', file);
    expect(errorLines(report)).toEqual([
      'contributions.csv:3: duplicate of line 2 (same national_id, period, payer_id)',
    ]);
    expect(db.count('contributions')).toBe(0);
  });

  it('reports header problems once, at line 1', async () => {
    const file = db.write('employers.csv', 'id,name_en,nme_th\n1000000001,x,y\n');
    const report = await db.import('employers', file);
    expect(errorLines(report)).toEqual([
      expect.stringMatching(/^employers\.csv:1: unknown column "nme_th" \(employers columns: id, /),
      'employers.csv:1: required column "name_th" is missing',
    ]);
  });

  it('reports malformed CSV and wrong field counts by line', async () => {
    const file = db.write(
      'employers.csv',
      'id,name_th\n1000000001,"ok"\n1000000002,a"b\n1000000003\n1000000004,"x","y"\n',
    );
    const report = await db.import('employers', file);
    expect(errorLines(report)).toEqual([
      expect.stringMatching(/^employers\.csv:3: a quote/),
      'employers.csv:4: has 1 fields, the header has 2',
      'employers.csv:5: has 3 fields, the header has 2',
    ]);
    expect(db.count('employers')).toBe(0);
  });

  it('caps the printed errors at 100, then "… and N more"', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `${i},x`).join('\n');
    const report = await db.import('employers', db.write('employers.csv', `id,name_th\n${body}\n`));
    expect(report.errors).toHaveLength(150);
    const lines = formatImportReport(report);
    expect(lines).toHaveLength(102);
    expect(lines[100]).toBe('… and 50 more');
    expect(lines[101]).toBe('employers.csv: 150 errors; nothing was imported');
  });

  it('rolls back everything when the write itself fails', async () => {
    await loadBefore(db, 'persons');
    // A trigger makes the 2nd insert fail inside the transaction.
    db.store.sqlite.exec(`CREATE TRIGGER boom BEFORE INSERT ON employers
      WHEN NEW.id = '3000000002' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const file = db.write('employers.csv', 'id,name_th\n3000000001,a\n3000000002,b\n');
    await expect(db.import('employers', file)).rejects.toThrow('boom');
    expect(db.count('employers')).toBe(2);
  });
});

describe('importFile: idempotent upserts', () => {
  it('re-importing every fixture changes nothing', async () => {
    for (const [dataset, file] of LOAD_ORDER)
      ok(await db.import(dataset, fixture(file), { now: NOW }));
    const before = all<Record<string, unknown>>('SELECT * FROM insured_persons ORDER BY id');
    for (const [dataset, file] of LOAD_ORDER) {
      const report = ok(await db.import(dataset, fixture(file), { now: NOW + 1000 }));
      expect({ dataset, inserted: report.inserted, updated: report.updated }).toEqual({
        dataset,
        inserted: 0,
        updated: 0,
      });
      expect(report.unchanged).toBe(report.rows);
    }
    // Laser codes were verified, not rehashed; updated_at did not move.
    expect(all('SELECT * FROM insured_persons ORDER BY id')).toEqual(before);
  });

  it('updates changed rows only, and rehashes only a changed laser code', async () => {
    await loadBefore(db, 'contributions');
    const hashes = () =>
      all<{ national_id: string; laser_code_hash: string }>(
        'SELECT national_id, laser_code_hash FROM insured_persons ORDER BY national_id',
      );
    const before = hashes();
    const text = readFileSync(fixture('persons.csv'), 'utf8')
      .replace('สมหญิง', 'สมหญิง (แก้ไข)')
      .replace('ab0000000001', 'AB0000000002');
    const report = ok(await db.import('persons', db.write('persons.csv', text), { now: NOW }));
    expect(report).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
    const after = hashes();
    expect(after[0]!.laser_code_hash).toBe(before[0]!.laser_code_hash);
    expect(after[1]!.laser_code_hash).toBe(before[1]!.laser_code_hash);
    expect(after[2]!.laser_code_hash).not.toBe(before[2]!.laser_code_hash);
    expect(await verifyLaserCode('AB0000000002', after[2]!.laser_code_hash)).toBe(true);
    expect(
      all(
        "SELECT first_name_th, updated_at FROM insured_persons WHERE national_id = '3101500123459'",
      ),
    ).toEqual([{ first_name_th: 'สมหญิง (แก้ไข)', updated_at: NOW }]);

    // A person row without laser columns keeps the stored hash.
    const noLaser = db.write(
      'persons2.csv',
      'national_id,first_name_th,last_name_th,birth_date,section,section40_option\n3509900045670,มาลี,ดีใจ,1985-12-01,40,2\n',
    );
    const r2 = ok(await db.import('persons', noLaser));
    expect(r2).toMatchObject({ updated: 1 });
    expect(hashes()[2]!.laser_code_hash).toBe(after[2]!.laser_code_hash);
  });

  it('a contribution correction updates the row in place', async () => {
    await loadBefore(db, 'contributions');
    ok(await db.import('contributions', fixture('contributions.csv')));
    const text = readFileSync(fixture('contributions.csv'), 'utf8').replace('412.50', '412.75');
    const report = ok(await db.import('contributions', db.write('c.csv', text)));
    expect(report).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    expect(db.count('contributions')).toBe(4);
  });

  it('dry run counts but writes nothing', async () => {
    const report = await db.import('employers', fixture('employers.csv'), { dryRun: true });
    expect(report).toMatchObject({ inserted: 2, written: false, errors: [] });
    expect(formatImportReport(report)[0]).toContain('dry run');
    expect(db.count('employers')).toBe(0);
  });
});

describe('importFile: encodings and formats', () => {
  it('reads a CSV with a BOM and CRLF line endings like the plain one', async () => {
    await loadBefore(db, 'persons');
    const crlf = `\uFEFF${readFileSync(fixture('persons-bad.csv'), 'utf8').replace(/\n/g, '\r\n')}`;
    const report = await db.import('persons', db.write('persons-crlf.csv', crlf));
    expect(report.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'national_id'],
      [5, 'section'],
      [8, 'birth_date'],
    ]);
    const good = `\uFEFF${readFileSync(fixture('hospitals.csv'), 'utf8').replace(/\n/g, '\r\n')}`;
    ok(await db.import('hospitals', db.write('h.csv', good)));
    // The quoted line break is kept as the file wrote it.
    expect(all("SELECT address_th FROM hospitals WHERE id = '10669'")).toEqual([
      { address_th: '123 ถ.พระราม 4\r\nแขวงคลองเตย, กรุงเทพฯ' },
    ]);
  });

  it('--format overrides the extension; an unknown extension needs it', async () => {
    const text = readFileSync(fixture('employers.csv'), 'utf8');
    const file = db.write('employers.txt', text);
    await expect(db.import('employers', file)).rejects.toThrow(/--format/);
    ok(await db.import('employers', file, { format: 'csv' }));
    expect(db.count('employers')).toBe(2);
  });

  it('imports 100,000 contribution rows in seconds', async () => {
    await loadBefore(db, 'persons');
    const hash =
      'pbkdf2-sha256$100000$c3NvLWR1bW15LXNhbHQtMQ==$wLuv53PP+6KjU3CvpQKuD+44Z7xmYJu17Rs3yR3Ko5U=';
    const ids = Array.from({ length: 1000 }, (_, i) =>
      nationalId(`3${String(i).padStart(11, '0')}`),
    );
    const persons = ids.map((id) => `${id},ก,ข,1980-01-01,39,${hash}`);
    ok(
      await db.import(
        'persons',
        db.write(
          'p.csv',
          `national_id,first_name_th,last_name_th,birth_date,section,laser_code_hash\n${persons.join('\n')}\n`,
        ),
      ),
    );
    const lines = ['national_id,period,payer_id,wage,employee_amount,government_amount,paid_date'];
    for (const id of ids) {
      for (let m = 0; m < 100; m++) {
        const period = `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
        lines.push(`${id},${period},self,4800,432,120,${period}-15`);
      }
    }
    const file = db.write('big.csv', `${lines.join('\n')}\n`);
    const started = performance.now();
    const report = ok(await db.import('contributions', file));
    const ms = performance.now() - started;
    expect(report.inserted).toBe(100_000);
    expect(db.count('contributions')).toBe(100_000);
    expect(ms).toBeLessThan(15_000);
    const again = ok(await db.import('contributions', file));
    expect(again.unchanged).toBe(100_000);
  }, 60_000);
});

describe('benefit claims (benefit-claims, benefit-claim-status, benefit-payments)', () => {
  const BENEFIT_FILES = [
    ['benefit-claims', 'benefit-claims.csv'],
    ['benefit-claim-status', 'benefit-claim-status.csv'],
    ['benefit-payments', 'benefit-payments.csv'],
  ] as const;

  /** Every fixture (persons, unemployment claims…), then the benefit fixtures. */
  async function loadBenefits(now = NOW): Promise<void> {
    await loadBefore(db, 'offices');
    for (const [dataset, file] of BENEFIT_FILES)
      ok(await db.import(dataset, fixture(file), { now }));
  }

  it('load in the documented order, after persons and before offices', () => {
    const order = Object.keys(DATASETS);
    const at = (name: string) => order.indexOf(name);
    expect(at('persons')).toBeLessThan(at('benefit-claims'));
    expect(at('benefit-claims')).toBeLessThan(at('benefit-claim-status'));
    expect(at('benefit-claims')).toBeLessThan(at('benefit-payments'));
    for (const name of ['claims', 'payments', 'benefit-claims', 'benefit-payments']) {
      expect(DATASETS[name as keyof typeof DATASETS].stamp?.(7), name).toEqual({ updated_at: 7 });
    }
  });

  it('imports claims, their history and payments: satang, BE dates, masked free text, updated_at', async () => {
    await loadBenefits();
    expect(
      all(
        `SELECT c.id, p.national_id, c.benefit, c.filed_date, c.status, c.decision_date, c.reason,
           c.approved_satang, c.installments, c.updated_at
         FROM benefit_claims c JOIN insured_persons p ON p.id = c.person_id ORDER BY c.id`,
      ),
    ).toEqual([
      {
        id: 'CA-2568-000103',
        national_id: '3101500123459',
        benefit: 'child_allowance',
        filed_date: '2025-01-15',
        status: 'paying',
        decision_date: '2025-02-01',
        reason: null,
        approved_satang: 80_000,
        installments: 72,
        updated_at: NOW,
      },
      {
        id: 'DC-2568-000104',
        national_id: '1101700207633',
        benefit: 'death',
        filed_date: '2025-05-20',
        status: 'rejected',
        decision_date: '2025-05-30',
        reason: 'ผู้ตาย ([ID]) ส่งเงินสมทบไม่ครบ 1 เดือนภายใน 6 เดือนก่อนถึงแก่ความตาย',
        approved_satang: null,
        installments: null,
        updated_at: NOW,
      },
      {
        id: 'IN-2568-000105',
        national_id: '3509900045670',
        benefit: 'invalidity',
        filed_date: '2025-04-01',
        status: 'reviewing',
        decision_date: null,
        reason: null,
        approved_satang: null,
        installments: null,
        updated_at: NOW,
      },
      {
        id: 'MC-2568-000102',
        national_id: '3101500123459',
        benefit: 'maternity',
        filed_date: '2025-04-10',
        status: 'more_documents',
        decision_date: null,
        reason: 'ขาดสำเนาสูติบัตรบุตร ติดต่อ [PHONE]',
        approved_satang: null,
        installments: null,
        updated_at: NOW,
      },
      {
        id: 'OA-2568-000106',
        national_id: '1101700207633',
        benefit: 'old_age',
        filed_date: '2025-02-03',
        status: 'rejected',
        decision_date: '2025-02-20',
        reason: 'อายุยังไม่ครบ 55 ปีบริบูรณ์',
        approved_satang: null,
        installments: null,
        updated_at: NOW,
      },
      {
        id: 'SC-2568-000101',
        national_id: '1101700207633',
        benefit: 'sickness',
        filed_date: '2025-03-02',
        status: 'paid',
        decision_date: '2025-03-20',
        reason: null,
        approved_satang: 375_000,
        installments: null,
        updated_at: NOW,
      },
    ]);
    expect(db.count('benefit_claim_history')).toBe(9);
    expect(
      all(
        "SELECT status, at, note FROM benefit_claim_history WHERE claim_id = 'MC-2568-000102' ORDER BY at",
      ),
    ).toEqual([
      { status: 'received', at: '2025-04-10', note: null },
      { status: 'more_documents', at: '2025-04-18', note: 'ขอสำเนาสูติบัตร ส่งภายใน [DATE]' },
    ]);
    expect(
      all(
        'SELECT claim_id, installment, amount_satang, pay_date, status, updated_at FROM benefit_payments ORDER BY claim_id, installment',
      ),
    ).toEqual([
      ...[1, 2, 3, 4, 5].map((installment) => ({
        claim_id: 'CA-2568-000103',
        installment,
        amount_satang: 80_000,
        pay_date: `2025-0${installment + 1}-25`,
        status: installment < 4 ? 'paid' : installment === 4 ? 'held' : 'scheduled',
        updated_at: NOW,
      })),
      {
        claim_id: 'SC-2568-000101',
        installment: 1,
        amount_satang: 375_000,
        pay_date: '2025-03-25',
        status: 'paid',
        updated_at: NOW,
      },
    ]);
    expect(all('pragma foreign_key_check')).toEqual([]);
  });

  it('re-importing the same files changes nothing and keeps updated_at', async () => {
    await loadBenefits();
    const snapshot = () => ({
      claims: all('SELECT * FROM benefit_claims ORDER BY id'),
      history: all('SELECT * FROM benefit_claim_history ORDER BY claim_id, at, status'),
      payments: all('SELECT * FROM benefit_payments ORDER BY claim_id, installment'),
    });
    const before = snapshot();
    for (const [dataset, file] of BENEFIT_FILES) {
      const report = ok(await db.import(dataset, fixture(file), { now: NOW + 60_000 }));
      expect(report).toMatchObject({ inserted: 0, updated: 0, unchanged: report.rows });
    }
    expect(snapshot()).toEqual(before);
  });

  it('a real change moves updated_at of that row only', async () => {
    await loadBenefits();
    const later = NOW + 3_600_000;
    const claims = readFileSync(fixture('benefit-claims.csv'), 'utf8').replace(
      'IN-2568-000105,3509900045670,invalidity,2025-04-01,reviewing,,,,',
      'IN-2568-000105,3509900045670,invalidity,2025-04-01,approved,2025-05-28,,"7,500",0',
    );
    const r1 = ok(await db.import('benefit-claims', db.write('bc.csv', claims), { now: later }));
    expect(r1).toMatchObject({ inserted: 0, updated: 1, unchanged: 5 });
    const stamp = db.store.sqlite.prepare(
      'SELECT id, status, approved_satang, installments, updated_at FROM benefit_claims WHERE updated_at != ?',
    );
    expect(stamp.all(NOW)).toEqual([
      {
        id: 'IN-2568-000105',
        status: 'approved',
        approved_satang: 750_000,
        installments: 0,
        updated_at: later,
      },
    ]);

    const payments = readFileSync(fixture('benefit-payments.csv'), 'utf8').replace(
      'CA-2568-000103,4,800,2025-05-25,held',
      'CA-2568-000103,4,800,2025-05-28,paid',
    );
    const r2 = ok(
      await db.import('benefit-payments', db.write('bp.csv', payments), { now: later }),
    );
    expect(r2).toMatchObject({ inserted: 0, updated: 1, unchanged: 5 });
    expect(
      db.store.sqlite
        .prepare(
          'SELECT installment, status, updated_at FROM benefit_payments WHERE updated_at != ?',
        )
        .all(NOW),
    ).toEqual([{ installment: 4, status: 'paid', updated_at: later }]);
  });

  it('stamps unemployment claims and payments the same way', async () => {
    await loadBefore(db, 'claims');
    ok(await db.import('claims', fixture('claims.csv'), { now: NOW }));
    ok(await db.import('claim-status', fixture('claim-status.csv'), { now: NOW }));
    ok(await db.import('payments', fixture('payments.csv'), { now: NOW }));
    const stamps = () => ({
      claims: all('SELECT id, status, updated_at FROM unemployment_claims ORDER BY id'),
      payments: all(
        'SELECT installment, status, updated_at FROM unemployment_payments ORDER BY installment',
      ),
    });
    expect(stamps()).toEqual({
      claims: [
        { id: 'UC-2024-000987', status: 'rejected', updated_at: NOW },
        { id: 'UC-2025-000123', status: 'paying', updated_at: NOW },
      ],
      payments: [
        { installment: 1, status: 'paid', updated_at: NOW },
        { installment: 2, status: 'scheduled', updated_at: NOW },
      ],
    });
    const later = NOW + 1000;
    ok(await db.import('claims', fixture('claims.csv'), { now: later }));
    ok(await db.import('payments', fixture('payments.csv'), { now: later }));
    const before = stamps();
    expect(before.claims.every((c) => (c as { updated_at: number }).updated_at === NOW)).toBe(true);
    const paid = readFileSync(fixture('payments.csv'), 'utf8').replace(
      '2025-04-05,scheduled,2025-03-31,',
      '2025-04-05,paid,2025-03-31,2025-03-30',
    );
    expect(ok(await db.import('payments', db.write('p.csv', paid), { now: later }))).toMatchObject({
      updated: 1,
      unchanged: 1,
    });
    expect(stamps().payments).toEqual([
      { installment: 1, status: 'paid', updated_at: NOW },
      { installment: 2, status: 'paid', updated_at: later },
    ]);
  });

  it('reports bad claim rows with their lines and writes nothing', async () => {
    await loadBefore(db, 'offices');
    const stranger = nationalId('170010033333');
    const file = db.write(
      'benefit-claims.csv',
      [
        'id,national_id,benefit,filed_date,status,decision_date,reason,approved_amount,installments',
        'X-1,1101700207633,sickness,2025-03-02,paid,2025-03-20,,1000,',
        'X-2,1101700207633,funeral,2025-03-02,done,,,,',
        'X-3,1101700207633,maternity,2025-03-10,approved,2025-03-01,,15000,',
        'X-4,1101700207633,sickness,2025-07-01,received,2025-07-02,,500,',
        'X-5,1101700207633,sickness,2025-03-02,paying,,,,',
        'X-6,1101700207633,sickness,2025-03-02,rejected,2025-03-09,ไม่มีสิทธิ,100,',
        'X-7,1101700207633,child_allowance,2025-03-02,paying,2025-03-09,,,12',
        'X-8,1101700207633,sickness,2025-03-02,paying,2025-03-09,,300,0',
        `X-9,${stranger},death,2025-03-02,received,,,,`,
        'UC-2025-000123,1101700207633,sickness,2025-03-02,received,,,,',
        'X-1,3101500123459,sickness,2025-03-02,received,,,,',
      ].join('\n'),
    );
    const report = await db.import('benefit-claims', file, { now: NOW });
    expect(errorLines(report)).toEqual([
      'benefit-claims.csv:3: benefit: must be one of sickness, maternity, child_allowance, invalidity, death, old_age, got "funeral"',
      'benefit-claims.csv:3: status: must be one of received, reviewing, more_documents, approved, rejected, paying, paid, closed, got "done"',
      'benefit-claims.csv:4: decision_date: is before filed_date',
      'benefit-claims.csv:5: filed_date: is in the future',
      'benefit-claims.csv:5: decision_date: is in the future',
      'benefit-claims.csv:5: approved_amount: must be empty while the claim is received',
      'benefit-claims.csv:6: decision_date: is required for a claim that is paying',
      'benefit-claims.csv:7: approved_amount: must be empty while the claim is rejected',
      'benefit-claims.csv:8: installments: goes with approved_amount (the amount of one installment)',
      'benefit-claims.csv:9: installments: 0 (for life) is only for old_age and invalidity',
      `benefit-claims.csv:10: national_id: no insured person 1-7001-xxxxx-xx-${stranger[12]} (import persons first)`,
      'benefit-claims.csv:11: id: "UC-2025-000123" is already an unemployment claim (claims): use its own number',
      'benefit-claims.csv:12: duplicate of line 2 (same id)',
    ]);
    expect(formatImportReport(report).join('\n')).not.toContain(stranger);
    expect(db.count('benefit_claims')).toBe(0);
  });

  it('reports bad history and payment rows against their claim', async () => {
    await loadBefore(db, 'offices');
    ok(await db.import('benefit-claims', fixture('benefit-claims.csv'), { now: NOW }));
    const history = db.write(
      'h.csv',
      [
        'claim_id,status,at,note',
        'SC-2568-000101,received,2025-03-02,',
        'NOPE-1,received,2025-03-02,',
        'SC-2568-000101,reviewing,2025-02-01,',
        'SC-2568-000101,paid,2025-07-01,',
        'SC-2568-000101,closing,2025-03-30,',
      ].join('\n'),
    );
    expect(errorLines(await db.import('benefit-claim-status', history, { now: NOW }))).toEqual([
      'h.csv:3: claim_id: no benefit claim "NOPE-1" (import benefit-claims first)',
      'h.csv:4: at: is before the claim was filed (2025-03-02)',
      'h.csv:5: at: is in the future',
      'h.csv:6: status: must be one of received, reviewing, more_documents, approved, rejected, paying, paid, closed, got "closing"',
    ]);
    expect(db.count('benefit_claim_history')).toBe(0);

    const payments = db.write(
      'p.csv',
      [
        'claim_id,installment,amount,pay_date,status',
        'CA-2568-000103,1,800,2025-02-25,paid',
        'CA-2568-000103,73,800,2031-01-25,scheduled',
        'DC-2568-000104,1,50000,2025-05-31,paid',
        'IN-2568-000105,1,7500,2025-05-01,scheduled',
        'NOPE-2,1,100,2025-03-01,paid',
        'SC-2568-000101,1,3750,2025-03-01,paid',
        'CA-2568-000103,2,800,2025-06-25,paid',
        'CA-2568-000103,0,-5,2025-06-25,sent',
      ].join('\n'),
    );
    expect(errorLines(await db.import('benefit-payments', payments, { now: NOW }))).toEqual([
      'p.csv:3: installment: is beyond the 72 installments approved',
      'p.csv:4: claim_id: the claim is rejected: it has no payments (import its new status first)',
      'p.csv:5: claim_id: the claim is reviewing: it has no payments (import its new status first)',
      'p.csv:6: claim_id: no benefit claim "NOPE-2" (import benefit-claims first)',
      'p.csv:7: pay_date: is before the claim was filed (2025-03-02)',
      'p.csv:8: pay_date: is in the future for a paid installment',
      'p.csv:9: installment: must be a whole number from 1 to 1000, got "0"',
      'p.csv:9: amount: must not be negative',
      'p.csv:9: status: must be one of scheduled, paid, held, got "sent"',
    ]);
    expect(db.count('benefit_payments')).toBe(0);
  });

  it('an unemployment claim number that is already a benefit claim is refused', async () => {
    await loadBefore(db, 'claims');
    ok(await db.import('benefit-claims', fixture('benefit-claims.csv'), { now: NOW }));
    const file = db.write(
      'claims.csv',
      'id,national_id,cause,last_work_date,filed_date,status\nSC-2568-000101,1101700207633,laid_off,2025-01-31,2025-02-05,filed\n',
    );
    expect(errorLines(await db.import('claims', file))).toEqual([
      'claims.csv:2: id: "SC-2568-000101" is already a benefit claim (benefit-claims): use its own number',
    ]);
  });

  it('reads the same claims from JSONL', async () => {
    await loadBefore(db, 'offices');
    const file = db.write(
      'benefit-claims.jsonl',
      [
        '{"id":"SC-1","national_id":"1-1017-00207-63-3","benefit":"Sickness","filed_date":"2568-03-02","status":"PAID","decision_date":"2025-03-20","approved_amount":3750}',
        '',
        '{"id":"OA-1","national_id":"3101500123459","benefit":"old_age","filed_date":"2025-03-02","status":"paying","decision_date":"2025-03-20","approved_amount":"4,125.50","installments":0,"reason":null}',
      ].join('\n'),
    );
    ok(await db.import('benefit-claims', file, { now: NOW }));
    expect(
      all(
        'SELECT id, benefit, filed_date, status, approved_satang, installments FROM benefit_claims ORDER BY id',
      ),
    ).toEqual([
      {
        id: 'OA-1',
        benefit: 'old_age',
        filed_date: '2025-03-02',
        status: 'paying',
        approved_satang: 412_550,
        installments: 0,
      },
      {
        id: 'SC-1',
        benefit: 'sickness',
        filed_date: '2025-03-02',
        status: 'paid',
        approved_satang: 375_000,
        installments: null,
      },
    ]);
  });
});
