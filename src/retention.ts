/**
 * Retention (C17): every table about people or chats has a period, and what is past it is
 * deleted or erased. The schedule below is the one source: the pruner runs it (hourly on Node,
 * in the Workers cron at minute 0), `npm run cli -- prune [--dry-run]` runs or counts it now, and
 * docs/retention.md is rendered from it (`npm run cli -- prune --docs`; a test keeps them equal).
 * The queries are in src/store/prune.ts.
 */
import type { Deps } from './deps.ts';
import { LINK_DAY_MS } from './privacy/link-lockout.ts';
import { countPrunable, PRUNE_CHUNK, type PruneKey, prune } from './store/prune.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface RetentionRule {
  /** The prune target (src/store/prune.ts), and the name counts are reported under. */
  readonly key: PruneKey;
  readonly table: string;
  /** `delete`: the rows go; `erase`: personal fields are cleared and the row stays. */
  readonly action: 'delete' | 'erase';
  /** Which rows the rule applies to. */
  readonly rows: string;
  /** What is removed from them. */
  readonly removes: string;
  /** How long after `after` they are kept (0: removed as soon as `after` has passed). */
  readonly keepMs: number;
  /** The moment the period starts from. */
  readonly after: string;
  readonly why: string;
}

/** In the order it runs: a table's deletes before its erases (no erasing rows about to go). */
export const RETENTION_SCHEDULE: readonly RetentionRule[] = [
  {
    key: 'webhook_events',
    table: 'webhook_events',
    action: 'delete',
    rows: 'finished events (done, skipped, undeliverable, failed); pending and processing events are never touched, recovery still needs them',
    removes: 'the row (event type, status, delivery, times)',
    keepMs: 30 * DAY,
    after: 'receipt',
    why: "The row's id is LINE's webhookEventId, which makes a redelivered event be processed once; LINE redelivers an event only for a limited time, well within a month, and a month of delivery statistics serves the operators.",
  },
  {
    key: 'webhook_events.payload',
    table: 'webhook_events',
    action: 'erase',
    rows: 'finished events (done, skipped, undeliverable, failed)',
    removes:
      'the event as LINE sent it (message text, which may hold an ID number or a laser code), the reply token and the LINE user ID',
    keepMs: 7 * DAY,
    after: 'processing',
    why: 'A failed or undeliverable event keeps its text for a week so an operator can find out what went wrong (handled events have their text cleared as soon as they finish); the reply token expires soon after the event, and the user ID is not needed once the event is finished.',
  },
  {
    key: 'line_users',
    table: 'line_users',
    action: 'delete',
    rows: 'users who unfollowed (blocked) the bot and have no linked account',
    removes: 'the row (chosen and profile language, follow dates, news opt-out)',
    keepMs: 90 * DAY,
    after: 'unfollowing',
    why: 'An unfollowed user gets no messages at all; three months keeps the language choice of someone who soon comes back. Followers are kept while they follow; a linked user is erased by unlink-and-erase.',
  },
  {
    key: 'link_tokens',
    table: 'link_tokens',
    action: 'delete',
    rows: 'all',
    removes: 'the link token the bot obtained from LINE (hashed) and the LINE user ID it was for',
    keepMs: 0,
    after: 'expiry',
    why: 'An expired token is refused anyway; nothing else needs it.',
  },
  {
    key: 'link_nonces',
    table: 'link_nonces',
    action: 'delete',
    rows: 'all',
    removes: 'the account-link nonce (hashed), the insured person and the LINE user ID it binds',
    keepMs: 0,
    after: 'expiry',
    why: 'An expired nonce binds nothing; nothing else needs it.',
  },
  {
    key: 'link_codes',
    table: 'link_codes',
    action: 'delete',
    rows: 'all',
    removes:
      'the one-time link code (hashed), its insured person and the staff member who issued it',
    keepMs: 30 * DAY,
    after: 'use or expiry, whichever came first',
    why: 'For a month staff can answer "my code did not work" and see who issued a code that was used; after that it serves nothing.',
  },
  {
    key: 'link_failures',
    table: 'link_failures',
    action: 'delete',
    rows: 'all',
    removes:
      'the failed verification attempt (keyed HMACs of the link token, LINE user, client address and document, and the time)',
    keepMs: LINK_DAY_MS,
    after: 'the attempt',
    why: 'The lock-out (src/privacy/link-lockout.ts) counts failures over a window of at most 24 hours.',
  },
  {
    key: 'import_staging',
    table: 'import_staging',
    action: 'delete',
    rows: 'all: the staged rows of an import that never reached its final step (a finished or failed import deletes its own at once)',
    removes:
      "the rows of an extract on their way into their table (a copy of SSO's records: national IDs, names, contributions, claims)",
    keepMs: DAY,
    after: 'staging',
    why: 'An import moves its staged rows into their table within minutes (src/store/imports.ts); rows left behind by one that crashed or lost its connection are a copy of personal data that nothing will use. A day covers the longest import (a national file to a remote D1); an import whose rows were deleted before its final step writes nothing, as it checks that every chunk is there.',
  },
  {
    key: 'staff_flag_messages',
    table: 'staff_flag_messages',
    action: 'delete',
    rows: 'the messages of closed flags; an open flag keeps its conversation',
    removes:
      "the conversation shown in the operator console's inbox (what the person wrote, masked; the bot's and the staff's answers)",
    keepMs: 90 * DAY,
    after: 'the flag was closed',
    why: 'It goes with its flag (below): staff can look back at a closed case for three months.',
  },
  {
    key: 'staff_flags',
    table: 'staff_flags',
    action: 'delete',
    rows: 'closed flags; open flags stay until staff close them',
    removes: 'the flag (the masked note, the LINE user ID, the language)',
    keepMs: 90 * DAY,
    after: 'closing',
    why: 'Staff can look back at a closed case for three months when the person comes back about the same problem.',
  },
  {
    key: 'unanswered_questions',
    table: 'unanswered_questions',
    action: 'delete',
    rows: 'all',
    removes: 'the question (masked text, language, closest intents)',
    keepMs: 90 * DAY,
    after: 'the question was asked',
    why: 'Operators review what the bot could not answer to improve it; three months covers a quarterly review.',
  },
  {
    key: 'push_batches.recipients',
    table: 'push_batches',
    action: 'erase',
    rows: 'batches of finished push jobs (done, failed, cancelled)',
    removes: 'the LINE user IDs each batch went to (the counts stay)',
    keepMs: 30 * DAY,
    after: 'the job ended',
    why: 'For a month operators can check whether a given user was sent a news item (a complaint, a delivery problem); the counts stay for statistics.',
  },
  {
    key: 'notifications',
    table: 'notifications',
    action: 'delete',
    rows: 'notifications that were sent, skipped or failed; pending ones stay until they are sent',
    removes:
      'the notification (the LINE user ID, its category, what it said: claim number, benefit, amount, dates; when it was sent)',
    keepMs: 90 * DAY,
    after: 'it was planned',
    why: 'Its dedupe key makes a claim decision, a payment or a reminder be told once; the facts it is about are older than the look-back of the planner (30 days) or their date has passed long before, so a deleted key is never planned again. Three months lets operators answer "I never got it" or "why did I get this".',
  },
  {
    key: 'audit_log',
    table: 'audit_log',
    action: 'delete',
    rows: 'all',
    removes:
      'the record of a personal-data read (pseudonym of the reader, whose record, what, why, when)',
    keepMs: 730 * DAY,
    after: 'the read',
    why: "Its purpose is the person's right to know who read their data and why; two years covers a request about any read in that time, after which the trail itself is data to minimise.",
  },
  {
    key: 'staff_sessions',
    table: 'staff_sessions',
    action: 'delete',
    rows: 'all',
    removes: 'the signed-in console session (a hash of its id, the account, times)',
    keepMs: 0,
    after: 'expiry',
    why: 'An expired session is refused anyway; signing out deletes it at once.',
  },
  {
    key: 'staff_audit',
    table: 'staff_audit',
    action: 'delete',
    rows: 'all',
    removes: 'the record of a staff action (who, what, on what, when)',
    keepMs: 730 * DAY,
    after: 'the action',
    why: 'The same two years as the personal-data audit: long enough to answer for any push, reply or change, after which it is data to minimise.',
  },
];

/** Tables about people or chats that no rule prunes, and tables about neither; and why. */
export const NOT_PRUNED: readonly { readonly tables: readonly string[]; readonly why: string }[] = [
  {
    tables: ['account_links'],
    why: 'Kept while the LINE user stays linked; unlinking deletes it (unlink-and-erase).',
  },
  {
    tables: [
      'insured_persons',
      'identity_documents',
      'contributions',
      'hospital_registrations',
      'unemployment_claims',
      'claim_status_history',
      'unemployment_payments',
    ],
    why: "A copy of SSO's own records, loaded by `import` (or `seed` in development); it follows SSO's records and their retention, not a period here.",
  },
  {
    tables: ['benefit_claims', 'benefit_claim_history', 'benefit_payments'],
    why: "A copy of SSO's own claim records (e-Claim), loaded by `import` (or `seed` in development); it follows SSO's records and their retention, not a period here.",
  },
  {
    tables: ['notification_prefs'],
    why: "The user's choice per category and the consent it was given under (time and wording): kept while it is in force and as the record of that consent; unlinking deletes it (unlink-and-erase).",
  },
  {
    tables: ['staff_accounts'],
    why: 'Operator-console accounts of SSO staff: kept while the account exists; a disabled account is kept (without any session) so the staff audit trail still names who did what; a supervisor deletes it on request.',
  },
  {
    tables: ['push_jobs'],
    why: 'No personal data: the news item, the segment (sections, provinces, languages) and counts.',
  },
  {
    tables: ['employers', 'hospitals', 'offices', 'news_items', 'meta'],
    why: 'Not about people or chats.',
  },
];

export type RetentionCounts = Record<PruneKey, number>;

export interface RetentionResult {
  /** The time the periods were measured from. */
  readonly at: number;
  readonly dryRun: boolean;
  /** Rows changed (or, in a dry run, that would be) per rule. */
  readonly counts: RetentionCounts;
  /** Rules that failed, with the error; the other rules still ran. */
  readonly errors: Partial<Record<PruneKey, string>>;
}

export interface RetentionOptions {
  /** Count what would be pruned; change nothing. */
  readonly dryRun?: boolean;
  /** Rows per statement (tests use small chunks). */
  readonly chunk?: number;
}

/**
 * Applies the schedule now (or counts it, `dryRun`). Never throws: a rule that fails is logged
 * and reported in `errors`, and the others still run.
 */
export async function runRetention(
  deps: Pick<Deps, 'store' | 'clock' | 'log'>,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const at = deps.clock.now();
  const dryRun = options.dryRun ?? false;
  const counts = {} as RetentionCounts;
  const errors: Partial<Record<PruneKey, string>> = {};
  // For the dry run: the deletes that ran before, per table (their rows are not counted again).
  const deleted = new Map<string, { key: PruneKey; cutoff: number }[]>();
  for (const rule of RETENTION_SCHEDULE) {
    const cutoff = at - rule.keepMs;
    const before = deleted.get(rule.table) ?? [];
    if (rule.action === 'delete') deleted.set(rule.table, [...before, { key: rule.key, cutoff }]);
    try {
      counts[rule.key] = dryRun
        ? await countPrunable(deps.store, rule.key, cutoff, before)
        : await prune(deps.store, rule.key, cutoff, options.chunk ?? PRUNE_CHUNK);
    } catch (err) {
      counts[rule.key] = 0;
      errors[rule.key] = err instanceof Error ? err.message : String(err);
      deps.log.error('retention failed', { rule: rule.key, error: errors[rule.key] });
    }
  }
  const pruned = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  if (!dryRun && Object.keys(pruned).length > 0) deps.log.info('retention: pruned', pruned);
  return { at, dryRun, counts, errors };
}

export const RETENTION_EVERY_MS = 3600_000;

/** "7 days", "24 hours", "2 years (730 days)". */
export function formatPeriod(ms: number): string {
  const days = ms / DAY;
  if (Number.isInteger(days) && days >= 365 && days % 365 === 0)
    return `${days / 365} year${days === 365 ? '' : 's'} (${days} days)`;
  if (Number.isInteger(days) && days >= 2) return `${days} days`;
  const hours = ms / HOUR;
  if (Number.isInteger(hours)) return `${hours} hour${hours === 1 ? '' : 's'}`;
  return `${ms / 60_000} minutes`;
}

/** When a rule's rows go: "7 days after processing", "at expiry". */
export function whenPruned(rule: RetentionRule): string {
  return rule.keepMs === 0
    ? `at ${rule.after}`
    : `${formatPeriod(rule.keepMs)} after ${rule.after}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/retention.md, rendered from the schedule. */
export function retentionDoc(): string {
  const lines = [
    '# Retention',
    '',
    '<!-- Generated from src/retention.ts by `npm run cli -- prune --docs`; edit the schedule there, not this file. -->',
    '',
    'Every table about people or chats has a retention period (SPEC C17). The pruner applies the',
    'schedule below every hour on Node (in-process, and once at start) and on Workers (the Cron',
    'Trigger run at minute 0), and `npm run cli -- prune` applies it at once',
    '(`npm run cli -- prune --dry-run` counts what it would change and changes nothing).',
    '',
    'A period is measured from the moment in the "when" column. *Delete* removes the rows;',
    '*erase* clears the personal fields and keeps the row (for counts). A rule that fails is logged',
    'and the others still run; what it missed goes on the next run.',
    '',
    '| table | rows | action | removed | when | why |',
    '|---|---|---|---|---|---|',
    ...RETENTION_SCHEDULE.map(
      (r) =>
        `| \`${r.table}\` | ${cell(r.rows)} | ${r.action} | ${cell(r.removes)} | ${cell(whenPruned(r))} | ${cell(r.why)} |`,
    ),
    '',
    '## Not pruned by a period',
    '',
    '| tables | why |',
    '|---|---|',
    ...NOT_PRUNED.map((n) => `| ${n.tables.map((t) => `\`${t}\``).join(', ')} | ${cell(n.why)} |`),
    '',
    'Unlink-and-erase (the `unlink_account` intent, `unlinkAndErase` in src/store/account-links.ts)',
    'erases what is stored about a LINE user at once, without waiting for these periods.',
    '',
  ];
  return lines.join('\n');
}
