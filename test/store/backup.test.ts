/** Backups you can restore (docs/deploy-node.md): online, verified, rotated; restore checks first. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupDatabase, backupName, restoreDatabase } from '../../src/store/backup.ts';
import { migrateNodeStore, openNodeStore } from '../../src/store/node.ts';
import { unansweredQuestions } from '../../src/store/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshDatabase(name: string, rows: number): string {
  const path = join(dir, name);
  const store = openNodeStore(path);
  migrateNodeStore(store);
  for (let i = 0; i < rows; i++) {
    store.syncDb
      .insert(unansweredQuestions)
      .values({ at: i, lang: 'th', text: `q${i}`, alternatives: '[]', confidence: 0.1 })
      .run();
  }
  store.close();
  return path;
}

const count = (path: string) => {
  const store = openNodeStore(path);
  try {
    return store.syncDb.select().from(unansweredQuestions).all().length;
  } finally {
    store.close();
  }
};

describe('backup and restore', () => {
  it('backs up while another connection keeps writing, and the backup restores', async () => {
    const live = freshDatabase('live.sqlite', 500);
    const writer = openNodeStore(live);
    // The server's connection writes (WAL) while the backup runs.
    const writing = setInterval(() => {
      writer.syncDb
        .insert(unansweredQuestions)
        .values({ at: 1, lang: 'en', text: 'during', alternatives: '[]', confidence: 0.2 })
        .run();
    }, 1);
    let result: Awaited<ReturnType<typeof backupDatabase>>;
    try {
      result = await backupDatabase(live, join(dir, 'backups'));
    } finally {
      clearInterval(writing);
      writer.close();
    }
    expect(result.file).toMatch(/sso-bot-\d{8}-\d{6}\.sqlite$/);
    expect(readdirSync(join(dir, 'backups')).some((f) => f.endsWith('.partial'))).toBe(false);
    const saved = count(result.file);
    expect(saved).toBeGreaterThanOrEqual(500);

    // Disaster: the live file is replaced by junk; restore brings the backup's rows back.
    writeFileSync(live, 'not a database');
    restoreDatabase(result.file, live);
    expect(count(live)).toBe(saved);
  });

  it('keeps the newest N backups', async () => {
    const db = freshDatabase('rotate.sqlite', 3);
    const out = join(dir, 'rotate');
    for (let i = 0; i < 4; i++) {
      await backupDatabase(db, out, { keep: 2, now: new Date(Date.UTC(2026, 11, 1 + i, 2)) });
    }
    expect(readdirSync(out).sort()).toEqual([
      backupName(new Date(Date.UTC(2026, 11, 3, 2))),
      backupName(new Date(Date.UTC(2026, 11, 4, 2))),
    ]);
  });

  it('refuses to restore a file that is not an intact database of this app', () => {
    const target = freshDatabase('target.sqlite', 7);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'SQLite format 3\u0000 but not really');
    expect(() => restoreDatabase(junk, target)).toThrow();
    const empty = join(dir, 'empty.sqlite');
    openNodeStore(empty).close();
    expect(() => restoreDatabase(empty, target)).toThrow(/not a database of this app/);
    expect(count(target)).toBe(7);
  });

  it('npm run cli -- backup / restore', () => {
    const db = freshDatabase('cli.sqlite', 11);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
        env: { PATH: process.env.PATH, DATABASE_PATH: db, LOG_LEVEL: 'error' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const backup = cli('backup', '--out', join(dir, 'cli-backups'), '--keep', '3');
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('integrity ok');
    const file = /^backup (\S+) /.exec(backup.stdout)![1]!;
    writeFileSync(db, '');
    const restore = cli('restore', file);
    expect(restore.status, restore.stderr).toBe(0);
    expect(count(db)).toBe(11);
    expect(cli('restore').status).toBe(2);
  });
});
