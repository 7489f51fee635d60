/**
 * The store contract (test/store-contract/suite.ts) on better-sqlite3: an in-memory database
 * migrated from drizzle/, as the Node runtime opens it. The same suite runs on D1 in the workerd
 * lane (test/workers/store-contract.test.ts).
 *
 * Also here: the demo rows the workerd lane loads into D1 (test/store-contract/demo-rows.ts,
 * replayed statement by statement) are exactly the rows the Node seed writes.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_TABLES } from '../../src/store/demo-data.ts';
import { migrateNodeStore, type NodeStore, openNodeStore } from '../../src/store/node.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { D1_MAX_PARAMS, demoStatements } from '../store-contract/demo-rows.ts';
import { storeContract } from '../store-contract/suite.ts';

let node: NodeStore | undefined;

storeContract({
  name: 'better-sqlite3',
  open() {
    node = openNodeStore(':memory:');
    migrateNodeStore(node);
    return node;
  },
  close() {
    node?.close();
  },
});

describe('the demo rows replayed outside the seeder', () => {
  it('are the rows seedDemoData writes, in statements within D1’s parameter limit', async () => {
    const now = new Date('2026-06-01T03:00:00Z');
    const seeded = openNodeStore(':memory:');
    const replayed = openNodeStore(':memory:');
    try {
      migrateNodeStore(seeded);
      migrateNodeStore(replayed);
      await seedDemoData(seeded, { people: 40, now });
      const statements = demoStatements({ people: 40, now });
      expect(statements.every((s) => s.params.length <= D1_MAX_PARAMS)).toBe(true);
      replayed.sqlite.transaction(() => {
        for (const s of statements) replayed.sqlite.prepare(s.sql).run(...s.params);
      })();
      for (const table of DEMO_TABLES) {
        const dump = (store: NodeStore) =>
          store.sqlite.prepare(`select * from ${table} order by rowid`).all();
        const rows = dump(seeded);
        expect(dump(replayed), table).toEqual(rows);
      }
      const count = (store: NodeStore, table: string) =>
        (store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      expect(count(replayed, 'insured_persons')).toBe(40);
      expect(count(replayed, 'contributions')).toBeGreaterThan(1000);
      expect(replayed.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      seeded.close();
      replayed.close();
    }
  });
});
