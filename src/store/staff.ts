/**
 * Operator-console accounts, sessions and the staff audit trail (C15). Queries only; the
 * policy (password rules, session lifetimes, TOTP) is in src/console/auth.ts.
 */
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { maskNationalIds } from '../log.ts';
import type { Store } from './db.ts';
import { type StaffRole, staffAccounts, staffAudit, staffSessions } from './schema.ts';

export type StaffAccountRow = typeof staffAccounts.$inferSelect;
export type StaffSessionRow = typeof staffSessions.$inferSelect;
export type StaffAuditRow = typeof staffAudit.$inferSelect;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findStaffByEmail(
  store: Store,
  email: string,
): Promise<StaffAccountRow | undefined> {
  const rows = await store.db
    .select()
    .from(staffAccounts)
    .where(eq(staffAccounts.email, normaliseEmail(email)))
    .limit(1);
  return rows[0];
}

export async function getStaff(store: Store, id: number): Promise<StaffAccountRow | undefined> {
  const rows = await store.db.select().from(staffAccounts).where(eq(staffAccounts.id, id)).limit(1);
  return rows[0];
}

export async function listStaff(store: Store): Promise<StaffAccountRow[]> {
  return store.db.select().from(staffAccounts).orderBy(staffAccounts.email);
}

export async function countStaff(store: Store): Promise<number> {
  const rows = await store.db.select({ n: sql<number>`count(*)` }).from(staffAccounts);
  return Number(rows[0]?.n ?? 0);
}

export async function insertStaff(
  store: Store,
  input: {
    email: string;
    displayName: string;
    role: StaffRole;
    passwordHash: string;
    lang?: string;
    now: number;
  },
): Promise<StaffAccountRow> {
  const rows = await store.db
    .insert(staffAccounts)
    .values({
      email: normaliseEmail(input.email),
      displayName: input.displayName,
      role: input.role,
      passwordHash: input.passwordHash,
      lang: input.lang ?? 'th',
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  return rows[0]!;
}

export async function updateStaff(
  store: Store,
  id: number,
  set: Partial<
    Pick<
      StaffAccountRow,
      | 'displayName'
      | 'role'
      | 'passwordHash'
      | 'totpSecret'
      | 'totpEnabledAt'
      | 'totpLastStep'
      | 'lang'
      | 'sessionsValidAfter'
      | 'disabledAt'
    >
  >,
  now: number,
): Promise<void> {
  await store.db
    .update(staffAccounts)
    .set({ ...set, updatedAt: now })
    .where(eq(staffAccounts.id, id));
}

/**
 * Accepts a TOTP step for an account only if it is newer than the last one accepted (atomic:
 * two logins racing with the same code cannot both win).
 */
export async function claimTotpStep(
  store: Store,
  id: number,
  step: number,
  now: number,
): Promise<boolean> {
  const rows = await store.db
    .update(staffAccounts)
    .set({ totpLastStep: step, updatedAt: now })
    .where(
      and(eq(staffAccounts.id, id), sql`coalesce(${staffAccounts.totpLastStep}, -1) < ${step}`),
    )
    .returning({ id: staffAccounts.id });
  return rows.length > 0;
}

export async function insertSession(
  store: Store,
  row: { idHash: string; staffId: number; now: number; expiresAt: number; mfaDone: boolean },
): Promise<void> {
  await store.db.insert(staffSessions).values({
    idHash: row.idHash,
    staffId: row.staffId,
    createdAt: row.now,
    lastSeenAt: row.now,
    expiresAt: row.expiresAt,
    mfaDone: row.mfaDone,
  });
}

/** A live session and its account (not expired; the caller checks disabled/valid-after). */
export async function findSession(
  store: Store,
  idHash: string,
  now: number,
): Promise<{ session: StaffSessionRow; account: StaffAccountRow } | undefined> {
  const rows = await store.db
    .select({ session: staffSessions, account: staffAccounts })
    .from(staffSessions)
    .innerJoin(staffAccounts, eq(staffAccounts.id, staffSessions.staffId))
    .where(and(eq(staffSessions.idHash, idHash), gt(staffSessions.expiresAt, now)))
    .limit(1);
  return rows[0];
}

export async function touchSession(
  store: Store,
  idHash: string,
  now: number,
  expiresAt: number,
): Promise<void> {
  await store.db
    .update(staffSessions)
    .set({ lastSeenAt: now, expiresAt })
    .where(eq(staffSessions.idHash, idHash));
}

export async function markSessionMfaDone(store: Store, idHash: string): Promise<void> {
  await store.db
    .update(staffSessions)
    .set({ mfaDone: true })
    .where(eq(staffSessions.idHash, idHash));
}

export async function deleteSession(store: Store, idHash: string): Promise<void> {
  await store.db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
}

/** Signs an account out everywhere; returns how many sessions ended. */
export async function deleteSessionsOf(store: Store, staffId: number): Promise<number> {
  const rows = await store.db
    .delete(staffSessions)
    .where(eq(staffSessions.staffId, staffId))
    .returning({ id: staffSessions.idHash });
  return rows.length;
}

export async function countLiveSessions(
  store: Store,
  staffId: number,
  now: number,
): Promise<number> {
  const rows = await store.db
    .select({ n: sql<number>`count(*)` })
    .from(staffSessions)
    .where(and(eq(staffSessions.staffId, staffId), gt(staffSessions.expiresAt, now)));
  return Number(rows[0]?.n ?? 0);
}

export interface StaffActor {
  readonly id: number | null;
  /** The account's e-mail, or `cli`, `admin-api`. */
  readonly name: string;
}

/** One staff action in the trail. `detail` is stored as JSON with national IDs masked. */
export async function writeStaffAudit(
  store: Store,
  entry: {
    at: number;
    actor: StaffActor;
    action: string;
    target?: string | null;
    detail?: Record<string, unknown> | null;
  },
): Promise<void> {
  await store.db.insert(staffAudit).values({
    at: entry.at,
    staffId: entry.actor.id,
    actor: entry.actor.name,
    action: entry.action,
    target: entry.target ?? null,
    detail: entry.detail ? maskNationalIds(JSON.stringify(entry.detail)).slice(0, 2000) : null,
  });
}

/** Newest first; `before`: an id to page from. */
export async function listStaffAudit(
  store: Store,
  opts: { staffId?: number; action?: string; before?: number; limit?: number } = {},
): Promise<StaffAuditRow[]> {
  return store.db
    .select()
    .from(staffAudit)
    .where(
      and(
        opts.staffId === undefined ? undefined : eq(staffAudit.staffId, opts.staffId),
        opts.action === undefined ? undefined : eq(staffAudit.action, opts.action),
        opts.before === undefined ? undefined : lt(staffAudit.id, opts.before),
      ),
    )
    .orderBy(desc(staffAudit.id))
    .limit(opts.limit ?? 100);
}
