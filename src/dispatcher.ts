/**
 * One event's path: claim it → build the context → route to a handler → deliver the messages
 * (reply while the token is fresh, else push with a stable retry key) → record the outcome.
 * Each event is isolated: whatever it throws is logged with its webhookEventId and the LINE
 * request id, it is marked failed, and its neighbours carry on — unless the caller retries it
 * later (`retryLater`, the Worker's queue consumer) and the failure is worth another try.
 */
import type { Deps, Events } from './deps.ts';
import { onAccountLink } from './handlers/account.ts';
import type { Ctx, IntentMatch } from './handlers/context.ts';
import { joinedGroup, unsupportedMessage, welcome } from './handlers/general.ts';
import { intentHandlers } from './handlers/index.ts';
import { answer, withLanguageNote } from './handlers/router.ts';
import { resolveLang } from './i18n.ts';
import { isIntentName } from './intents.ts';
import { LineApiError } from './line/client.ts';
import {
  isAccountLinkEvent,
  isMessageEvent,
  isPostbackEvent,
  isTextMessageEvent,
  type LineEvent,
} from './line/events.ts';
import type { Message } from './line/limits.ts';
import { stableRetryKey } from './line/retry-key.ts';
import { maskNationalIds } from './log.ts';
import { TAB_ACTION } from './richmenu/definition.ts';
import { type BatchQuery, isBusyError, retryWhileBusy } from './store/db.ts';
import { isTransientDbError, releaseWebhookEvent } from './store/dead-letters.ts';
import {
  getLineUser,
  isBotPaused,
  markLineUserInactive,
  upsertLineUser,
} from './store/line-users.ts';
import { openFlagOf, planFlagTurn, summariseMessages } from './store/staff-flags.ts';
import {
  claimWebhookEvent,
  type EventOutcome,
  finishWebhookEvent,
  markReplyAttempted,
  recordWebhookEvents,
  type WebhookEventRow,
} from './store/webhook-events.ts';
import { understand } from './understand.ts';

/** Event types the bot acts on; everything else is recorded and skipped. */
export const HANDLED_EVENT_TYPES = new Set([
  'message',
  'postback',
  'follow',
  'unfollow',
  'accountLink',
  'join',
]);

/**
 * The events seam of a runtime that records and processes events in this thread: Node without
 * processing threads, a processing thread, the Worker without its queue. `deps` is read at each
 * call (the seam is part of the Deps it is built into).
 */
export function localEvents(deps: () => Deps): Events {
  return {
    record: (rows) => recordWebhookEvents(deps().store, rows),
    async process(id, recover, claimed) {
      await processWebhookEvent(deps(), id, recover, claimed);
    },
  };
}

export interface ProcessOptions {
  /**
   * The caller runs the event again later (the Worker's queue consumer, with backoff): a
   * retryable failure — LINE's 429, 5xx or no answer once the attempts `tuning` allows are used
   * (a reply refused while its token lives is not turned into a push), or a database still busy
   * — puts the event back to 'pending' and resolves 'retry', instead of recording it failed or
   * undeliverable. What LINE may have shown is remembered (the reply mark), so no try repeats it.
   */
  readonly retryLater?: boolean;
  /** Claims the event instead of the usual claim (a pending event, or a stale one: `recover`). */
  readonly claim?: () => Promise<WebhookEventRow | undefined>;
}

/** 'unclaimed': another process has it, or it is finished; 'retry': see `retryLater`. */
export type ProcessResult = 'finished' | 'unclaimed' | 'retry';

/**
 * `claimed`: the row as the webhook recorded it, already 'processing' for this process.
 * Otherwise the event is claimed here: a pending one, or (`recover`) one a crash left behind.
 */
export async function processWebhookEvent(
  deps: Deps,
  id: string,
  recover = false,
  claimed?: WebhookEventRow,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  // A database busy with another connection's write (an import, a long job) is waited out on
  // timers: the event is answered late rather than failed or lost.
  const busy = { deadlineMs: deps.tuning.processBusyMs, sleep: deps.sleep };
  const claim = options.claim ?? (() => claimWebhookEvent(deps.store, id, recover));
  let row: WebhookEventRow | undefined;
  try {
    row = claimed ?? (await retryWhileBusy(claim, busy));
  } catch (err) {
    if (!options.retryLater || !isRetryable(err)) throw err;
    deps.log.warn('webhook event not claimed; to retry', {
      webhookEventId: id,
      error: maskNationalIds(describe(err)),
    });
    return 'retry';
  }
  if (!row) return 'unclaimed';
  const insight: Insight = {};
  let staffTurn: BatchQuery[] = [];
  // A later try (after a crash, a retry or a replay): a reply marked as attempted may have
  // been shown.
  const recovering = row.attempts > 1;
  let outcome: EventOutcome;
  try {
    const event = JSON.parse(row.payload) as LineEvent;
    // Routing only reads, upserts the user and writes audit rows: safe to run again when busy.
    // A staff thread's turn is only read here; it is written with the event's finish.
    const messages = await retryWhileBusy(async () => {
      const answer = await route(deps, event, row, insight);
      staffTurn = await planStaffTurn(deps, event, row, answer);
      return answer;
    }, busy);
    outcome = {
      ...(await deliver(deps, row, messages, recovering, options.retryLater === true)),
      ...insight,
    };
  } catch (err) {
    if (options.retryLater && isRetryable(err)) {
      const cause = err instanceof RetryLater ? err.cause : err;
      const error = maskNationalIds(describe(cause));
      deps.log.warn('webhook event to retry', {
        webhookEventId: row.webhookEventId,
        type: row.type,
        attempts: row.attempts,
        error,
        lineRequestId: cause instanceof LineApiError ? (cause.requestId ?? undefined) : undefined,
      });
      // Unknown whether a reply went out unless delivery said so: the mark is then kept.
      const keepReplyMark = err instanceof RetryLater ? err.replyAmbiguous : true;
      await retryWhileBusy(
        () => releaseWebhookEvent(deps.store, row.webhookEventId, { error, keepReplyMark }),
        busy,
      );
      return 'retry';
    }
    outcome = {
      status: 'failed',
      error: maskNationalIds(describe(err)),
      lineRequestId: err instanceof LineApiError ? err.requestId : null,
      at: deps.clock.now(),
    };
  }
  const log =
    outcome.status === 'failed' || outcome.status === 'undeliverable'
      ? deps.log.error
      : deps.log.debug;
  log(`webhook event ${outcome.status}`, {
    webhookEventId: row.webhookEventId,
    type: row.type,
    delivery: outcome.delivery,
    error: outcome.error ?? undefined,
    lineRequestId: outcome.lineRequestId ?? undefined,
  });
  await retryWhileBusy(
    () => finishWebhookEvent(deps.store, row.webhookEventId, outcome, staffTurn),
    busy,
  );
  return 'finished';
}

/** Delivery stopped on a retryable LINE error, to be tried again later (`retryLater`). */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(
    override readonly cause: LineApiError,
    /** A reply may have reached LINE (5xx or no answer), now or on an earlier try. */
    readonly replyAmbiguous: boolean,
  ) {
    super(cause.message);
  }
}

/** Worth another try later: LINE's 429/5xx/no answer, a busy or briefly unavailable database. */
function isRetryable(err: unknown): boolean {
  if (err instanceof RetryLater) return true;
  if (err instanceof LineApiError) return err.retryable;
  return isBusyError(err) || isTransientDbError(err);
}

/** What routing learnt about an event, kept on its row for the console's statistics. */
interface Insight {
  intent?: string;
  lang?: string;
}

async function route(
  deps: Deps,
  event: LineEvent,
  row: WebhookEventRow,
  insight: Insight,
): Promise<Message[]> {
  const now = deps.clock.now();
  const userId = row.userId;
  if (event.type === 'unfollow') {
    if (userId) await markLineUserInactive(deps.store, userId, now);
    return [];
  }
  let user = userId ? await getLineUser(deps.store, userId) : undefined;
  if (userId && (event.type === 'follow' || !user)) {
    // First contact or (re)follow: learn the profile language once, then keep it stored.
    const profileLanguage = await fetchProfileLanguage(deps, userId);
    user = await upsertLineUser(deps.store, userId, now, {
      status: 'active',
      ...(profileLanguage ? { profileLanguage } : {}),
      ...(event.type === 'follow' ? { followedAt: now } : {}),
    });
  }
  const lang = resolveLang(deps.i18n, user);
  const isPrivate = event.source?.type === 'user';
  const ctx: Ctx = { deps, event, userId, user, lang, t: deps.i18n.t(lang), now, isPrivate };

  if (event.type === 'follow') return welcome(ctx);
  // Added to a group or room: say what the bot does there (general answers only) and stay.
  if (event.type === 'join') return joinedGroup(ctx);
  if (isAccountLinkEvent(event)) return onAccountLink(ctx, event);
  // Staff took this chat over (operator console): what the person writes goes to the staff
  // thread only (recordForStaff). Postbacks (rich menu, buttons) are explicit asks: answered.
  if (isMessageEvent(event) && isPrivate && userId && isBotPaused(user, now)) {
    if (await openFlagOf(deps.store, userId)) return [];
  }
  if (isTextMessageEvent(event)) {
    const match = understand(event.message.text, lang);
    // Answer in the language the text is written in (a confident detection only), unless the
    // user picked a language in chat: that choice wins. The text's language is not stored: the
    // chosen or profile language still governs pushes and the rich menu.
    const chosen = deps.i18n.spoken(user?.chosenLanguage);
    const textLang = !chosen && match.textLang ? deps.i18n.spoken(match.textLang) : undefined;
    insight.intent = match.intent;
    insight.lang = textLang ?? lang;
    if (textLang && textLang !== lang) {
      const inTextLang: Ctx = { ...ctx, lang: textLang, t: deps.i18n.t(textLang) };
      return withLanguageNote(inTextLang, await answer(inTextLang, match));
    }
    return answer(ctx, match);
  }
  if (isPostbackEvent(event)) {
    // A rich-menu tab switch (richmenuswitch): LINE already shows the other tab; say nothing.
    if (isRichMenuTabPostback(event.postback.data)) return [];
    const match = parsePostback(event.postback.data);
    insight.intent = match.intent;
    insight.lang = lang;
    return answer(ctx, match);
  }
  if (isMessageEvent(event)) {
    if (event.message.type === 'location') {
      // The coordinates go to the office search as they came; it validates them (a bad pair
      // gets a clear reply) and answers with the nearest offices and network hospitals.
      const m = event.message as { latitude?: unknown; longitude?: unknown };
      return intentHandlers.office_location(ctx, {
        intent: 'office_location',
        confidence: 1,
        entities: { location: { lat: m.latitude, lng: m.longitude } },
        alternatives: [],
      });
    }
    return unsupportedMessage(ctx, event.message.type);
  }
  return [];
}

/**
 * A 1:1 chat whose person has an open staff flag: their message (text; other kinds by type) and
 * a summary of the answer join the flag's conversation for the operator console's inbox. The
 * writes come back to be committed with the event's finish (one transaction per event); for
 * everyone else this is one indexed read.
 */
async function planStaffTurn(
  deps: Deps,
  event: LineEvent,
  row: WebhookEventRow,
  messages: readonly Message[],
): Promise<BatchQuery[]> {
  if (!row.userId || event.source?.type !== 'user') return [];
  if (!isMessageEvent(event) && !isPostbackEvent(event)) return [];
  const userText = isTextMessageEvent(event)
    ? event.message.text
    : isMessageEvent(event)
      ? `[${event.message.type}]`
      : null;
  const planned = await planFlagTurn(deps.store, {
    userId: row.userId,
    key: `event:${row.webhookEventId}`,
    at: deps.clock.now(),
    userText,
    botText: messages.length > 0 ? () => summariseMessages(messages) : null,
  });
  return planned?.writes ?? [];
}

/** The data of a rich-menu tab area (`action=richmenu_tab&tab=…`, src/richmenu/definition.ts). */
export function isRichMenuTabPostback(data: string): boolean {
  return new URLSearchParams(data.slice(0, 300)).get('action') === TAB_ACTION;
}

/** Postback data is `action=<intent>[&key=value…]` (SPEC §3.4). */
export function parsePostback(data: string): IntentMatch {
  const params = Object.fromEntries(new URLSearchParams(data.slice(0, 300)));
  const action = params.action;
  if (!isIntentName(action)) {
    return { intent: 'greeting_help', confidence: 0, entities: {}, alternatives: [], params };
  }
  return { intent: action, confidence: 1, entities: {}, alternatives: [], params };
}

async function fetchProfileLanguage(deps: Deps, userId: string): Promise<string | undefined> {
  try {
    const profile = await deps.line.getProfile(userId);
    return deps.i18n.spoken(profile.language);
  } catch (err) {
    deps.log.warn('profile lookup failed; answering in the default language', {
      error: describe(err),
      lineRequestId: err instanceof LineApiError ? err.requestId : undefined,
    });
    return undefined;
  }
}

/**
 * Reply while the token can still be valid; otherwise push with a retry key derived from the
 * event id, so a push repeated after a crash is accepted once (409 = already delivered).
 * A reply attempted before a crash whose token has since expired is not re-sent as a push:
 * LINE may already have shown it, and a duplicate is worse than a logged uncertainty.
 */
async function deliver(
  deps: Deps,
  row: WebhookEventRow,
  messages: Message[],
  recovering: boolean,
  retryLater: boolean,
): Promise<EventOutcome> {
  const { tuning, clock } = deps;
  if (messages.length === 0) return { status: 'done', delivery: 'none', at: clock.now() };

  const tokenFresh = () => clock.now() - row.eventTimestamp < tuning.replyWindowMs;
  let ambiguous = recovering && row.replyAttemptedAt !== null;

  if (row.replyToken && tokenFresh()) {
    let refused: LineApiError | undefined;
    for (let attempt = 0; attempt < tuning.replyAttempts && tokenFresh(); attempt++) {
      if (attempt > 0) await deps.sleep(backoff(tuning.retryBaseMs, attempt - 1));
      await markReplyAttempted(deps.store, row.webhookEventId, clock.now());
      try {
        const res = await deps.line.reply(row.replyToken, messages);
        return { status: 'done', delivery: 'reply', lineRequestId: res.requestId, at: clock.now() };
      } catch (err) {
        if (!(err instanceof LineApiError)) throw err;
        if (err.status === 400 && ambiguous) {
          // The token was consumed by an earlier attempt whose answer we never saw.
          return {
            status: 'done',
            delivery: 'reply',
            lineRequestId: err.requestId,
            at: clock.now(),
          };
        }
        if (err.status === 400) break; // token invalid or expired: fall back to push
        if (!err.retryable) throw err;
        ambiguous ||= err.ambiguous;
        refused = err;
      }
    }
    // Tried again later while the token lives: a reply is free, a push counts against the quota.
    if (retryLater && refused && tokenFresh()) throw new RetryLater(refused, ambiguous);
  } else if (ambiguous) {
    return {
      status: 'undeliverable',
      delivery: 'none',
      error:
        'reply outcome unknown after restart and the token has expired; not re-sent to avoid a duplicate',
      at: clock.now(),
    };
  }

  if (!row.userId) {
    return {
      status: 'undeliverable',
      delivery: 'none',
      error: 'reply failed and there is no user to push to',
      at: clock.now(),
    };
  }
  const user = await getLineUser(deps.store, row.userId);
  if (user?.status === 'inactive') {
    return { status: 'undeliverable', delivery: 'none', error: 'user unfollowed', at: clock.now() };
  }
  const retryKey = await stableRetryKey(`reply:${row.webhookEventId}`);
  let last: LineApiError | undefined;
  for (let attempt = 0; attempt < tuning.pushAttempts; attempt++) {
    if (attempt > 0) await deps.sleep(backoff(tuning.retryBaseMs, attempt - 1));
    try {
      const res = await deps.line.push(row.userId, messages, retryKey);
      return { status: 'done', delivery: 'push', lineRequestId: res.requestId, at: clock.now() };
    } catch (err) {
      if (!(err instanceof LineApiError) || !err.retryable) throw err;
      last = err;
    }
  }
  if (retryLater && last) throw new RetryLater(last, ambiguous);
  return {
    status: 'undeliverable',
    delivery: 'none',
    error: `push failed after ${tuning.pushAttempts} attempts: ${last?.message ?? 'unknown'}`,
    lineRequestId: last?.requestId ?? null,
    at: clock.now(),
  };
}

/**
 * Exponential backoff with jitter (LINE's 429 carries no Retry-After), capped at 16 × base
 * (8 s by default): with DEFAULT_TUNING.pushAttempts the push retries span ≥ 47 s, so they
 * outlast a 30 s LINE outage, and once LINE is back an event waits at most one cap to go out.
 */
export function backoff(baseMs: number, retry: number): number {
  const cap = baseMs * 2 ** Math.min(retry, 4);
  return cap / 2 + Math.random() * (cap / 2);
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
