/** Shared bits for the import tests: temp-file databases, fixtures, valid national IDs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type DatasetName, type ImportOptions, importFile } from '../../src/import/index.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A 13-digit national ID with a valid checksum: the first 12 digits, then the check digit. */
export function nationalId(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error('give 12 digits');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return `${first12}${(11 - (sum % 11)) % 10}`;
}

export function isValidChecksum(id: string): boolean {
  const digits = id.replace(/-/g, '');
  return /^\d{13}$/.test(digits) && nationalId(digits.slice(0, 12)) === digits;
}

/** The fixtures in load order (references first). */
export const LOAD_ORDER: readonly [DatasetName, string][] = [
  ['employers', 'employers.csv'],
  ['hospitals', 'hospitals.csv'],
  ['persons', 'persons.csv'],
  ['contributions', 'contributions.csv'],
  ['registrations', 'registrations.csv'],
  ['claims', 'claims.csv'],
  ['claim-status', 'claim-status.csv'],
  ['payments', 'payments.csv'],
];

export interface TempDb {
  dir: string;
  path: string;
  store: NodeStore;
  /** Writes a file into the temp directory and returns its path. */
  write(name: string, content: string | Buffer): string;
  import(
    dataset: DatasetName,
    file: string,
    options?: ImportOptions,
  ): ReturnType<typeof importFile>;
  count(table: string): number;
  dispose(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'sso-import-'));
  const path = join(dir, 'test.sqlite');
  const store = openNodeStore(path);
  migrateNodeStore(store);
  return {
    dir,
    path,
    store,
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    import: (dataset, file, options) => importFile(store, dataset, file, options),
    count: (table) =>
      store.sqlite.prepare<[], number>(`SELECT count(*) FROM "${table}"`).pluck().get() ?? 0,
    dispose() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Imports the fixtures up to (not including) `dataset`, so its references exist. */
export async function loadBefore(db: TempDb, dataset: DatasetName): Promise<void> {
  for (const [name, file] of LOAD_ORDER) {
    if (name === dataset) return;
    const report = await db.import(name, fixture(file));
    if (report.errors.length > 0) throw new Error(`${file}: ${JSON.stringify(report.errors)}`);
  }
}
