/**
 * The one store seam between runtimes. Queries are written once against `Db` (drizzle's
 * BaseSQLiteDatabase, sync on better-sqlite3 and async on D1) and always awaited. The only
 * operation that differs is `batch`: a transaction on better-sqlite3, `db.batch` on D1 (D1 has no
 * interactive transactions).
 */
import { sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, Schema>;

/** A built drizzle query not yet run (insert/update/delete/select). */
export interface BatchQuery {
  prepare(): { execute(): unknown };
}

export interface Store {
  readonly db: Db;
  /** Runs the queries atomically, in order; returns each query's result. */
  batch(queries: readonly BatchQuery[]): Promise<unknown[]>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
}

/** A database error that means "try again shortly" (SQLITE_BUSY / locked). */
export function isBusyError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') return true;
  if (typeof e.message === 'string' && /database is (locked|busy)|SQLITE_BUSY/i.test(e.message))
    return true;
  return e.cause !== undefined && e.cause !== err ? isBusyError(e.cause) : false;
}

export interface BusyRetryOptions {
  /** Give up (rethrow the busy error) once this much time has passed. */
  readonly deadlineMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `fn`, and while it fails with a busy error (another connection holds the write lock),
 * waits (25 ms doubling to 1 s, with jitter) and runs it again until `deadlineMs` has passed.
 * The waits are timers, so the event loop keeps serving other requests; the server's own busy
 * timeout is kept short for that reason (src/entry/node-runtime.ts). Any other error is thrown
 * at once.
 */
export async function retryWhileBusy<T>(
  fn: () => Promise<T>,
  options: BusyRetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const giveUpAt = Date.now() + options.deadlineMs;
  let wait = 25;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || Date.now() >= giveUpAt) throw err;
      const jittered = wait / 2 + Math.random() * (wait / 2);
      await sleep(Math.min(jittered, Math.max(0, giveUpAt - Date.now())));
      wait = Math.min(wait * 2, 1000);
    }
  }
}

/**
 * `build(db)` once per store, then the same value: for queries run on every event, which are
 * built and prepared once (drizzle's building and SQLite's prepare cost more than running them).
 */
export function perStore<T>(build: (db: Db) => T): (store: Store) => T {
  const built = new WeakMap<Store, T>();
  return (store) => {
    let value = built.get(store);
    if (value === undefined) {
      value = build(store.db);
      built.set(store, value);
    }
    return value;
  };
}

/** True when the database answers a trivial query (the health check). */
export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.run(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
