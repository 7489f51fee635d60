/**
 * `npm run dev:worker` for real (issue 15): scripts/dev-worker.mjs migrates a local D1 (kept in
 * a temporary `--persist-to` directory, never the repository's .wrangler/), loads the demo data
 * with SEED_DEMO=1, and starts `wrangler dev` with the SPEC §3.1 variables of its environment:
 * LINE_API_BASE_URL points at the LINE mock, LINE_CHANNEL_SECRET is this test's own.
 *
 * A signed webhook through it gets a spec-valid reply. Then the done-when conversation: link
 * demo identity 1 on the /link page and ask for "my contributions"; the Worker's answers are the
 * Node runtime's, message for message, on a Node store seeded with the same people and date.
 * Last, Ctrl-C (SIGINT to the process group, as a terminal sends it) stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeedArgs, sqlLiteral, writeDemoDataSql } from '../../src/cli/seed.ts';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { DEMO_IDENTITIES, DEMO_TABLES } from '../../src/store/demo-data.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { isSeeded, seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { stopProcessGroup } from '../helpers/process-group.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Quotes, `$` and `#` on purpose: it must reach the Worker unchanged (env file, not argv). */
const SECRET = "dev-worker test's $HOME #secret";
const PEOPLE = 300;
/** The seed date of both runtimes. */
const NOW = new Date();
/** The first start compiles the Worker and boots workerd: slow on a busy machine. */
const READY_TIMEOUT_MS = 90_000;

type Msg = { type: string; text?: string; altText?: string; contents?: unknown };

let mock: LineMock;
let worker: ChildProcess | undefined;
let exited: Promise<number | null>;
let base: string;
let persist: string;
let output = '';
let node: TestApp | undefined;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const tail = () => output.slice(-6000);

async function waitUntilReady(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`npm run dev:worker exited before it was ready:\n${tail()}`);
    // wrangler dev waits for a source change after a failed build: no point in waiting.
    if (output.includes('Build failed')) throw new Error(`the Worker did not build:\n${tail()}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function startWorker(): Promise<void> {
  mock = await startLineMock();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  persist = mkdtempSync(join(tmpdir(), 'sso-dev-worker-test-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    LINE_API_BASE_URL: mock.url,
    LINE_DATA_API_BASE_URL: mock.url,
    LINE_CHANNEL_SECRET: SECRET,
    // The mock's token, whatever a developer's .dev.vars says.
    LINE_CHANNEL_ACCESS_TOKEN: 'dev-access-token',
    PUBLIC_BASE_URL: base,
    SEED_DEMO: '1',
    SEED_DEMO_PEOPLE: String(PEOPLE),
    SEED_DEMO_NOW: NOW.toISOString(),
    LOG_LEVEL: 'warn',
  };
  // Unset, as a developer starts it: development (dev defaults for the other secrets; vitest
  // itself sets NODE_ENV=test).
  delete env.NODE_ENV;
  // Its own process group: the last test sends Ctrl-C's SIGINT to all of it.
  worker = spawn('npm', ['run', 'dev:worker', '--', '--persist-to', persist, '--ip', '127.0.0.1'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  worker.stdout!.on('data', keep);
  worker.stderr!.on('data', keep);
  exited = new Promise((ok) => worker!.once('exit', (code) => ok(code)));
  await waitUntilReady();
}

async function stopWorker(): Promise<void> {
  // Normally the last test stopped it; after a failure, SIGTERM and then SIGKILL.
  if (worker?.pid !== undefined && worker.exitCode === null && worker.signalCode === null) {
    await stopProcessGroup(worker.pid, exited);
  }
  await node?.dispose();
  await mock?.close();
  if (persist) rmSync(persist, { recursive: true, force: true });
}

/** A signed webhook to the Worker; resolves with the HTTP status. */
async function postToWorker(evts: unknown[], secret = SECRET): Promise<number> {
  const body = webhookBody(evts);
  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-line-signature': await createSignatureVerifier(secret).sign(body),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

const replyTo = (token: string) =>
  mock.replies().find((r) => (r.body as { replyToken?: string }).replyToken === token);

/** One event through a runtime; resolves with the messages replied to it. */
async function say(runtime: 'worker' | 'node', event: { replyToken?: string }): Promise<Msg[]> {
  if (runtime === 'worker') expect(await postToWorker([event])).toBe(200);
  else {
    expect((await node!.post([event])).status).toBe(200);
    await node!.settle();
  }
  const token = event.replyToken!;
  await mock.waitFor(() => replyTo(token) !== undefined, 20_000);
  return (replyTo(token)!.body as { messages: Msg[] }).messages;
}

const text = (userId: string, t: string) => events.text({ userId }, t);
const identity = DEMO_IDENTITIES[0]!;
const masked = (id: string) => `${id[0]}-${id.slice(1, 5)}-xxxxx-xx-${id[12]}`;

/** The link page's form for demo identity 1. */
function identityForm(linkToken: string): string {
  return new URLSearchParams({
    linkToken,
    nationalId: identity.nationalId,
    birthDate: identity.birthDate,
    laserCode: identity.laserCode,
  }).toString();
}

/** "ผูกบัญชี" → link button → /link form → 303 with a nonce → accountLink → "เงินสมทบของฉัน". */
async function conversation(
  runtime: 'worker' | 'node',
  publicBase: string,
  submit: (form: string) => Response | Promise<Response>,
): Promise<{ linked: Msg[]; contributions: Msg[] }> {
  const userId = demoUserId('dev-worker-linker');
  const button = JSON.stringify(await say(runtime, text(userId, 'ผูกบัญชี')));
  const escaped = publicBase.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const uri = new RegExp(`${escaped}/link\\?linkToken=([^&"]+)`).exec(button);
  expect(uri, button).not.toBeNull();
  const res = await submit(identityForm(decodeURIComponent(uri![1]!)));
  expect(res.status, await res.clone().text()).toBe(303);
  const nonce = new URL(res.headers.get('location')!).searchParams.get('nonce');
  expect(nonce).toBeTruthy();
  const linked = await say(runtime, events.accountLink({ userId }, 'ok', nonce!));
  const contributions = await say(runtime, text(userId, 'เงินสมทบของฉัน'));
  return { linked, contributions };
}

describe('npm run dev:worker', () => {
  beforeAll(startWorker, READY_TIMEOUT_MS + 30_000);
  afterAll(stopWorker, 30_000);

  it('migrated the local D1 in the given directory, seeded it, and passed the variables', () => {
    expect(output).toContain('local D1 migrated');
    expect(output).toContain(`seeded demo data v`);
    expect(output).toContain(`${PEOPLE} people`);
    // Names only: no value of a variable is printed.
    expect(output).toMatch(/LINE_API_BASE_URL.*LINE_CHANNEL_SECRET/);
    expect(output).not.toContain(SECRET);
    expect(readdirSync(persist)).toContain('v3');
    expect(existsSync(join(persist, 'v3', 'd1'))).toBe(true);
  });

  it('answers a signed webhook with a spec-valid reply through the LINE mock', async () => {
    const userId = demoUserId('dev-worker-hello');
    const messages = await say('worker', text(userId, 'สวัสดี'));
    expect(messages.length).toBeGreaterThan(0);
    expect(mock.violations).toEqual([]);
    // The channel secret came from the environment: the development default is refused.
    expect(await postToWorker([text(userId, 'สวัสดี')], 'dev-channel-secret')).toBe(401);
  }, 30_000);

  it('links demo identity 1 and shows its contributions exactly as on Node', async () => {
    const onWorker = await conversation('worker', base, (form) =>
      fetch(`${base}/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        redirect: 'manual',
      }),
    );
    const confirmation = onWorker.linked[0]?.text ?? '';
    expect(confirmation).toContain('ผูกบัญชีเรียบร้อย');
    expect(confirmation).toContain(masked(identity.nationalId));
    const answer = JSON.stringify(onWorker.contributions);
    expect(answer).toContain('เงินสมทบของฉัน');
    expect(answer).toContain(masked(identity.nationalId));
    expect(answer).not.toContain(identity.nationalId);
    expect(answer).toMatch(/จ่ายเงินสมทบแล้ว.*?"\d{3} เดือน"/);

    // The same conversation on the Node runtime, seeded with the same people and date.
    node = await createTestApp({
      lineApiBaseUrl: mock.url,
      env: { PUBLIC_BASE_URL: 'https://bot.example', CLIENT_IP_HEADER: 'x-client-ip' },
    });
    const seeded = await seedDemoData(node.store, { people: PEOPLE, now: NOW });
    expect(seeded.seeded).toBe(true);
    const onNode = await conversation('node', 'https://bot.example', (form) =>
      node!.app.request('/link', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-client-ip': '203.0.113.7',
        },
        body: form,
      }),
    );
    const months = (msgs: Msg[]) => /จ่ายเงินสมทบแล้ว.*?"(\d+) เดือน"/.exec(JSON.stringify(msgs))?.[1];
    expect(months(onWorker.contributions)).toBe(months(onNode.contributions));
    expect(onWorker.linked).toEqual(onNode.linked);
    expect(onWorker.contributions).toEqual(onNode.contributions);
    expect(mock.violations).toEqual([]);
  }, 60_000);

  it('stops wrangler and workerd on Ctrl-C', async () => {
    const pid = worker!.pid!;
    const started = Date.now();
    process.kill(-pid, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    expect(code, tail()).not.toBe('timeout');
    // Nothing of the group is left serving.
    await expect(fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(20_000);
    // The private env file with the variables is gone with it.
    const envFile = /Using secrets defined in (\S+worker\.env)/.exec(output)?.[1];
    expect(envFile, tail()).toBeDefined();
    expect(existsSync(resolve(ROOT, envFile!))).toBe(false);
  }, 30_000);
});

describe('seed --sql: the demo data as SQL for D1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sso-seed-sql-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const people = 40;
  const rowsOf = (store: NodeStore, table: string) =>
    store.sqlite.prepare(`select * from "${table}" order by rowid`).raw().all();

  it('reproduces the Node seed row for row, in statements under the size limit, parents first', async () => {
    const maxStatementBytes = 4_000;
    const file = join(dir, 'demo.sql');
    const written = await writeDemoDataSql(file, { people, now: NOW, maxStatementBytes });
    const sql = readFileSync(file, 'utf8');
    const statements = sql.split(/;\n/).filter((s) => s.trim() && !s.startsWith('--'));
    expect(statements.length).toBeGreaterThan(20);
    for (const st of statements)
      expect(Buffer.byteLength(`${st};`)).toBeLessThanOrEqual(maxStatementBytes);
    expect(sql.trimEnd().split('\n').at(-1)).toMatch(/^INSERT INTO "meta" .*'demo_seed'/);

    const seeded = openNodeStore(join(dir, 'node.sqlite'));
    const loaded = openNodeStore(join(dir, 'loaded.sqlite'));
    try {
      migrateNodeStore(seeded);
      migrateNodeStore(loaded);
      await seedDemoData(seeded, { people, now: NOW });
      // Foreign keys on (as on D1), twice: the second run replaces the first one's rows.
      expect(loaded.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      loaded.sqlite.exec(sql);
      loaded.sqlite.exec(sql);
      let rows = 0;
      for (const table of DEMO_TABLES) {
        expect(rowsOf(loaded, table), table).toEqual(rowsOf(seeded, table));
        rows += rowsOf(loaded, table).length;
      }
      expect(written.rows).toBe(rows);
      const demoMeta = (store: NodeStore) =>
        store.sqlite
          .prepare("select key, value from meta where key like 'demo_seed%' order by key")
          .all();
      expect(demoMeta(loaded)).toEqual(demoMeta(seeded));
      expect(loaded.sqlite.pragma('foreign_key_check')).toEqual([]);
      expect(await isSeeded(loaded)).toBe(true);
    } finally {
      seeded.close();
      loaded.close();
    }
  });

  it('writes SQL literals SQLite reads back as the same values', () => {
    const db = openNodeStore(':memory:');
    try {
      const values = [
        null,
        0n,
        -42n,
        9007199254740993n,
        1.5,
        2.0,
        -0.25,
        1e-7,
        "it's ไทย",
        '',
        Buffer.from([0, 1, 255]),
      ];
      const literal = values.map(sqlLiteral).join(', ');
      const row = db.sqlite.prepare(`select ${literal}`).raw().safeIntegers().get() as unknown[];
      expect(row).toEqual(values.map((v) => (v instanceof Buffer ? Buffer.from(v) : v)));
      expect(
        db.sqlite
          .prepare(`select typeof(${sqlLiteral(2.0)})`)
          .pluck()
          .get(),
      ).toBe('real');
    } finally {
      db.close();
    }
  });

  it('parses --sql and --now', () => {
    expect(parseSeedArgs(['--sql', 'out.sql', '--people', '300', '--now', '2026-12-04'])).toEqual({
      people: 300,
      force: false,
      sql: 'out.sql',
      now: new Date('2026-12-04'),
    });
    expect(parseSeedArgs(['--sql=-'])).toMatchObject({ sql: '-' });
    expect(typeof parseSeedArgs(['--sql'])).toBe('string');
    expect(typeof parseSeedArgs(['--now', 'tomorrow'])).toBe('string');
    expect(typeof parseSeedArgs(['--sql', 'x.sql', '--force'])).toBe('string');
  });
});
