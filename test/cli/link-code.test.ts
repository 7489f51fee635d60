/** `npm run cli -- link-code issue …`: a one-time code for a pink-card or passport holder. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLinkCodeArgs } from '../../src/cli/link-code.ts';
import { verifySecret } from '../../src/store/laser-code.ts';
import { migrateNodeStore, openNodeStore } from '../../src/store/node.ts';
import { auditLog, identityDocuments, linkCodes } from '../../src/store/schema.ts';
import { insertPerson } from '../helpers/people.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-link-code-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const databasePath = join(dir, 'cli.sqlite');
let personId = 0;

function cli(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'link-code', ...args],
    {
      // NODE_ENV unset: the CLI runs as development (it never listens on a port).
      env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

beforeAll(() => {
  const store = openNodeStore(databasePath);
  try {
    migrateNodeStore(store);
    personId = insertPerson(store, { nationalId: '0067102345674', laserCodeHash: 'none' }).id;
    const passportHolder = insertPerson(store, {
      nationalId: '0067203456781',
      laserCodeHash: 'none',
    });
    store.syncDb
      .insert(identityDocuments)
      .values({
        personId: passportHolder.id,
        type: 'passport',
        country: 'KHM',
        number: 'N01234567',
        updatedAt: Date.now(),
      })
      .run();
  } finally {
    store.close();
  }
});

describe('link-code issue', () => {
  it('prints a code once, stores only its hash, audits who issued it; a new code replaces the old', async () => {
    const first = cli('issue', '0-0671-02345-67-4', '--by', 'Somsri, Samut Prakan');
    expect(first.status, first.stderr).toBe(0);
    const code = /: ([A-Z0-9]{5}-[A-Z0-9]{5})\n/.exec(first.stdout)?.[1];
    expect(code, first.stdout).toBeDefined();
    expect(first.stdout).toContain('0-0671-xxxxx-xx-4');
    expect(first.stdout).not.toContain('0067102345674');
    const second = cli('issue', '0067102345674', '--by', 'hotline');
    expect(second.status).toBe(0);

    const store = openNodeStore(databasePath);
    try {
      const rows = store.syncDb
        .select()
        .from(linkCodes)
        .all()
        .filter((r) => r.personId === personId);
      expect(rows).toHaveLength(2);
      expect(JSON.stringify(rows)).not.toContain(code!.replace('-', ''));
      expect((await verifySecret(code!, rows[0]!.codeHash)).ok).toBe(true);
      // The first code stopped working when the second was issued.
      expect(rows[0]!.usedAt).not.toBeNull();
      expect(rows[1]!.usedAt).toBeNull();
      const audit = store.syncDb.select().from(auditLog).all();
      expect(audit.map((a) => a.actor)).toEqual(['staff:Somsri, Samut Prakan', 'staff:hotline']);
    } finally {
      store.close();
    }
  });

  it('issues for a passport, and says so when no one holds the document', () => {
    expect(cli('issue', '--passport', 'KHM:N0123-4567', '--by', 'x').status).toBe(0);
    const unknown = cli('issue', '--passport', 'LAO:P7654321', '--by', 'x');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No insured person');
  });

  it('refuses Thai ID numbers, a missing --by and malformed passports with usage', () => {
    expect(parseLinkCodeArgs(['issue', '3100600123450', '--by', 'x'])).toMatch(/not a pink card/);
    expect(parseLinkCodeArgs(['issue', '0067102345674'])).toMatch(/--by/);
    expect(parseLinkCodeArgs(['issue', '--passport', 'XYZ:123', '--by', 'x'])).toMatch(/COUNTRY/);
    expect(parseLinkCodeArgs(['issue', '--passport', 'MMR:MA123456', '--by', 'x'])).toEqual({
      target: { passport: { country: 'MMR', number: 'MA123456' } },
      by: 'x',
    });
    const bad = cli('issue', '3100600123450', '--by', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage:');
  });
});
