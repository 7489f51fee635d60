/** Workers runtime store: D1 with drizzle. Migrations are applied by wrangler from drizzle/. */
import { drizzle } from 'drizzle-orm/d1';
import { type BatchQuery, type Db, pingDb, type Store } from './db.ts';
import * as schema from './schema.ts';

export function openD1Store(binding: D1Database): Store {
  const d1 = drizzle(binding, { schema });
  const db = d1 as unknown as Db;
  return {
    db,
    batch: async (queries: readonly BatchQuery[]) => {
      if (queries.length === 0) return [];
      return [...(await d1.batch(queries as unknown as Parameters<typeof d1.batch>[0]))];
    },
    ping: () => pingDb(db),
  };
}
