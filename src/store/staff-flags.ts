/**
 * Chats flagged for staff follow-up (talk_to_staff, C12). A user has at most one open flag per
 * `dedupeMs` window: asking again within it returns the open flag instead of a second one.
 * Notes are stored with national IDs, laser codes, dates and phone numbers masked;
 * unlink-and-erase clears them.
 *
 * The operator console's inbox (C15) reads the conversation of a flag (`staff_flag_messages`):
 * what the person wrote while their flag was open and what the bot answered
 * (`recordFlagTurn`, called by the dispatcher), and the staff's replies (`beginStaffReply`,
 * sent as a LINE push with a stable retry key). Every text is masked before it is stored.
 */
import { and, count, desc, eq, gte, sql } from 'drizzle-orm';
import type { Message } from '../line/limits.ts';
import { maskNationalIds } from '../log.ts';
import { maskPersonalData } from '../privacy/mask.ts';
import { type BatchQuery, perStore, type Store } from './db.ts';
import { accountLinks, lineUsers, staffFlagMessages, staffFlags } from './schema.ts';

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

/**
 * Closes an open flag; false when it was already closed. `by` (the staff account) and `note`
 * (masked) come from the console. Closing ends a pause of the bot for that person
 * (line_users.bot_paused_until) unless another flag of theirs is still open.
 */
export async function closeStaffFlag(
  store: Store,
  id: number,
  now: number,
  opts: { by?: number | null; note?: string | null } = {},
): Promise<boolean> {
  const note = opts.note?.trim() ? clip(maskNote(opts.note.trim()), NOTE_MAX) : null;
  const [closed] = (await store.batch([
    store.db
      .update(staffFlags)
      .set({ status: 'closed', closedAt: now, closedBy: opts.by ?? null, closeNote: note })
      .where(and(eq(staffFlags.id, id), eq(staffFlags.status, 'open')))
      .returning({ id: staffFlags.id }),
    store.db
      .update(lineUsers)
      .set({ botPausedUntil: null, updatedAt: now })
      .where(
        and(
          sql`${lineUsers.userId} = (select ${staffFlags.userId} from ${staffFlags} where ${staffFlags.id} = ${id})`,
          sql`${lineUsers.botPausedUntil} is not null`,
          sql`not exists (select 1 from ${staffFlags} where ${staffFlags.userId} = ${lineUsers.userId} and ${staffFlags.status} = 'open')`,
        ),
      ),
  ])) as [{ id: number }[], unknown];
  return closed.length > 0;
}

// ---------------------------------------------------------------------------------------------
// The conversation of a flag (the operator console's inbox).

export type StaffFlagMessageRow = typeof staffFlagMessages.$inferSelect;

/** Longest message text kept (masked). */
export const FLAG_MESSAGE_MAX = 2000;

/** At most `max` UTF-16 code units, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Read for every text and postback of a 1:1 chat: built and prepared once per store. */
const openFlagByUser = perStore((db) =>
  db
    .select()
    .from(staffFlags)
    .where(and(eq(staffFlags.userId, sql.placeholder('userId')), eq(staffFlags.status, 'open')))
    .orderBy(desc(staffFlags.createdAt), desc(staffFlags.id))
    .limit(1)
    .prepare(),
);

/** The person's newest open flag, whatever its age (its conversation is still going on). */
export async function openFlagOf(store: Store, userId: string): Promise<StaffFlagRow | undefined> {
  const rows = (await openFlagByUser(store).all({ userId })) as StaffFlagRow[];
  return rows[0];
}

/**
 * One webhook event's part of the conversation, when the person has an open flag: what they
 * wrote and a summary of what the bot answered, masked. `key` names the event
 * (`event:<webhookEventId>`, kept in `retry_key`): an event routed again (a retry, a recovery)
 * is recorded once. Returns the flag's id, or undefined when there is no open flag.
 */
export async function recordFlagTurn(store: Store, input: FlagTurn): Promise<number | undefined> {
  const planned = await planFlagTurn(store, input);
  if (planned?.writes.length) await store.batch(planned.writes);
  return planned?.flagId;
}

export interface FlagTurn {
  userId: string;
  key: string;
  at: number;
  userText?: string | null;
  /** What the bot answered; summarised only when there is an open flag. */
  botText?: string | null | (() => string | null);
}

/**
 * The reads of `recordFlagTurn`, and its writes as queries for the caller's own batch (the
 * dispatcher writes them in the transaction that finishes the event: one commit per event, not
 * two). Undefined when there is no open flag; no writes when the turn is recorded already.
 */
export async function planFlagTurn(
  store: Store,
  input: FlagTurn,
): Promise<{ flagId: number; writes: BatchQuery[] } | undefined> {
  const hasUser = Boolean(input.userText?.trim());
  if (!hasUser && !input.botText) return undefined;
  const flag = await openFlagOf(store, input.userId);
  if (!flag) return undefined;
  const botText = typeof input.botText === 'function' ? input.botText() : input.botText;
  const turn: { direction: 'user' | 'bot'; text: string }[] = [];
  if (hasUser) turn.push({ direction: 'user', text: input.userText!.trim() });
  if (botText?.trim()) turn.push({ direction: 'bot', text: botText.trim() });
  if (turn.length === 0) return undefined;
  const seen = await store.db
    .select({ id: staffFlagMessages.id })
    .from(staffFlagMessages)
    .where(and(eq(staffFlagMessages.flagId, flag.id), eq(staffFlagMessages.retryKey, input.key)))
    .limit(1);
  if (seen.length > 0) return { flagId: flag.id, writes: [] };
  return {
    flagId: flag.id,
    writes: [
      store.db.insert(staffFlagMessages).values(
        turn.map((m) => ({
          flagId: flag.id,
          at: input.at,
          direction: m.direction,
          text: clip(maskNote(m.text), FLAG_MESSAGE_MAX),
          retryKey: input.key,
        })),
      ),
      store.db
        .update(staffFlags)
        .set({ lastMessageAt: input.at })
        .where(eq(staffFlags.id, flag.id)),
    ],
  };
}

/** The last `limit` messages of a flag, oldest first (masked again on the way out). */
export async function listFlagMessages(
  store: Store,
  flagId: number,
  limit = 200,
): Promise<StaffFlagMessageRow[]> {
  const rows = await store.db
    .select()
    .from(staffFlagMessages)
    .where(eq(staffFlagMessages.flagId, flagId))
    .orderBy(desc(staffFlagMessages.at), desc(staffFlagMessages.id))
    .limit(limit);
  return rows.reverse().map((r) => ({ ...r, text: maskNote(r.text) }));
}

export async function countFlagMessages(store: Store, flagId: number): Promise<number> {
  const rows = await store.db
    .select({ n: count() })
    .from(staffFlagMessages)
    .where(eq(staffFlagMessages.flagId, flagId));
  return Number(rows[0]?.n ?? 0);
}

/**
 * A staff reply, written before it is sent: the row (status `pending`) with its masked text
 * and the X-Line-Retry-Key of the push. The same key on the same flag finds the same row (a
 * form posted again after a crash or a timeout): the caller sends it again with that key, and
 * LINE answers 409 if the first push was accepted.
 */
export async function beginStaffReply(
  store: Store,
  input: { flagId: number; staffId: number; text: string; retryKey: string; at: number },
): Promise<{ message: StaffFlagMessageRow; created: boolean }> {
  const existing = await store.db
    .select()
    .from(staffFlagMessages)
    .where(
      and(
        eq(staffFlagMessages.flagId, input.flagId),
        eq(staffFlagMessages.direction, 'staff'),
        eq(staffFlagMessages.retryKey, input.retryKey),
      ),
    )
    .limit(1);
  if (existing[0]) return { message: existing[0], created: false };
  const [inserted] = (await store.batch([
    store.db
      .insert(staffFlagMessages)
      .values({
        flagId: input.flagId,
        at: input.at,
        direction: 'staff',
        staffId: input.staffId,
        text: clip(maskNote(input.text.trim()), FLAG_MESSAGE_MAX),
        retryKey: input.retryKey,
        status: 'pending',
      })
      .returning(),
    store.db
      .update(staffFlags)
      .set({ lastMessageAt: input.at })
      .where(eq(staffFlags.id, input.flagId)),
  ])) as [StaffFlagMessageRow[], unknown];
  return { message: inserted[0]!, created: true };
}

/** After the push: `sent` (LINE accepted it, now or before: 409) or `failed`. */
export async function finishStaffReply(
  store: Store,
  id: number,
  status: 'sent' | 'failed',
): Promise<void> {
  await store.db.update(staffFlagMessages).set({ status }).where(eq(staffFlagMessages.id, id));
}

/** One line of the inbox: the flag, its person's state, the size of its conversation. */
export interface InboxItem {
  readonly flag: StaffFlagRow;
  readonly messages: number;
  /** The bot is silent for this person until then (ms), when set. */
  readonly botPausedUntil: number | null;
  /** `active` while following; `inactive` after unfollow; null when the row is gone (erased). */
  readonly userStatus: 'active' | 'inactive' | null;
  /** The linked insured person (a personal read: the console audits it), or null. */
  readonly personId: number | null;
}

/**
 * The inbox: open flags, newest activity first, then the flags closed since `closedSince`,
 * newest first; at most `limit` of each.
 */
export async function listInbox(
  store: Store,
  opts: { closedSince: number; limit?: number },
): Promise<InboxItem[]> {
  const limit = opts.limit ?? 100;
  const select = () =>
    store.db
      .select({
        flag: staffFlags,
        messages: sql<number>`(select count(*) from ${staffFlagMessages} where ${staffFlagMessages.flagId} = ${staffFlags.id})`,
        botPausedUntil: lineUsers.botPausedUntil,
        userStatus: lineUsers.status,
        personId: accountLinks.personId,
      })
      .from(staffFlags)
      .leftJoin(lineUsers, eq(lineUsers.userId, staffFlags.userId))
      .leftJoin(accountLinks, eq(accountLinks.userId, staffFlags.userId));
  const [open, closed] = await Promise.all([
    select()
      .where(eq(staffFlags.status, 'open'))
      .orderBy(
        desc(sql`coalesce(${staffFlags.lastMessageAt}, ${staffFlags.createdAt})`),
        desc(staffFlags.id),
      )
      .limit(limit),
    select()
      .where(and(eq(staffFlags.status, 'closed'), gte(staffFlags.closedAt, opts.closedSince)))
      .orderBy(desc(staffFlags.closedAt), desc(staffFlags.id))
      .limit(limit),
  ]);
  return [...open, ...closed].map((r) => ({
    flag: { ...r.flag, note: r.flag.note === null ? null : maskNote(r.flag.note) },
    messages: Number(r.messages),
    botPausedUntil: r.botPausedUntil ?? null,
    userStatus: r.userStatus ?? null,
    personId: r.personId ?? null,
  }));
}

/** The person behind a flag, for the chat page (see InboxItem). */
export async function inboxItem(store: Store, id: number): Promise<InboxItem | undefined> {
  const rows = await store.db
    .select({
      flag: staffFlags,
      botPausedUntil: lineUsers.botPausedUntil,
      userStatus: lineUsers.status,
      personId: accountLinks.personId,
    })
    .from(staffFlags)
    .leftJoin(lineUsers, eq(lineUsers.userId, staffFlags.userId))
    .leftJoin(accountLinks, eq(accountLinks.userId, staffFlags.userId))
    .where(eq(staffFlags.id, id))
    .limit(1);
  const r = rows[0];
  if (!r) return undefined;
  return {
    flag: { ...r.flag, note: r.flag.note === null ? null : maskNote(r.flag.note) },
    messages: await countFlagMessages(store, id),
    botPausedUntil: r.botPausedUntil ?? null,
    userStatus: r.userStatus ?? null,
    personId: r.personId ?? null,
  };
}

/** Flag ids of a person (unlink-and-erase deletes their conversations). */
export function flagIdsOf(userId: string) {
  return sql`(select ${staffFlags.id} from ${staffFlags} where ${staffFlags.userId} = ${userId})`;
}

/** What the bot sent, in a line or two for the inbox: texts as they are, cards by alt text. */
export function summariseMessages(messages: readonly Message[]): string {
  return messages
    .map((m) => {
      if (m.type === 'text') return m.text;
      if ('altText' in m && typeof m.altText === 'string') return `[card: ${m.altText}]`;
      return `[${m.type}]`;
    })
    .join('\n');
}
