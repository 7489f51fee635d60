/** @jsxImportSource hono/jsx */
/**
 * Unanswered questions (/console/unanswered): what the bot could not answer, masked, grouped by
 * the closest topic and by similarity within it (src/console/cluster.ts), with each topic's
 * weekly trend. Editors mark a question or a whole group handled; anyone signed in exports a
 * group or a topic as a draft of training examples (JSON Lines). Marking and exporting are in
 * the staff audit.
 *
 * Groups are computed on every view from the period's questions (at most QUESTION_CAP, the
 * newest), oldest first, so a group's key (its first question's id) stays the same while new
 * questions arrive: an export link names groups by key.
 */
import { Hono } from 'hono';
import {
  type Cluster,
  clusterQuestions,
  type TopicGroup,
  trainingDraft,
} from '../../console/cluster.ts';
import { Csrf } from '../../console/layout.tsx';
import { cols, DataTable, SelectField } from '../../console/ui.tsx';
import { formatDay, formatWhen, isoTime } from '../../console/when.ts';
import { LANGUAGES, type Lang } from '../../i18n.ts';
import {
  countUnansweredBetween,
  listUnansweredSince,
  markManyUnansweredHandled,
  type UnansweredRow,
  type UnansweredState,
} from '../../store/unanswered.ts';
import {
  auditStaff,
  type ConsoleContext,
  type ConsoleEnv,
  can,
  consoleT,
  field,
  fields,
  form,
  renderPage,
  requireRole,
} from './context.tsx';

export const unansweredRoutes = new Hono<ConsoleEnv>();

const DAY_MS = 86_400_000;
export const PERIODS = [7, 30, 90] as const;
const DEFAULT_DAYS = 30;
const STATES: readonly UnansweredState[] = ['open', 'handled', 'all'];
/** Questions grouped per view (the newest of the period). */
export const QUESTION_CAP = 5000;
/** Groups shown per topic, and questions listed per group (exports have them all). */
const CLUSTERS_SHOWN = 50;
const QUESTIONS_SHOWN = 100;
/** `topic=` for the questions no intent was close to. */
const NO_TOPIC = '_none';

interface View {
  readonly days: number;
  readonly lang: Lang | undefined;
  readonly state: UnansweredState;
}

function viewOf(q: (name: string) => string | undefined): View {
  const days = Number(q('days'));
  const lang = q('lang');
  const state = q('state');
  return {
    days: (PERIODS as readonly number[]).includes(days) ? days : DEFAULT_DAYS,
    lang: (LANGUAGES as readonly string[]).includes(lang ?? '') ? (lang as Lang) : undefined,
    state: STATES.includes(state as UnansweredState) ? (state as UnansweredState) : 'open',
  };
}

function viewQuery(v: View, extra: Record<string, string | readonly string[]> = {}): string {
  const p = new URLSearchParams({ days: String(v.days), state: v.state });
  if (v.lang) p.set('lang', v.lang);
  for (const [k, val] of Object.entries(extra)) {
    for (const one of typeof val === 'string' ? [val] : val) p.append(k, one);
  }
  return p.toString();
}

async function grouped(
  c: ConsoleContext,
  v: View,
): Promise<{ rows: UnansweredRow[]; groups: TopicGroup<UnansweredRow>[] }> {
  const deps = c.get('deps');
  const rows = await listUnansweredSince(deps.store, {
    since: deps.clock.now() - v.days * DAY_MS,
    lang: v.lang,
    state: v.state,
    limit: QUESTION_CAP,
  });
  return { rows, groups: clusterQuestions(rows) };
}

function topicParam(topic: string | null): string {
  return topic ?? NO_TOPIC;
}

// ---- the page -------------------------------------------------------------------------------

unansweredRoutes.get('/', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const v = viewOf((n) => c.req.query(n));
  const now = deps.clock.now();
  const [{ rows, groups }, thisWeek, lastWeek] = await Promise.all([
    grouped(c, v),
    countUnansweredBetween(deps.store, now - 7 * DAY_MS, now + 1, v.lang),
    countUnansweredBetween(deps.store, now - 14 * DAY_MS, now - 7 * DAY_MS, v.lang),
  ]);
  const peak = Math.max(1, ...thisWeek.values(), ...lastWeek.values());
  const editor = can(c, 'editor') && v.state !== 'handled';
  return renderPage(c, {
    title: t('console.nav.unanswered'),
    current: 'unanswered',
    body: (
      <section>
        <h1>{t('console.nav.unanswered')}</h1>
        <p class="hint">{t('console.unanswered.intro')}</p>
        <Filters c={c} view={v} />
        {rows.length === 0 ? (
          <p>{t('console.unanswered.none')}</p>
        ) : (
          <>
            <p>
              {t('console.unanswered.summary', { count: rows.length, topics: groups.length })}
              {rows.length >= QUESTION_CAP ? (
                <>
                  {' '}
                  <span class="muted">
                    {t('console.unanswered.capped', { count: QUESTION_CAP })}
                  </span>
                </>
              ) : null}
            </p>
            <p class="actions">
              <a class="button secondary" href={`/console/unanswered/export?${viewQuery(v)}`}>
                {t('console.unanswered.exportAll')}
              </a>
            </p>
            <p class="hint">{t('console.unanswered.exportHint')}</p>
            {groups.map((g) => (
              <TopicSection
                c={c}
                view={v}
                group={g}
                now={thisWeek.get(g.topic) ?? 0}
                before={lastWeek.get(g.topic) ?? 0}
                peak={peak}
                editor={editor}
              />
            ))}
          </>
        )}
      </section>
    ),
  });
});

function Filters(p: { c: ConsoleContext; view: View }) {
  const t = consoleT(p.c);
  const v = p.view;
  return (
    <form method="get" action="/console/unanswered" class="actions">
      <h2 class="visually-hidden">{t('console.unanswered.filters')}</h2>
      <SelectField
        id="f-days"
        name="days"
        label={t('console.unanswered.period')}
        options={PERIODS.map((d) => ({
          value: String(d),
          label: t('console.unanswered.days', { days: d }),
        }))}
        selected={String(v.days)}
      />
      <SelectField
        id="f-lang"
        name="lang"
        label={t('console.unanswered.language')}
        options={[
          { value: '', label: t('console.unanswered.allLanguages') },
          ...LANGUAGES.map((l) => ({ value: l, label: langName(p.c, l) })),
        ]}
        selected={v.lang ?? ''}
      />
      <SelectField
        id="f-state"
        name="state"
        label={t('console.unanswered.state')}
        options={STATES.map((s) => ({ value: s, label: t(`console.unanswered.states.${s}`) }))}
        selected={v.state}
      />
      <div>
        <button type="submit">{t('console.unanswered.apply')}</button>
      </div>
    </form>
  );
}

function langName(c: ConsoleContext, code: string): string {
  if (!(LANGUAGES as readonly string[]).includes(code)) return code;
  return String(c.get('deps').i18n.anyLang(code as Lang)('services.language.name'));
}

function topicLabel(c: ConsoleContext, topic: string | null): string {
  const t = consoleT(c);
  if (topic === null) return t('console.unanswered.noTopic');
  const name = t(`intent.${topic}`);
  return name && name !== `intent.${topic}` ? `${name} (${topic})` : topic;
}

function TopicSection(p: {
  c: ConsoleContext;
  view: View;
  group: TopicGroup<UnansweredRow>;
  now: number;
  before: number;
  peak: number;
  editor: boolean;
}) {
  const t = consoleT(p.c);
  const { group } = p;
  const shown = group.clusters.slice(0, CLUSTERS_SHOWN);
  const hidden = group.clusters.slice(CLUSTERS_SHOWN);
  const id = `topic-${topicParam(group.topic)}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{topicLabel(p.c, group.topic)}</h2>
      <p>
        {t('console.unanswered.topicCount', {
          count: group.count,
          clusters: group.clusters.length,
        })}
      </p>
      <Trend c={p.c} now={p.now} before={p.before} peak={p.peak} />
      <p class="actions">
        <a
          class="button secondary"
          href={`/console/unanswered/export?${viewQuery(p.view, { topic: topicParam(group.topic) })}`}
        >
          {t('console.unanswered.exportTopic')}
        </a>
      </p>
      <DataTable
        class="phone-hide-4-5"
        cols={cols(t, 'console.unanswered.col', 'count example langs first last actions')}
      >
        {shown.map((cl) => (
          <ClusterRow c={p.c} view={p.view} cluster={cl} editor={p.editor} />
        ))}
      </DataTable>
      {hidden.length > 0 ? (
        <p class="muted">
          {t('console.unanswered.more', {
            clusters: hidden.length,
            count: hidden.reduce((n, cl) => n + cl.questions.length, 0),
          })}
        </p>
      ) : null}
    </section>
  );
}

/** This week against the previous one: numbers, an arrow, and two small bars. */
function Trend(p: { c: ConsoleContext; now: number; before: number; peak: number }) {
  const t = consoleT(p.c);
  const dir = p.now > p.before ? 'Up' : p.now < p.before ? 'Down' : 'Same';
  const arrow = dir === 'Up' ? '↑' : dir === 'Down' ? '↓' : '→';
  const width = (n: number) => Math.max(n > 0 ? 2 : 0, Math.round((n / p.peak) * 116));
  return (
    <p class="actions">
      <svg
        width="120"
        height="28"
        viewBox="0 0 120 28"
        role="img"
        aria-label={t('console.unanswered.trendChart', { now: p.now, before: p.before })}
      >
        <rect x="0" y="2" width={String(width(p.now))} height="10" fill="#0b5394" />
        <rect x="0" y="16" width={String(width(p.before))} height="10" fill="#767676" />
      </svg>
      <span>
        {t('console.unanswered.trend', { now: p.now, before: p.before })}{' '}
        <span aria-hidden="true">{arrow}</span>
        <span class="visually-hidden">{t(`console.unanswered.trend${dir}`)}</span>
      </span>
    </p>
  );
}

/** A group of similar questions on the page, and whether the viewer may mark them handled. */
interface ClusterProps {
  c: ConsoleContext;
  view: View;
  cluster: Cluster<UnansweredRow>;
  editor: boolean;
}

function ClusterRow(p: ClusterProps) {
  const t = consoleT(p.c);
  const lang = p.c.get('consoleLang');
  const cl = p.cluster;
  const open = cl.questions.filter((q) => q.handledAt === null);
  const csrf = p.c.get('staff').csrf;
  return (
    <tr>
      <td>{cl.questions.length}</td>
      <th scope="row">{cl.example}</th>
      <td>{cl.langs.map((l) => langName(p.c, l)).join(', ')}</td>
      <td>
        <time datetime={isoTime(cl.firstAt)}>{formatDay(lang, cl.firstAt)}</time>
      </td>
      <td>
        <time datetime={isoTime(cl.lastAt)}>{formatDay(lang, cl.lastAt)}</time>
      </td>
      <td>
        <div class="actions">
          <a
            href={`/console/unanswered/export?${viewQuery(p.view, {
              topic: topicParam(cl.topic),
              cluster: String(cl.key),
            })}`}
          >
            {t('console.unanswered.exportCluster')}
          </a>
          {p.editor && open.length > 0 ? (
            <form method="post" action="/console/unanswered/handled">
              <Csrf token={csrf} />
              <ViewFields view={p.view} />
              <input type="hidden" name="cluster" value={String(cl.key)} />
              {open.map((q) => (
                <input type="hidden" name="id" value={String(q.id)} />
              ))}
              <button type="submit" class="secondary">
                {t('console.unanswered.markCluster', { count: open.length })}
              </button>
            </form>
          ) : null}
        </div>
        {cl.questions.length > 1 || p.editor ? (
          <details>
            <summary>{t('console.unanswered.questions', { count: cl.questions.length })}</summary>
            <QuestionList c={p.c} view={p.view} cluster={cl} editor={p.editor} />
          </details>
        ) : null}
      </td>
    </tr>
  );
}

/** The filters a form posts back, so the page comes back as it was. */
function ViewFields(p: { view: View }) {
  return (
    <>
      <input type="hidden" name="days" value={String(p.view.days)} />
      <input type="hidden" name="lang" value={p.view.lang ?? ''} />
      <input type="hidden" name="state" value={p.view.state} />
    </>
  );
}

function QuestionList(p: ClusterProps) {
  const t = consoleT(p.c);
  const lang = p.c.get('consoleLang');
  const questions = [...p.cluster.questions].reverse().slice(0, QUESTIONS_SHOWN);
  const more = p.cluster.questions.length - questions.length;
  const item = (q: UnansweredRow) => (
    <>
      <span lang={q.lang}>{q.text}</span>{' '}
      <span class="muted">
        (<time datetime={isoTime(q.at)}>{formatWhen(lang, q.at)}</time>, {langName(p.c, q.lang)})
      </span>
      {q.handledAt !== null ? (
        <>
          {' '}
          <span class="badge ok">{t('console.unanswered.handledBadge')}</span>
        </>
      ) : null}
    </>
  );
  const list = (
    <ul>
      {questions.map((q) => (
        <li>
          {p.editor && q.handledAt === null ? (
            <label class="hint" for={`q-${q.id}`}>
              <input type="checkbox" id={`q-${q.id}`} name="id" value={String(q.id)} /> {item(q)}
            </label>
          ) : (
            item(q)
          )}
        </li>
      ))}
      {more > 0 ? (
        <li class="muted">{t('console.unanswered.moreQuestions', { count: more })}</li>
      ) : null}
    </ul>
  );
  if (!p.editor) return list;
  return (
    <form method="post" action="/console/unanswered/handled">
      <Csrf token={p.c.get('staff').csrf} />
      <ViewFields view={p.view} />
      {list}
      <button type="submit" class="secondary">
        {t('console.unanswered.markSelected')}
      </button>
    </form>
  );
}

// ---- mark handled (editor and above) --------------------------------------------------------

unansweredRoutes.post('/handled', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const body = await form(c);
  const v = viewOf((n) => field(body, n) || undefined);
  const ids = [
    ...new Set(
      fields(body, 'id')
        .filter((s) => /^\d{1,10}$/.test(s))
        .map(Number),
    ),
  ].slice(0, QUESTION_CAP);
  if (ids.length === 0) {
    return c.redirect(
      `/console/unanswered?${viewQuery(v, { error: 'unanswered.nothingSelected' })}`,
      303,
    );
  }
  const marked = await markManyUnansweredHandled(deps.store, ids, deps.clock.now());
  const cluster = field(body, 'cluster');
  await auditStaff(
    c,
    'unanswered.handled',
    ids.length === 1
      ? `unanswered:${ids[0]}`
      : /^\d{1,10}$/.test(cluster)
        ? `unanswered-group:${cluster}`
        : `unanswered:${ids[0]}`,
    { count: ids.length, marked, ids: ids.slice(0, 50) },
  );
  return c.redirect(`/console/unanswered?${viewQuery(v, { ok: 'unanswered.marked' })}`, 303);
});

// ---- export (a draft of training examples) --------------------------------------------------

unansweredRoutes.get('/export', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const v = viewOf((n) => c.req.query(n));
  const topic = c.req.query('topic');
  const keys = new Set(
    (c.req.queries('cluster') ?? []).filter((s) => /^\d{1,10}$/.test(s)).map(Number),
  );
  const { groups } = await grouped(c, v);
  const clusters = groups
    .filter((g) => topic === undefined || topicParam(g.topic) === topic)
    .flatMap((g) => g.clusters)
    .filter((cl) => keys.size === 0 || keys.has(cl.key));
  if (clusters.length === 0) {
    return renderPage(c, {
      title: t('console.nav.unanswered'),
      current: 'unanswered',
      status: 404,
      flash: { kind: 'error', text: t('console.unanswered.exportNone') },
      body: (
        <>
          <h1>{t('console.errors.notFound')}</h1>
          <p>
            <a href={`/console/unanswered?${viewQuery(v)}`}>{t('console.common.back')}</a>
          </p>
        </>
      ),
    });
  }
  const body = trainingDraft(clusters);
  await auditStaff(c, 'unanswered.export', topic ? `topic:${topic}` : null, {
    days: v.days,
    lang: v.lang ?? null,
    state: v.state,
    groups: clusters.length,
    ...(keys.size > 0 ? { keys: [...keys].slice(0, 50) } : {}),
    questions: clusters.reduce((n, cl) => n + cl.questions.length, 0),
    lines: body === '' ? 0 : body.split('\n').length - 1,
  });
  const day = new Date(deps.clock.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const name = `unanswered-${topic ? topic.replace(/[^a-z0-9_]/gi, '') : 'all'}-${day}.jsonl`;
  return c.body(body, 200, {
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
  });
});
