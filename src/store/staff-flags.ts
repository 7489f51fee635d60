/**
 * Chats flagged for staff follow-up (talk_to_staff, C12). A user has at most one open flag per
 * `dedupeMs` window: asking again within it returns the open flag instead of a second one.
 * Notes are stored with national IDs, laser codes, dates and phone numbers masked;
 * unlink-and-erase clears them.
 */
import { and, desc, eq, gte } from 'drizzle-orm';
import { maskNationalIds } from '../log.ts';
import { maskPersonalData } from '../privacy/mask.ts';
import type { Store } from './db.ts';
import { staffFlags } from './schema.ts';

export type StaffFlagRow = typeof staffFlags.$inferSelect;
export const STAFF_FLAG_STATUSES = ['open', 'closed'] as const;
export type StaffFlagStatus = (typeof STAFF_FLAG_STATUSES)[number];

/** A repeat request within this time reuses the open flag. */
export const STAFF_FLAG_DEDUPE_MS = 24 * 3600_000;
/** Longest note kept (the user's text, masked). */
const NOTE_MAX = 500;

export async function flagForStaff(
  store: Store,
  input: { userId: string; note: string | null; lang: string; now: number; dedupeMs?: number },
): Promise<{ flag: StaffFlagRow; created: boolean }> {
  const since = input.now - (input.dedupeMs ?? STAFF_FLAG_DEDUPE_MS);
  const existing = await store.db
    .select()
    .from(staffFlags)
    .where(
      and(
        eq(staffFlags.userId, input.userId),
        eq(staffFlags.status, 'open'),
        gte(staffFlags.createdAt, since),
      ),
    )
    .orderBy(desc(staffFlags.createdAt))
    .limit(1);
  if (existing[0]) return { flag: existing[0], created: false };
  const note = input.note ? maskNote(input.note).slice(0, NOTE_MAX) : null;
  const rows = await store.db
    .insert(staffFlags)
    .values({ userId: input.userId, note, lang: input.lang, status: 'open', createdAt: input.now })
    .returning();
  return { flag: rows[0]!, created: true };
}

/**
 * What a user wrote, safe to keep: valid national IDs in the usual masked form, then any other
 * 13-digit number (any digits, any separators), laser codes, dates and phone numbers.
 */
export function maskNote(note: string): string {
  return maskPersonalData(maskNationalIds(note));
}

/** Newest first. */
export async function listStaffFlags(
  store: Store,
  opts: { status?: StaffFlagStatus; limit?: number; offset?: number } = {},
): Promise<StaffFlagRow[]> {
  const rows = await store.db
    .select()
    .from(staffFlags)
    .where(opts.status ? eq(staffFlags.status, opts.status) : undefined)
    .orderBy(desc(staffFlags.createdAt), desc(staffFlags.id))
    .limit(opts.limit ?? 50)
    .offset(opts.offset ?? 0);
  // Masked again on the way out: a note written before masking existed stays safe.
  return rows.map((r) => ({ ...r, note: r.note === null ? null : maskNote(r.note) }));
}

export async function getStaffFlag(store: Store, id: number): Promise<StaffFlagRow | undefined> {
  const rows = await store.db.select().from(staffFlags).where(eq(staffFlags.id, id)).limit(1);
  const row = rows[0];
  return row ? { ...row, note: row.note === null ? null : maskNote(row.note) } : undefined;
}

/** Closes an open flag; false when it was already closed. */
export async function closeStaffFlag(store: Store, id: number, now: number): Promise<boolean> {
  const rows = await store.db
    .update(staffFlags)
    .set({ status: 'closed', closedAt: now })
    .where(and(eq(staffFlags.id, id), eq(staffFlags.status, 'open')))
    .returning({ id: staffFlags.id });
  return rows.length > 0;
}
