/**
 * Backups of the embedded SQLite database you can restore (Node; docs/deploy-node.md).
 *
 * - `backupDatabase` uses SQLite's online backup API (better-sqlite3 `db.backup`): a consistent
 *   copy while the server keeps serving (WAL mode), checked with `PRAGMA integrity_check` before
 *   it counts, written under a temporary name and renamed, so a half-written file is never taken
 *   for a backup. Older backups beyond `keep` are deleted (newest kept).
 * - `restoreDatabase` checks a backup the same way (and that it is one of ours: the migrations
 *   table is there), then replaces the database file atomically (temporary file + rename) and
 *   removes a stale `-wal`/`-shm` pair. Stop the server first: a running server keeps its open
 *   file and would go on writing to the old one.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const BACKUP_PREFIX = 'sso-bot-';

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  /** Backups deleted because more than `keep` were there. */
  readonly deleted: readonly string[];
}

/** `sso-bot-20261204-213000.sqlite` (UTC) */
export function backupName(now: Date): string {
  const s = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${BACKUP_PREFIX}${s}.sqlite`;
}

/** Throws unless `file` is an intact SQLite database with our migrations table. */
export function checkDatabaseFile(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok')
      throw new Error(`${basename(file)}: integrity check failed: ${String(result)}`);
    const migrations = db
      .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
      .get();
    if (!migrations)
      throw new Error(`${basename(file)}: not a database of this app (no migrations table)`);
  } finally {
    db.close();
  }
}

export async function backupDatabase(
  databasePath: string,
  outDir: string,
  options: { now?: Date; keep?: number } = {},
): Promise<BackupResult> {
  if (databasePath === ':memory:') throw new Error('DATABASE_PATH is :memory:, nothing to back up');
  if (!existsSync(databasePath)) throw new Error(`${databasePath} does not exist`);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, backupName(options.now ?? new Date()));
  const partial = `${file}.partial`;
  const source = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(partial);
  } finally {
    source.close();
  }
  try {
    // A backup is one self-contained file: no -wal/-shm beside it, whatever the source used.
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    checkDatabaseFile(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, file);
  const deleted: string[] = [];
  const keep = options.keep ?? 14;
  const backups = readdirSync(outDir)
    .filter((f) => f.startsWith(BACKUP_PREFIX) && f.endsWith('.sqlite'))
    .sort()
    .reverse();
  for (const old of backups.slice(Math.max(1, keep))) {
    rmSync(join(outDir, old), { force: true });
    deleted.push(old);
  }
  return { file, bytes: statSync(file).size, deleted };
}

export function restoreDatabase(backupFile: string, databasePath: string): void {
  if (databasePath === ':memory:') throw new Error('DATABASE_PATH is :memory:, nowhere to restore');
  checkDatabaseFile(backupFile);
  const target = resolve(databasePath);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.restoring`;
  const source = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    // A plain file copy of a WAL database could miss pages; VACUUM INTO writes a whole,
    // self-contained copy.
    rmSync(temp, { force: true });
    source.prepare('VACUUM INTO ?').run(temp);
  } finally {
    source.close();
  }
  checkDatabaseFile(temp);
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  renameSync(temp, target);
}
