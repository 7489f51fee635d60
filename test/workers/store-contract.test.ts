/**
 * The store contract (test/store-contract/suite.ts) on D1 inside workerd: the Worker's own store
 * (`openD1Store`) on the local D1 migrated from drizzle/ (apply-migrations.ts). The same suite
 * runs on better-sqlite3 in the Node lane (test/store/contract.test.ts).
 */
import { env } from 'cloudflare:workers';
import { openD1Store } from '../../src/store/d1.ts';
import { storeContract } from '../store-contract/suite.ts';

storeContract({
  name: 'd1',
  open: () => openD1Store((env as unknown as { DB: D1Database }).DB),
});
