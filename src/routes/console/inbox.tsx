/** @jsxImportSource hono/jsx */
/**
 * The inbox (/console/inbox): chats where someone asked for a person (talk_to_staff). Staff read
 * the conversation (masked), answer with a LINE push, pause the bot while they talk, and close
 * the chat with a note. Viewers read; editors and above act. Every action is in the staff audit
 * (target `flag:<id>`); showing whether a chat is linked to an insured person is a personal
 * read, in the personal-data audit (`staff_read_link_status`).
 *
 * A reply is written before it is sent (status pending), then marked sent or failed. Its
 * X-Line-Retry-Key derives from the flag and the reply form's one-time token: the same form
 * posted again (a timeout, a crash after LINE accepted it, "send again" after an error) finds the
 * same row and pushes with the same key, and LINE answers 409 instead of delivering twice.
 */
import { Hono } from 'hono';
import { randomId } from '../../console/keys.ts';
import { Csrf } from '../../console/layout.tsx';
import { cols, DataTable } from '../../console/ui.tsx';
import { formatWhen, isoTime } from '../../console/when.ts';
import { LANGUAGES, type Lang } from '../../i18n.ts';
import { LineApiError } from '../../line/client.ts';
import { LIMITS } from '../../line/limits.ts';
import { stableRetryKey } from '../../line/retry-key.ts';
import { writeAudit } from '../../store/audit.ts';
import { isBotPaused, setBotPausedUntil } from '../../store/line-users.ts';
import { listStaff } from '../../store/staff.ts';
import {
  beginStaffReply,
  closeStaffFlag,
  finishStaffReply,
  type InboxItem,
  inboxItem,
  listFlagMessages,
  listInbox,
  type StaffFlagMessageRow,
} from '../../store/staff-flags.ts';
import {
  auditStaff,
  type ConsoleContext,
  type ConsoleEnv,
  can,
  consoleT,
  field,
  form,
  renderPage,
  requireRole,
} from './context.tsx';

export const inboxRoutes = new Hono<ConsoleEnv>();

/** How long staff may pause the bot (minutes), and the locale key naming each. */
export const PAUSE_CHOICES = [
  { minutes: 30, key: 'm30' },
  { minutes: 120, key: 'h2' },
  { minutes: 480, key: 'h8' },
  { minutes: 1440, key: 'h24' },
] as const;
export const DEFAULT_PAUSE_MINUTES = 120;
/** Closed chats stay in the list this long. */
const CLOSED_DAYS = 14;
const CLOSE_NOTE_MAX = 500;
/** Messages shown on a chat page. */
const THREAD_LIMIT = 200;
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

// ---- the list -------------------------------------------------------------------------------

inboxRoutes.get('/', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const now = deps.clock.now();
  const items = await listInbox(deps.store, { closedSince: now - CLOSED_DAYS * 86_400_000 });
  await auditLinkReads(
    c,
    items.map((i) => i.personId),
    'operator console inbox: linked yes/no of the flagged chats listed',
  );
  const open = items.filter((i) => i.flag.status === 'open');
  const closed = items.filter((i) => i.flag.status !== 'open');
  return renderPage(c, {
    title: t('console.inbox.title'),
    current: 'inbox',
    body: (
      <section>
        <h1>{t('console.inbox.title')}</h1>
        <p class="hint">{t('console.inbox.intro')}</p>
        <h2>{t('console.inbox.open', { count: open.length })}</h2>
        {open.length > 0 ? (
          <InboxTable c={c} items={open} now={now} />
        ) : (
          <p>{t('console.inbox.none')}</p>
        )}
        <h2>{t('console.inbox.closed', { days: CLOSED_DAYS, count: closed.length })}</h2>
        {closed.length > 0 ? (
          <InboxTable c={c} items={closed} now={now} />
        ) : (
          <p>{t('console.inbox.noneClosed')}</p>
        )}
      </section>
    ),
  });
});

function InboxTable(p: { c: ConsoleContext; items: InboxItem[]; now: number }) {
  const t = consoleT(p.c);
  const lang = p.c.get('consoleLang');
  return (
    <DataTable
      cols={cols(t, 'console.inbox.col', 'chat activity language linked note messages bot')}
    >
      {p.items.map((i) => {
        const at = i.flag.lastMessageAt ?? i.flag.createdAt;
        return (
          <tr>
            <th scope="row">
              <a href={`/console/inbox/${i.flag.id}`}>
                {t('console.inbox.chatLabel', { id: i.flag.id })}
              </a>{' '}
              <StatusBadge c={p.c} status={i.flag.status} />
            </th>
            <td>
              <time datetime={isoTime(at)}>{formatWhen(lang, at)}</time>
            </td>
            <td>
              <LangName c={p.c} code={i.flag.lang} />
            </td>
            <td>
              {i.personId !== null ? t('console.inbox.linkedYes') : t('console.inbox.linkedNo')}
            </td>
            <td>{i.flag.note ?? <span class="muted">{t('console.inbox.noNote')}</span>}</td>
            <td>{i.messages}</td>
            <td>
              <BotState c={p.c} item={i} now={p.now} />
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function StatusBadge(p: { c: ConsoleContext; status: string }) {
  const t = consoleT(p.c);
  return (
    <span class={`badge ${p.status === 'open' ? 'warn' : 'ok'}`}>
      {t(`console.inbox.status.${p.status === 'open' ? 'open' : 'closed'}`)}
    </span>
  );
}

/** The language named in itself (ไทย, English, မြန်မာ…). */
function LangName(p: { c: ConsoleContext; code: string }) {
  if (!(LANGUAGES as readonly string[]).includes(p.code)) return <span>{p.code}</span>;
  const name = p.c.get('deps').i18n.anyLang(p.code as Lang)('services.language.name');
  return <span lang={p.code}>{String(name)}</span>;
}

function BotState(p: { c: ConsoleContext; item: InboxItem; now: number }) {
  const t = consoleT(p.c);
  const { item } = p;
  if (item.userStatus !== 'active' && item.flag.status === 'open') {
    return <span class="badge bad">{t('console.inbox.userGone')}</span>;
  }
  if (item.flag.status === 'open' && isBotPaused(item, p.now)) {
    const until = item.botPausedUntil!;
    return (
      <span class="badge warn">
        {t('console.inbox.botPaused', { time: formatWhen(p.c.get('consoleLang'), until) })}
      </span>
    );
  }
  return <span class="muted">{t('console.inbox.botOn')}</span>;
}

/** One personal-data audit entry per linked person shown (the link itself is personal data). */
async function auditLinkReads(
  c: ConsoleContext,
  personIds: readonly (number | null)[],
  purpose: string,
): Promise<void> {
  const deps = c.get('deps');
  const actor = `staff:${c.get('staff').account.id}`;
  const at = deps.clock.now();
  for (const personId of new Set(personIds)) {
    if (personId === null) continue;
    await writeAudit(deps.store, {
      at,
      actor,
      personId,
      action: 'staff_read_link_status',
      purpose,
    });
  }
}

// ---- one chat -------------------------------------------------------------------------------

function flagId(c: ConsoleContext): number | undefined {
  const raw = c.req.param('id') ?? '';
  return /^\d{1,10}$/.test(raw) ? Number(raw) : undefined;
}

async function loadItem(c: ConsoleContext): Promise<InboxItem | undefined> {
  const id = flagId(c);
  return id === undefined ? undefined : inboxItem(c.get('deps').store, id);
}

function notFound(c: ConsoleContext) {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.errors.notFound'),
    current: 'inbox',
    status: 404,
    body: (
      <section>
        <h1>{t('console.errors.notFound')}</h1>
        <p>{t('console.inbox.notFound')}</p>
        <p>
          <a href="/console/inbox">{t('console.inbox.chat.back')}</a>
        </p>
      </section>
    ),
  });
}

inboxRoutes.get('/:id', async (c) => {
  const item = await loadItem(c);
  if (!item) return notFound(c);
  return chatPage(c, item);
});

interface Quota {
  readonly used: number;
  readonly limit: number | null;
}

/** This month's push quota from LINE; undefined when LINE cannot tell us now. */
async function readQuota(c: ConsoleContext): Promise<Quota | undefined> {
  const deps = c.get('deps');
  try {
    const [quota, used] = await Promise.all([
      deps.line.getMessageQuota(),
      deps.line.getMessageConsumption(),
    ]);
    return { limit: quota.limit, used: used.totalUsage };
  } catch (err) {
    deps.log.warn('console: message quota unavailable', {
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

async function chatPage(
  c: ConsoleContext,
  item: InboxItem,
  opts: { error?: string; draft?: string; token?: string; status?: number } = {},
) {
  const deps = c.get('deps');
  const t = consoleT(c);
  const lang = c.get('consoleLang');
  const now = deps.clock.now();
  const { flag } = item;
  const open = flag.status === 'open';
  const editor = can(c, 'editor');
  const [messages, staff, quota] = await Promise.all([
    listFlagMessages(deps.store, flag.id, THREAD_LIMIT),
    listStaff(deps.store),
    open && editor ? readQuota(c) : Promise.resolve(undefined),
  ]);
  await auditLinkReads(
    c,
    [item.personId],
    `operator console inbox: linked yes/no of flagged chat ${flag.id}`,
  );
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  const paused = open && isBotPaused(item, now);
  const reachable = item.userStatus === 'active';
  const title = t('console.inbox.chatLabel', { id: flag.id });
  return renderPage(c, {
    title,
    current: 'inbox',
    status: opts.status,
    flash: opts.error ? { kind: 'error', text: opts.error } : undefined,
    body: (
      <section>
        <p>
          <a href="/console/inbox">{t('console.inbox.chat.back')}</a>
        </p>
        <h1>
          {title} <StatusBadge c={c} status={flag.status} />
        </h1>
        <h2 class="visually-hidden">{t('console.inbox.chat.details')}</h2>
        <dl>
          <dt>{t('console.inbox.chat.started')}</dt>
          <dd>
            <time datetime={isoTime(flag.createdAt)}>{formatWhen(lang, flag.createdAt)}</time>
          </dd>
          <dt>{t('console.inbox.chat.language')}</dt>
          <dd>
            <LangName c={c} code={flag.lang} />
          </dd>
          <dt>{t('console.inbox.chat.linked')}</dt>
          <dd>{item.personId !== null ? t('console.common.yes') : t('console.common.no')}</dd>
          <dt>{t('console.inbox.chat.person')}</dt>
          <dd>
            {reachable ? (
              t('console.inbox.chat.following')
            ) : (
              <span class="badge bad">{t('console.inbox.userGone')}</span>
            )}
          </dd>
          {open ? (
            <>
              <dt>{t('console.inbox.chat.bot')}</dt>
              <dd>
                <BotState c={c} item={item} now={now} />
              </dd>
            </>
          ) : null}
          {!open && flag.closedAt !== null ? (
            <>
              <dt>{t('console.inbox.chat.status')}</dt>
              <dd>
                {t('console.inbox.chat.closedBy', {
                  name: flag.closedBy !== null ? (names.get(flag.closedBy) ?? '?') : '—',
                  time: formatWhen(lang, flag.closedAt),
                })}
              </dd>
              {flag.closeNote ? (
                <>
                  <dt>{t('console.inbox.chat.closeNote')}</dt>
                  <dd>
                    <Lines text={flag.closeNote} />
                  </dd>
                </>
              ) : null}
            </>
          ) : null}
        </dl>

        <h2>{t('console.inbox.chat.conversation')}</h2>
        <p class="hint">
          {t('console.inbox.chat.conversationHint', {
            count: Math.min(THREAD_LIMIT, messages.length),
          })}
        </p>
        {messages.length > 0 ? (
          <Thread c={c} messages={messages} names={names} />
        ) : (
          <p>{t('console.inbox.chat.empty')}</p>
        )}

        {open && editor ? (
          <>
            <h2 id="reply">{t('console.inbox.reply.title')}</h2>
            {reachable ? (
              <ReplyForm
                c={c}
                flagId={flag.id}
                token={opts.token && TOKEN.test(opts.token) ? opts.token : randomId(18)}
                draft={opts.draft ?? ''}
                quota={quota}
                offerPause={!paused}
              />
            ) : (
              <p>{t('console.inbox.reply.unreachable')}</p>
            )}
            <h2>{t('console.inbox.pause.title')}</h2>
            <p class="hint">{t('console.inbox.pause.hint')}</p>
            <PauseForms c={c} flagId={flag.id} paused={paused} />
            <h2>{t('console.inbox.close.title')}</h2>
            <CloseForm c={c} flagId={flag.id} />
          </>
        ) : open ? (
          <p class="hint">{t('console.inbox.reply.readOnly')}</p>
        ) : null}
      </section>
    ),
  });
}

/** Text with its line breaks. */
function Lines(p: { text: string }) {
  const lines = p.text.split('\n');
  return (
    <>
      {lines.map((l, i) => (
        <>
          {i > 0 ? <br /> : null}
          {l}
        </>
      ))}
    </>
  );
}

function Thread(p: {
  c: ConsoleContext;
  messages: StaffFlagMessageRow[];
  names: Map<number, string>;
}) {
  const t = consoleT(p.c);
  const lang = p.c.get('consoleLang');
  const who = (m: StaffFlagMessageRow) =>
    m.direction === 'staff'
      ? t('console.inbox.chat.who.staff', {
          name: m.staffId !== null ? (p.names.get(m.staffId) ?? '?') : '?',
        })
      : t(`console.inbox.chat.who.${m.direction}`);
  return (
    <DataTable cols={cols(t, 'console.inbox.chat.col', 'when from text')}>
      {p.messages.map((m) => (
        <tr>
          <td>
            <time datetime={isoTime(m.at)}>{formatWhen(lang, m.at)}</time>
          </td>
          <th scope="row">
            {who(m)}
            {m.status ? (
              <>
                {' '}
                <span
                  class={`badge ${m.status === 'sent' ? 'ok' : m.status === 'failed' ? 'bad' : 'warn'}`}
                >
                  {t(`console.inbox.chat.sendStatus.${m.status}`)}
                </span>
              </>
            ) : null}
          </th>
          <td>
            <Lines text={m.text} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function quotaText(c: ConsoleContext, quota: Quota | undefined): string {
  const t = consoleT(c);
  if (!quota) return t('console.inbox.reply.quotaUnknown');
  const n = (v: number) => v.toLocaleString('en-US');
  if (quota.limit === null) return t('console.inbox.reply.quotaNoLimit', { used: n(quota.used) });
  return t('console.inbox.reply.quota', {
    used: n(quota.used),
    limit: n(quota.limit),
    left: n(Math.max(0, quota.limit - quota.used)),
  });
}

function pauseLabel(c: ConsoleContext, minutes: number): string {
  const choice = PAUSE_CHOICES.find((p) => p.minutes === minutes) ?? PAUSE_CHOICES[1];
  return consoleT(c)(`console.inbox.pause.${choice.key}`);
}

function ReplyForm(p: {
  c: ConsoleContext;
  flagId: number;
  token: string;
  draft: string;
  quota: Quota | undefined;
  offerPause: boolean;
}) {
  const t = consoleT(p.c);
  return (
    <form method="post" action={`/console/inbox/${p.flagId}/reply`} class="stack">
      <Csrf token={p.c.get('staff').csrf} />
      <input type="hidden" name="token" value={p.token} />
      <div>
        <label for="reply-text">
          {t('console.inbox.reply.label', { max: LIMITS.textLength.toLocaleString('en-US') })}
        </label>
        <p class="hint" id="reply-hint">
          {t('console.inbox.reply.hint')}
        </p>
        <textarea
          id="reply-text"
          name="text"
          required
          maxlength={LIMITS.textLength}
          aria-describedby="reply-hint reply-quota"
        >
          {p.draft}
        </textarea>
      </div>
      <p class="hint" id="reply-quota">
        {quotaText(p.c, p.quota)}
      </p>
      {p.offerPause ? (
        <div>
          <label for="reply-pause">
            <input type="checkbox" id="reply-pause" name="pause" value="1" checked />{' '}
            {t('console.inbox.reply.pauseToo', {
              duration: pauseLabel(p.c, DEFAULT_PAUSE_MINUTES),
            })}
          </label>
        </div>
      ) : null}
      <div class="actions">
        <button type="submit">{t('console.inbox.reply.submit')}</button>
      </div>
    </form>
  );
}

function PauseForms(p: { c: ConsoleContext; flagId: number; paused: boolean }) {
  const t = consoleT(p.c);
  const csrf = p.c.get('staff').csrf;
  return (
    <div class="actions">
      <form method="post" action={`/console/inbox/${p.flagId}/pause`} class="actions">
        <Csrf token={csrf} />
        <label for="pause-minutes">{t('console.inbox.pause.label')}</label>
        <select id="pause-minutes" name="minutes">
          {PAUSE_CHOICES.map((choice) => (
            <option
              value={String(choice.minutes)}
              selected={choice.minutes === DEFAULT_PAUSE_MINUTES}
            >
              {t(`console.inbox.pause.${choice.key}`)}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          {t('console.inbox.pause.submit')}
        </button>
      </form>
      {p.paused ? (
        <form method="post" action={`/console/inbox/${p.flagId}/resume`}>
          <Csrf token={csrf} />
          <button type="submit">{t('console.inbox.pause.resume')}</button>
        </form>
      ) : null}
    </div>
  );
}

function CloseForm(p: { c: ConsoleContext; flagId: number }) {
  const t = consoleT(p.c);
  return (
    <form
      method="post"
      action={`/console/inbox/${p.flagId}/close`}
      class="stack"
      data-confirm={t('console.inbox.close.confirm')}
    >
      <Csrf token={p.c.get('staff').csrf} />
      <div>
        <label for="close-note">{t('console.inbox.close.label', { max: CLOSE_NOTE_MAX })}</label>
        <p class="hint" id="close-hint">
          {t('console.inbox.close.hint')}
        </p>
        <textarea
          id="close-note"
          name="note"
          required
          maxlength={CLOSE_NOTE_MAX}
          aria-describedby="close-hint"
        />
      </div>
      <div class="actions">
        <button type="submit" class="secondary">
          {t('console.inbox.close.submit')}
        </button>
      </div>
    </form>
  );
}

// ---- actions (editor and above) -------------------------------------------------------------

const back = (id: number, flash: string) => `/console/inbox/${id}?${flash}`;

inboxRoutes.post('/:id/reply', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const item = await loadItem(c);
  if (!item) return notFound(c);
  const { flag } = item;
  const body = await form(c);
  const text = (typeof body.text === 'string' ? body.text : '').replace(/\r\n?/g, '\n').trim();
  // The form's one-time token names this message; a client without it gets a fresh one.
  const posted = field(body, 'token');
  const token = TOKEN.test(posted) ? posted : randomId(18);
  const again = (error: string, status: number) =>
    chatPage(c, item, { error, draft: text, token, status });
  if (flag.status !== 'open') return again(t('console.inbox.reply.closed'), 409);
  if (!text) return again(t('console.inbox.reply.empty'), 400);
  if (text.length > LIMITS.textLength) {
    return again(
      t('console.inbox.reply.tooLong', { max: LIMITS.textLength.toLocaleString('en-US') }),
      400,
    );
  }
  if (item.userStatus !== 'active') return again(t('console.inbox.reply.unreachable'), 409);

  const account = c.get('staff').account;
  const retryKey = await stableRetryKey(`staff-reply:${flag.id}:${token}`);
  const { message, created } = await beginStaffReply(deps.store, {
    flagId: flag.id,
    staffId: account.id,
    text,
    retryKey,
    at: deps.clock.now(),
  });
  let failure: unknown;
  if (message.status !== 'sent') {
    try {
      await deps.line.push(flag.userId, [{ type: 'text', text }], retryKey);
      await finishStaffReply(deps.store, message.id, 'sent');
    } catch (err) {
      failure = err;
      await finishStaffReply(deps.store, message.id, 'failed');
    }
  }
  const status = failure ? 'failed' : 'sent';
  await auditStaff(c, 'inbox.reply', `flag:${flag.id}`, {
    message: message.id,
    chars: text.length,
    status,
    ...(created ? {} : { again: true }),
  });
  if (failure) {
    const code = failure instanceof LineApiError ? failure.status : 0;
    deps.log.warn('console: staff reply not delivered', {
      staffFlagId: flag.id,
      status: code,
      lineRequestId: failure instanceof LineApiError ? (failure.requestId ?? undefined) : undefined,
    });
    return again(t('console.inbox.reply.failed', { status: code || '—' }), 502);
  }
  if (field(body, 'pause') === '1' && !isBotPaused(item, deps.clock.now())) {
    await pauseBot(c, item, DEFAULT_PAUSE_MINUTES);
  }
  return c.redirect(back(flag.id, 'ok=inbox.reply.sent'), 303);
});

async function pauseBot(c: ConsoleContext, item: InboxItem, minutes: number): Promise<boolean> {
  const deps = c.get('deps');
  const now = deps.clock.now();
  const until = now + minutes * 60_000;
  if (!(await setBotPausedUntil(deps.store, item.flag.userId, until, now))) return false;
  await auditStaff(c, 'inbox.pause', `flag:${item.flag.id}`, { minutes, until });
  return true;
}

inboxRoutes.post('/:id/pause', requireRole('editor'), async (c) => {
  const item = await loadItem(c);
  if (!item) return notFound(c);
  if (item.flag.status !== 'open') {
    return c.redirect(back(item.flag.id, 'error=inbox.close.already'), 303);
  }
  const asked = Number(field(await form(c), 'minutes'));
  const minutes = PAUSE_CHOICES.find((p) => p.minutes === asked)?.minutes ?? DEFAULT_PAUSE_MINUTES;
  if (!(await pauseBot(c, item, minutes))) {
    return c.redirect(back(item.flag.id, 'error=inbox.pause.noUser'), 303);
  }
  return c.redirect(back(item.flag.id, 'ok=inbox.pause.done'), 303);
});

inboxRoutes.post('/:id/resume', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const item = await loadItem(c);
  if (!item) return notFound(c);
  const now = deps.clock.now();
  if (!(await setBotPausedUntil(deps.store, item.flag.userId, null, now))) {
    return c.redirect(back(item.flag.id, 'error=inbox.pause.noUser'), 303);
  }
  await auditStaff(c, 'inbox.resume', `flag:${item.flag.id}`);
  return c.redirect(back(item.flag.id, 'ok=inbox.pause.resumed'), 303);
});

inboxRoutes.post('/:id/close', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const item = await loadItem(c);
  if (!item) return notFound(c);
  const note = field(await form(c), 'note').replace(/\r\n?/g, '\n');
  if (!note) return c.redirect(back(item.flag.id, 'error=inbox.close.noteRequired'), 303);
  const account = c.get('staff').account;
  const closed = await closeStaffFlag(deps.store, item.flag.id, deps.clock.now(), {
    by: account.id,
    note: note.slice(0, CLOSE_NOTE_MAX),
  });
  if (!closed) return c.redirect(back(item.flag.id, 'error=inbox.close.already'), 303);
  await auditStaff(c, 'inbox.close', `flag:${item.flag.id}`, { noteChars: note.length });
  return c.redirect('/console/inbox?ok=inbox.close.done', 303);
});
