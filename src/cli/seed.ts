/**
 * `npm run cli -- seed [--people N] [--force]`: migrates DATABASE_PATH and seeds the
 * deterministic demo data (Node only). `--force` wipes the demo tables (and account links) and
 * seeds again even when this version is already there.
 */
import { parseConfig } from '../config.ts';
import { DEFAULT_DEMO_PEOPLE } from '../store/demo-data.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';
import { seedDemoData } from '../store/seed.ts';

const USAGE = 'usage: npm run cli -- seed [--people N] [--force]\n';

export interface SeedArgs {
  people: number;
  force: boolean;
}

export function parseSeedArgs(args: readonly string[]): SeedArgs | string {
  let people = DEFAULT_DEMO_PEOPLE;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--force') force = true;
    else if (arg === '--people' || arg.startsWith('--people=')) {
      const value = arg === '--people' ? args[++i] : arg.slice('--people='.length);
      const n = Number(value?.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
        return `--people needs a whole number from 1 to 10000000, got "${value ?? ''}"`;
      }
      people = n;
    } else if (arg === '--help' || arg === '-h') return '';
    else return `unknown argument "${arg}"`;
  }
  return { people, force };
}

export async function run(args: string[] = []): Promise<number> {
  const parsed = parseSeedArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) process.stderr.write(`${parsed}\n`);
    (parsed ? process.stderr : process.stdout).write(USAGE);
    return parsed ? 2 : 0;
  }
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const tty = process.stderr.isTTY;
    const report = await seedDemoData(store, {
      people: parsed.people,
      force: parsed.force,
      onProgress: (done, total) => {
        if (tty)
          process.stderr.write(
            `\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} people`,
          );
      },
    });
    if (tty) process.stderr.write('\n');
    if (!report.seeded) {
      process.stdout.write(
        `${config.databasePath}: nothing seeded (${report.reason ?? 'already seeded'}; demo data v${report.version || '?'}). Use --force to seed again.\n`,
      );
      return 0;
    }
    const c = report.counts!;
    const rows: [string, number][] = [
      ['employers', c.employers],
      ['hospitals', c.hospitals],
      ['insured_persons', c.insuredPersons],
      ['contributions', c.contributions],
      ['hospital_registrations', c.hospitalRegistrations],
      ['unemployment_claims', c.unemploymentClaims],
      ['claim_status_history', c.claimStatusHistory],
      ['unemployment_payments', c.unemploymentPayments],
      ['benefit_claims', c.benefitClaims],
      ['benefit_claim_history', c.benefitClaimHistory],
      ['benefit_payments', c.benefitPayments],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    let out = `seeded demo data v${report.version} into ${config.databasePath}\n`;
    for (const [name, n] of rows)
      out += `  ${name.padEnd(width)}  ${n.toLocaleString('en').padStart(11)}\n`;
    out += `elapsed ${((report.elapsedMs ?? 0) / 1000).toFixed(1)} s\n`;
    process.stdout.write(out);
  } finally {
    store.close();
  }
  return 0;
}
