/**
 * Deterministic demo data for an empty database (SEED_DEMO=1, the default in development).
 * `meta.demo_seed` records the seeded version; `meta.demo_seed_params` the people count and the
 * `now` the data was generated for.
 *
 * The seeding itself (src/store/demo-data.ts) runs on Node only: it writes through better-sqlite3
 * prepared statements. Workers (D1) never seed.
 */
import { eq } from 'drizzle-orm';
import { ensureOffices } from '../offices/reference.ts';
import type { Store } from './db.ts';
import {
  DEFAULT_DEMO_PEOPLE,
  type DemoDataCounts,
  generateDemoData,
  wipeDemoData,
} from './demo-data.ts';
import type { NodeStore } from './node.ts';
import { meta } from './schema.ts';

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

/**
 * Seeds the demo data once. Skips when this version is recorded (unless `force`). An older
 * version's demo rows, or a crashed seed's partial rows, are wiped first (with the account links
 * and link nonces that point at them). A database with insured persons but no demo-seed record is
 * left alone (someone loaded real data) unless `force`.
 */
export async function seedDemoData(
  store: NodeStore,
  options: SeedOptions = {},
): Promise<SeedReport> {
  const { sqlite } = store;
  const getMeta = sqlite.prepare('select value from meta where key = ?').pluck();
  const recorded = getMeta.get(SEED_KEY) as string | undefined;
  const inProgress = getMeta.get(IN_PROGRESS_KEY) !== undefined;

  if (recorded === DEMO_SEED_VERSION && !inProgress && !options.force) {
    return { seeded: false, version: DEMO_SEED_VERSION, reason: 'already seeded' };
  }
  const hasPeople = sqlite.prepare('select 1 from insured_persons limit 1').get() !== undefined;
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
  if (hasPeople || recorded !== undefined || inProgress) wipeDemoData(sqlite);
  const setMeta = sqlite.prepare(
    'insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
  );
  sqlite.transaction(() => {
    sqlite.prepare('delete from meta where key in (?, ?)').run(SEED_KEY, PARAMS_KEY);
    setMeta.run(IN_PROGRESS_KEY, DEMO_SEED_VERSION);
  })();

  const now = options.now ?? new Date();
  const people = options.people ?? DEFAULT_DEMO_PEOPLE;
  // Bulk-load tuning for this connection, restored afterwards: a bigger page cache, and no
  // per-row foreign-key lookups (the generator writes parents first; tests run
  // `pragma foreign_key_check` on the result).
  const cacheSize = sqlite.pragma('cache_size', { simple: true });
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true });
  sqlite.pragma('cache_size = -262144'); // 256 MiB
  sqlite.pragma('foreign_keys = OFF');
  let counts: DemoDataCounts;
  try {
    counts = generateDemoData(sqlite, {
      people,
      now,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    sqlite.pragma(`cache_size = ${Number(cacheSize)}`);
    if (foreignKeys) sqlite.pragma('foreign_keys = ON');
  }

  sqlite.transaction(() => {
    setMeta.run(SEED_KEY, DEMO_SEED_VERSION);
    setMeta.run(
      PARAMS_KEY,
      JSON.stringify({ people: counts.insuredPersons, now: now.toISOString() }),
    );
    sqlite.prepare('delete from meta where key = ?').run(IN_PROGRESS_KEY);
  })();
  return {
    seeded: true,
    version: DEMO_SEED_VERSION,
    counts,
    elapsedMs: Math.round(performance.now() - started),
  };
}
