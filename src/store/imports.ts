/**
 * Bulk writes through the `Store` seam, the same on better-sqlite3 and on D1: the importer's
 * all-or-nothing upserts (src/import/index.ts) and the demo seeder's inserts (src/store/seed.ts).
 *
 * Rows travel as JSON: a chunk of rows is ONE bound parameter (a JSON array of rows, each an array
 * of column values) that `INSERT … SELECT json_extract(value, '$[i]') … FROM json_each(?)` spreads
 * into the table. That keeps every statement within D1's limits (≤ 100 bound parameters and
 * ≤ 100 KB: a chunk's JSON stays under `STATEMENT_BYTES`) with few statements, and drizzle builds
 * one small query per chunk instead of one SQL fragment per value (which cost ~14 µs a row).
 *
 * All or nothing (`upsertRows`): D1 has no interactive transactions, and a file can be larger
 * than one batch. The validated rows are written first into `import_staging` (invisible to the
 * app) in batches of chunks; then ONE atomic batch counts what will be inserted / updated /
 * unchanged, moves every chunk into the table (`UPDATE … FROM` the stored rows whose values
 * really differ, `INSERT … SELECT` the new keys) and deletes the chunks. A failure before or in
 * that batch leaves the table as it was; the chunks are deleted by the importer, or else by
 * retention (src/retention.ts, a day later).
 */
import {
  and,
  eq,
  getTableColumns,
  getTableName,
  inArray,
  is,
  notExists,
  or,
  SQL,
  sql,
} from 'drizzle-orm';
import { type SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchQuery, Db, Store } from './db.ts';
import * as schema from './schema.ts';
import { importStaging } from './schema.ts';

/** A value as it is written to a column. */
export type SqlValue = string | number | null;

/** D1's limit on bound parameters per statement (lookups stay under it). */
const D1_MAX_PARAMS = 100;
/** JSON bytes per statement at most (D1 refuses statements over 100 KB). */
export const STATEMENT_BYTES = 90_000;
/** JSON bytes per batch at most: each batch is one round trip to a remote D1. */
export const BATCH_BYTES = 900_000;
/** Keys per lookup query (under D1_MAX_PARAMS), and lookup queries per batch. */
const KEYS_PER_LOOKUP = D1_MAX_PARAMS - 10;
const LOOKUPS_PER_BATCH = 20;

export interface BulkLimits {
  /** JSON bytes per statement (tests lower it to force many chunks). */
  readonly statementBytes?: number;
  /** JSON bytes per batch. */
  readonly batchBytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Tables by name

const TABLES = new Map<string, SQLiteTable>();
for (const value of Object.values(schema) as unknown[]) {
  if (is(value, SQLiteTable)) TABLES.set(getTableName(value), value);
}

function tableNamed(name: string): SQLiteTable {
  const table = TABLES.get(name);
  if (!table) throw new Error(`no table "${name}" in the schema`);
  return table;
}

function columnNamed(table: SQLiteTable, name: string): SQLiteColumn {
  const column = Object.values(getTableColumns(table)).find((c) => c.name === name);
  if (!column) throw new Error(`no column "${name}" in ${getTableName(table)}`);
  return column;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lookups

/**
 * The stored rows of `table` whose `keyColumn` is one of `keys` (only `columns` read), by key:
 * a query per 90 keys (D1's 100 bound parameters), 20 queries per batch.
 */
export async function findByKeys(
  store: Store,
  tableName: string,
  keyColumn: string,
  keys: Iterable<string>,
  columns: readonly string[],
): Promise<Map<string, Record<string, SqlValue>>> {
  const table = tableNamed(tableName);
  const key = columnNamed(table, keyColumn);
  const fields: Record<string, SQLiteColumn> = { [keyColumn]: key };
  for (const name of columns) fields[name] = columnNamed(table, name);
  const found = new Map<string, Record<string, SqlValue>>();
  const wanted = [...new Set(keys)];
  for (const group of chunks(chunks(wanted, KEYS_PER_LOOKUP), LOOKUPS_PER_BATCH)) {
    const queries = group.map((values) =>
      store.db.select(fields).from(table).where(inArray(key, values)),
    );
    const results = (await store.batch(queries)) as Record<string, SqlValue>[][];
    for (const rows of results) for (const row of rows) found.set(String(row[keyColumn]), row);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Rows as JSON chunks

/**
 * Cuts rows into JSON chunks of at most `maxBytes` (UTF-8) each, as they are added. A row
 * longer than that on its own is an error (no import row comes near it: text fields are capped).
 */
export class JsonChunks {
  private parts: string[] = [];
  private bytes = 2;
  private done: { json: string; rows: number }[] = [];

  constructor(private readonly maxBytes: number) {}

  add(row: readonly SqlValue[]): void {
    const json = JSON.stringify(row);
    const bytes = Buffer.byteLength(json) + 1;
    if (bytes + 2 > this.maxBytes) {
      throw new Error(`a row is longer than ${this.maxBytes} bytes as JSON`);
    }
    if (this.bytes + bytes > this.maxBytes) this.cut();
    this.parts.push(json);
    this.bytes += bytes;
  }

  /** About the bytes of JSON held (finished chunks and the open one): a flush budget. */
  get heldBytes(): number {
    let n = this.bytes;
    for (const c of this.done) n += c.json.length;
    return n;
  }

  /** The chunks so far (the open one closed); empties the buffer. */
  take(): { json: string; rows: number }[] {
    this.cut();
    const out = this.done;
    this.done = [];
    return out;
  }

  private cut(): void {
    if (this.parts.length === 0) return;
    this.done.push({ json: `[${this.parts.join(',')}]`, rows: this.parts.length });
    this.parts = [];
    this.bytes = 2;
  }
}

/** `json_extract(<row>, '$[i]')`: column `i` of a row array. */
function field(row: SQL, i: number): SQL {
  return sql`json_extract(${row}, ${sql.raw(`'$[${i}]'`)})`;
}

/**
 * The SELECT list for an `INSERT … SELECT` into `table`: drizzle requires every column of the
 * table, in order. A column the rows give is read from the row array; any other gets its
 * default (NULL for an autoincrement id, which SQLite then assigns) or a constant from `fixed`.
 */
function insertFields(
  table: SQLiteTable,
  columns: readonly string[],
  row: SQL,
  fixed: Readonly<Record<string, SqlValue>> = {},
): Record<string, SQL> {
  const at = new Map(columns.map((c, i) => [c, i]));
  const fields: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const i = at.get(column.name);
    if (i !== undefined) fields[key] = field(row, i);
    else if (Object.hasOwn(fixed, column.name)) fields[key] = sql`${fixed[column.name]}`;
    else if (column.hasDefault && column.default !== undefined && !is(column.default, SQL)) {
      fields[key] = sql`${column.mapToDriverValue(column.default)}`;
    } else fields[key] = sql`null`;
  }
  for (const name of columns) columnNamed(table, name);
  for (const name of Object.keys(fixed)) columnNamed(table, name);
  return fields;
}

/** `INSERT INTO table SELECT … FROM json_each(json)`: one chunk of rows, no conflict handling. */
function insertChunk(db: Db, table: SQLiteTable, columns: readonly string[], json: string) {
  const fields = insertFields(table, columns, sql`"value"`);
  return db.insert(table).select(db.select(fields).from(sql`json_each(${json})`));
}

// ---------------------------------------------------------------------------------------------
// Bulk inserts (the seeder)

/**
 * Buffers rows for several tables and inserts them in chunks and batches. Tables are written in
 * the order they were declared (parents first), so foreign keys hold at every statement on both
 * drivers. A batch is atomic (one transaction on better-sqlite3, one D1 batch), a flush is not:
 * the seeder marks its work in progress and starts again after a crash.
 */
export class BulkInsert {
  private readonly tables = new Map<
    string,
    { table: SQLiteTable; columns: readonly string[]; rows: JsonChunks }
  >();
  private readonly statementBytes: number;
  private readonly batchBytes: number;
  /** Rows written per table (flushed). */
  readonly written = new Map<string, number>();

  constructor(
    private readonly store: Store,
    limits: BulkLimits = {},
  ) {
    this.statementBytes = limits.statementBytes ?? STATEMENT_BYTES;
    this.batchBytes = limits.batchBytes ?? BATCH_BYTES;
  }

  /** Declares a table and the columns its rows give, in order (declare parents first). */
  declare(tableName: string, columns: readonly string[]): void {
    const table = tableNamed(tableName);
    for (const name of columns) columnNamed(table, name);
    this.tables.set(tableName, { table, columns, rows: new JsonChunks(this.statementBytes) });
    this.written.set(tableName, 0);
  }

  add(tableName: string, row: readonly SqlValue[]): void {
    const entry = this.tables.get(tableName);
    if (!entry) throw new Error(`table ${tableName} was not declared`);
    entry.rows.add(row);
  }

  /** Bytes of JSON buffered (the caller flushes past a budget). */
  get bufferedBytes(): number {
    let n = 0;
    for (const entry of this.tables.values()) n += entry.rows.heldBytes;
    return n;
  }

  /** Writes everything buffered: table by table in declared order, batch by batch. */
  async flush(): Promise<void> {
    let batch: BatchQuery[] = [];
    let bytes = 0;
    const send = async () => {
      if (batch.length > 0) await this.store.batch(batch);
      batch = [];
      bytes = 0;
    };
    for (const [name, entry] of this.tables) {
      for (const chunk of entry.rows.take()) {
        if (bytes + chunk.json.length > this.batchBytes) await send();
        batch.push(insertChunk(this.store.db, entry.table, entry.columns, chunk.json));
        bytes += chunk.json.length;
        this.written.set(name, (this.written.get(name) ?? 0) + chunk.rows);
      }
    }
    await send();
  }
}

// ---------------------------------------------------------------------------------------------
// All-or-nothing upserts (the importer)

export interface UpsertTarget {
  /** The table (its SQL name). */
  readonly table: string;
  /** The columns every row gives, in the rows' order (SQL names). */
  readonly columns: readonly string[];
  /** The natural key (columns with a unique index) the rows are upserted by. */
  readonly keyColumns: readonly string[];
  /**
   * Columns set on insert and on a real change, never compared (updated_at): a row equal to the
   * stored one keeps its stamp.
   */
  readonly stamp?: Readonly<Record<string, SqlValue>>;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface UpsertOptions extends BulkLimits {
  /** Count only: the rows are staged and counted, nothing is written to the table. */
  readonly dryRun?: boolean;
  /** The clock (ms), for the staging rows' age. */
  readonly now?: number;
  /** Tests: called with the final batch's queries (to add one that fails, say). */
  readonly finalBatch?: (queries: BatchQuery[]) => BatchQuery[];
}

/** The staging rows of an import that were not all there at the final step. */
export class StagingIncompleteError extends Error {
  override readonly name = 'StagingIncompleteError';
}

/**
 * Upserts `rows` into `target.table` by its natural key, all or nothing, and counts them:
 * inserted (new key), updated (a value column really differs; the stamp is set) and unchanged
 * (not written at all, stamp kept). See the file comment for how.
 */
export async function upsertRows(
  store: Store,
  target: UpsertTarget,
  rows: readonly (readonly SqlValue[])[],
  options: UpsertOptions = {},
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const { db } = store;
  const table = tableNamed(target.table);
  const now = options.now ?? Date.now();
  const importId = crypto.randomUUID();
  const batchBytes = options.batchBytes ?? BATCH_BYTES;

  // 1. Stage: every chunk of rows into import_staging, batch by batch.
  const json = new JsonChunks(options.statementBytes ?? STATEMENT_BYTES);
  for (const row of rows) json.add(row);
  const staged = json.take();
  const mine = eq(importStaging.importId, importId);
  const discard = async () => {
    try {
      await store.batch([db.delete(importStaging).where(mine)]);
    } catch {
      // Retention deletes them later (import_staging rule).
    }
  };
  try {
    let batch: BatchQuery[] = [];
    let bytes = 0;
    for (const [seq, chunk] of staged.entries()) {
      if (bytes + chunk.json.length > batchBytes && batch.length > 0) {
        await store.batch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(
        db.insert(importStaging).values({
          importId,
          seq,
          tableName: target.table,
          rows: chunk.json,
          createdAt: now,
        }),
      );
      bytes += chunk.json.length;
    }
    if (batch.length > 0) await store.batch(batch);

    // 2. One atomic batch: count, move (only if every chunk is there), delete the chunks.
    const move = moveQueries(db, table, target, importId, staged.length);
    let queries: BatchQuery[] = [
      move.count,
      ...(options.dryRun ? [] : move.moves),
      db.delete(importStaging).where(mine),
    ];
    if (options.finalBatch) queries = options.finalBatch(queries);
    const results = await store.batch(queries);
    const counted = (results[0] as { chunks: number; inserted: number; updated: number }[])[0];
    if (!counted || Number(counted.chunks) !== staged.length) {
      throw new StagingIncompleteError(
        `the import's staged rows were not all there at the final step (${counted?.chunks ?? 0} of ${staged.length} chunks; pruned?): nothing was written`,
      );
    }
    const inserted = Number(counted.inserted);
    const updated = Number(counted.updated);
    return { inserted, updated, unchanged: rows.length - inserted - updated };
  } catch (err) {
    await discard();
    throw err;
  }
}

/**
 * The final step's queries, all over the staged chunks of `importId`: the counts (read before
 * anything moves, in the same batch), the UPDATE of stored rows whose values really differ and
 * the INSERT of new keys. Neither moves anything unless all `chunks` are there. (Not one
 * `INSERT … ON CONFLICT DO UPDATE`: SQLite spends an AUTOINCREMENT id on every conflicting row,
 * so each re-import of persons would leave a gap of its size.)
 */
function moveQueries(
  db: Db,
  table: SQLiteTable,
  target: UpsertTarget,
  importId: string,
  chunks: number,
) {
  const row = sql`"j"."value"`;
  const staged = sql`${importStaging}, json_each(${importStaging.rows}) as "j"`;
  const mine = eq(importStaging.importId, importId);
  const complete = sql`(select count(*) from ${importStaging} where ${mine}) = ${chunks}`;
  const index = new Map(target.columns.map((c, i) => [c, i]));
  const incoming = (name: string) => field(row, index.get(name)!);
  const keys = target.keyColumns.map((name) => columnNamed(table, name));
  const match = and(...keys.map((k) => eq(k, incoming(k.name))))!;
  const valueColumns = target.columns.filter((c) => !target.keyColumns.includes(c));
  // "A value differs from the stored one": NULL-safe, with the column's affinity applied to the
  // incoming value, as the write itself would store it.
  const differs =
    valueColumns.length === 0
      ? sql`0`
      : or(
          ...valueColumns.map((name) => sql`${columnNamed(table, name)} is not ${incoming(name)}`),
        )!;

  const stored = keys[0]!;
  const count = db
    .select({
      chunks: sql<number>`(select count(*) from ${importStaging} where ${mine})`,
      inserted: sql<number>`coalesce(sum(${stored} is null), 0)`,
      updated: sql<number>`coalesce(sum(${stored} is not null and (${differs})), 0)`,
    })
    .from(staged)
    .leftJoin(table, match)
    .where(mine);

  const columns = getTableColumns(table);
  const keyOf = (name: string) => Object.entries(columns).find(([, c]) => c.name === name)![0];
  const set: Record<string, SQL> = {};
  for (const name of valueColumns) set[keyOf(name)] = incoming(name);
  for (const [name, value] of Object.entries(target.stamp ?? {})) set[keyOf(name)] = sql`${value}`;
  const update =
    Object.keys(set).length === 0
      ? undefined
      : db
          .update(table)
          .set(set)
          .from(staged)
          .where(and(mine, complete, match, differs));

  const insert = db.insert(table).select(
    db
      .select(insertFields(table, target.columns, row, target.stamp))
      .from(staged)
      .where(and(mine, complete, notExists(db.select({ one: sql`1` }).from(table).where(match))))
      .orderBy(importStaging.seq, sql`"j"."key"`),
  );
  return { count, moves: update ? [update, insert] : [insert] };
}
