/**
 * `npm run dev:worker [-- wrangler dev options]`: the Worker locally, in workerd, on a local D1.
 *
 * 1. `wrangler d1 migrations apply DB --local`: drizzle/ into the local D1 (no prompt).
 * 2. With SEED_DEMO on (`1`; unset counts as `1` in development, as for `npm start`) and no demo
 *    data of this version in the local D1 yet: the deterministic demo data, written by the same
 *    seeder and store code as on Node (`npm run cli -- seed --d1 --local`: wrangler's
 *    getPlatformProxy on the same local state, closed before `wrangler dev` starts).
 *    SEED_DEMO_PEOPLE people (default 300, so it is quick), generated for SEED_DEMO_NOW (an ISO
 *    date; default now). A local D1 holding people the demo seed did not write is left alone;
 *    `--reseed` replaces the demo rows anyway. A seed that dies half way is marked in progress
 *    and wiped and redone at the next start.
 * 3. `wrangler dev` on PORT (default 8787) with the SPEC §3.1 variables found in this process's
 *    environment (LINE_*, PUBLIC_BASE_URL, ADMIN_TOKEN, AUDIT_PSEUDONYM_KEY, SESSION_SECRET,
 *    SEED_DEMO, LOG_LEVEL, CLIENT_IP_HEADER, NOTIFY_*, PUSH_RATE_PER_SECOND) and NODE_ENV
 *    (`development` unless set). They reach the Worker through a private env file (mode 0600,
 *    deleted on exit), not `--var`: a secret on a command line is readable by every local user
 *    (`ps`), and wrangler prints such values only as "(hidden)". When the project has a
 *    `.dev.vars`, it is read first and the environment wins over it.
 *
 * Options: `--persist-to DIR` (the local D1 lives there instead of .wrangler/state; used by every
 * step) and `--reseed`; everything else goes to `wrangler dev` (e.g. `--ip 127.0.0.1`).
 * Ctrl-C or SIGTERM stops wrangler (and its workerd) and then this script; a second one kills it.
 *
 * Plain JavaScript: TypeScript (the seeder) is loaded through tsx only when demo data is needed.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin',
  'wrangler.js',
);
const DEFAULT_PORT = 8787;
const DEFAULT_DEMO_PEOPLE = 300;

/** SPEC §3.1 variables the Worker reads (PORT, NODE_ENV and SEED_DEMO are set below). */
const FORWARDED = new Set([
  'PUBLIC_BASE_URL',
  'ADMIN_TOKEN',
  'AUDIT_PSEUDONYM_KEY',
  'SESSION_SECRET',
  'LOG_LEVEL',
  'CLIENT_IP_HEADER',
  'PUSH_RATE_PER_SECOND',
]);
const FORWARDED_PREFIXES = ['LINE_', 'NOTIFY_'];

/** The environment as this script was started, for wrangler. */
const STARTED_ENV = { ...process.env };

const say = (line) => process.stderr.write(`dev:worker: ${line}\n`);

class UsageError extends Error {}

/** Our options out of argv; the rest is for `wrangler dev`. */
function parseArgs(argv) {
  const out = { persistTo: undefined, reseed: false, wranglerDev: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reseed') out.reseed = true;
    else if (arg === '--persist-to') {
      out.persistTo = argv[++i];
      if (!out.persistTo) throw new UsageError('--persist-to needs a directory');
    } else if (arg.startsWith('--persist-to=')) out.persistTo = arg.slice('--persist-to='.length);
    else out.wranglerDev.push(arg);
  }
  return out;
}

/** SEED_DEMO as src/config.ts reads it: unset or empty means "in development only". */
function seedDemoOn(value, development) {
  if (value === undefined || value === '') return development;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new UsageError(`SEED_DEMO must be 1 or 0, got "${value}"`);
}

/** The variables for the Worker, from the environment (unset and empty ones left out). */
function workerVars(env) {
  const vars = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (FORWARDED.has(name) || FORWARDED_PREFIXES.some((p) => name.startsWith(p))) {
      vars[name] = value;
    }
  }
  const port = env.PORT || String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`PORT must be an integer from 0 to 65535, got "${port}"`);
  }
  vars.PORT = port;
  vars.NODE_ENV = env.NODE_ENV || 'development';
  // wrangler.toml says SEED_DEMO = "0" for deployments: the Worker sees what was asked here.
  vars.SEED_DEMO = seedDemoOn(env.SEED_DEMO, vars.NODE_ENV === 'development') ? '1' : '0';
  return vars;
}

/**
 * One line of the env file as wrangler reads it: dotenv (quoted values are literal, newlines
 * included), then dotenv-expand over every value (`$NAME` and `${NAME}` are substituted unless
 * written `\$`).
 */
function envLine(name, value) {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new UsageError(`cannot pass variable "${name}"`);
  if (value.includes('\r')) throw new UsageError(`${name} holds a carriage return`);
  const literal = value.replace(/\$/g, '\\$');
  for (const quote of ["'", '`']) {
    if (!value.includes(quote)) return `${name}=${quote}${literal}${quote}\n`;
  }
  // Double quotes turn \n into a newline: only for values without backslashes or newlines.
  if (!value.includes('"') && !/[\\\n]/.test(value)) return `${name}="${literal}"\n`;
  throw new UsageError(
    `${name} holds every kind of quote and a backslash; wrangler cannot take it`,
  );
}

// ---------------------------------------------------------------------------------------------
// Child processes and signals

let child;
let stopping;
let tempDir;

function cleanUp() {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

function onSignal(signal) {
  if (stopping) {
    // A second Ctrl-C: no more waiting.
    child?.kill('SIGKILL');
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  stopping = signal;
  if (!child) {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  // A Ctrl-C in the terminal reaches wrangler too (same process group): forward it only if
  // wrangler is still there a moment later, so it is not told twice.
  const forward = () => child?.kill(signal);
  if (signal === 'SIGINT') setTimeout(forward, 300).unref();
  else forward();
  setTimeout(() => child?.kill('SIGKILL'), 15_000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

/**
 * Runs wrangler; resolves with its exit code (and stdout when captured). Stops this script when
 * a signal arrived meanwhile.
 */
function wrangler(args, { capture = false, interactive = false } = {}) {
  return new Promise((resolve, reject) => {
    // The environment this script was started with (the seeder may have run in between).
    const env = { ...STARTED_ENV };
    // No usage metrics from local development unless asked for.
    env.WRANGLER_SEND_METRICS ??= 'false';
    child = spawn(process.execPath, [WRANGLER, ...args], {
      cwd: ROOT,
      env,
      // Not a TTY on stdin: wrangler's prompts take their default instead of waiting.
      stdio: [interactive ? 'inherit' : 'ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    if (capture) child.stdout.on('data', (d) => (stdout += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      child = undefined;
      if (stopping) {
        cleanUp();
        process.exit(stopping === 'SIGINT' ? 130 : 143);
      }
      resolve({ code: code ?? (signal ? 1 : 0), stdout });
    });
  });
}

/** Runs wrangler quietly; its output is shown only when it fails. */
async function mustSucceed(what, args) {
  const { code, stdout } = await wrangler(args, { capture: true });
  if (code !== 0) {
    process.stderr.write(stdout);
    throw new Error(`${what} failed (wrangler ${args.slice(0, 4).join(' ')} …: exit ${code})`);
  }
  return stdout;
}

// ---------------------------------------------------------------------------------------------
// Demo data

async function seedDemo(persistTo, { reseed }) {
  const peopleText = process.env.SEED_DEMO_PEOPLE || String(DEFAULT_DEMO_PEOPLE);
  const people = Number(peopleText.replace(/_/g, ''));
  if (!Number.isInteger(people) || people < 1 || people > 10_000_000) {
    throw new UsageError(`SEED_DEMO_PEOPLE must be a whole number from 1, got "${peopleText}"`);
  }
  const nowText = process.env.SEED_DEMO_NOW || undefined;
  const now = nowText === undefined ? new Date() : new Date(nowText);
  if (Number.isNaN(now.getTime())) {
    throw new UsageError(`SEED_DEMO_NOW must be an ISO date or time, got "${nowText}"`);
  }

  // TypeScript from here on (what `node --import tsx` does); only when seeding.
  await import('tsx');
  const { seedD1 } = await import('../src/cli/seed.ts');
  const started = performance.now();
  // The directory wrangler dev is given (relative to this project, where wrangler runs).
  const target = { remote: false, ...(persistTo ? { persistTo: resolve(ROOT, persistTo) } : {}) };
  const { report } = await seedD1(target, { people, now, force: reseed });
  if (!report.seeded) {
    say(
      report.reason === 'already seeded'
        ? `the local D1 has demo data v${report.version} already (--reseed to replace it)`
        : 'not seeding: insured_persons has rows that the demo seed did not write ' +
            '(--reseed replaces the demo tables)',
    );
    return;
  }
  const rows = Object.values(report.counts ?? {}).reduce((sum, n) => sum + n, 0);
  say(
    `seeded demo data v${report.version} into the local D1: ${people.toLocaleString('en')} ` +
      `people, ${rows.toLocaleString('en')} rows, for ${now.toISOString()} ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const vars = workerVars(process.env);
  const persist = args.persistTo ? ['--persist-to', args.persistTo] : [];
  tempDir = mkdtempSync(join(tmpdir(), 'sso-dev-worker-'));
  chmodSync(tempDir, 0o700);

  const migrated = await mustSucceed('applying the migrations', [
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    ...persist,
  ]);
  const applied = Number(/About to apply (\d+) migration/.exec(migrated)?.[1] ?? 0);
  say(`local D1 migrated (${applied ? `${applied} migration(s) applied` : 'up to date'})`);

  if (vars.SEED_DEMO === '1') await seedDemo(args.persistTo, args);

  const envFile = join(tempDir, 'worker.env');
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([name, value]) => envLine(name, value))
      .join(''),
    { mode: 0o600 },
  );
  const envFiles = existsSync(join(ROOT, '.dev.vars')) ? ['--env-file', '.dev.vars'] : [];
  say(
    `wrangler dev on port ${vars.PORT} with ${Object.keys(vars).sort().join(', ')} ` +
      'from the environment (values not shown)',
  );
  const { code } = await wrangler(
    [
      'dev',
      '--port',
      vars.PORT,
      ...persist,
      ...envFiles,
      '--env-file',
      envFile,
      ...args.wranglerDev,
    ],
    { interactive: true },
  );
  cleanUp();
  process.exit(code);
}

main().catch((err) => {
  cleanUp();
  say(
    err instanceof UsageError || !(err instanceof Error) ? String(err.message ?? err) : err.message,
  );
  process.exit(err instanceof UsageError ? 2 : 1);
});
