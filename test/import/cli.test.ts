import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const databasePath = join(dir, 'cli.sqlite');

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'import', ...args], {
    env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, LOG_LEVEL: 'error' },
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

describe('npm run cli -- import', () => {
  it('imports a file, prints the counts and exits 0; a re-run changes nothing', () => {
    const employers = cli('employers', fixture('employers.csv'));
    expect(employers.stderr).toBe('');
    expect(employers.status).toBe(0);

    const first = cli('persons', fixture('persons.csv'));
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('persons.csv: persons: inserted 3, updated 0, unchanged 0\n');
    expect(first.status).toBe(0);
    expect(count('insured_persons')).toBe(3);

    const again = cli('persons', fixture('persons.csv'));
    expect(again.stdout).toBe('persons.csv: persons: inserted 0, updated 0, unchanged 3\n');
    expect(again.status).toBe(0);
  });

  it('prints each bad row with its line, masks IDs, exits 1 and writes nothing', () => {
    const before = count('insured_persons');
    const r = cli('persons', fixture('persons-bad.csv'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'persons-bad.csv:3: national_id: checksum is invalid',
      'persons-bad.csv:5: section: must be one of 33, 39, 40, got "41"',
      'persons-bad.csv:8: birth_date: is not a valid date, got "1990-02-30"',
      'persons-bad.csv: 3 errors; nothing was imported',
      '',
    ]);
    expect(r.stderr).not.toMatch(/\d{13}/);
    expect(count('insured_persons')).toBe(before);
  });

  it('rejects bad arguments with the usage and exit 2', () => {
    const unknown = cli('branches', fixture('persons.csv'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown dataset "branches"');
    expect(unknown.stderr).toContain('usage: npm run cli -- import <dataset> <file>');
    const format = cli('persons', fixture('persons.csv'), '--format', 'xml');
    expect(format.status).toBe(2);
    const missing = cli('persons', join(dir, 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
