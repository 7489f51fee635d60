/**
 * Deterministic demo data for an empty database (SEED_DEMO=1, the default in development).
 * Each later capability adds its own part here; `meta.demo_seed` records what was seeded.
 */
import { eq } from 'drizzle-orm';
import type { Store } from './db.ts';
import { meta } from './schema.ts';

export const DEMO_SEED_VERSION = '1';

export interface SeedReport {
  seeded: boolean;
  version: string;
}

export async function isSeeded(store: Store): Promise<boolean> {
  const rows = await store.db.select().from(meta).where(eq(meta.key, 'demo_seed')).limit(1);
  return rows.length > 0;
}

export async function seedDemoData(store: Store): Promise<SeedReport> {
  if (await isSeeded(store)) return { seeded: false, version: DEMO_SEED_VERSION };
  await store.batch([store.db.insert(meta).values({ key: 'demo_seed', value: DEMO_SEED_VERSION })]);
  return { seeded: true, version: DEMO_SEED_VERSION };
}
