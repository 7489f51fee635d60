/** @jsxImportSource hono/jsx */
/**
 * /console/news: news items and their pushes (C15).
 *
 *   GET  /                      the list, newest first, with each item's push jobs (viewer+)
 *   GET  /new, POST /           compose; save a draft (editor+) or publish (publisher+)
 *   GET  /:id, POST /:id        view (viewer+) / edit (editor+; a published item: publisher+)
 *   POST /preview               the LINE preview of what was typed, as an HTML fragment (editor+)
 *   GET  /:id/send, POST        audience, time, count (editor+); review and confirm (publisher+)
 *   POST /audience              the audience count as JSON (editor+)
 *   GET  /jobs/:id              a push job with its progress bar (viewer+)
 *   GET  /jobs/:id/progress     the same figures as JSON, for polling (viewer+)
 *   GET  /jobs/:id/cancel, POST cancel with confirmation; POST pause, resume (publisher+)
 *
 * The business rules are the admin API's (src/routes/admin.ts): the same validators
 * (src/routes/validate.ts), news store, push-job creation (createNewsPushJob) and runner; the
 * preview is the card a push sends (src/news/card.ts) and the audience count the query the job's
 * snapshot pages through (src/store/push-jobs.ts), so staff see what users get. Every change is
 * in the staff audit trail. Works without JavaScript; news.js enhances.
 */
import { Hono } from 'hono';
import { Csrf } from '../../console/layout.tsx';
import {
  bangkokDateTimeValue,
  type CheckedSend,
  checkNews,
  checkSend,
  emptyNewsValues,
  type FieldErrors,
  formatCount,
  formatDateTime,
  formatNewsDate,
  type NewsValues,
  newsValuesFromForm,
  newsValuesFromItem,
  previewItem,
  type SendValues,
  sendValuesFromForm,
  sendValuesFromItem,
} from '../../console/news-forms.ts';
import { LinePreview, previewMessages } from '../../console/news-preview.tsx';
import { NEWS_JS } from '../../console/news-script.ts';
import {
  audienceSummary,
  ChoiceGroup,
  type ConsoleLang,
  JobBadge,
  jobTarget,
  NewsBadge,
  progressView,
  Row,
  SegmentFields,
  TextField,
} from '../../console/news-views.tsx';
import { cols, DataTable, GatedSubmit } from '../../console/ui.tsx';
import type { Deps } from '../../deps.ts';
import { bangkokDate } from '../../format.ts';
import { LANGUAGES, type Lang, SPOKEN } from '../../i18n.ts';
import { createNewsPushJob, jobLanguage, PushJobRefused } from '../../news/push-jobs.ts';
import {
  createNews,
  getNews,
  listNews,
  type NewsItem,
  sourceUrlTaken,
  updateNews,
} from '../../store/news.ts';
import {
  cancelJob,
  countActiveFollowers,
  countOptedOutFollowers,
  countRecipients,
  getJobProgress,
  getPushJob,
  listPushJobsForNews,
  type PushJobRow,
  pauseJob,
  resumeJob,
  type Segment,
} from '../../store/push-jobs.ts';
import { getStaff } from '../../store/staff.ts';
import {
  auditStaff,
  type ConsoleContext,
  type ConsoleEnv,
  can,
  consoleT,
  field,
  forbidden,
  form,
  renderPage,
  requireRole,
} from './context.tsx';

export const newsRoutes = new Hono<ConsoleEnv>();

const PAGE_SIZE = 20;
const SCRIPT = '/console/news/assets/news.js';
/** LINE's quota is read on the confirm step; the page does not wait longer than this. */
const QUOTA_TIMEOUT_MS = 3000;

/** The compose form's text fields (label and hint: console.news.form.<name>, <name>Hint). */
const CONTENT_FIELDS = [
  { name: 'title', required: true, maxlength: 300 },
  { name: 'summary', multiline: true, rows: 3, maxlength: 1000 },
  { name: 'body', multiline: true, rows: 8, required: true, maxlength: 20_000 },
  { name: 'imageUrl', type: 'url', pattern: 'https://.+', maxlength: 2000 },
  { name: 'sourceUrl', type: 'url', maxlength: 1000 },
  { name: 'publishedDate', type: 'date', required: true },
  { name: 'topic', pattern: '[a-z0-9][a-z0-9_\\-]*', maxlength: 40 },
] as const;

const langOf = (c: ConsoleContext): ConsoleLang => c.get('consoleLang') ?? 'th';

function idOf(raw: string | undefined): number | undefined {
  return raw && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;
}

function notFound(c: ConsoleContext, key: 'notFound' | 'jobNotFound') {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.errors.notFound'),
    current: 'news',
    status: 404,
    flash: { kind: 'error', text: t(`console.news.errors.${key}`) },
    body: (
      <>
        <h1>{t('console.errors.notFound')}</h1>
        <p>
          <a href="/console/news">{t('console.news.back')}</a>
        </p>
      </>
    ),
  });
}

newsRoutes.get('/assets/news.js', (c) =>
  c.body(NEWS_JS, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
  }),
);

// ---- the list -------------------------------------------------------------------------------

newsRoutes.get('/', async (c) => {
  const t = consoleT(c);
  const lang = langOf(c);
  const { store } = c.get('deps');
  const page = Math.min(10_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
  const rows = await listNews(store, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  const items = rows.slice(0, PAGE_SIZE);
  const more = rows.length > PAGE_SIZE;
  const jobs = await listPushJobsForNews(
    store,
    items.map((i) => i.id),
    5,
  );
  return renderPage(c, {
    title: t('console.news.title'),
    current: 'news',
    body: (
      <section>
        <h1>{t('console.news.title')}</h1>
        {can(c, 'editor') ? (
          <p class="actions">
            <a class="button" href="/console/news/new">
              {t('console.news.compose')}
            </a>
          </p>
        ) : null}
        {items.length === 0 ? (
          <p>{t('console.news.list.empty')}</p>
        ) : (
          <DataTable
            caption={t('console.news.list.caption')}
            cols={cols(
              t,
              'console.news.list',
              'colTitle colDate colTopic colStatus colTarget colJobs',
            )}
          >
            {items.map((item) => (
              <tr>
                <th scope="row">
                  <a href={`/console/news/${item.id}`}>{item.title}</a>
                </th>
                <td>{formatNewsDate(lang, item.publishedDate)}</td>
                <td>{item.topic}</td>
                <td>
                  <NewsBadge t={t} status={item.status} />
                </td>
                <td>
                  {audienceSummary(t, lang, {
                    sections: item.targetSections,
                    provinces: item.targetProvinces,
                    languages: item.languages,
                  })}
                </td>
                <td>
                  <JobList t={t} lang={lang} jobs={jobs.get(item.id) ?? []} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {page > 1 || more ? (
          <nav aria-label={t('console.news.list.paging')} class="actions">
            {page > 1 ? (
              <a class="button secondary" href={`/console/news?page=${page - 1}`} rel="prev">
                {t('console.common.previous')}
              </a>
            ) : null}
            <span>{t('console.news.list.page', { page })}</span>
            {more ? (
              <a class="button secondary" href={`/console/news?page=${page + 1}`} rel="next">
                {t('console.common.next')}
              </a>
            ) : null}
          </nav>
        ) : null}
      </section>
    ),
  });
});

function JobList(props: { t: ConsoleT; lang: ConsoleLang; jobs: readonly PushJobRow[] }) {
  const { t, lang, jobs } = props;
  if (jobs.length === 0) return <span class="muted">{t('console.news.list.noJobs')}</span>;
  return (
    <ul class="plain">
      {jobs.map((j) => (
        <li>
          <a href={`/console/news/jobs/${j.id}`}>{t('console.news.list.job', { id: j.id })}</a>{' '}
          <JobBadge t={t} status={j.status} />{' '}
          {j.totalRecipients > 0 ? (
            <span class="muted">
              {formatCount(lang, j.sentRecipients)}/{formatCount(lang, j.totalRecipients)}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

type ConsoleT = ReturnType<typeof consoleT>;

// ---- compose / edit -------------------------------------------------------------------------

newsRoutes.get('/new', requireRole('editor'), (c) => {
  const today = bangkokDate(c.get('deps').clock.now());
  return editorPage(c, { values: emptyNewsValues(today), errors: {} });
});

newsRoutes.get('/:id{[0-9]+}', async (c) => {
  const id = idOf(c.req.param('id'));
  const item = id === undefined ? undefined : await getNews(c.get('deps').store, id);
  if (!item) return notFound(c, 'notFound');
  return editorPage(c, { item, values: newsValuesFromItem(item), errors: {} });
});

newsRoutes.post('/', requireRole('editor'), async (c) => saveNews(c, undefined));

newsRoutes.post('/:id{[0-9]+}', requireRole('editor'), async (c) => {
  const id = idOf(c.req.param('id'));
  const item = id === undefined ? undefined : await getNews(c.get('deps').store, id);
  if (!item) return notFound(c, 'notFound');
  return saveNews(c, item);
});

/** Editing a published item changes what users read: publishers only. */
const mayEdit = (c: ConsoleContext, item: NewsItem | undefined) =>
  can(c, 'editor') && (item?.status !== 'published' || can(c, 'publisher'));

async function saveNews(c: ConsoleContext, item: NewsItem | undefined) {
  const deps = c.get('deps');
  const t = consoleT(c);
  const body = await form(c);
  const action = field(body, 'action');
  const values = newsValuesFromForm(body);
  if (action === 'preview') {
    return editorPage(c, {
      item,
      values,
      errors: {},
      flash: { kind: 'info', text: t('console.news.form.previewOnly') },
    });
  }
  const publish = action === 'publish';
  if (!mayEdit(c, item) || (publish && !can(c, 'publisher'))) return forbidden(c);
  const { input, errors } = checkNews(values);
  if (input?.sourceUrl && (await sourceUrlTaken(deps.store, input.sourceUrl, item?.id))) {
    errors.sourceUrl = 'news.errors.sourceUrlTaken';
  }
  if (!input || Object.keys(errors).length > 0) {
    return editorPage(c, {
      item,
      values,
      errors,
      status: 400,
      flash: {
        kind: 'error',
        text: t('console.news.form.errorsSummary', { count: Object.keys(errors).length }),
      },
    });
  }
  const now = deps.clock.now();
  const status = publish || item?.status === 'published' ? 'published' : 'draft';
  let saved: NewsItem;
  if (!item) {
    saved = await createNews(deps.store, { ...input, status }, now);
    await auditStaff(c, 'news.create', `news:${saved.id}`, { title: saved.title, status });
  } else {
    saved = (await updateNews(deps.store, item.id, { ...input, status }, now)) ?? item;
    await auditStaff(c, 'news.update', `news:${saved.id}`, {
      title: saved.title,
      fields: changedFields(item, saved),
    });
  }
  const published = status === 'published' && item?.status !== 'published';
  if (published) await auditStaff(c, 'news.publish', `news:${saved.id}`, { title: saved.title });
  const ok = published ? 'news.published' : item ? 'news.updated' : 'news.saved';
  return c.redirect(`/console/news/${saved.id}?ok=${ok}`, 303);
}

function changedFields(before: NewsItem, after: NewsItem): string[] {
  const keys = [
    'title',
    'summary',
    'body',
    'imageUrl',
    'sourceUrl',
    'publishedDate',
    'topic',
    'targetSections',
    'targetProvinces',
    'languages',
  ] as const;
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** The language a preview of these values is drawn in: the item's first, as a push picks it. */
function cardLanguage(deps: Deps, languages: readonly string[]): Lang {
  return deps.i18n.spoken(languages[0]) ?? 'th';
}

async function editorPage(
  c: ConsoleContext,
  page: {
    item?: NewsItem;
    values: NewsValues;
    errors: FieldErrors;
    status?: number;
    flash?: { kind: 'ok' | 'error' | 'info'; text: string };
  },
) {
  const deps = c.get('deps');
  const t = consoleT(c);
  const lang = langOf(c);
  const { item, values, errors } = page;
  const editable = mayEdit(c, item);
  const now = deps.clock.now();
  const previewLang = cardLanguage(deps, values.languages);
  const messages = previewMessages(deps, previewItem(values, bangkokDate(now), now), previewLang);
  const title = item
    ? editable
      ? t('console.news.form.editTitle')
      : t('console.news.form.viewTitle')
    : t('console.news.form.newTitle');
  const jobs = item
    ? ((await listPushJobsForNews(deps.store, [item.id], 50)).get(item.id) ?? [])
    : [];
  const publishAllowed = can(c, 'publisher');
  const published = item?.status === 'published';
  return renderPage(c, {
    title: item ? `${title}: ${item.title}` : title,
    current: 'news',
    status: page.status,
    flash: page.flash,
    scripts: editable ? [SCRIPT] : [],
    body: (
      <>
        <p>
          <a href="/console/news">{t('console.news.back')}</a>
        </p>
        <h1>{title}</h1>
        {item ? (
          <p>
            <NewsBadge t={t} status={item.status} />{' '}
            {published && can(c, 'editor') ? (
              <a class="button secondary" href={`/console/news/${item.id}/send`}>
                {t('console.news.send.link')}
              </a>
            ) : null}
          </p>
        ) : null}
        {item && !editable && can(c, 'editor') ? (
          <p class="flash info">{t('console.news.form.publishedLocked')}</p>
        ) : null}
        <div class="grid2">
          <form
            method="post"
            action={item ? `/console/news/${item.id}` : '/console/news'}
            class="stack"
            data-preview-url={editable ? '/console/news/preview' : undefined}
          >
            <Csrf token={c.get('staff').csrf} />
            <fieldset class="stack" disabled={!editable}>
              <legend class="visually-hidden">{t('console.news.form.content')}</legend>
              {CONTENT_FIELDS.map((f) => (
                <TextField
                  t={t}
                  {...f}
                  label={t(`console.news.form.${f.name}`)}
                  hint={t(`console.news.form.${f.name}Hint`)}
                  value={values[f.name]}
                  errors={errors}
                />
              ))}
            </fieldset>
            <fieldset class="stack" disabled={!editable}>
              <legend>{t('console.news.form.targets')}</legend>
              <SegmentFields
                t={t}
                lang={lang}
                errors={errors}
                sections={{
                  name: 'targetSections',
                  checked: values.targetSections,
                  hint: t('console.news.form.sectionsHint'),
                }}
                provinces={{ name: 'targetProvinces', selected: values.targetProvinces }}
                languages={{
                  name: 'languages',
                  checked: values.languages,
                  legend: t('console.news.form.languages'),
                  hint: t('console.news.form.languagesHint'),
                  codes: LANGUAGES,
                }}
              />
            </fieldset>
            {editable ? (
              <div class="actions">
                {published ? (
                  <button type="submit" name="action" value="save">
                    {t('console.news.form.save')}
                  </button>
                ) : (
                  <>
                    <button type="submit" name="action" value="draft">
                      {t('console.news.form.saveDraft')}
                    </button>
                    <GatedSubmit
                      name="action"
                      value="publish"
                      allowed={publishAllowed}
                      reasonId="publish-reason"
                    >
                      {t('console.news.form.publish')}
                    </GatedSubmit>
                  </>
                )}
                <button
                  type="submit"
                  name="action"
                  value="preview"
                  class="secondary"
                  formnovalidate
                >
                  {t('console.news.form.preview')}
                </button>
                {!published && !publishAllowed ? (
                  <p class="hint" id="publish-reason">
                    {t('console.news.form.publishNeedsRole')}
                  </p>
                ) : null}
              </div>
            ) : null}
          </form>
          <section aria-labelledby="preview-heading">
            <h2 id="preview-heading">{t('console.news.preview.heading')}</h2>
            <div id="news-preview">
              <LinePreview
                messages={messages}
                t={t}
                languageName={t(`console.news.languageNames.${previewLang}`)}
              />
            </div>
          </section>
        </div>
        {item ? <ItemJobs c={c} jobs={jobs} /> : null}
      </>
    ),
  });
}

function ItemJobs({ c, jobs }: { c: ConsoleContext; jobs: readonly PushJobRow[] }) {
  const t = consoleT(c);
  const lang = langOf(c);
  return (
    <section aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">{t('console.news.job.jobs')}</h2>
      {jobs.length === 0 ? (
        <p>{t('console.news.list.noJobs')}</p>
      ) : (
        <DataTable cols={['#', ...cols(t, 'console.news.job', 'status target progress createdAt')]}>
          {jobs.map((j) => (
            <tr>
              <th scope="row">
                <a href={`/console/news/jobs/${j.id}`}>
                  {t('console.news.list.job', { id: j.id })}
                </a>
              </th>
              <td>
                <JobBadge t={t} status={j.status} />
                {j.status === 'scheduled' && j.scheduledAt ? (
                  <> {formatDateTime(lang, j.scheduledAt)}</>
                ) : null}
              </td>
              <td>
                {jobTarget(t, lang, j.kind, j.segment ? (JSON.parse(j.segment) as Segment) : null)}
              </td>
              <td>
                {formatCount(lang, j.sentRecipients)}/{formatCount(lang, j.totalRecipients)}
              </td>
              <td>{formatDateTime(lang, j.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

/** The preview of what was typed: the fragment news.js puts in place of the old one. */
newsRoutes.post('/preview', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const values = newsValuesFromForm(await form(c));
  const now = deps.clock.now();
  const lang = cardLanguage(deps, values.languages);
  const messages = previewMessages(deps, previewItem(values, bangkokDate(now), now), lang);
  return c.html(
    (
      <LinePreview
        messages={messages}
        t={t}
        languageName={t(`console.news.languageNames.${lang}`)}
      />
    ).toString(),
  );
});

// ---- send: audience, time, confirmation -----------------------------------------------------

interface Audience {
  /** Recipients: users a multicast reaches, or active followers for a true broadcast. */
  count: number;
  text: string;
  /** Set when a broadcast goes out as a multicast because some followers stopped news. */
  optedOut?: number;
}

/** The audience count, from the query the job's snapshot uses (not an estimate). */
async function audienceOf(
  c: ConsoleContext,
  kind: 'multicast' | 'broadcast',
  segment: Segment | undefined,
): Promise<Audience> {
  const { store } = c.get('deps');
  const t = consoleT(c);
  const lang = langOf(c);
  if (kind === 'broadcast') {
    // As createNewsPushJob decides: while anyone stopped news, a broadcast is a multicast to
    // every other active follower.
    const optedOut = await countOptedOutFollowers(store);
    if (optedOut > 0) {
      const count = await countRecipients(store, {}, SPOKEN);
      return {
        count,
        optedOut,
        text: t('console.news.send.audienceOptOut', {
          optedOut: formatCount(lang, optedOut),
          count: formatCount(lang, count),
        }),
      };
    }
    const count = await countActiveFollowers(store);
    return {
      count,
      text: t('console.news.send.audienceBroadcast', { count: formatCount(lang, count) }),
    };
  }
  const count = await countRecipients(store, segment ?? {}, SPOKEN);
  return { count, text: t('console.news.send.audience', { count: formatCount(lang, count) }) };
}

async function publishedItem(c: ConsoleContext): Promise<NewsItem | undefined> {
  const id = idOf(c.req.param('id'));
  return id === undefined ? undefined : getNews(c.get('deps').store, id);
}

newsRoutes.get('/:id{[0-9]+}/send', requireRole('editor'), async (c) => {
  const item = await publishedItem(c);
  if (!item) return notFound(c, 'notFound');
  const values = sendValuesFromItem(item);
  const checked = checkSend(values, c.get('deps').clock.now());
  const audience =
    item.status === 'published' && checked.kind
      ? await audienceOf(c, checked.kind, checked.segment)
      : undefined;
  return sendPage(c, { item, values, errors: {}, audience });
});

newsRoutes.post('/:id{[0-9]+}/send', requireRole('editor'), async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const item = await publishedItem(c);
  if (!item) return notFound(c, 'notFound');
  const body = await form(c);
  const step = field(body, 'step');
  const sending = step === 'review' || step === 'confirm';
  if (sending && !can(c, 'publisher')) return forbidden(c);
  const values = sendValuesFromForm(body);
  if (item.status !== 'published') {
    return sendPage(c, { item, values, errors: {}, status: 409 });
  }
  const now = deps.clock.now();
  // Counting needs no time: a half-typed schedule does not stop the count.
  const checked = checkSend(sending ? values : { ...values, when: 'now' }, now);
  const errors = { ...checked.errors };
  const audience =
    checked.kind !== undefined ? await audienceOf(c, checked.kind, checked.segment) : undefined;
  if (sending && audience && audience.count === 0) errors.kind = 'news.errors.empty';
  if (!sending || Object.keys(errors).length > 0 || !checked.kind) {
    const bad = Object.keys(errors).length > 0;
    return sendPage(c, {
      item,
      values,
      errors,
      audience,
      status: bad && sending ? 400 : 200,
      flash: bad
        ? {
            kind: 'error',
            text: t('console.news.form.errorsSummary', { count: Object.keys(errors).length }),
          }
        : undefined,
    });
  }
  if (step === 'review') return confirmPage(c, { item, values, checked, audience: audience! });
  try {
    const created = await createNewsPushJob(deps, {
      newsId: item.id,
      kind: checked.kind,
      ...(checked.segment ? { segment: checked.segment } : {}),
      ...(checked.scheduledAt !== undefined ? { scheduledAt: checked.scheduledAt } : {}),
      createdBy: c.get('staff').account.id,
    });
    const job = created.job;
    await auditStaff(
      c,
      checked.scheduledAt !== undefined ? 'push.schedule' : 'push.create',
      `push_job:${job.id}`,
      {
        newsId: item.id,
        news: `news:${item.id}`,
        kind: job.kind,
        asked: checked.kind,
        segment: checked.segment ?? null,
        scheduledAt: job.scheduledAt ? new Date(job.scheduledAt).toISOString() : null,
        audience: audience!.count,
        ...(created.note ? { note: created.note } : {}),
      },
    );
    const ok = job.status === 'scheduled' ? 'news.send.scheduled' : 'news.send.created';
    return c.redirect(`/console/news/jobs/${job.id}?ok=${ok}`, 303);
  } catch (err) {
    if (!(err instanceof PushJobRefused)) throw err;
    if (err.retryAfterSeconds) c.header('Retry-After', String(err.retryAfterSeconds));
    return sendPage(c, {
      item,
      values,
      errors: {},
      audience,
      status: err.status,
      flash: { kind: 'error', text: t('console.news.errors.refused', { reason: err.message }) },
    });
  }
});

/** The live count (news.js): `{count, text}`, or `{count: null, text: <the problem>}`. */
newsRoutes.post('/audience', requireRole('editor'), async (c) => {
  const t = consoleT(c);
  const values = sendValuesFromForm(await form(c));
  const checked = checkSend({ ...values, when: 'now' }, c.get('deps').clock.now());
  const problem = Object.values(checked.errors)[0];
  if (problem || !checked.kind) {
    return c.json({ count: null, text: t(`console.${problem ?? 'news.errors.kind'}`) });
  }
  const audience = await audienceOf(c, checked.kind, checked.segment);
  return c.json({
    count: audience.count,
    text: audience.text,
    optedOut: audience.optedOut ?? null,
  });
});

function sendPage(
  c: ConsoleContext,
  page: {
    item: NewsItem;
    values: SendValues;
    errors: FieldErrors;
    audience?: Audience;
    status?: number;
    flash?: { kind: 'ok' | 'error' | 'info'; text: string };
  },
) {
  const t = consoleT(c);
  const lang = langOf(c);
  const { item, values, errors, audience } = page;
  const mayPublish = can(c, 'publisher');
  const now = c.get('deps').clock.now();
  const heading = t('console.news.send.heading', { title: item.title });
  return renderPage(c, {
    title: heading,
    current: 'news',
    status: page.status,
    flash: page.flash,
    scripts: [SCRIPT],
    body: (
      <>
        <p>
          <a href={`/console/news/${item.id}`}>{t('console.common.back')}</a>
        </p>
        <h1>{heading}</h1>
        {item.status !== 'published' ? (
          <p class="flash error" role="alert">
            {t('console.news.errors.notPublished')}{' '}
            <a href={`/console/news/${item.id}`}>{t('console.news.send.draftFirst')}</a>
          </p>
        ) : (
          <form
            method="post"
            action={`/console/news/${item.id}/send`}
            class="stack"
            data-audience-url="/console/news/audience"
          >
            <Csrf token={c.get('staff').csrf} />
            <ChoiceGroup
              t={t}
              name="kind"
              type="radio"
              legend={t('console.news.send.kind')}
              hint={t('console.news.send.broadcastHint')}
              options={[
                { value: 'multicast', label: t('console.news.send.multicast') },
                { value: 'broadcast', label: t('console.news.send.broadcast') },
              ]}
              checked={[values.kind]}
              errors={errors}
            />
            <fieldset class="stack">
              <legend>{t('console.news.send.segment')}</legend>
              <p class="hint">{t('console.news.send.segmentHint')}</p>
              <SegmentFields
                t={t}
                lang={lang}
                errors={errors}
                sections={{ name: 'sections', checked: values.sections }}
                provinces={{ name: 'provinces', selected: values.provinces }}
                languages={{
                  name: 'languages',
                  checked: values.languages,
                  legend: t('console.news.send.audienceLanguages'),
                  codes: SPOKEN,
                }}
              />
              <ChoiceGroup
                t={t}
                name="linked"
                type="radio"
                legend={t('console.news.send.linked')}
                options={[
                  { value: 'any', label: t('console.news.send.linkedAny') },
                  { value: 'yes', label: t('console.news.send.linkedYes') },
                  { value: 'no', label: t('console.news.send.linkedNo') },
                ]}
                checked={[values.linked]}
                errors={errors}
              />
            </fieldset>
            <ChoiceGroup
              t={t}
              name="when"
              type="radio"
              legend={t('console.news.send.when')}
              options={[
                { value: 'now', label: t('console.news.send.now') },
                { value: 'later', label: t('console.news.send.later') },
              ]}
              checked={[values.when]}
              errors={{}}
            />
            <TextField
              t={t}
              name="at"
              type="datetime-local"
              label={t('console.news.send.at')}
              hint={t('console.news.send.atHint')}
              value={
                values.at || bangkokDateTimeValue(Math.ceil((now + 3600_000) / 3600_000) * 3600_000)
              }
              errors={errors}
            />
            <div class="card">
              <p aria-live="polite">
                <strong id="audience-count">
                  {audience ? audience.text : t('console.news.send.audienceHint')}
                </strong>
              </p>
              <p class="hint">{t('console.news.send.audienceHint')}</p>
            </div>
            <div class="actions">
              <button type="submit" name="step" value="count" class="secondary">
                {t('console.news.send.count')}
              </button>
              <GatedSubmit name="step" value="review" allowed={mayPublish} reasonId="send-reason">
                {t('console.news.send.review')}
              </GatedSubmit>
            </div>
            {mayPublish ? null : (
              <p class="hint" id="send-reason">
                {t('console.news.send.needsPublisher')}
              </p>
            )}
          </form>
        )}
      </>
    ),
  });
}

interface QuotaView {
  limit: number | null;
  used: number;
}

/** LINE's message quota and this month's use, or undefined when LINE does not say in time. */
async function readQuota(deps: Deps): Promise<QuotaView | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      Promise.all([deps.line.getMessageQuota(), deps.line.getMessageConsumption()]).then(
        ([q, u]) => ({ limit: q.limit, used: u.totalUsage }),
      ),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), QUOTA_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    deps.log.warn('console: could not read the LINE message quota', { error: String(err) });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function confirmPage(
  c: ConsoleContext,
  page: { item: NewsItem; values: SendValues; checked: CheckedSend; audience: Audience },
) {
  const deps = c.get('deps');
  const t = consoleT(c);
  const lang = langOf(c);
  const { item, values, checked, audience } = page;
  const segment = checked.kind === 'broadcast' ? {} : (checked.segment ?? {});
  const cardLang = jobLanguage(deps, segment, item.languages);
  const messages = previewMessages(deps, item, cardLang);
  const quota = await readQuota(deps);
  const cost = audience.count * messages.length;
  const left = quota && quota.limit !== null ? Math.max(0, quota.limit - quota.used) : null;
  const n = (x: number) => formatCount(lang, x);
  const count = n(audience.count);
  const question =
    checked.scheduledAt !== undefined
      ? t('console.news.send.questionScheduled', {
          count,
          at: formatDateTime(lang, checked.scheduledAt),
        })
      : t('console.news.send.question', { count });
  const hidden = (name: string, vals: readonly string[]) =>
    vals.map((v) => <input type="hidden" name={name} value={v} />);
  return renderPage(c, {
    title: t('console.news.send.confirmHeading'),
    current: 'news',
    body: (
      <>
        <h1>{t('console.news.send.confirmHeading')}</h1>
        <p class="card">
          <strong id="confirm-question">{question}</strong>
        </p>
        <p>
          {audience.text}
          {checked.kind === 'multicast'
            ? ` (${audienceSummary(t, lang, checked.segment ?? {})})`
            : null}
        </p>
        {checked.scheduledAt !== undefined ? (
          <p class="hint">{t('console.news.send.scheduledNote')}</p>
        ) : null}
        <section aria-labelledby="quota-heading">
          <h2 id="quota-heading">{t('console.news.send.quota.heading')}</h2>
          {!quota ? (
            <p>{t('console.news.send.quota.unavailable')}</p>
          ) : quota.limit === null ? (
            <p>{t('console.news.send.quota.unlimited', { used: n(quota.used) })}</p>
          ) : (
            <p>
              {t('console.news.send.quota.limited', {
                used: n(quota.used),
                limit: n(quota.limit),
                left: n(left ?? 0),
              })}
            </p>
          )}
          <p>{t('console.news.send.quota.cost', { count: n(cost) })}</p>
          {left !== null && cost > left ? (
            <p class="flash error" role="alert" id="quota-warning">
              {t('console.news.send.quota.over', { count: n(cost), left: n(left) })}
            </p>
          ) : null}
        </section>
        <section aria-labelledby="message-heading">
          <h2 id="message-heading">{t('console.news.send.message')}</h2>
          <LinePreview
            messages={messages}
            t={t}
            languageName={t(`console.news.languageNames.${cardLang}`)}
          />
        </section>
        <form method="post" action={`/console/news/${item.id}/send`} class="actions">
          <Csrf token={c.get('staff').csrf} />
          <input type="hidden" name="kind" value={values.kind} />
          {hidden('sections', values.sections)}
          {hidden('provinces', values.provinces)}
          {hidden('languages', values.languages)}
          <input type="hidden" name="linked" value={values.linked} />
          <input type="hidden" name="when" value={values.when} />
          <input type="hidden" name="at" value={values.at} />
          <button type="submit" name="step" value="confirm" aria-describedby="confirm-question">
            {checked.scheduledAt !== undefined
              ? t('console.news.send.confirmSchedule')
              : t('console.news.send.confirm')}
          </button>
          <button type="submit" name="step" value="count" class="secondary">
            {t('console.news.send.change')}
          </button>
        </form>
      </>
    ),
  });
}

// ---- push jobs ------------------------------------------------------------------------------

async function jobOf(c: ConsoleContext) {
  const id = idOf(c.req.param('id'));
  if (id === undefined) return undefined;
  const { store } = c.get('deps');
  const [job, progress] = await Promise.all([getPushJob(store, id), getJobProgress(store, id)]);
  return job && progress ? { job, progress } : undefined;
}

newsRoutes.get('/jobs/:id{[0-9]+}', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const lang = langOf(c);
  const found = await jobOf(c);
  if (!found) return notFound(c, 'jobNotFound');
  const { job, progress } = found;
  const [item, creator] = await Promise.all([
    getNews(deps.store, job.newsId),
    job.createdBy ? getStaff(deps.store, job.createdBy) : Promise.resolve(undefined),
  ]);
  const mayAct = can(c, 'publisher');
  const view = progressView(t, lang, progress, mayAct);
  const at = (ms: number | null) =>
    ms ? formatDateTime(lang, ms) : t('console.news.job.notStarted');
  const heading = t('console.news.job.heading', { id: job.id });
  return renderPage(c, {
    title: heading,
    current: 'news',
    scripts: view.finished ? [] : [SCRIPT],
    body: (
      <>
        <p>
          <a href="/console/news">{t('console.news.back')}</a>
        </p>
        <h1>{heading}</h1>
        <dl>
          <Row term={t('console.news.job.news')}>
            {item ? <a href={`/console/news/${item.id}`}>{item.title}</a> : `news:${job.newsId}`}
          </Row>
          <Row term={t('console.news.job.target')}>
            {jobTarget(t, lang, job.kind, progress.segment)}
          </Row>
          <Row term={t('console.news.job.status')}>
            <JobBadge t={t} status={job.status} id="job-status" />
          </Row>
          {job.scheduledAt ? (
            <Row term={t('console.news.job.scheduledAt')}>{at(job.scheduledAt)}</Row>
          ) : null}
          <Row term={t('console.news.job.createdAt')}>{at(job.createdAt)}</Row>
          <Row term={t('console.news.job.startedAt')}>{at(job.startedAt)}</Row>
          <Row term={t('console.news.job.finishedAt')}>{at(job.finishedAt)}</Row>
          {creator ? (
            <Row term={t('console.news.job.createdBy')}>{creator.displayName || creator.email}</Row>
          ) : null}
        </dl>
        <section
          aria-labelledby="progress-heading"
          data-progress-url={`/console/news/jobs/${job.id}/progress`}
          data-status={job.status}
          data-finished={view.finished ? '' : undefined}
        >
          <h2 id="progress-heading">{t('console.news.job.progress')}</h2>
          <progress
            id="job-bar"
            max={view.max}
            value={view.value}
            aria-labelledby="progress-heading"
            aria-describedby="job-progress-text"
          >
            {view.percent}%
          </progress>
          <p id="job-progress-text">{view.text}</p>
          <p id="job-batches" class="muted">
            {view.batchesText}
          </p>
          {view.failedRecipients > 0 ? (
            <p>
              {t('console.news.job.failures', { count: formatCount(lang, view.failedRecipients) })}
            </p>
          ) : null}
          {view.error ? (
            <p>
              {t('console.news.job.error')}: <code>{view.error}</code>
            </p>
          ) : null}
          <p id="job-live" class="visually-hidden" aria-live="polite" />
          <p>
            <a href={`/console/news/jobs/${job.id}`}>{t('console.news.job.refresh')}</a>
          </p>
        </section>
        {mayAct ? (
          <div class="actions" id="job-actions">
            <form
              method="post"
              action={`/console/news/jobs/${job.id}/pause`}
              data-job-action="pause"
              hidden={!view.can.pause}
            >
              <Csrf token={c.get('staff').csrf} />
              <button type="submit" class="secondary">
                {t('console.news.job.pause')}
              </button>
            </form>
            <form
              method="post"
              action={`/console/news/jobs/${job.id}/resume`}
              data-job-action="resume"
              hidden={!view.can.resume}
            >
              <Csrf token={c.get('staff').csrf} />
              <button type="submit">{t('console.news.job.resume')}</button>
            </form>
            <form
              method="get"
              action={`/console/news/jobs/${job.id}/cancel`}
              data-job-action="cancel"
              hidden={!view.can.cancel}
            >
              <button type="submit" class="danger">
                {t('console.news.job.cancel')}
              </button>
            </form>
          </div>
        ) : view.finished ? null : (
          <p class="hint">{t('console.news.job.actionsNeedPublisher')}</p>
        )}
      </>
    ),
  });
});

newsRoutes.get('/jobs/:id{[0-9]+}/progress', async (c) => {
  const found = await jobOf(c);
  if (!found) return c.json({ message: 'No such push job' }, 404);
  return c.json(progressView(consoleT(c), langOf(c), found.progress, can(c, 'publisher')));
});

newsRoutes.get('/jobs/:id{[0-9]+}/cancel', requireRole('publisher'), async (c) => {
  const t = consoleT(c);
  const lang = langOf(c);
  const found = await jobOf(c);
  if (!found) return notFound(c, 'jobNotFound');
  const { job, progress } = found;
  // Before the snapshot the audience is not written yet: count it as the job would.
  const left = progress.snapshotComplete
    ? Math.max(0, progress.totalRecipients - progress.sentRecipients - progress.failedRecipients)
    : job.kind === 'broadcast'
      ? await countActiveFollowers(c.get('deps').store)
      : await countRecipients(c.get('deps').store, progress.segment ?? {}, SPOKEN);
  const heading = t('console.news.job.cancelHeading', { id: job.id });
  return renderPage(c, {
    title: heading,
    current: 'news',
    body: (
      <>
        <h1>{heading}</h1>
        <p>
          <JobBadge t={t} status={job.status} /> {progressView(t, lang, progress, true).text}
        </p>
        <p id="cancel-question">
          {t('console.news.job.cancelQuestion', { left: formatCount(lang, left) })}
        </p>
        <form method="post" action={`/console/news/jobs/${job.id}/cancel`} class="actions">
          <Csrf token={c.get('staff').csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="danger" aria-describedby="cancel-question">
            {t('console.news.job.cancelConfirm')}
          </button>
          <a class="button secondary" href={`/console/news/jobs/${job.id}`}>
            {t('console.news.job.keep')}
          </a>
        </form>
      </>
    ),
  });
});

type JobAction = 'cancel' | 'pause' | 'resume';

const JOB_ACTIONS: Record<
  JobAction,
  { run: (deps: Deps, id: number) => Promise<boolean>; ok: string; error: string }
> = {
  cancel: {
    run: (deps, id) => cancelJob(deps.store, id, deps.clock.now()),
    ok: 'news.job.cancelled',
    error: 'news.errors.cannotCancel',
  },
  pause: {
    run: (deps, id) => pauseJob(deps.store, id),
    ok: 'news.job.paused',
    error: 'news.errors.cannotPause',
  },
  resume: {
    run: (deps, id) => resumeJob(deps.store, id),
    ok: 'news.job.resumed',
    error: 'news.errors.cannotResume',
  },
};

for (const action of ['cancel', 'pause', 'resume'] as const) {
  newsRoutes.post(`/jobs/:id{[0-9]+}/${action}`, requireRole('publisher'), async (c) => {
    const deps = c.get('deps');
    const found = await jobOf(c);
    if (!found) return notFound(c, 'jobNotFound');
    const { job } = found;
    // Cancelling is asked first (the confirmation page posts confirm=yes).
    if (action === 'cancel' && field(await form(c), 'confirm') !== 'yes') {
      return c.redirect(`/console/news/jobs/${job.id}/cancel`, 303);
    }
    const spec = JOB_ACTIONS[action];
    if (!(await spec.run(deps, job.id))) {
      return c.redirect(`/console/news/jobs/${job.id}?error=${spec.error}`, 303);
    }
    const after = await getJobProgress(deps.store, job.id);
    await auditStaff(c, `push.${action}`, `push_job:${job.id}`, {
      news: `news:${job.newsId}`,
      from: job.status,
      sentRecipients: after?.sentRecipients ?? job.sentRecipients,
      totalRecipients: after?.totalRecipients ?? job.totalRecipients,
    });
    return c.redirect(`/console/news/jobs/${job.id}?ok=${spec.ok}`, 303);
  });
}
