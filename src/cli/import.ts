/**
 * `npm run cli -- import <dataset> <file> [--format csv|jsonl] [--dry-run]`: loads a CSV or
 * JSONL extract into DATABASE_PATH (migrated first). Bad rows are printed with their line
 * numbers and nothing is written; otherwise every row is upserted, all or nothing, and the
 * counts are printed. Exit 0 on success, 1 on a bad file, 2 on bad arguments.
 *
 * `… --d1 [--local [--persist-to DIR] | --remote] [--config FILE]`: the same import into the
 * Worker's D1 (the `DB` binding of wrangler.toml, or of FILE) instead, through wrangler's `getPlatformProxy()` and the app's
 * D1 store: `--local` (the default) is the local D1 `wrangler dev` and `npm run dev:worker` use
 * (.wrangler/state, or the `--persist-to` directory given to them); `--remote` is the deployed
 * database (wrangler logged in, wrangler.toml's database_id set). The D1 must be migrated
 * first (`npx wrangler d1 migrations apply DB --local|--remote`).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../config.ts';
import {
  DATASETS,
  formatImportReport,
  type ImportFormat,
  ImportUsageError,
  importFile,
  isDatasetName,
} from '../import/index.ts';
import { maskNationalIds } from '../log.ts';
import { CHANGE_CATEGORIES, planNotifications } from '../notify/plan.ts';
import { openD1Store } from '../store/d1.ts';
import type { Store } from '../store/db.ts';
import { MIGRATIONS_FOLDER, migrateNodeStore, openNodeStore } from '../store/node.ts';
import type { NotificationCategory } from '../store/schema.ts';

/**
 * Datasets whose changes are announced (claim decided, payment made, unemployment report due):
 * after such an import the planner runs (plan only; sending follows the server's schedule and
 * quiet hours). Planning is idempotent, so importing the same file again notifies nobody twice.
 */
const NOTIFYING: Readonly<Record<string, readonly NotificationCategory[]>> = {
  'benefit-claims': CHANGE_CATEGORIES,
  'benefit-claim-status': CHANGE_CATEGORIES,
  'benefit-payments': CHANGE_CATEGORIES,
  claims: CHANGE_CATEGORIES,
  'claim-status': CHANGE_CATEGORIES,
  payments: [...CHANGE_CATEGORIES, 'unemployment_report'],
};

const USAGE = `usage: npm run cli -- import <dataset> <file> [--format csv|jsonl] [--dry-run]
                      [--d1 [--local [--persist-to DIR] | --remote] [--config FILE]]

datasets (load in this order): ${Object.keys(DATASETS).join(', ')}
columns: docs/import-formats.md
--d1: into the Worker's D1 (binding DB of wrangler.toml or --config) instead of DATABASE_PATH;
      --local (the default) is the local D1 of wrangler dev / npm run dev:worker, --remote the
      deployed one (npx wrangler login first); migrate it first: npx wrangler d1 migrations apply DB
`;

// ---------------------------------------------------------------------------------------------
// The Worker's D1, from the command line

/** Which D1: the local one (`wrangler dev`'s state) or the deployed one. */
export interface D1Target {
  remote: boolean;
  /** `--persist-to` of wrangler dev / dev:worker (local only); default .wrangler/state. */
  persistTo?: string;
  /** The wrangler configuration with the `DB` binding; default wrangler.toml. */
  config?: string;
}

/** The D1 options as parsed (see `parseD1Arg`). */
export interface D1Args {
  d1: boolean;
  local: boolean;
  remote: boolean;
  persistTo?: string;
  config?: string;
}

/** A problem opening the D1 (not migrated, cannot connect…): one line for the operator. */
export class D1OpenError extends Error {
  override readonly name = 'D1OpenError';
}

export interface CliD1 {
  store: Store;
  binding: D1Database;
  /** "the local D1 in …" / "the remote D1 sso-bot", for messages. */
  where: string;
  close(): Promise<void>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = join(ROOT, 'wrangler.toml');
const BINDING = 'DB';

export const newD1Args = (): D1Args => ({ d1: false, local: false, remote: false });

/**
 * Parses `--d1`, `--local`, `--remote`, `--persist-to DIR` and `--config FILE` at `args[i]`;
 * returns how many arguments it took (0: not one of them), or an error message.
 */
export function parseD1Arg(args: readonly string[], i: number, state: D1Args): number | string {
  const arg = args[i]!;
  if (arg === '--d1') state.d1 = true;
  else if (arg === '--local') state.local = true;
  else if (arg === '--remote') state.remote = true;
  else {
    for (const [name, key, what] of [
      ['--persist-to', 'persistTo', 'a directory'],
      ['--config', 'config', 'a wrangler configuration file'],
    ] as const) {
      if (arg !== name && !arg.startsWith(`${name}=`)) continue;
      const value = arg === name ? args[i + 1] : arg.slice(name.length + 1);
      if (!value) return `${name} needs ${what}`;
      state[key] = value;
      return arg === name ? 2 : 1;
    }
    return 0;
  }
  return 1;
}

/** The D1 target the parsed options ask for, or an error message, or undefined (no --d1). */
export function d1TargetOf(state: D1Args): D1Target | string | undefined {
  if (!state.d1) {
    if (state.local || state.remote || state.persistTo !== undefined || state.config !== undefined)
      return '--local, --remote, --persist-to and --config go with --d1';
    return undefined;
  }
  if (state.local && state.remote) return 'give --local or --remote, not both';
  if (state.remote && state.persistTo !== undefined) return '--persist-to is for --local only';
  return {
    remote: state.remote,
    ...(state.persistTo !== undefined ? { persistTo: state.persistTo } : {}),
    ...(state.config !== undefined ? { config: state.config } : {}),
  };
}

/**
 * Takes the D1 options out of a command's arguments: the target they ask for (undefined: no
 * --d1) and the other arguments in their order, or an error message.
 */
export function splitD1Args(
  args: readonly string[],
): { target: D1Target | undefined; rest: string[] } | string {
  const state = newD1Args();
  const rest: string[] = [];
  for (let i = 0; i < args.length; ) {
    const took = parseD1Arg(args, i, state);
    if (typeof took === 'string') return took;
    if (took === 0) rest.push(args[i++]!);
    else i += took;
  }
  const target = d1TargetOf(state);
  return typeof target === 'string' ? target : { target, rest };
}

/** Where a command reads and writes: the D1 of a --d1 target, else DATABASE_PATH (migrated). */
export interface CliStore {
  store: Store;
  close(): Promise<void> | void;
}

/** Opens a command's store, or returns the one line saying why its D1 cannot be opened. */
export async function openCliStore(target: D1Target | undefined): Promise<CliStore | string> {
  if (!target) {
    const path = parseConfig(process.env).databasePath;
    const node = openNodeStore(path);
    try {
      migrateNodeStore(node);
    } catch (err) {
      node.close();
      // One line for the operator (a read-only or corrupt file, a newer schema), not a stack.
      return `${path} could not be migrated: ${(err as Error).message}; nothing was done`;
    }
    return { store: node, close: () => node.close() };
  }
  try {
    const opened = await openCliD1(target);
    return { store: opened.store, close: () => opened.close() };
  } catch (err) {
    if (!(err instanceof D1OpenError)) throw err;
    return err.message;
  }
}

type Wrangler = typeof import('wrangler');

/**
 * Wrangler quiet unless something goes wrong, and no usage metrics from an operator's command,
 * while the D1 is open; returns the function that puts the environment back (so that a
 * `wrangler dev` started afterwards, as by dev:worker, logs as usual).
 */
function quietWrangler(): () => void {
  const saved = {
    WRANGLER_LOG: process.env.WRANGLER_LOG,
    WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS,
  };
  process.env.WRANGLER_LOG ??= 'error';
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

async function loadWrangler(): Promise<Wrangler> {
  try {
    return await import('wrangler');
  } catch {
    throw new D1OpenError(
      '--d1 needs wrangler (a development dependency of this project): run npm install',
    );
  }
}

const firstLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim()) ?? '?';

/**
 * Opens the Worker's D1 (binding `DB` of wrangler.toml) with the app's D1 store, through
 * wrangler's `getPlatformProxy()`, and checks that every migration in drizzle/ is applied.
 */
export async function openCliD1(target: D1Target): Promise<CliD1> {
  const restoreEnv = quietWrangler();
  try {
    return await openD1(target, restoreEnv);
  } catch (err) {
    restoreEnv();
    throw err;
  }
}

async function openD1(target: D1Target, restoreEnv: () => void): Promise<CliD1> {
  const configFile = resolve(target.config ?? CONFIG);
  if (!existsSync(configFile)) throw new D1OpenError(`${configFile}: no such file`);
  const wrangler = await loadWrangler();
  let proxy: Awaited<ReturnType<Wrangler['getPlatformProxy']>>;
  let where: string;
  let tempDir: string | undefined;
  if (!target.remote) {
    const state = resolve(target.persistTo ?? join(ROOT, '.wrangler', 'state'));
    where = `the local D1 in ${state}`;
    try {
      // Where `wrangler dev --persist-to <state>` keeps it (wrangler adds v3/).
      proxy = await wrangler.getPlatformProxy({
        configPath: configFile,
        persist: { path: join(state, 'v3') },
        remoteBindings: false,
        envFiles: [],
      });
    } catch (err) {
      throw new D1OpenError(`cannot open ${where}: ${firstLine(err)}`);
    }
  } else {
    const config = wrangler.unstable_readConfig({ config: configFile }) as {
      name?: string;
      compatibility_date?: string;
      account_id?: string;
      d1_databases: { binding: string; database_name?: string; database_id?: string }[];
    };
    const db = config.d1_databases.find((d) => d.binding === BINDING);
    if (!db?.database_id || /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(db.database_id)) {
      throw new D1OpenError(
        `cannot open the remote D1: ${configFile} has no database_id for ${BINDING} yet (npx wrangler d1 create, then set it)`,
      );
    }
    where = `the remote D1 ${db.database_name ?? db.database_id}`;
    // A config of just this binding, marked remote: getPlatformProxy connects it to Cloudflare.
    tempDir = mkdtempSync(join(tmpdir(), 'sso-d1-remote-'));
    const configPath = join(tempDir, 'wrangler.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        name: config.name,
        compatibility_date: config.compatibility_date,
        ...(config.account_id ? { account_id: config.account_id } : {}),
        d1_databases: [
          {
            binding: BINDING,
            database_name: db.database_name,
            database_id: db.database_id,
            remote: true,
          },
        ],
      }),
    );
    try {
      proxy = await wrangler.getPlatformProxy({
        configPath,
        persist: false,
        remoteBindings: true,
        envFiles: [],
      });
    } catch (err) {
      rmSync(tempDir, { recursive: true, force: true });
      throw new D1OpenError(
        `cannot connect to ${where} (npx wrangler login, or CLOUDFLARE_API_TOKEN): ${firstLine(err)}`,
      );
    }
  }
  const close = async () => {
    try {
      await proxy.dispose();
    } finally {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      restoreEnv();
    }
  };
  const binding = (proxy.env as Record<string, unknown>)[BINDING] as D1Database | undefined;
  try {
    if (!binding) throw new D1OpenError(`${configFile} has no D1 binding ${BINDING}`);
    await checkMigrated(binding, target, where);
  } catch (err) {
    await close();
    if (err instanceof D1OpenError) throw err;
    throw new D1OpenError(`cannot read ${where}: ${firstLine(err)}`);
  }
  return { store: openD1Store(binding), binding, where, close };
}

/** Every migration in drizzle/ applied (wrangler records them in d1_migrations)? */
async function checkMigrated(binding: D1Database, target: D1Target, where: string) {
  const wanted = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
  let applied = new Set<string>();
  try {
    const { results } = await binding.prepare('select name from d1_migrations').all<{
      name: string;
    }>();
    applied = new Set(results.map((r) => r.name));
  } catch (err) {
    if (!/no such table/i.test(firstLine(err))) throw err;
  }
  const missing = wanted.filter((f) => !applied.has(f));
  if (missing.length > 0) {
    const flags = target.remote
      ? '--remote'
      : `--local${target.persistTo !== undefined ? ` --persist-to ${target.persistTo}` : ''}`;
    throw new D1OpenError(
      `${where} is not migrated (${missing.length} of ${wanted.length} migrations missing): run npx wrangler d1 migrations apply DB ${flags}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(allArgs: string[]): Promise<number> {
  const positional: string[] = [];
  let format: ImportFormat | undefined;
  let dryRun = false;
  const split = splitD1Args(allArgs);
  if (typeof split === 'string') return usage(split);
  const { target, rest: args } = split;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value !== 'csv' && value !== 'jsonl') return usage(`--format must be csv or jsonl`);
      format = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (arg.startsWith('--')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [dataset, file, ...extra] = positional;
  if (dataset === undefined || file === undefined || extra.length > 0) {
    return usage('give a dataset and one file');
  }
  if (!isDatasetName(dataset)) return usage(`unknown dataset "${dataset}"`);
  if (!existsSync(file)) {
    process.stderr.write(`${file}: no such file\n`);
    return 1;
  }

  const opened = await openCliStore(target);
  if (typeof opened === 'string') {
    process.stderr.write(`import: ${opened}\n`);
    return 1;
  }
  const { store, close } = opened;
  try {
    const report = await importFile(store, dataset, file, { format, dryRun });
    const lines = formatImportReport(report);
    const out = report.errors.length === 0 ? process.stdout : process.stderr;
    out.write(`${lines.join('\n')}\n`);
    const categories = NOTIFYING[dataset];
    if (report.written && categories) {
      try {
        const plan = await planNotifications(store, Date.now(), { categories });
        process.stdout.write(`notifications planned: ${plan.total}\n`);
      } catch (err) {
        // The rows are in; the server's next notification run plans what this missed.
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`${file}: imported, but planning notifications failed: ${message}\n`);
      }
    }
    return report.errors.length === 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof ImportUsageError) return usage(err.message);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      maskNationalIds(`${file}: import failed: ${message}; nothing was imported\n`),
    );
    return 1;
  } finally {
    await close();
  }
}

function usage(problem: string): number {
  process.stderr.write(`import: ${problem}\n\n${USAGE}`);
  return 2;
}
