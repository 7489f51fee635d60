/**
 * `npm run cli -- import <dataset> <file> [--format csv|jsonl] [--dry-run]`: loads a CSV or
 * JSONL extract into DATABASE_PATH (migrated first). Bad rows are printed with their line
 * numbers and nothing is written; otherwise the file is upserted in one transaction and the
 * counts are printed. Exit 0 on success, 1 on a bad file, 2 on bad arguments.
 */
import { existsSync } from 'node:fs';
import { parseConfig } from '../config.ts';
import {
  DATASETS,
  formatImportReport,
  type ImportFormat,
  ImportUsageError,
  importFile,
  isDatasetName,
} from '../import/index.ts';
import { maskNationalIds } from '../log.ts';
import { CHANGE_CATEGORIES, planNotifications } from '../notify/plan.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';
import type { NotificationCategory } from '../store/schema.ts';

/**
 * Datasets whose changes are announced (claim decided, payment made, unemployment report due):
 * after such an import the planner runs (plan only; sending follows the server's schedule and
 * quiet hours). Planning is idempotent, so importing the same file again notifies nobody twice.
 */
const NOTIFYING: Readonly<Record<string, readonly NotificationCategory[]>> = {
  'benefit-claims': CHANGE_CATEGORIES,
  'benefit-claim-status': CHANGE_CATEGORIES,
  'benefit-payments': CHANGE_CATEGORIES,
  claims: CHANGE_CATEGORIES,
  'claim-status': CHANGE_CATEGORIES,
  payments: [...CHANGE_CATEGORIES, 'unemployment_report'],
};

const USAGE = `usage: npm run cli -- import <dataset> <file> [--format csv|jsonl] [--dry-run]

datasets (load in this order): ${Object.keys(DATASETS).join(', ')}
columns: docs/import-formats.md
`;

export async function run(args: string[]): Promise<number> {
  const positional: string[] = [];
  let format: ImportFormat | undefined;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value !== 'csv' && value !== 'jsonl') return usage(`--format must be csv or jsonl`);
      format = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (arg.startsWith('--')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [dataset, file, ...extra] = positional;
  if (dataset === undefined || file === undefined || extra.length > 0) {
    return usage('give a dataset and one file');
  }
  if (!isDatasetName(dataset)) return usage(`unknown dataset "${dataset}"`);
  if (!existsSync(file)) {
    process.stderr.write(`${file}: no such file\n`);
    return 1;
  }

  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const report = await importFile(store, dataset, file, { format, dryRun });
    const lines = formatImportReport(report);
    const out = report.errors.length === 0 ? process.stdout : process.stderr;
    out.write(`${lines.join('\n')}\n`);
    const categories = NOTIFYING[dataset];
    if (report.written && categories) {
      try {
        const plan = await planNotifications(store, Date.now(), { categories });
        process.stdout.write(`notifications planned: ${plan.total}\n`);
      } catch (err) {
        // The rows are in; the server's next notification run plans what this missed.
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`${file}: imported, but planning notifications failed: ${message}\n`);
      }
    }
    return report.errors.length === 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof ImportUsageError) return usage(err.message);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      maskNationalIds(`${file}: import failed: ${message}; nothing was imported\n`),
    );
    return 1;
  } finally {
    store.close();
  }
}

function usage(problem: string): number {
  process.stderr.write(`import: ${problem}\n\n${USAGE}`);
  return 2;
}
