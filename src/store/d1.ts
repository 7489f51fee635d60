/**
 * Workers runtime store: D1 with drizzle. Migrations are applied by wrangler from drizzle/.
 *
 * Read replication (docs/deploy-cloudflare.md §14): only queries made through a D1 session
 * (`withSession`) may be served by a read replica; queries on the plain binding always go to the
 * primary. `openD1Session` opens the store on a session: within one session D1 guarantees
 * sequential consistency (a read sees every write made earlier in the session), and a session
 * started from another session's bookmark sees everything that session saw or wrote. Where the
 * runtime has no `withSession` (an older workerd), the session is the plain binding: every query
 * goes to the primary and there is no bookmark. The `Store` seam is the same either way.
 */
import { drizzle } from 'drizzle-orm/d1';
import { type BatchQuery, type Db, pingDb, type Store } from './db.ts';
import * as schema from './schema.ts';

/** The database API drizzle uses: the binding or one of its sessions (prepare + batch). */
type D1Client = Pick<D1Database, 'prepare' | 'batch'>;

export function openD1Store(binding: D1Client): Store {
  // drizzle only calls prepare() and batch(), which a D1DatabaseSession has too.
  const d1 = drizzle(binding as D1Database, { schema });
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

/**
 * Where a session starts: `first-primary` (its first query reads the primary, so it sees every
 * write committed before it: for work that writes, or reads what others just wrote),
 * `first-unconstrained` (any replica, possibly a little behind: read-only pages), or a bookmark
 * from an earlier session (at least as new as that session).
 */
export type D1SessionStart = 'first-primary' | 'first-unconstrained' | { bookmark: string };

export interface D1StoreSession {
  store: Store;
  /** The session's latest bookmark (undefined before its first query, or without sessions). */
  bookmark(): string | undefined;
}

/**
 * A bookmark as D1 writes them (hex groups joined by dashes); anything else a client sends is
 * ignored rather than handed to D1.
 */
export function isD1Bookmark(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^[0-9a-f]{1,64}(-[0-9a-f]{1,64}){0,8}$/i.test(value);
}

export function openD1Session(binding: D1Database, start: D1SessionStart): D1StoreSession {
  const withSession = (binding as Partial<Pick<D1Database, 'withSession'>>).withSession;
  if (typeof withSession !== 'function') {
    return { store: openD1Store(binding), bookmark: () => undefined };
  }
  const session = binding.withSession(typeof start === 'string' ? start : start.bookmark);
  return {
    store: openD1Store(session),
    bookmark: () => session.getBookmark() ?? undefined,
  };
}
