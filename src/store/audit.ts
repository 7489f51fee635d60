/** The personal-data audit log: who (pseudonymous), whose record, what, why, when. */
import { sql } from 'drizzle-orm';
import { perStore, type Store } from './db.ts';
import { auditLog } from './schema.ts';

export type AuditAction =
  | 'read_contributions'
  | 'read_hospital_rights'
  | 'read_unemployment_claim'
  | 'read_claims'
  | 'link_account'
  | 'link_replaced'
  | 'issue_link_code'
  | 'read_link_status'
  | 'read_notification_settings'
  | 'unlink_account'
  | 'read_news_targeting'
  /** A staff member saw in the operator console's inbox whether a flagged chat is linked. */
  | 'staff_read_link_status';

const keyCache = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256(secret, LINE user id), hex, 32 chars: stable per user, not reversible. */
export async function pseudonym(secret: string, userId: string): Promise<string> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(`audit:${secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keyCache.set(secret, key);
  }
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(userId)),
  );
  return Array.from(mac.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function writeAudit(
  store: Store,
  entry: {
    at: number;
    actor: string;
    personId: number | null;
    action: AuditAction;
    purpose: string;
  },
): Promise<void> {
  await insertAudit(store).run(entry);
}

/** Written by every personal question: built and prepared once per store. */
const insertAudit = perStore((db) =>
  db
    .insert(auditLog)
    .values({
      at: sql.placeholder('at'),
      actor: sql.placeholder('actor'),
      personId: sql.placeholder('personId'),
      action: sql.placeholder('action'),
      purpose: sql.placeholder('purpose'),
    })
    .prepare(),
);
