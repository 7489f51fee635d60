/**
 * Crash under load (issue 8): the real server runs as a child process (`node --import tsx
 * src/entry/node.ts`) against the LINE mock, made slow so that work is in flight; it is
 * SIGKILLed mid-load and started again on the same database. Every event it answered 200 before
 * the kill is then finished exactly once: one accepted reply or push at the mock, or recorded
 * `undeliverable` with a reason — never two.
 *
 * `LONG_FAULTS=1`: three kill/restart cycles under heavier load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events, webhookBody } from '../../src/dev/webhook-events.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { TEST_SECRET, TEST_TOKEN } from '../helpers/app.ts';
import {
  deliveriesByKey,
  type LineMock,
  type RecordedRequest,
  startLineMock,
} from '../helpers/line-mock.ts';

const LONG = process.env.LONG_FAULTS === '1';
const CYCLES = LONG ? 3 : 1;
const RATE_PER_S = LONG ? 150 : 100;
/** Load runs this long before the kill (and stops at the kill). */
const KILL_AFTER_MS = LONG ? 4000 : 1500;
const MOCK_LATENCY_MS = 200;
const ROOT = resolve(import.meta.dirname, '../..');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const signer = createSignatureVerifier(TEST_SECRET);
const USERS = Array.from({ length: 20 }, (_, i) => demoUserId(`crash-${i}`));
const TEXTS = ['สวัสดี', 'ว่างงานได้เงินเท่าไหร่', 'hello', 'คลอดบุตรได้เท่าไหร่', 'ສະບາຍດີ'];

let mock: LineMock;
let dir: string;
let dbPath: string;
const children: ChildProcess[] = [];
const output: string[] = [];

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(label: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_PATH: dbPath,
      LINE_API_BASE_URL: mock.url,
      LINE_DATA_API_BASE_URL: mock.url,
      LINE_CHANNEL_SECRET: TEST_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TEST_TOKEN,
      AUDIT_PSEUDONYM_KEY: 'test-audit-pseudonym-key',
      SESSION_SECRET: 'test-session-secret-of-at-least-32-chars',
      SEED_DEMO: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const keep = (chunk: Buffer) => output.push(`[${label}] ${chunk.toString().trimEnd()}`);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 25_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${label} exited with ${child.exitCode}:\n${output.join('\n')}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${label} not healthy:\n${output.join('\n')}`);
    await sleep(50);
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill(signal);
  });
}

interface Sent {
  event: ReturnType<typeof events.text>;
  cycle: number;
  status: number | 'error';
  answeredAt: number;
}

/** Signed single-event POSTs at RATE_PER_S until `until`; nothing awaited between sends. */
async function load(
  server: Server,
  until: number,
  sent: Sent[],
  cycle: number,
): Promise<Promise<void>[]> {
  const inflight: Promise<void>[] = [];
  const start = Date.now();
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / RATE_PER_S;
    if (due >= until) break;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const n = sent.length;
    const event = events.text({ userId: USERS[n % USERS.length]! }, TEXTS[n % TEXTS.length]!);
    const s: Sent = { event, cycle, status: 'error', answeredAt: 0 };
    sent.push(s);
    const body = webhookBody([event]);
    inflight.push(
      signer
        .sign(body)
        .then((sig) =>
          fetch(`${server.url}/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-line-signature': sig },
            body,
          }),
        )
        .then(async (res) => {
          await res.arrayBuffer();
          s.status = res.status;
          s.answeredAt = Date.now();
        })
        .catch(() => {
          s.status = 'error'; // the server died with this request in flight
        }),
    );
  }
  return inflight;
}

beforeAll(async () => {
  mock = await startLineMock();
  dir = mkdtempSync(join(tmpdir(), 'sso-crash-'));
  dbPath = join(dir, 'bot.sqlite');
});

afterAll(async () => {
  for (const c of children) await kill(c, 'SIGKILL');
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crash: SIGKILL mid-load, restart on the same database', () => {
  it(
    'finishes every accepted event exactly once after the restart',
    async () => {
      const started = Date.now();
      // Slow LINE: every call waits before it is answered, so replies are in flight at the kill.
      mock.setResponder(async () => {
        await sleep(MOCK_LATENCY_MS);
        return undefined;
      });

      const sent: Sent[] = [];
      const kills: number[] = [];
      let server = await startServer('run-1');
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        const killAt = Date.now() + KILL_AFTER_MS;
        const inflight = await load(server, killAt, sent, cycle);
        await kill(server.child, 'SIGKILL');
        kills.push(Date.now());
        await Promise.all(inflight);
        server = await startServer(`run-${cycle + 1}`);
      }
      const acceptedBeforeKill = sent.filter((s) => s.status === 200);
      const killedInFlight = sent.filter((s) => s.status === 'error').length;

      // The last server recovers what the kills left; wait until every event is finished.
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      type Row = {
        id: string;
        status: string;
        delivery: string | null;
        error: string | null;
        attempts: number;
        processedAt: number | null;
      };
      let rows: Row[] = [];
      try {
        const deadline = Date.now() + (LONG ? 60_000 : 20_000);
        for (;;) {
          rows = db
            .prepare(
              `SELECT webhook_event_id AS id, status, delivery, error, attempts,
                      processed_at AS processedAt
               FROM webhook_events`,
            )
            .all() as Row[];
          const open = rows.filter((r) => r.status === 'pending' || r.status === 'processing');
          if (open.length === 0) break;
          if (Date.now() > deadline) {
            throw new Error(`${open.length} events still unfinished:\n${output.join('\n')}`);
          }
          await sleep(100);
        }
      } finally {
        db.close();
      }
      const recoveredAt = Date.now();
      await sleep(MOCK_LATENCY_MS * 2); // let the mock finish what it was answering
      await kill(server.child, 'SIGTERM');
      mock.setResponder(null);

      // ---- Exactly once, per event -------------------------------------------------------
      const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
      const { replies: repliesByToken, pushes: pushesByKey } = deliveriesByKey(mock.requests);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const problems: string[] = [];
      const duplicates: string[] = [];
      let replies = 0;
      let pushes = 0;
      let undeliverable = 0;
      let recovered = 0;
      /** Replies the kill left unanswered and the restart re-checked (token already used). */
      const reChecked = new Set<string>();
      for (const s of sent) {
        const { webhookEventId: id } = s.event;
        const replyToken = s.event.replyToken!;
        const row = byId.get(id);
        const rs = repliesByToken.get(replyToken) ?? [];
        const key = await stableRetryKey(`reply:${id}`);
        const ps = pushesByKey.get(key) ?? [];
        const delivered = rs.filter(ok).length + ps.filter(ok).length;
        if (delivered > 1) duplicates.push(`${id}: ${delivered} accepted replies/pushes`);
        if (s.status !== 200) continue; // not accepted: LINE would redeliver it
        if (!row) {
          problems.push(`${id}: answered 200 but not in the database`);
          continue;
        }
        if ((row.processedAt ?? 0) > kills[s.cycle - 1]!) recovered++;
        if (rs.filter(ok).length === 1 && rs.length > 1 && rs.some((r) => r.status === 400)) {
          reChecked.add(replyToken);
        }
        if (row.status === 'done' && delivered === 1) {
          if (rs.filter(ok).length === 1) replies++;
          else pushes++;
        } else if (row.status === 'undeliverable' && delivered === 0 && row.error) {
          undeliverable++;
        } else {
          problems.push(
            `${id}: status ${row.status}/${row.delivery} (${row.error ?? 'no error'}), ` +
              `${delivered} accepted replies/pushes`,
          );
        }
      }
      // Every event in the database, accepted by us or not, went out at most once.
      const sentIds = new Set(sent.map((s) => s.event.webhookEventId));
      expect(rows.every((r) => sentIds.has(r.id))).toBe(true);

      // A reply the kill interrupted after LINE had accepted it is, after the restart, tried
      // again with the same token on purpose: the 400 proves it was delivered (no push, no
      // duplicate). The mock counts a reused reply token as a violation; those, and only those,
      // are expected here.
      const reuse = /reply token "(.+?)(?:\.\.\.)?" was already used/;
      const unexpected = mock.violations.filter((v) => {
        const m = reuse.exec(v);
        return !m || ![...reChecked].some((t) => t.startsWith(m[1]!));
      });

      const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
      console.log(
        `[crash] cycles=${CYCLES} sent=${sent.length} accepted before kill=${acceptedBeforeKill.length} ` +
          `in flight at kill=${killedInFlight} recorded=${rows.length} ` +
          `processed after restart=${recovered} replies=${replies} pushes=${pushes} ` +
          `undeliverable=${undeliverable} interrupted replies re-checked=${reChecked.size} ` +
          `duplicates=${duplicates.length} problems=${problems.length} ` +
          `violations=${mock.violations.length} (expected re-checks ${mock.violations.length - unexpected.length}) ` +
          `recovery=${s(recoveredAt - kills.at(-1)!)} total=${s(Date.now() - started)}`,
      );

      expect(duplicates).toEqual([]);
      expect(problems).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(replies + pushes + undeliverable).toBe(acceptedBeforeKill.length);
      // The kill really interrupted work: some accepted events were finished by the restart.
      expect(recovered + rows.filter((r) => r.status !== 'done').length).toBeGreaterThan(0);
    },
    LONG ? 300_000 : 60_000,
  );
});
