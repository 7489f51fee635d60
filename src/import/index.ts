/**
 * Imports a CSV or JSONL extract into one table (SPEC: "loads a CSV or JSONL extract; bad rows
 * are reported with line numbers and nothing half-imported").
 *
 * 1. Read and validate every row (streamed), collecting all errors with their file line.
 * 2. Resolve references (national IDs → insured_persons.id, employers, hospitals, claims).
 * 3. Dataset-specific preparation (persons: laser codes verified / hashed).
 * 4. Only if there is no error at all: every row is upserted by its natural key, all or nothing,
 *    counting inserted / updated / unchanged rows (src/store/imports.ts: staged in chunks, then
 *    moved in one atomic batch). A row equal to the stored one is not written, so re-importing
 *    a file changes nothing.
 *
 * Every read and write goes through the `Store` seam (drizzle), so the same import runs on
 * better-sqlite3 (DATABASE_PATH) and on D1 (`import … --d1`, src/cli/import.ts).
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { maskNationalIds } from '../log.ts';
import { maskNationalId } from '../nlu/entities.ts';
import type { Store } from '../store/db.ts';
import { type BulkLimits, findByKeys, type UpsertOptions, upsertRows } from '../store/imports.ts';
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
  /** Chunk and batch sizes of the write (tests lower them); defaults stay within D1's limits. */
  limits?: BulkLimits;
  /** Tests: see `UpsertOptions.finalBatch` (src/store/imports.ts). */
  finalBatch?: UpsertOptions['finalBatch'];
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

export async function importFile(
  store: Store,
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
  await resolveReferences(store, rows, errors);

  // 3. Dataset-specific preparation.
  await def.prepare?.(rows, {
    find: (table, keyColumn, keys, columns) => findByKeys(store, table, keyColumn, keys, columns),
    error: (line, e) => errors.push({ line, ...e }),
    hasErrors: () => errors.length > 0,
  });

  if (errors.length > 0) {
    sortErrors(errors, def);
    return report;
  }

  // 4. Write, all or nothing.
  const counts = await writeRows(store, def, rows, now, options);
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

const REF_LOOKUPS: Record<
  RefKind,
  { table: string; keyColumn: string; idColumn: string; missing(value: string): string }
> = {
  person: {
    table: 'insured_persons',
    keyColumn: 'national_id',
    idColumn: 'id',
    missing: (v) => `no insured person ${maskNationalId(v)} (import persons first)`,
  },
  employer: {
    table: 'employers',
    keyColumn: 'id',
    idColumn: 'id',
    missing: (v) => `no employer ${v} (import employers first)`,
  },
  hospital: {
    table: 'hospitals',
    keyColumn: 'id',
    idColumn: 'id',
    missing: (v) => `no hospital "${v}" (import hospitals first)`,
  },
  claim: {
    table: 'unemployment_claims',
    keyColumn: 'id',
    idColumn: 'id',
    missing: (v) => `no unemployment claim "${v}" (import claims first)`,
  },
};

/** Looks every referenced row up (a few queries per kind), then resolves or reports each. */
async function resolveReferences(
  store: Store,
  rows: ParsedRow[],
  errors: ImportError[],
): Promise<void> {
  const wanted = new Map<RefKind, Set<string>>();
  for (const row of rows) {
    for (const ref of row.refs ?? []) {
      let values = wanted.get(ref.kind);
      if (!values) {
        values = new Set();
        wanted.set(ref.kind, values);
      }
      values.add(ref.value);
    }
  }
  const found = new Map<RefKind, Map<string, Record<string, SqlValue>>>();
  for (const [kind, values] of wanted) {
    const { table, keyColumn, idColumn } = REF_LOOKUPS[kind];
    found.set(kind, await findByKeys(store, table, keyColumn, values, [idColumn]));
  }
  for (const row of rows) {
    for (const ref of row.refs ?? []) {
      const stored = found.get(ref.kind)?.get(ref.value);
      if (stored === undefined) {
        errors.push({
          line: row.line,
          column: ref.column,
          message: REF_LOOKUPS[ref.kind].missing(ref.value),
        });
        row.failed = true;
      } else if (ref.target !== undefined) {
        row.values[ref.target] = stored[REF_LOOKUPS[ref.kind].idColumn] ?? null;
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

async function writeRows(
  store: Store,
  def: DatasetDef,
  rows: readonly ParsedRow[],
  now: number,
  options: ImportOptions,
): Promise<Counts> {
  const first = rows[0];
  if (!first) return { inserted: 0, updated: 0, unchanged: 0 };
  const columns = Object.keys(first.values);
  const stamp = def.stamp?.(now);
  return upsertRows(
    store,
    {
      table: def.table,
      columns,
      keyColumns: def.keyColumns,
      ...(stamp ? { stamp } : {}),
    },
    rows.map((row) => columns.map((c) => row.values[c] ?? null)),
    {
      now,
      ...(options.dryRun ? { dryRun: true } : {}),
      ...options.limits,
      ...(options.finalBatch ? { finalBatch: options.finalBatch } : {}),
    },
  );
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
