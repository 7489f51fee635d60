/**
 * `npm run cli -- seed [--people N] [--now ISO] [--force]`: migrates DATABASE_PATH and seeds the
 * deterministic demo data. `--force` wipes the demo tables (and account links) and seeds again
 * even when this version is already there.
 *
 * `seed --d1 [--local [--persist-to DIR] | --remote] [--config FILE] [--people N] [--now ISO]
 * [--force]`: the same seed into the Worker's D1 (binding `DB`), through the same store code
 * (src/cli/import.ts `openCliD1`: wrangler's getPlatformProxy; the D1 must be migrated).
 * `npm run dev:worker` seeds its local D1 this way.
 *
 * `seed --sql FILE [--people N] [--now ISO]`: the same rows as SQL text instead (for
 * `wrangler d1 execute --file`; the Worker bench loads its D1 with it). The seeder fills a
 * temporary SQLite file and its demo tables are written out as `INSERT` statements, each under
 * D1's statement-size limit, after `DELETE`s of any earlier demo rows (as `--force` does) and
 * with the `meta` demo-seed record last. DATABASE_PATH is not touched.
 */
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { parseConfig } from '../config.ts';
import { DEFAULT_DEMO_PEOPLE, DEMO_TABLES } from '../store/demo-data.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';
import {
  DEMO_SEED_VERSION,
  type SeedOptions,
  type SeedReport,
  seedDemoData,
} from '../store/seed.ts';
import {
  D1OpenError,
  type D1Target,
  d1TargetOf,
  newD1Args,
  openCliD1,
  parseD1Arg,
} from './import.ts';

const USAGE =
  'usage: npm run cli -- seed [--people N] [--now ISO-date] [--force]\n' +
  '       npm run cli -- seed --d1 [--local [--persist-to DIR] | --remote] [--config FILE]\n' +
  "                               [--people N] [--now ISO-date] [--force]   (the Worker's D1)\n" +
  '       npm run cli -- seed --sql FILE [--people N] [--now ISO-date]   (SQL for D1; - = stdout)\n';

export interface SeedArgs {
  people: number;
  force: boolean;
  /** Write the demo data as SQL for D1 to this file (`-`: stdout) instead of seeding. */
  sql?: string;
  /** Seed the Worker's D1 instead of DATABASE_PATH. */
  d1?: D1Target;
  /** The date the data is generated for (default: now). */
  now?: Date;
}

export function parseSeedArgs(args: readonly string[]): SeedArgs | string {
  let people = DEFAULT_DEMO_PEOPLE;
  let force = false;
  let sql: string | undefined;
  let now: Date | undefined;
  const d1 = newD1Args();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const took = parseD1Arg(args, i, d1);
    if (typeof took === 'string') return took;
    if (took > 0) {
      i += took - 1;
      continue;
    }
    const optionValue = (name: string): string | undefined =>
      arg === name ? args[++i] : arg.slice(name.length + 1);
    if (arg === '--force') force = true;
    else if (arg === '--people' || arg.startsWith('--people=')) {
      const value = optionValue('--people');
      const n = Number(value?.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
        return `--people needs a whole number from 1 to 10000000, got "${value ?? ''}"`;
      }
      people = n;
    } else if (arg === '--sql' || arg.startsWith('--sql=')) {
      const value = optionValue('--sql');
      if (!value) return '--sql needs a file name (or - for stdout)';
      sql = value;
    } else if (arg === '--now' || arg.startsWith('--now=')) {
      const value = optionValue('--now');
      const date = new Date(value ?? '');
      if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
        return `--now needs an ISO date or time (e.g. 2026-12-04T10:00:00Z), got "${value ?? ''}"`;
      }
      now = date;
    } else if (arg === '--help' || arg === '-h') return '';
    else return `unknown argument "${arg}"`;
  }
  if (sql !== undefined && force) {
    return '--force does not apply to --sql (the SQL always replaces earlier demo rows)';
  }
  const target = d1TargetOf(d1);
  if (typeof target === 'string') return target;
  if (target && sql !== undefined) return 'give --d1 or --sql, not both';
  return {
    people,
    force,
    ...(sql !== undefined ? { sql } : {}),
    ...(target ? { d1: target } : {}),
    ...(now ? { now } : {}),
  };
}

/** Seeds the Worker's D1 (`seed --d1`, `npm run dev:worker`); throws D1OpenError. */
export async function seedD1(
  target: D1Target,
  options: SeedOptions,
): Promise<{ report: SeedReport; where: string }> {
  const d1 = await openCliD1(target);
  try {
    return { report: await seedDemoData(d1.store, options), where: d1.where };
  } finally {
    await d1.close();
  }
}

export async function run(args: string[] = []): Promise<number> {
  const parsed = parseSeedArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) process.stderr.write(`${parsed}\n`);
    (parsed ? process.stderr : process.stdout).write(USAGE);
    return parsed ? 2 : 0;
  }
  if (parsed.sql !== undefined) return runSql(parsed, parsed.sql);
  const tty = process.stderr.isTTY;
  const options: SeedOptions = {
    people: parsed.people,
    force: parsed.force,
    ...(parsed.now ? { now: parsed.now } : {}),
    onProgress: (done, total) => {
      if (tty)
        process.stderr.write(
          `\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} people`,
        );
    },
  };
  if (parsed.d1) {
    try {
      const { report, where } = await seedD1(parsed.d1, options);
      if (tty) process.stderr.write('\n');
      printReport(report, where);
      return 0;
    } catch (err) {
      if (!(err instanceof D1OpenError)) throw err;
      process.stderr.write(`seed: ${err.message}\n`);
      return 1;
    }
  }
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const report = await seedDemoData(store, options);
    if (tty) process.stderr.write('\n');
    printReport(report, config.databasePath);
  } finally {
    store.close();
  }
  return 0;
}

function printReport(report: SeedReport, where: string): void {
  if (!report.seeded) {
    process.stdout.write(
      `${where}: nothing seeded (${report.reason ?? 'already seeded'}; demo data v${report.version || '?'}). Use --force to seed again.\n`,
    );
    return;
  }
  const c = report.counts!;
  const rows: [string, number][] = [
    ['employers', c.employers],
    ['hospitals', c.hospitals],
    ['insured_persons', c.insuredPersons],
    ['contributions', c.contributions],
    ['hospital_registrations', c.hospitalRegistrations],
    ['unemployment_claims', c.unemploymentClaims],
    ['claim_status_history', c.claimStatusHistory],
    ['unemployment_payments', c.unemploymentPayments],
    ['benefit_claims', c.benefitClaims],
    ['benefit_claim_history', c.benefitClaimHistory],
    ['benefit_payments', c.benefitPayments],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  let out = `seeded demo data v${report.version} into ${where}\n`;
  for (const [name, n] of rows)
    out += `  ${name.padEnd(width)}  ${n.toLocaleString('en').padStart(11)}\n`;
  out += `elapsed ${((report.elapsedMs ?? 0) / 1000).toFixed(1)} s\n`;
  process.stdout.write(out);
}

async function runSql(args: SeedArgs, file: string): Promise<number> {
  const started = performance.now();
  const { statements, rows } = await writeDemoDataSql(file, {
    people: args.people,
    ...(args.now ? { now: args.now } : {}),
  });
  // With `-` the SQL went to stdout: the summary goes to stderr.
  (file === '-' ? process.stderr : process.stdout).write(
    `demo data v${DEMO_SEED_VERSION} (${args.people.toLocaleString('en')} people) as SQL for D1: ` +
      `${rows.toLocaleString('en')} rows in ${statements.toLocaleString('en')} statements` +
      `${file === '-' ? '' : ` in ${file}`} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Demo data as SQL for D1

/**
 * D1 refuses a statement longer than 100,000 bytes (UTF-8): each multi-row INSERT stays under
 * this, with room to spare.
 */
export const D1_SQL_STATEMENT_MAX_BYTES = 90_000;
/** Rows per INSERT at most, however short they are. */
const ROWS_PER_INSERT = 500;
/** The meta keys the demo seed owns (src/store/seed.ts). */
const SEED_META_KEYS = ['demo_seed', 'demo_seed_params', 'demo_seed_in_progress'] as const;

export interface DemoSqlOptions {
  people?: number;
  now?: Date;
  /** Statement size limit in bytes (tests lower it). */
  maxStatementBytes?: number;
}

/**
 * Seeds the demo data into a temporary SQLite file with the Node seeder (the same rows, byte
 * for byte, as `seed` writes for the same people and date) and writes them to `file` as SQL for
 * D1: DELETEs of earlier demo rows, INSERTs parents first, and the demo-seed meta record last.
 */
export async function writeDemoDataSql(
  file: string,
  options: DemoSqlOptions = {},
): Promise<{ statements: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sso-demo-sql-'));
  const store = openNodeStore(join(dir, 'demo.sqlite'));
  const fd = file === '-' ? undefined : openSync(file, 'w');
  try {
    migrateNodeStore(store);
    // A throwaway file read back as SQL (the Worker bench's loader): the prepared-statement
    // writer, the same rows in half the time.
    const report = await seedDemoData(store, {
      people: options.people ?? DEFAULT_DEMO_PEOPLE,
      ...(options.now ? { now: options.now } : {}),
      prepared: store.sqlite,
    });
    if (!report.seeded) throw new Error(`the demo seed wrote nothing: ${report.reason ?? '?'}`);
    let statements = 0;
    let rows = 0;
    // stdout may be a pipe: written with its backpressure, not writeSync (EAGAIN).
    const write = async (text: string) => {
      if (fd !== undefined) writeSync(fd, text);
      else if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    };
    for (const statement of demoDataSql(store.sqlite, options.maxStatementBytes)) {
      await write(statement);
      if (!statement.startsWith('--')) statements++;
    }
    for (const table of DEMO_TABLES) {
      rows += (store.sqlite.prepare(`select count(*) as n from "${table}"`).get() as { n: number })
        .n;
    }
    return { statements, rows };
  } finally {
    if (fd !== undefined) closeSync(fd);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The demo rows of a freshly seeded database as SQL statements (each ending in `;\n`, comments
 * as `-- …\n`), in the order to run them.
 */
export function* demoDataSql(
  sqlite: Database.Database,
  maxStatementBytes: number = D1_SQL_STATEMENT_MAX_BYTES,
): Generator<string> {
  const getMeta = sqlite.prepare('select value from meta where key = ?').pluck();
  const version = getMeta.get('demo_seed') as string | undefined;
  const params = getMeta.get('demo_seed_params') as string | undefined;
  if (version === undefined || params === undefined) throw new Error('no demo data seeded');
  yield `-- SSO LINE assistant demo data v${version} ${params}, for D1 (npm run cli -- seed --sql).\n`;
  yield '-- Replaces earlier demo rows and the account links that point at them (as seed --force).\n';
  // Children first (DEMO_TABLES' order); real (non-demo) hospitals stay.
  for (const table of DEMO_TABLES) {
    yield table === 'hospitals'
      ? 'DELETE FROM "hospitals" WHERE "is_demo" = 1;\n'
      : `DELETE FROM "${table}";\n`;
  }
  yield `DELETE FROM "meta" WHERE "key" IN (${SEED_META_KEYS.map(sqlLiteral).join(', ')});\n`;
  // Parents first.
  for (const table of [...DEMO_TABLES].reverse()) {
    const columns = (
      sqlite.prepare(`select name from pragma_table_info(?) order by cid`).all(table) as {
        name: string;
      }[]
    ).map((c) => c.name);
    const where = table === 'hospitals' ? ' where "is_demo" = 1' : '';
    const select = sqlite
      .prepare(`select ${columns.map(quoteName).join(', ')} from "${table}"${where}`)
      .raw(true)
      .safeIntegers(true);
    const head = `INSERT INTO "${table}" (${columns.map(quoteName).join(', ')}) VALUES\n`;
    const headBytes = Buffer.byteLength(head);
    let values: string[] = [];
    let bytes = headBytes;
    for (const row of select.iterate() as Iterable<unknown[]>) {
      const tuple = `(${row.map(sqlLiteral).join(', ')})`;
      const tupleBytes = Buffer.byteLength(tuple) + 2; // ",\n" or ";\n"
      if (headBytes + tupleBytes > maxStatementBytes) {
        throw new Error(`a row of ${table} is longer than ${maxStatementBytes} bytes of SQL`);
      }
      if (
        values.length > 0 &&
        (bytes + tupleBytes > maxStatementBytes || values.length >= ROWS_PER_INSERT)
      ) {
        yield `${head}${values.join(',\n')};\n`;
        values = [];
        bytes = headBytes;
      }
      values.push(tuple);
      bytes += tupleBytes;
    }
    if (values.length > 0) yield `${head}${values.join(',\n')};\n`;
  }
  // Last: the record that says the demo data is complete.
  yield 'INSERT INTO "meta" ("key", "value") VALUES ' +
    `(${sqlLiteral('demo_seed_params')}, ${sqlLiteral(params)}), ` +
    `(${sqlLiteral('demo_seed')}, ${sqlLiteral(version)}) ` +
    'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value";\n';
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQLite literal for a value read with `safeIntegers`. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    // Reads with safeIntegers return INTEGERs as bigint: a number is a REAL, and stays one.
    if (Number.isNaN(value)) return 'NULL';
    if (!Number.isFinite(value)) return value > 0 ? '9e999' : '-9e999';
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'string') {
    if (value.includes('\0'))
      throw new Error('a text value contains NUL, which SQL text cannot carry');
    return `'${value.replace(/'/g, "''")}'`;
  }
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  throw new Error(`no SQL literal for ${typeof value}`);
}
