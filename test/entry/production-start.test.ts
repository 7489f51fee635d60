/**
 * Production start without the dev toolchain (issue 14): `npm run build` compiles src/ to
 * JavaScript, and `NODE_ENV=production npm start` (scripts/start.mjs) runs it on plain Node
 * where only the production dependencies resolve: no tsx, no dev package.
 *
 * The build goes to a temporary app directory laid out like a deployment: dist/, the files
 * the app reads at run time (locales/, data/, drizzle/, flex-templates/, assets/: symlinks to
 * this repository's), package.json, scripts/start.mjs, and a node_modules/ holding exactly the
 * packages `npm ls --omit=dev --all --parseable` lists (top-level ones; nested ones come with
 * their parents). The server answers /healthz and a signed webhook, and replies through the
 * LINE mock: locales, rules, templates and migrations were all found from dist/.
 *
 * Without production, scripts/start.mjs runs the source through tsx with NODE_ENV=development
 * (or the NODE_ENV given); its Node-version refusal is the line of src/check-runtime.ts.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Read at run time by paths relative to the modules (JSON imports, migrations, assets). */
const RUNTIME_DIRS = ['locales', 'data', 'drizzle', 'flex-templates', 'assets'];
const SECRET = 'production-channel-secret';
const TOKEN = 'production-access-token';

let tmp: string;
/** The deployment-like directory: dist/ built here, production node_modules only. */
let app: string;
let mock: LineMock;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sso-production-start-'));
  app = join(tmp, 'app');
  mkdirSync(join(app, 'scripts'), { recursive: true });

  // --noCheck: types are `npm run typecheck`'s business; this is about what runs.
  const build = spawnSync(
    process.execPath,
    ['scripts/build.mjs', '--outDir', join(app, 'dist'), '--noCheck'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(build.status, build.stderr + build.stdout).toBe(0);

  for (const dir of RUNTIME_DIRS) symlinkSync(join(ROOT, dir), join(app, dir), 'dir');
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  copyFileSync(join(ROOT, 'scripts/start.mjs'), join(app, 'scripts/start.mjs'));

  const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // (npm ls also exits 1 over problems elsewhere in the tree, e.g. an extraneous package.)
  expect(ls.stdout ?? '', String(ls.error ?? ls.stderr)).toContain(
    `${sep}node_modules${sep}better-sqlite3`,
  );
  const topLevel = ls.stdout
    .split('\n')
    .map((line) => relative(join(ROOT, 'node_modules'), line.trim()))
    .filter((p) => p !== '' && !p.startsWith('..') && !p.includes(`${sep}node_modules${sep}`));
  expect(topLevel).toContain('hono');
  expect(topLevel).not.toContain('tsx');
  for (const name of topLevel) {
    const link = join(app, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }

  mock = await startLineMock({ channelAccessToken: TOKEN });
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((c) => stop(c, 'SIGKILL')));
  await mock?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Launched {
  child: ChildProcess;
  output(): string;
  /** The port from the server's `ready` log line. */
  ready: Promise<number>;
  exit: Promise<number | null>;
}

/** `node <args>` with only the environment given (plus PATH and HOME). */
function launch(args: string[], cwd: string, env: Record<string, string>): Launched {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const exit = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const ready = new Promise<number>((ok, fail) => {
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line) ok((JSON.parse(line) as { port: number }).port);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    void exit.then((code) => fail(new Error(`exited (${code}) before ready:\n${out}`)));
  });
  ready.catch(() => {});
  return { child, output: () => out, ready, exit };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill(signal);
  });
}

const productionEnv = (dbName: string, threads: string): Record<string, string> => ({
  NODE_ENV: 'production',
  LINE_CHANNEL_SECRET: SECRET,
  LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
  AUDIT_PSEUDONYM_KEY: 'production-audit-pseudonym-key',
  SESSION_SECRET: 'production-session-secret-32-chars-long',
  PUBLIC_BASE_URL: 'https://bot.example',
  PORT: '0',
  DATABASE_PATH: join(tmp, dbName),
  SEED_DEMO: '1',
  LINE_API_BASE_URL: mock.url,
  LINE_DATA_API_BASE_URL: mock.url,
  PROCESS_THREADS: threads,
});

/** /healthz, then a signed text message: 200, and the reply reaches the LINE mock. */
async function servesWebhook(server: Launched, user: string): Promise<void> {
  const port = await server.ready;
  const base = `http://127.0.0.1:${port}`;
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });

  const event = events.text({ userId: demoUserId(user) }, 'สวัสดี');
  const body = webhookBody([event]);
  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-line-signature': await createSignatureVerifier(SECRET).sign(body),
    },
    body,
  });
  expect(res.status).toBe(200);
  await mock.waitFor(
    (m) =>
      m.replies().some((r) => (r.body as { replyToken?: string }).replyToken === event.replyToken),
    15_000,
  );
  expect(mock.violations).toEqual([]);

  await stop(server.child, 'SIGTERM');
  expect(await server.exit, server.output()).toBe(0);
  expect(server.output()).toContain('"msg":"shutting down","signal":"SIGTERM"');
}

describe('NODE_ENV=production: the built server on plain Node, production dependencies only', () => {
  it('every relative import of dist/ is a file there or next to it, none a .ts', () => {
    expect(existsSync(join(app, 'dist/entry/node.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/entry/process-thread.js'))).toBe(true);
    const missing: string[] = [];
    let checked = 0;
    for (const file of readdirSync(join(app, 'dist'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      const code = readFileSync(join(app, 'dist', file), 'utf8');
      for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*'(\.{1,2}\/[^']+)'/g)) {
        checked++;
        const target = resolve(app, 'dist', dirname(file), spec!);
        if (spec!.endsWith('.ts') || !existsSync(target)) missing.push(`${file}: ${spec}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
  });

  it('npm start (scripts/start.mjs) serves /healthz and a signed webhook, on a processing thread', async () => {
    const server = launch(['scripts/start.mjs'], app, productionEnv('start.sqlite', '1'));
    await servesWebhook(server, 'production-start');
  }, 40_000);

  it('node dist/entry/node.js serves them too, on the main thread', async () => {
    const server = launch(['dist/entry/node.js'], app, productionEnv('plain.sqlite', '0'));
    await servesWebhook(server, 'production-plain');
  }, 40_000);

  it('without dist/: one line saying to build first, exit 1', async () => {
    const bare = join(tmp, 'bare');
    mkdirSync(join(bare, 'scripts'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts/start.mjs'), join(bare, 'scripts/start.mjs'));
    copyFileSync(join(ROOT, 'package.json'), join(bare, 'package.json'));
    const run = spawnSync(process.execPath, ['scripts/start.mjs'], {
      cwd: bare,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^[^\n]*run npm run build first\.\n$/);
  });
});

describe('scripts/start.mjs', () => {
  /** Makes this Node look like Node 20 before anything else runs. */
  const OLD_NODE = `data:text/javascript,${encodeURIComponent(
    'Object.defineProperty(process, "version", { value: "v20.11.0" });' +
      'Object.defineProperty(process.versions, "node", { value: "20.11.0" });',
  )}`;
  const onOldNode = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', OLD_NODE, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  it('refuses an older Node first, with the line of src/check-runtime.ts', () => {
    const expected = onOldNode(['--import', 'tsx', 'src/check-runtime.ts']);
    expect(expected.status).toBe(1);
    expect(expected.stderr).toMatch(/^This needs Node\.js 22 or newer, and this is v20\.11\.0\. /);
    const start = onOldNode(['scripts/start.mjs']);
    expect(start.status).toBe(1);
    expect(start.stderr).toBe(expected.stderr);
    // Production has no Node 22 in node_modules/.bin: it says to install one.
    const production = onOldNode(['scripts/start.mjs'], { NODE_ENV: 'production' });
    expect(production.status).toBe(1);
    expect(production.stderr).toMatch(
      /^This needs Node\.js 22 or newer, and this is v20\.11\.0\. [^\n]*install Node\.js 22 or newer\.\n$/,
    );
  });

  it('NODE_ENV unset: the source through tsx as development; SIGINT stops it with 0', async () => {
    const server = launch(['scripts/start.mjs'], ROOT, {
      PORT: '0',
      DATABASE_PATH: join(tmp, 'dev.sqlite'),
      SEED_DEMO: '0',
    });
    const port = await server.ready;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Only development falls back to the development secrets (and says so).
    expect(server.output()).toContain(
      'LINE_CHANNEL_SECRET is not set; using the development default',
    );
    await stop(server.child, 'SIGINT');
    expect(await server.exit, server.output()).toBe(0);
  }, 30_000);

  it('any other NODE_ENV is kept, and the exit code comes through', () => {
    const run = spawnSync(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'staging' },
      encoding: 'utf8',
    });
    expect(run.stderr).toContain(
      'Configuration error: NODE_ENV: must be production, development or test',
    );
    expect(run.status).toBe(1);
  }, 20_000);
});
