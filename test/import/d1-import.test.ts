/**
 * The importer on D1 (issue 15, item 3): the same `importFile` through the app's D1 store, on a
 * local D1 (wrangler's getPlatformProxy on a temporary persist directory, migrated by
 * `wrangler d1 migrations apply`, as `import --d1 --local` opens it), side by side with
 * better-sqlite3. Then the CLI itself: `import … --d1 --local`, `seed --d1 --local`, and the
 * one-line failure of `--remote` when it cannot connect.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliD1, openCliD1 } from '../../src/cli/import.ts';
import { parseSeedArgs } from '../../src/cli/seed.ts';
import { formatImportReport, type ImportOptions, importFile } from '../../src/import/index.ts';
import type { BatchQuery, Store } from '../../src/store/db.ts';
import { DEMO_TABLES } from '../../src/store/demo-data.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { importStaging } from '../../src/store/schema.ts';
import { DEMO_SEED_VERSION, isSeeded, seedDemoData } from '../../src/store/seed.ts';
import { fixture, LOAD_ORDER, nationalId } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const NOW = Date.parse('2025-06-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'sso-d1-import-'));

function wrangler(...args: string[]) {
  const r = spawnSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A local D1 in its own persist directory, migrated as an operator does it. */
function migratedD1(name: string): string {
  const persist = join(dir, name);
  wrangler('d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist);
  return persist;
}

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The tables the fixtures load, children first. */
const TABLES = [
  'benefit_payments',
  'benefit_claim_history',
  'benefit_claims',
  'unemployment_payments',
  'claim_status_history',
  'unemployment_claims',
  'hospital_registrations',
  'contributions',
  'identity_documents',
  'insured_persons',
  'hospitals',
  'employers',
  'import_staging',
] as const;

const ORDER: Record<string, string> = {
  employers: 'id',
  hospitals: 'id',
  insured_persons: 'id',
  contributions: 'person_id, period, payer_id',
  hospital_registrations: 'id',
  unemployment_claims: 'id',
  claim_status_history: 'claim_id, at, status',
  unemployment_payments: 'claim_id, installment',
  benefit_claims: 'id',
  benefit_claim_history: 'claim_id, at, status',
  benefit_payments: 'claim_id, installment',
  identity_documents: 'id',
  import_staging: 'import_id, seq',
};

/** One database under test: the store, and plain SQL on it for the checks. */
interface Db {
  name: string;
  store: Store;
  all(sql: string): Promise<Record<string, unknown>[]>;
  run(sql: string): Promise<void>;
}

const nodeDb = (store: NodeStore): Db => ({
  name: 'better-sqlite3',
  store,
  all: async (sql) => store.sqlite.prepare(sql).all() as Record<string, unknown>[],
  run: async (sql) => void store.sqlite.prepare(sql).run(),
});

const d1Db = (d1: CliD1): Db => ({
  name: 'D1',
  store: d1.store,
  all: async (sql) => (await d1.binding.prepare(sql).all<Record<string, unknown>>()).results,
  run: async (sql) => void (await d1.binding.prepare(sql).run()),
});

const count = async (db: Db, table: string) =>
  Number((await db.all(`select count(*) as n from "${table}"`))[0]!.n);

/** Every row of the fixture tables, laser hashes aside (each has its own random salt). */
async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = await db.all(`select * from "${table}" order by ${ORDER[table]}`);
    out[table] = rows.map(({ laser_code_hash: _hash, ...rest }) => rest);
  }
  return out;
}

async function wipe(db: Db): Promise<void> {
  for (const table of TABLES) await db.run(`delete from "${table}"`);
}

const BENEFITS = [
  ['benefit-claims', 'benefit-claims.csv'],
  ['benefit-claim-status', 'benefit-claim-status.csv'],
  ['benefit-payments', 'benefit-payments.csv'],
] as const;
const ALL_FIXTURES = [...LOAD_ORDER, ...BENEFITS];

async function loadAll(db: Db, options: ImportOptions = {}) {
  const counts: unknown[] = [];
  for (const [dataset, file] of ALL_FIXTURES) {
    const report = await importFile(db.store, dataset, fixture(file), { now: NOW, ...options });
    expect(report.errors, `${db.name} ${file}`).toEqual([]);
    counts.push([dataset, report.inserted, report.updated, report.unchanged, report.written]);
  }
  return counts;
}

/** 1,000 persons … and `perPerson` months of contributions each (a CSV). */
function bigContributions(people: number, perPerson: number) {
  const hash =
    'pbkdf2-sha256$100000$c3NvLWR1bW15LXNhbHQtMQ==$wLuv53PP+6KjU3CvpQKuD+44Z7xmYJu17Rs3yR3Ko5U=';
  const ids = Array.from({ length: people }, (_, i) =>
    nationalId(`3${String(i).padStart(11, '0')}`),
  );
  const persons = write(
    'big-persons.csv',
    `national_id,first_name_th,last_name_th,birth_date,section,laser_code_hash\n${ids
      .map((id) => `${id},ก,ข,1980-01-01,39,${hash}`)
      .join('\n')}\n`,
  );
  const lines = ['national_id,period,payer_id,wage,employee_amount,government_amount,paid_date'];
  for (const id of ids) {
    for (let m = 0; m < perPerson; m++) {
      const period = `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      lines.push(`${id},${period},self,4800,432,120,${period}-15`);
    }
  }
  return { persons, contributions: write('big-contributions.csv', `${lines.join('\n')}\n`) };
}

/** Counts the store's batches (each one D1 round trip, atomic on its own). */
function countingBatches(store: Store): { store: Store; batches: () => number } {
  let n = 0;
  return {
    store: {
      db: store.db,
      ping: () => store.ping(),
      batch: (queries: readonly BatchQuery[]) => {
        n++;
        return store.batch(queries);
      },
    },
    batches: () => n,
  };
}

let d1: CliD1;
let node: NodeStore;
let dbs: Db[];

beforeAll(async () => {
  const persist = migratedD1('d1');
  d1 = await openCliD1({ remote: false, persistTo: persist });
  node = openNodeStore(join(dir, 'node.sqlite'));
  migrateNodeStore(node);
  dbs = [nodeDb(node), d1Db(d1)];
}, 120_000);

afterAll(async () => {
  await d1?.close();
  node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('importFile on D1, side by side with better-sqlite3', () => {
  it('loads every fixture with the same counts and the same rows, and a re-import changes nothing', async () => {
    const [onNode, onD1] = dbs as [Db, Db];
    await wipe(onNode);
    await wipe(onD1);
    // A dry run first: counted, nothing written.
    const dry = await importFile(onD1.store, 'employers', fixture('employers.csv'), {
      dryRun: true,
    });
    expect(dry).toMatchObject({ inserted: 2, written: false });
    expect(await count(onD1, 'employers')).toBe(0);

    const nodeCounts = await loadAll(onNode);
    const d1Counts = await loadAll(onD1);
    expect(d1Counts).toEqual(nodeCounts);
    expect(d1Counts).toContainEqual(['persons', 3, 0, 0, true]);
    expect(d1Counts).toContainEqual(['contributions', 4, 0, 0, true]);
    const rows = await dump(onD1);
    expect(rows).toEqual(await dump(onNode));
    expect(rows.contributions).toHaveLength(4);
    expect(rows.import_staging).toEqual([]);

    // Again, later: everything unchanged, no row written (updated_at kept).
    const again = await loadAll(onD1, { now: NOW + 60_000 });
    for (const [dataset, inserted, updated, unchanged] of again as [
      string,
      number,
      number,
      number,
    ][]) {
      expect({ dataset, inserted, updated, unchanged: unchanged > 0 }).toEqual({
        dataset,
        inserted: 0,
        updated: 0,
        unchanged: true,
      });
    }
    expect(await dump(onD1)).toEqual(rows);

    // A real change updates that row only, and stamps it.
    const claims = readFileSync(fixture('benefit-claims.csv'), 'utf8').replace(
      'IN-2568-000105,3509900045670,invalidity,2025-04-01,reviewing,,,,',
      'IN-2568-000105,3509900045670,invalidity,2025-04-01,approved,2025-05-28,,"7,500",0',
    );
    const changed = await importFile(onD1.store, 'benefit-claims', write('bc.csv', claims), {
      now: NOW + 120_000,
    });
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 5 });
    expect(
      await onD1.all('select id, status, updated_at from benefit_claims where updated_at != 0'),
    ).toContainEqual({ id: 'IN-2568-000105', status: 'approved', updated_at: NOW + 120_000 });
    // No AUTOINCREMENT id was spent on the re-imported persons.
    expect(
      await onD1.all("select seq from sqlite_sequence where name = 'insured_persons'"),
    ).toEqual([{ seq: 3 }]);
  }, 60_000);

  it('a file with bad rows writes nothing and reports their lines', async () => {
    for (const db of dbs) {
      await wipe(db);
      await importFile(db.store, 'employers', fixture('employers.csv'));
      const report = await importFile(db.store, 'persons', fixture('persons-bad.csv'));
      expect(formatImportReport(report), db.name).toEqual([
        'persons-bad.csv:3: national_id: checksum is invalid',
        'persons-bad.csv:5: section: must be one of 33, 39, 40, got "41"',
        'persons-bad.csv:8: birth_date: is not a valid date, got "1990-02-30"',
        'persons-bad.csv: 3 errors; nothing was imported',
      ]);
      expect(report.written).toBe(false);
      expect(await count(db, 'insured_persons')).toBe(0);

      // A reference that is not there (line 3), found only by a lookup in the database.
      const stranger = nationalId('170010033333');
      const contributions = write(
        'bad-ref.csv',
        `national_id,period,payer_id,wage,employee_amount\n${stranger},2025-03,self,4800,432\n`,
      );
      await importFile(db.store, 'persons', fixture('persons.csv'));
      const refs = await importFile(db.store, 'contributions', contributions);
      expect(
        refs.errors.map((e) => [e.line, e.column]),
        db.name,
      ).toEqual([[2, 'national_id']]);
      expect(await count(db, 'contributions')).toBe(0);
      expect(await count(db, 'import_staging')).toBe(0);
    }
  }, 60_000);

  it('loads a file larger than one batch completely (3,000 contributions, staged in many batches)', async () => {
    const files = bigContributions(100, 30);
    for (const db of dbs) {
      await wipe(db);
      const persons = await importFile(db.store, 'persons', files.persons);
      expect(persons.inserted).toBe(100);
      const counted = countingBatches(db.store);
      // Small chunks and batches: the same code path a national-size file takes at D1's limits.
      const limits = { statementBytes: 4_000, batchBytes: 20_000 };
      const report = await importFile(counted.store, 'contributions', files.contributions, {
        limits,
      });
      expect(report, db.name).toMatchObject({ rows: 3000, inserted: 3000, written: true });
      expect(counted.batches(), db.name).toBeGreaterThan(10);
      expect(await count(db, 'contributions')).toBe(3000);
      expect(await count(db, 'import_staging')).toBe(0);
      const again = await importFile(db.store, 'contributions', files.contributions, { limits });
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3000 });
    }
  }, 120_000);

  it('a failure at the final step leaves the tables as they were (and no staged rows)', async () => {
    for (const db of dbs) {
      await wipe(db);
      for (const [dataset, file] of LOAD_ORDER.slice(0, 4)) {
        await importFile(db.store, dataset, fixture(file), { now: NOW });
      }
      const before = await dump(db);
      expect(before.contributions).toHaveLength(4);
      // One changed row, one new row: the UPDATE and the INSERT both run in the final batch,
      // then a statement after them fails; the whole batch must be undone.
      const text = `${readFileSync(fixture('contributions.csv'), 'utf8')
        .replace('412.50', '412.75')
        .trimEnd()}\n3101500123459,2025-06,self,4800,432,0,120,0,\n`;
      const failing = (queries: BatchQuery[]) => [
        ...queries,
        db.store.db
          .insert(importStaging)
          .values({ importId: 'x', seq: 0, tableName: 'x', rows: null as never, createdAt: 0 }),
      ];
      await expect(
        importFile(db.store, 'contributions', write('c.csv', text), {
          now: NOW,
          finalBatch: failing,
        }),
        db.name,
      ).rejects.toThrow(/NOT NULL/i);
      expect(await dump(db), db.name).toEqual(before);

      // A staged chunk gone before the final step (retention pruned a stalled import, say):
      // the move checks that every chunk is there, so nothing moves.
      const pruned = (queries: BatchQuery[]) => [
        db.store.db.delete(importStaging).where(eq(importStaging.seq, 1)),
        ...queries,
      ];
      await expect(
        importFile(db.store, 'contributions', write('c.csv', text), {
          now: NOW,
          finalBatch: pruned,
          limits: { statementBytes: 200 },
        }),
        db.name,
      ).rejects.toThrow(/not all there at the final step \(\d+ of \d+ chunks/);
      expect(await dump(db), db.name).toEqual(before);

      // Without the fault the same file goes in.
      const report = await importFile(db.store, 'contributions', write('c.csv', text), {
        now: NOW,
      });
      expect(report, db.name).toMatchObject({ inserted: 1, updated: 1, unchanged: 3 });
    }
  }, 60_000);
});

describe('the demo seed on D1', () => {
  it('writes the same rows as on better-sqlite3, through the store or prepared statements', async () => {
    const now = new Date('2026-05-20T03:00:00Z');
    const people = 40;
    const viaStore = openNodeStore(join(dir, 'seed-store.sqlite'));
    const viaPrepared = openNodeStore(join(dir, 'seed-prepared.sqlite'));
    try {
      migrateNodeStore(viaStore);
      migrateNodeStore(viaPrepared);
      const onD1 = d1Db(d1);
      // Small chunks and batches on D1: many batches, the same rows.
      const seeded = await seedDemoData(d1.store, {
        people,
        now,
        force: true,
        limits: { statementBytes: 8_000, batchBytes: 40_000 },
      });
      expect(seeded.seeded).toBe(true);
      await seedDemoData(viaStore, { people, now });
      await seedDemoData(viaPrepared, { people, now, prepared: viaPrepared.sqlite });
      for (const table of DEMO_TABLES) {
        // Real hospitals (the import tests' ones) are kept by the seed; demo ones compared.
        const where = table === 'hospitals' ? ' where is_demo = 1' : '';
        const sql = `select * from "${table}"${where} order by rowid`;
        const expected = viaPrepared.sqlite.prepare(sql).all();
        expect(viaStore.sqlite.prepare(sql).all(), table).toEqual(expected);
        expect(await onD1.all(sql), table).toEqual(expected);
      }
      expect(await count(onD1, 'insured_persons')).toBe(people);
      expect(await onD1.all('pragma foreign_key_check')).toEqual([]);
      expect(await isSeeded(d1.store)).toBe(true);
      // Seeded once: a second run leaves it alone.
      expect((await seedDemoData(d1.store, { people, now })).seeded).toBe(false);
    } finally {
      viaStore.close();
      viaPrepared.close();
    }
  }, 60_000);
});

describe('the CLI on a local D1', () => {
  const cli = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('staff add … --d1 --local creates a console account in the D1 the console Worker uses', async () => {
    const persist = migratedD1('staff');
    const env = { DATABASE_PATH: join(dir, 'never-staff.sqlite') };
    const add = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/index.ts',
        'staff',
        'add',
        'boss@sso.go.th',
        '--role',
        'supervisor',
        '--d1',
        '--local',
        '--persist-to',
        persist,
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env },
        encoding: 'utf8',
        timeout: 120_000,
        input: 'a-long-enough-password-9\n',
      },
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('added boss@sso.go.th (supervisor)');
    const list = cli(env, 'staff', 'list', '--d1', '--local', '--persist-to', persist);
    expect(list.stdout).toMatch(/^boss@sso\.go\.th\tsupervisor\tactive\tno-totp/m);
    const opened = await openCliD1({ remote: false, persistTo: persist });
    try {
      const rows = await d1Db(opened).all(
        "select role, password_hash, (select actor from staff_audit where action = 'staff.create') as actor from staff_accounts",
      );
      expect(rows).toEqual([
        {
          role: 'supervisor',
          password_hash: expect.stringMatching(/^pbkdf2-sha256-chain\$6\$100000\$/),
          actor: 'cli',
        },
      ]);
    } finally {
      await opened.close();
    }
    expect(() => readFileSync(env.DATABASE_PATH)).toThrow();
  }, 120_000);

  it('import … --d1 --local loads the rows the binding then shows; seed --d1 seeds it', async () => {
    const persist = migratedD1('cli');
    // DATABASE_PATH is not touched: it points at a file that must not appear.
    const env = { DATABASE_PATH: join(dir, 'never.sqlite') };
    const employers = cli(
      env,
      'import',
      'employers',
      fixture('employers.csv'),
      '--d1',
      '--local',
      '--persist-to',
      persist,
    );
    expect(employers.stderr).toBe('');
    expect(employers.stdout).toBe('employers.csv: employers: inserted 2, updated 0, unchanged 0\n');
    expect(employers.status).toBe(0);
    const seeded = cli(env, 'seed', '--d1', '--persist-to', persist, '--people', '20', '--force');
    expect(seeded.stderr).toBe('');
    expect(seeded.stdout).toContain(`seeded demo data v${DEMO_SEED_VERSION} into the local D1 in`);
    expect(seeded.status).toBe(0);

    const opened = await openCliD1({ remote: false, persistTo: persist });
    try {
      const db = d1Db(opened);
      expect(await isSeeded(opened.store)).toBe(true);
      expect(await count(db, 'insured_persons')).toBe(20);
      expect(await count(db, 'contributions')).toBeGreaterThan(200);
      expect(await db.all('pragma foreign_key_check')).toEqual([]);
      // Next to the employers the import loaded (the seed found no people, so wiped nothing).
      expect(await db.all("select id from employers where id = '2000045678'")).toHaveLength(1);
      expect(await count(db, 'employers')).toBe(2 + 50);
    } finally {
      await opened.close();
    }
    expect(() => readFileSync(env.DATABASE_PATH)).toThrow();

    // Not migrated: one line naming the command that fixes it.
    const empty = cli(
      env,
      'import',
      'employers',
      fixture('employers.csv'),
      '--d1',
      '--persist-to',
      join(dir, 'empty'),
    );
    expect(empty.status).toBe(1);
    expect(empty.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^import: the local D1 in .*empty is not migrated .*: run npx wrangler d1 migrations apply DB --local --persist-to /,
      ),
    ]);
  }, 180_000);

  it('parses --d1 and its options (seed and import alike)', () => {
    expect(parseSeedArgs(['--d1', '--persist-to', '/tmp/x', '--people', '30'])).toEqual({
      people: 30,
      force: false,
      d1: { remote: false, persistTo: '/tmp/x' },
    });
    expect(parseSeedArgs(['--d1', '--remote', '--config=w.json', '--force'])).toEqual({
      people: 2000,
      force: true,
      d1: { remote: true, config: 'w.json' },
    });
    expect(parseSeedArgs([])).toEqual({ people: 2000, force: false });
    expect(parseSeedArgs(['--d1', '--sql', 'x.sql'])).toBe('give --d1 or --sql, not both');
    expect(parseSeedArgs(['--remote'])).toMatch(/go with --d1/);
    expect(parseSeedArgs(['--d1', '--remote', '--persist-to', 'x'])).toMatch(/--local only/);
    expect(parseSeedArgs(['--d1', '--persist-to'])).toMatch(/needs a directory/);
  });

  it('import … --d1 --remote that cannot connect fails with one line', () => {
    // A configuration with a real-looking database id, and no Cloudflare credentials at all.
    const home = mkdtempSync(join(dir, 'home-'));
    const config = write(
      'remote.json',
      JSON.stringify({
        name: 'sso-line-assistant',
        compatibility_date: '2026-11-01',
        d1_databases: [
          {
            binding: 'DB',
            database_name: 'sso-bot',
            database_id: '11111111-2222-3333-4444-555555555555',
          },
        ],
      }),
    );
    const r = cli(
      { HOME: home, XDG_CONFIG_HOME: home },
      'import',
      'employers',
      fixture('employers.csv'),
      '--d1',
      '--remote',
      '--config',
      config,
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^import: cannot connect to the remote D1 sso-bot \(npx wrangler login/,
    );
    // Options that do not go together are refused before anything is opened.
    const both = cli(
      {},
      'import',
      'employers',
      fixture('employers.csv'),
      '--d1',
      '--local',
      '--remote',
    );
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give --local or --remote, not both');
  }, 60_000);
});
