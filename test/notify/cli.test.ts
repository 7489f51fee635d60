/**
 * The flow end to end, through the CLI and the LINE mock: a user opts in, an import
 * changes their claim (the import plans the notification), `notify run` sends one push, again
 * sends none; importing the same file again notifies nobody twice; the quota line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDENTITIES } from '../../src/store/demo-data.ts';
import { migrateNodeStore, openNodeStore } from '../../src/store/node.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson } from '../helpers/people.ts';
import { addSubscriber, DAY } from './helpers.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sso-notify-cli-'));
const databasePath = join(dir, 'notify.sqlite');
let mock: LineMock;
let nationalId = '';

beforeAll(async () => {
  mock = await startLineMock();
  const store = openNodeStore(databasePath);
  try {
    migrateNodeStore(store);
    const p = insertPerson(store);
    nationalId = p.nationalId;
    addSubscriber(store, {
      userId: 'Ucli',
      personId: p.id,
      consentAt: Date.now() - DAY,
      chosenLanguage: 'en',
      categories: ['claim_decided', 'payment_made'],
    });
  } finally {
    store.close();
  }
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process (the LINE mock answers from here). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliOn(databasePath, ...args);
}

async function cliOn(
  database: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'development',
          DATABASE_PATH: database,
          LINE_API_BASE_URL: mock.url,
          LINE_DATA_API_BASE_URL: mock.url,
          SEED_DEMO: '0',
          NOTIFY_QUIET_HOURS: 'off',
          LOG_LEVEL: 'error',
        },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function claimsCsv(status: string): string {
  const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
  const file = join(dir, `claims-${status}.csv`);
  const approved = status === 'approved';
  writeFileSync(
    file,
    'id,national_id,cause,last_work_date,filed_date,status,approved_days,daily_amount,monthly_amount,rejection_reason\n' +
      `UC-2026-000777,${nationalId},laid_off,${day(-40)},${day(-35)},${status},${approved ? '180,250,7500' : ',,'},\n`,
  );
  return file;
}

const soon = () => new Date(Date.now() + 60_000).toISOString();

describe('npm run cli -- notify run', () => {
  it('opt in, an import changes the claim, one push; again none; the same import again notifies nobody', async () => {
    const filed = await cli('import', 'claims', claimsCsv('under_review'));
    expect(filed.stderr).toBe('');
    expect(filed.stdout).toBe(
      'claims-under_review.csv: claims: inserted 1, updated 0, unchanged 0\nnotifications planned: 0\n',
    );
    const decided = await cli('import', 'claims', claimsCsv('approved'));
    expect(decided.stdout).toBe(
      'claims-approved.csv: claims: inserted 0, updated 1, unchanged 0\nnotifications planned: 1\n',
    );

    const dry = await cli('notify', 'run', '--at', soon(), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would be sent: 1');
    expect(mock.pushes()).toHaveLength(0);

    const first = await cli('notify', 'run', '--at', soon());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines).toContain('due: 1 (claim_decided 1)');
    expect(lines).toContain('sent: 1');
    expect(lines).toContain('deferred: 0');
    expect(lines).toContain('quota: no monthly limit set (0 used this month before this run)');
    expect(mock.pushes()).toHaveLength(1);
    const push = mock.pushes()[0]!.body as { to: string; messages: { text: string }[] };
    expect(push.to).toBe('Ucli');
    expect(push.messages[0]!.text).toContain('UC-2026-000777');
    expect(mock.violations).toEqual([]);

    const again = await cli('notify', 'run', '--at', soon());
    expect(again.stdout.split('\n')).toContain('sent: 0');
    const reimport = await cli('import', 'claims', claimsCsv('approved'));
    expect(reimport.stdout).toBe(
      'claims-approved.csv: claims: inserted 0, updated 0, unchanged 1\nnotifications planned: 0\n',
    );
    await cli('notify', 'run', '--at', soon());
    expect(mock.pushes()).toHaveLength(1);
  });

  it('prints the operator line when the quota is about to run out', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const payments = join(dir, 'payments.csv');
    writeFileSync(
      payments,
      'claim_id,installment,period_from,period_to,amount,pay_date,status,report_due_date,reported_at\n' +
        `UC-2026-000777,1,${day},${day},7500,${day},paid,,\n` +
        `UC-2026-000777,2,${day},${day},7500,${day},paid,,\n`,
    );
    const imported = await cli('import', 'payments', payments);
    expect(imported.stdout).toContain('notifications planned: 2');
    mock.setQuota({ limit: 500, totalUsage: 490 });
    const stopped = await cli('notify', 'run', '--at', soon());
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(
      /^quota: 0 left \(limit 500, used 490, 10 kept in reserve\), 2 due; sent 0/m,
    );
    expect(mock.pushes()).toHaveLength(1);
    mock.setQuota({ limit: null, totalUsage: 0 });
  });

  it('refuses bad arguments with exit 2', async () => {
    expect((await cli('notify')).code).toBe(2);
    expect((await cli('notify', 'run', '--at', 'tomorrow')).code).toBe(2);
    expect((await cli('notify', 'run', '--bogus')).code).toBe(2);
  });
});

describe('a demo identity', () => {
  it('opts in; an e-Claim import approves their claim; one push in their language; again none', async () => {
    const demoPath = join(dir, 'demo.sqlite');
    const store = openNodeStore(demoPath);
    let claim: { id: string; filed: string; status: string };
    const who = DEMO_IDENTITIES[2]!; // the seed's person 3: a sickness claim waiting for documents
    try {
      migrateNodeStore(store);
      await seedDemoData(store, { people: 8 });
      const person = store.sqlite
        .prepare('select id from insured_persons where national_id = ?')
        .get(who.nationalId) as { id: number };
      claim = store.sqlite
        .prepare(
          "select id, filed_date as filed, status from benefit_claims where person_id = ? and status not in ('approved', 'rejected', 'paid', 'paying', 'closed')",
        )
        .get(person.id) as typeof claim;
      expect(claim).toBeDefined();
      addSubscriber(store, {
        userId: 'Udemo',
        personId: person.id,
        consentAt: Date.now() - DAY,
        chosenLanguage: 'th',
      });
    } finally {
      store.close();
    }
    // Seeded rows (updated_at 0) announce nothing.
    const quietStart = await cliOn(demoPath, 'notify', 'run', '--at', soon());
    expect(quietStart.stdout.split('\n')).toContain('sent: 0');

    const today = new Date().toISOString().slice(0, 10); // the importer's "today" (UTC)
    const file = join(dir, 'benefit-claims.csv');
    writeFileSync(
      file,
      'id,national_id,benefit,filed_date,status,decision_date,reason,approved_amount,installments\n' +
        `${claim.id},${who.nationalId},sickness,${claim.filed},approved,${today},,"1,200.00",\n`,
    );
    const imported = await cliOn(demoPath, 'import', 'benefit-claims', file);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('notifications planned: 1');
    const before = mock.pushes().length;
    const sent = await cliOn(demoPath, 'notify', 'run', '--at', soon());
    expect(sent.stdout.split('\n'), sent.stdout + sent.stderr).toContain('sent: 1');
    const push = mock.pushes().at(-1)!.body as { to: string; messages: { text: string }[] };
    expect(push.to).toBe('Udemo');
    expect(push.messages[0]!.text).toContain(claim.id);
    expect(mock.pushes()).toHaveLength(before + 1);
    const again = await cliOn(demoPath, 'notify', 'run', '--at', soon());
    expect(again.stdout.split('\n')).toContain('sent: 0');
    expect(mock.pushes()).toHaveLength(before + 1);
    expect(mock.violations).toEqual([]);
  });
});
