/**
 * Deterministic demo data for an empty database (SEED_DEMO=1, the default in development).
 * `meta.demo_seed` records the seeded version; `meta.demo_seed_params` the people count and the
 * `now` the data was generated for.
 *
 * Everything goes through the `Store` seam (drizzle), so the same seed runs on better-sqlite3
 * (`seed`, `npm start`) and on D1 (`seed --d1`, `npm run dev:worker`): the rows themselves are
 * written by `writeDemoData` (src/store/demo-data.ts) in batches within D1's limits.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { ensureOffices } from '../offices/reference.ts';
import type { Store } from './db.ts';
import {
  DEFAULT_DEMO_PEOPLE,
  type DemoDataCounts,
  type DemoSqlite,
  generateDemoData,
  wipeDemoData,
  writeDemoData,
} from './demo-data.ts';
import type { BulkLimits } from './imports.ts';
import { insuredPersons, meta } from './schema.ts';

/** v2: employers, demo hospitals, insured persons, contributions, registrations and claims. */
export const DEMO_SEED_VERSION = '4';
const SEED_KEY = 'demo_seed';
const PARAMS_KEY = 'demo_seed_params';
/** Written before the first chunk, removed at the end: a crash leaves it behind. */
const IN_PROGRESS_KEY = 'demo_seed_in_progress';

export interface SeedOptions {
  /** Insured persons in total, the 6 documented demo identities included. Default 2,000. */
  people?: number;
  /** The date the data is generated for (contributions end at its month). Default: now. */
  now?: Date;
  /** Wipe the demo tables and seed again even when this version is already seeded. */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Chunk and batch sizes (tests lower them); the defaults stay within D1's limits. */
  limits?: BulkLimits;
  /**
   * The bench's large seeds only: the same rows through prepared statements on this
   * better-sqlite3 handle (the store's own, `NodeStore.sqlite`) instead of the store's JSON
   * batches, about twice as fast (100,000 people: ~14 s instead of ~30 s). Everything else (the
   * checks, the wipe, the meta records) still goes through the store.
   */
  prepared?: DemoSqlite;
}

export interface SeedReport {
  seeded: boolean;
  /** The version now in the database (the recorded one when nothing was seeded). */
  version: string;
  /** Rows written, when seeded. */
  counts?: DemoDataCounts;
  elapsedMs?: number;
  /** Why nothing was seeded. */
  reason?: string;
}

/** True when this version of the demo data is in the database. */
export async function isSeeded(store: Store): Promise<boolean> {
  const rows = await store.db.select().from(meta).where(eq(meta.key, SEED_KEY)).limit(1);
  return rows[0]?.value === DEMO_SEED_VERSION;
}

const setMeta = (store: Store, key: string, value: string) =>
  store.db
    .insert(meta)
    .values({ key, value })
    .onConflictDoUpdate({ target: meta.key, set: { value: sql`excluded.value` } });

/**
 * Seeds the demo data once. Skips when this version is recorded (unless `force`). An older
 * version's demo rows, or a crashed seed's partial rows, are wiped first (with the account links
 * and link nonces that point at them). A database with insured persons but no demo-seed record is
 * left alone (someone loaded real data) unless `force`.
 */
export async function seedDemoData(store: Store, options: SeedOptions = {}): Promise<SeedReport> {
  const { db } = store;
  const [recordedRows, people] = await Promise.all([
    db
      .select()
      .from(meta)
      .where(inArray(meta.key, [SEED_KEY, IN_PROGRESS_KEY])),
    db.select({ one: sql<number>`1` }).from(insuredPersons).limit(1),
  ]);
  const recorded = recordedRows.find((r) => r.key === SEED_KEY)?.value;
  const inProgress = recordedRows.some((r) => r.key === IN_PROGRESS_KEY);
  const hasPeople = people.length > 0;

  if (recorded === DEMO_SEED_VERSION && !inProgress && !options.force) {
    return { seeded: false, version: DEMO_SEED_VERSION, reason: 'already seeded' };
  }
  if (hasPeople && recorded === undefined && !inProgress && !options.force) {
    return {
      seeded: false,
      version: '',
      reason:
        'insured_persons has rows that the demo seed did not write; use --force to replace them',
    };
  }

  // The office list is reference data (also loaded at start-up); the demo needs it too.
  await ensureOffices(store);
  const started = performance.now();
  if (hasPeople || recorded !== undefined || inProgress) await wipeDemoData(store);
  await store.batch([
    db.delete(meta).where(inArray(meta.key, [SEED_KEY, PARAMS_KEY])),
    setMeta(store, IN_PROGRESS_KEY, DEMO_SEED_VERSION),
  ]);

  const now = options.now ?? new Date();
  const generate = {
    people: options.people ?? DEFAULT_DEMO_PEOPLE,
    now,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const counts = options.prepared
    ? generateDemoData(options.prepared, generate)
    : await writeDemoData(store, generate, options.limits);

  await store.batch([
    setMeta(store, SEED_KEY, DEMO_SEED_VERSION),
    setMeta(
      store,
      PARAMS_KEY,
      JSON.stringify({ people: counts.insuredPersons, now: now.toISOString() }),
    ),
    db.delete(meta).where(eq(meta.key, IN_PROGRESS_KEY)),
  ]);
  return {
    seeded: true,
    version: DEMO_SEED_VERSION,
    counts,
    elapsedMs: Math.round(performance.now() - started),
  };
}
