/** `npm run cli -- news import|list` and `broadcast` as child processes, against the LINE mock. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { userId } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-news-cli-'));
const databasePath = join(dir, 'cli.sqlite');
const fixture = (id: string) => `test/fixtures/news/thaigov-${id}.txt`;
let mock: LineMock;

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_PATH: databasePath,
        LOG_LEVEL: 'error',
        SEED_DEMO: '0',
        LINE_API_BASE_URL: mock.url,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run cli -- news', () => {
  it('imports the three thaigov samples, updates on re-import, and lists them', async () => {
    const first = await cli('news', 'import', fixture('27107'), fixture('55847'), fixture('73012'));
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(3);
    expect(first.stdout).toMatch(/news 2 created: 2022-06-18 ชาวเชียงใหม่/);

    const again = await cli(
      'news',
      'import',
      fixture('55847'),
      '--province',
      '50',
      '--section',
      '33,39',
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/news 2 updated: 2022-06-18/);

    const db = new Database(databasePath, { readonly: true });
    const rows = db
      .prepare(
        'select title, published_date, source_url, target_provinces from news_items order by id',
      )
      .all() as { published_date: string; source_url: string; target_provinces: string }[];
    db.close();
    expect(rows.map((r) => r.published_date)).toEqual(['2020-03-12', '2022-06-18', '2023-10-06']);
    expect(rows[1]!.target_provinces).toBe('["50"]');

    const list = await cli('news', 'list');
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^\s+3\s+2023-10-06\s+published/);
    expect(list.stdout).toContain('[sections 33/39, provinces 50]');
  }, 60_000);

  it('rejects a file that is not an article, and bad options', async () => {
    const bad = await cli('news', 'import', 'test/fixtures/import/persons.csv');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no publication date.*nothing was imported/);
    expect((await cli('news', 'import', fixture('27107'), '--section', '41')).status).toBe(2);
  }, 60_000);
});

describe('npm run cli -- broadcast', () => {
  it('multicasts to a segment with a progress bar and exits 0', async () => {
    const db = new Database(databasePath);
    const insert = db.prepare(
      "insert into line_users (user_id, status, news_opt_out, created_at, updated_at) values (?, 'active', 0, 0, 0)",
    );
    const ids = Array.from({ length: 750 }, (_, i) => userId('cli', i));
    db.transaction(() => {
      for (const id of ids) insert.run(id);
    })();
    db.close();

    const r = await cli('broadcast', '1', 'lang=th,linked=no');
    expect(r.stderr).toMatch(/push job 1 created \(multicast\)/);
    expect(r.stderr).toMatch(/\[#{30}\] 100%\s+750\/750 recipients, batch 2\/2/);
    expect(r.stdout).toMatch(/job 1 done: 750 of 750 recipients, 2 batch\(es\) sent, 0 failed/);
    expect(r.status).toBe(0);
    const to = mock.requests
      .filter((q) => q.operationId === 'multicast' && q.status === 200)
      .flatMap((q) => (q.body as { to: string[] }).to);
    expect(to.sort()).toEqual(ids.sort());

    expect((await cli('broadcast', '1', 'section=41')).status).toBe(2);
  }, 60_000);
});
