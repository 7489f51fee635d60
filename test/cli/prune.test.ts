/** `npm run cli -- prune [--dry-run]` (SPEC §3.3): counts per rule, deletes only without --dry-run. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_SCHEDULE } from '../../src/retention.ts';
import { migrateNodeStore, openNodeStore } from '../../src/store/node.ts';
import { linkFailures, unansweredQuestions, webhookEvents } from '../../src/store/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-prune-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const databasePath = join(dir, 'prune.sqlite');
const DAY = 24 * 3600_000;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'prune', ...args], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      DATABASE_PATH: databasePath,
      LOG_LEVEL: 'error',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function count(table: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare<[], number>(`SELECT count(*) FROM "${table}"`).pluck().get() ?? 0;
  } finally {
    db.close();
  }
}

/** `name → "would delete 3"` from the output lines. */
function parse(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .trimEnd()
      .split('\n')
      .map((line) => {
        const m = /^(\S+)\s+(.+)$/.exec(line);
        if (!m) throw new Error(`unexpected line: ${line}`);
        return [m[1]!, m[2]!] as const;
      }),
  );
}

beforeAll(() => {
  // The CLI runs with the real clock: rows far on either side of their period.
  const now = Date.now();
  const store = openNodeStore(databasePath);
  try {
    migrateNodeStore(store);
    store.syncDb
      .insert(linkFailures)
      .values([
        { key: 'old-1', at: now - 2 * DAY },
        { key: 'old-2', at: now - 3 * DAY },
        { key: 'old-3', at: now - 4 * DAY },
        { key: 'recent', at: now - 3600_000 },
      ])
      .run();
    store.syncDb
      .insert(unansweredQuestions)
      .values([
        { at: now - 100 * DAY, lang: 'th', text: 'old', alternatives: '[]', confidence: 0.1 },
        { at: now - DAY, lang: 'th', text: 'recent', alternatives: '[]', confidence: 0.1 },
      ])
      .run();
    store.syncDb
      .insert(webhookEvents)
      .values({
        webhookEventId: 'ev-old',
        type: 'message',
        userId: 'U1',
        replyToken: 'rt',
        eventTimestamp: now - 10 * DAY,
        payload: '{"message":{"text":"hello"}}',
        status: 'failed',
        receivedAt: now - 10 * DAY,
        processedAt: now - 10 * DAY,
      })
      .run();
  } finally {
    store.close();
  }
});

describe('npm run cli -- prune', () => {
  it('--dry-run prints one line per rule with what it would change, and changes nothing', () => {
    const r = cli('--dry-run');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = parse(r.stdout);
    expect([...lines.keys()]).toEqual(RETENTION_SCHEDULE.map((rule) => rule.key));
    expect(lines.get('link_failures')).toBe('would delete 3');
    expect(lines.get('unanswered_questions')).toBe('would delete 1');
    expect(lines.get('webhook_events.payload')).toBe('would erase 1');
    expect(lines.get('audit_log')).toBe('would delete 0');
    expect(count('link_failures')).toBe(4);
    expect(count('unanswered_questions')).toBe(2);
  });

  it('without --dry-run deletes and prints the counts; a second run finds nothing', () => {
    const r = cli();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = parse(r.stdout);
    expect(lines.get('link_failures')).toBe('deleted 3');
    expect(lines.get('unanswered_questions')).toBe('deleted 1');
    expect(lines.get('webhook_events.payload')).toBe('erased 1');
    expect(count('link_failures')).toBe(1);
    expect(count('unanswered_questions')).toBe(1);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare('select payload, user_id, reply_token from webhook_events').get()).toEqual({
        payload: '{}',
        user_id: null,
        reply_token: null,
      });
    } finally {
      db.close();
    }

    const again = parse(cli().stdout);
    expect([...again.values()].every((v) => / 0$/.test(v))).toBe(true);
  });

  it('refuses an unknown argument with the usage', () => {
    const r = cli('--force');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage');
  });
});
