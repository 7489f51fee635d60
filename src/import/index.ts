/**
 * Imports a CSV or JSONL extract into one table (SPEC: "loads a CSV or JSONL extract; bad rows
 * are reported with line numbers and nothing half-imported").
 *
 * 1. Read and validate every row (streamed), collecting all errors with their file line.
 * 2. Resolve references (national IDs → insured_persons.id, employers, hospitals, claims).
 * 3. Dataset-specific preparation (persons: laser codes verified / hashed).
 * 4. Only if there is no error at all: one better-sqlite3 transaction upserts every row by its
 *    natural key, counting inserted / updated / unchanged rows. A row equal to the stored one is
 *    not written, so re-importing a file changes nothing.
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import type Database from 'better-sqlite3';
import { maskNationalIds } from '../log.ts';
import { maskNationalId } from '../nlu/entities.ts';
import { parseCsvStream } from './csv.ts';
import {
  DATASETS,
  type DatasetDef,
  type DatasetName,
  type FieldError,
  FieldReader,
  type ParsedRow,
  type RefKind,
  type SqlValue,
} from './datasets.ts';

export { DATASETS, type DatasetName, isDatasetName } from './datasets.ts';

export type ImportFormat = 'csv' | 'jsonl';

export interface ImportOptions {
  /** Default: from the file extension (.csv, .jsonl, .ndjson). */
  format?: ImportFormat;
  /** Validate and count, but write nothing. */
  dryRun?: boolean;
  /** The clock (ms), for persons.updated_at and "not in the future" checks. */
  now?: number;
}

export interface ImportError {
  /** File line (CSV: the header is line 1). */
  line: number;
  column?: string;
  message: string;
}

export interface ImportReport {
  dataset: DatasetName;
  /** The file's base name, as errors are printed. */
  file: string;
  format: ImportFormat;
  /** Data rows read (blank lines not counted). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Every error, by line; when there is any, nothing was written. */
  errors: ImportError[];
  /** True when the rows were written (no errors, not a dry run). */
  written: boolean;
}

/** A problem with how the importer was called (unknown format…), not with the file's rows. */
export class ImportUsageError extends Error {
  override readonly name = 'ImportUsageError';
}

export function formatFromPath(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new ImportUsageError(
    `cannot tell the format of ${basename(path)} from its extension; use --format csv|jsonl`,
  );
}

/** The store the importer needs: the better-sqlite3 handle (see openNodeStore). */
export interface ImportStore {
  readonly sqlite: Database.Database;
}

export async function importFile(
  store: ImportStore,
  dataset: DatasetName,
  path: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const def: DatasetDef = DATASETS[dataset];
  const format = options.format ?? formatFromPath(path);
  const now = options.now ?? Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const report: ImportReport = {
    dataset,
    file: basename(path),
    format,
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    errors: [],
    written: false,
  };
  const errors = report.errors;
  const addErrors = (line: number, list: readonly FieldError[]) => {
    for (const e of list) errors.push({ line, ...e });
  };

  // 1. Read and validate.
  const rows: ParsedRow[] = [];
  const firstLineOfKey = new Map<string, number>();
  const source = format === 'csv' ? csvRows(path, def, errors) : jsonlRows(path, def);
  for await (const raw of source) {
    report.rows++;
    if (raw.errors.length > 0) {
      addErrors(raw.line, raw.errors);
      continue;
    }
    const reader = new FieldReader(raw.values, today);
    const parsed = def.parse(reader);
    if (reader.errors.length > 0 || parsed === undefined) {
      addErrors(raw.line, reader.errors);
      continue;
    }
    const key = reader.key(def.keyFields);
    const first = firstLineOfKey.get(key);
    if (first !== undefined) {
      errors.push({
        line: raw.line,
        message: `duplicate of line ${first} (same ${def.keyFields.join(', ')})`,
      });
      continue;
    }
    firstLineOfKey.set(key, raw.line);
    rows.push({ line: raw.line, ...parsed });
  }

  // 2. References.
  resolveReferences(store.sqlite, rows, errors);

  // 3. Dataset-specific preparation.
  await def.prepare?.(rows, {
    db: store.sqlite,
    error: (line, e) => errors.push({ line, ...e }),
    hasErrors: () => errors.length > 0,
  });

  if (errors.length > 0) {
    sortErrors(errors, def);
    return report;
  }

  // 4. Write, all or nothing.
  const counts = writeRows(store.sqlite, def, rows, now, options.dryRun ?? false);
  Object.assign(report, counts, { written: !options.dryRun });
  return report;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface SourceRow {
  line: number;
  /** Column (lower case) → value as text. */
  values: Map<string, string>;
  /** Problems found while reading (malformed CSV, bad JSON, unknown keys…). */
  errors: FieldError[];
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}

async function* csvRows(
  path: string,
  def: DatasetDef,
  fileErrors: ImportError[],
): AsyncGenerator<SourceRow> {
  let header: string[] | undefined;
  for await (const record of parseCsvStream(createReadStream(path))) {
    if (header === undefined) {
      if (record.error) {
        fileErrors.push({ line: record.line, message: `header row: ${record.error}` });
        return;
      }
      header = record.fields.map(normaliseName);
      const problems = checkHeader(header, def);
      for (const message of problems) fileErrors.push({ line: record.line, message });
      if (problems.length > 0) return;
      continue;
    }
    if (!record.error && record.fields.every((f) => f.trim() === '')) continue;
    const errors: FieldError[] = [];
    if (record.error) errors.push({ message: record.error });
    else if (record.fields.length !== header.length) {
      errors.push({
        message: `has ${record.fields.length} fields, the header has ${header.length}`,
      });
    }
    const values = new Map<string, string>();
    for (let i = 0; i < header.length; i++) values.set(header[i]!, record.fields[i] ?? '');
    yield { line: record.line, values, errors };
  }
  if (header === undefined) {
    fileErrors.push({
      line: 1,
      message: 'the file is empty (a CSV file starts with a header row)',
    });
  }
}

function checkHeader(header: readonly string[], def: DatasetDef): string[] {
  const problems: string[] = [];
  const known = new Set(def.columns.map((c) => c.name));
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') problems.push('the header has an empty column name');
    else if (!known.has(name)) problems.push(`unknown column "${name}" ${expected(def)}`);
    else if (seen.has(name)) problems.push(`column "${name}" appears twice`);
    seen.add(name);
  }
  for (const c of def.columns) {
    if (c.required && !seen.has(c.name)) problems.push(`required column "${c.name}" is missing`);
  }
  return problems;
}

function expected(def: DatasetDef): string {
  return `(${def.name} columns: ${def.columns.map((c) => c.name).join(', ')})`;
}

async function* jsonlRows(path: string, def: DatasetDef): AsyncGenerator<SourceRow> {
  const known = new Set(def.columns.map((c) => c.name));
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  for await (const rawLine of lines) {
    lineNo++;
    const text = (lineNo === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine).trim();
    if (text === '') continue;
    const errors: FieldError[] = [];
    const values = new Map<string, string>();
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch {
      errors.push({ message: 'is not valid JSON' });
    }
    if (
      errors.length === 0 &&
      (typeof object !== 'object' || object === null || Array.isArray(object))
    ) {
      errors.push({ message: 'must be a JSON object, one per line' });
    }
    if (errors.length === 0) {
      for (const [key, value] of Object.entries(object as Record<string, unknown>)) {
        const name = normaliseName(key);
        if (!known.has(name)) {
          errors.push({ message: `unknown column "${name}" ${expected(def)}` });
        } else if (value === null || value === undefined) {
          values.set(name, '');
        } else if (typeof value === 'string') {
          values.set(name, value);
        } else if (typeof value === 'number' || typeof value === 'boolean') {
          values.set(name, String(value));
        } else {
          errors.push({ column: name, message: 'must be a string, number or boolean' });
        }
      }
    }
    yield { line: lineNo, values, errors };
  }
}

// ---------------------------------------------------------------------------------------------
// References

const REF_LOOKUPS: Record<RefKind, { sql: string; missing(value: string): string }> = {
  person: {
    sql: 'SELECT id FROM insured_persons WHERE national_id = ?',
    missing: (v) => `no insured person ${maskNationalId(v)} (import persons first)`,
  },
  employer: {
    sql: 'SELECT id FROM employers WHERE id = ?',
    missing: (v) => `no employer ${v} (import employers first)`,
  },
  hospital: {
    sql: 'SELECT id FROM hospitals WHERE id = ?',
    missing: (v) => `no hospital "${v}" (import hospitals first)`,
  },
  claim: {
    sql: 'SELECT id FROM unemployment_claims WHERE id = ?',
    missing: (v) => `no unemployment claim "${v}" (import claims first)`,
  },
};

function resolveReferences(db: Database.Database, rows: ParsedRow[], errors: ImportError[]): void {
  const statements = new Map<RefKind, Database.Statement<[string], SqlValue>>();
  const cache = new Map<string, SqlValue | undefined>();
  const lookup = (kind: RefKind, value: string): SqlValue | undefined => {
    const cacheKey = `${kind}\u0000${value}`;
    if (cache.has(cacheKey)) return cache.get(cacheKey);
    let statement = statements.get(kind);
    if (!statement) {
      statement = db.prepare<[string], SqlValue>(REF_LOOKUPS[kind].sql).pluck();
      statements.set(kind, statement);
    }
    const found = statement.get(value);
    cache.set(cacheKey, found);
    return found;
  };
  for (const row of rows) {
    for (const ref of row.refs ?? []) {
      const id = lookup(ref.kind, ref.value);
      if (id === undefined) {
        errors.push({
          line: row.line,
          column: ref.column,
          message: REF_LOOKUPS[ref.kind].missing(ref.value),
        });
        row.failed = true;
      } else if (ref.target !== undefined) {
        row.values[ref.target] = id;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

class DryRunRollback extends Error {}

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

function writeRows(
  db: Database.Database,
  def: DatasetDef,
  rows: readonly ParsedRow[],
  now: number,
  dryRun: boolean,
): Counts {
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  const first = rows[0];
  if (!first) return counts;
  const columns = Object.keys(first.values);
  const keyColumns = def.keyColumns;
  const valueColumns = columns.filter((c) => !keyColumns.includes(c));
  const stamp = def.stamp?.(now) ?? {};
  const stampColumns = Object.keys(stamp);
  const stampValues = stampColumns.map((c) => stamp[c] ?? null);
  const table = q(def.table);
  const where = keyColumns.map((c) => `${q(c)} = ?`).join(' AND ');
  const insertColumns = [...columns, ...stampColumns];
  const updateColumns = [...valueColumns, ...stampColumns];

  const select = db
    .prepare<SqlValue[], SqlValue[]>(
      `SELECT ${valueColumns.map(q).join(', ')} FROM ${table} WHERE ${where}`,
    )
    .raw();
  const insert = db.prepare<SqlValue[]>(
    `INSERT INTO ${table} (${insertColumns.map(q).join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`,
  );
  const update = db.prepare<SqlValue[]>(
    `UPDATE ${table} SET ${updateColumns.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${where}`,
  );

  const run = db.transaction(() => {
    for (const row of rows) {
      const v = row.values;
      const key = keyColumns.map((c) => v[c] ?? null);
      const values = valueColumns.map((c) => v[c] ?? null);
      const stored = select.get(...key);
      if (stored === undefined) {
        insert.run(...columns.map((c) => v[c] ?? null), ...stampValues);
        counts.inserted++;
      } else if (values.every((value, i) => value === stored[i])) {
        counts.unchanged++;
      } else {
        update.run(...values, ...stampValues, ...key);
        counts.updated++;
      }
    }
    if (dryRun) throw new DryRunRollback();
  });
  try {
    run.immediate();
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Reporting

function sortErrors(errors: ImportError[], def: DatasetDef): void {
  const order = new Map(def.columns.map((c, i) => [c.name, i]));
  const rank = (e: ImportError) => (e.column === undefined ? -1 : (order.get(e.column) ?? -1));
  errors.sort((a, b) => a.line - b.line || rank(a) - rank(b));
}

/** `persons.csv:17: national_id: checksum is invalid` (national IDs masked, always). */
export function formatImportError(file: string, error: ImportError): string {
  const where = error.column === undefined ? '' : `${error.column}: `;
  return maskNationalIds(`${file}:${error.line}: ${where}${error.message}`);
}

/** The lines to print for a report: at most `maxErrors` errors, then "… and N more". */
export function formatImportReport(report: ImportReport, maxErrors = 100): string[] {
  if (report.errors.length === 0) {
    const verb = report.written ? '' : ' (dry run, nothing written)';
    return [
      `${report.file}: ${report.dataset}: inserted ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}${verb}`,
    ];
  }
  const lines = report.errors.slice(0, maxErrors).map((e) => formatImportError(report.file, e));
  const more = report.errors.length - maxErrors;
  if (more > 0) lines.push(`… and ${more} more`);
  const n = report.errors.length;
  lines.push(`${report.file}: ${n} error${n === 1 ? '' : 's'}; nothing was imported`);
  return lines;
}
