/**
 * `npm run cli -- prune [--dry-run]` (SPEC §3.3): applies the retention schedule
 * (src/retention.ts) to DATABASE_PATH now, migrating it first, and prints one line per rule
 * with its count; `--dry-run` counts and changes nothing. `--docs` rewrites docs/retention.md
 * from the schedule.
 */
import { writeFileSync } from 'node:fs';
import { parseConfig } from '../config.ts';
import { systemClock } from '../deps.ts';
import { createLogger } from '../log.ts';
import { RETENTION_SCHEDULE, retentionDoc, runRetention } from '../retention.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';

const USAGE = 'usage: npm run cli -- prune [--dry-run] | prune --docs\n';

export async function run(args: string[] = []): Promise<number> {
  let dryRun = false;
  let docs = false;
  for (const arg of args) {
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--docs') docs = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`unknown argument "${arg}"\n${USAGE}`);
      return 2;
    }
  }
  if (docs) {
    writeFileSync(new URL('../../docs/retention.md', import.meta.url), retentionDoc());
    process.stdout.write('wrote docs/retention.md\n');
    return 0;
  }

  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    // Failures are printed below; log records (JSON) go to stderr, never among the counts.
    const log = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
    const result = await runRetention({ store, clock: systemClock, log }, { dryRun });
    const width = Math.max(...RETENTION_SCHEDULE.map((r) => r.key.length));
    let out = '';
    for (const rule of RETENTION_SCHEDULE) {
      const error = result.errors[rule.key];
      if (error !== undefined) {
        process.stderr.write(`${rule.key}: failed: ${error}\n`);
        continue;
      }
      const verb = dryRun ? `would ${rule.action}` : `${rule.action}d`;
      out += `${rule.key.padEnd(width)}  ${verb} ${result.counts[rule.key]}\n`;
    }
    process.stdout.write(out);
    return Object.keys(result.errors).length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}
