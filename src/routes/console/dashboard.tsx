/** @jsxImportSource hono/jsx */
/**
 * /console: the dashboard (viewer and up). Today and the last 7 days in Asia/Bangkok: people who
 * wrote, questions by topic and language, the answered share, the link rate, pushes sent, the
 * LINE message quota and errors. Charts are server-rendered inline SVG (no script), each with
 * role="img", a <title> carrying its numbers, and the same numbers in a table beside it.
 * `/console/stats.json` gives the same figures as JSON (tests, a wallboard).
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { Deps } from '../../deps.ts';
import { formatDate, formatNumber } from '../../format.ts';
import type { Translate } from '../../i18n.ts';
import { INTENT_NAMES } from '../../intents.ts';
import {
  conversationStats,
  dayOfNumber,
  errorStats,
  linkStats,
  pushStats,
  questionCells,
  type StatsWindow,
  statsWindow,
  type TodayWeek,
} from '../../store/stats.ts';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const dashboardRoutes = new Hono<ConsoleEnv>();

/** LINE's quota is asked for on every view; the page does not wait longer than this. */
const QUOTA_TIMEOUT_MS = 3000;
/** The languages the bot answers in, in the order the charts show them. */
const ANSWER_LANGS = ['th', 'en', 'my', 'km', 'lo'] as const;

export type QuotaView =
  | { status: 'ok'; limit: number | null; used: number; left: number | null }
  | { status: 'unknown' };

export interface DayQuestions {
  day: string;
  answered: number;
  unanswered: number;
}

export interface DashboardData {
  /** Bangkok days, oldest first; the last is today. */
  days: string[];
  today: string;
  conversations: { perDay: number[]; today: number; week: number };
  questions: {
    perDay: DayQuestions[];
    today: { answered: number; unanswered: number };
    week: { answered: number; unanswered: number };
    /** Intent → counts, most asked first (`unknown` = unanswered). */
    byTopic: { intent: string; today: number; week: number }[];
    /** Answer language → counts per day (aligned with `days`) and in all. */
    byLang: { lang: string; perDay: number[]; today: number; week: number }[];
  };
  links: { linked: number; activeFollowers: number };
  pushes: {
    newsRecipients: TodayWeek;
    broadcasts: TodayWeek;
    notifications: TodayWeek;
    staffReplies: TodayWeek;
    /** Messages to people: news recipients, notifications and staff replies. */
    total: TodayWeek;
  };
  quota: QuotaView;
  errors: {
    failed: TodayWeek;
    undeliverable: TodayWeek;
    deadLetters: TodayWeek;
    deadLettersKept: number;
  };
}

async function readQuota(deps: Deps): Promise<QuotaView> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), QUOTA_TIMEOUT_MS);
    });
    const [q, c] = await Promise.race([
      Promise.all([deps.line.getMessageQuota(), deps.line.getMessageConsumption()]),
      timeout,
    ]);
    return {
      status: 'ok',
      limit: q.limit,
      used: c.totalUsage,
      left: q.limit === null ? null : Math.max(0, q.limit - c.totalUsage),
    };
  } catch (err) {
    deps.log.warn('console dashboard: could not read the LINE message quota', {
      error: err instanceof Error ? err.message : String(err),
    });
    return { status: 'unknown' };
  } finally {
    clearTimeout(timer);
  }
}

export async function loadDashboard(deps: Deps): Promise<DashboardData> {
  const window: StatsWindow = statsWindow(deps.clock.now());
  const todayN = window.days[window.days.length - 1]!;
  const [conversations, cells, links, pushes, errors, quota] = await Promise.all([
    conversationStats(deps.store, window),
    questionCells(deps.store, window),
    linkStats(deps.store),
    pushStats(deps.store, window),
    errorStats(deps.store, window),
    readQuota(deps),
  ]);
  const index = new Map(window.days.map((d, i) => [d, i]));
  const perDay = window.days.map((d) => ({ day: dayOfNumber(d), answered: 0, unanswered: 0 }));
  const topics = new Map<string, { today: number; week: number }>();
  const langs = new Map<string, number[]>();
  for (const cell of cells) {
    const i = index.get(cell.day);
    if (i === undefined) continue;
    const slot = perDay[i]!;
    if (cell.intent === 'unknown') slot.unanswered += cell.n;
    else slot.answered += cell.n;
    const topic = topics.get(cell.intent) ?? { today: 0, week: 0 };
    topic.week += cell.n;
    if (cell.day === todayN) topic.today += cell.n;
    topics.set(cell.intent, topic);
    const byDay = langs.get(cell.lang) ?? window.days.map(() => 0);
    byDay[i]! += cell.n;
    langs.set(cell.lang, byDay);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const last = perDay[perDay.length - 1]!;
  const langOrder = [
    ...ANSWER_LANGS.filter((l) => langs.has(l)),
    ...[...langs.keys()].filter((l) => !(ANSWER_LANGS as readonly string[]).includes(l)).sort(),
  ];
  const total = {
    today: pushes.newsRecipients.today + pushes.notifications.today + pushes.staffReplies.today,
    week: pushes.newsRecipients.week + pushes.notifications.week + pushes.staffReplies.week,
  };
  return {
    days: window.days.map(dayOfNumber),
    today: dayOfNumber(todayN),
    conversations: {
      perDay: conversations.perDay,
      today: conversations.perDay[conversations.perDay.length - 1] ?? 0,
      week: conversations.week,
    },
    questions: {
      perDay,
      today: { answered: last.answered, unanswered: last.unanswered },
      week: {
        answered: sum(perDay.map((d) => d.answered)),
        unanswered: sum(perDay.map((d) => d.unanswered)),
      },
      byTopic: [...topics]
        .map(([intent, n]) => ({ intent, ...n }))
        .sort((a, b) => b.week - a.week || a.intent.localeCompare(b.intent)),
      byLang: langOrder.map((lang) => {
        const days = langs.get(lang)!;
        return { lang, perDay: days, today: days[days.length - 1] ?? 0, week: sum(days) };
      }),
    },
    links,
    pushes: { ...pushes, total },
    quota,
    errors,
  };
}

dashboardRoutes.get('/stats.json', async (c) => c.json(await loadDashboard(c.get('deps'))));

dashboardRoutes.get('/', async (c) => {
  const t = consoleT(c);
  const lang = c.get('consoleLang');
  const data = await loadDashboard(c.get('deps'));
  return renderPage(c, {
    title: t('console.nav.dashboard'),
    current: 'dashboard',
    body: <Dashboard t={t} lang={lang} data={data} />,
  });
});

// ---- rendering ------------------------------------------------------------------------------

const n = formatNumber;

function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

const shortDayFormats = new Map<string, Intl.DateTimeFormat>();
/** `2026-03-15` → "15 มี.ค." / "15 Mar" (no year: the week is plain from the page). */
function shortDay(lang: 'th' | 'en', day: string): string {
  let f = shortDayFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'th' ? 'th-TH' : 'en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    shortDayFormats.set(lang, f);
  }
  return f.format(new Date(`${day}T00:00:00Z`));
}

function topicLabel(t: Translate, intent: string): string {
  if (intent === 'unknown') return t('console.dashboard.unanswered');
  return (INTENT_NAMES as readonly string[]).includes(intent) ? t(`intent.${intent}`) : intent;
}

function langLabel(t: Translate, lang: string): string {
  return (ANSWER_LANGS as readonly string[]).includes(lang)
    ? t(`console.dashboard.langs.${lang}`)
    : lang;
}

/** Bar colours: each at least 3:1 against white (WCAG 1.4.11), told apart by the legend too. */
const COLORS = {
  answered: '#0b5394',
  unanswered: '#b34700',
  people: '#1e6b2f',
  th: '#0b5394',
  en: '#1e6b2f',
  my: '#8a4b00',
  km: '#6a3fb5',
  lo: '#a1261b',
  other: '#4d4d4d',
} as const;

interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/**
 * Vertical bars, one per label, each stacking the series. `summary` (the numbers in words) is
 * the chart's accessible name; the table after it has the same numbers.
 */
const BarChart: FC<{
  id: string;
  summary: string;
  labels: readonly string[];
  series: readonly Series[];
}> = ({ id, summary, labels, series }) => {
  const W = 480;
  const H = 220;
  const top = 24;
  const bottom = 28;
  const left = 8;
  const plotH = H - top - bottom;
  const totals = labels.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (W - left * 2) / labels.length;
  const barW = Math.min(44, slot * 0.6);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title`}
      font-family="inherit"
    >
      <title id={`${id}-title`}>{summary}</title>
      <line x1={left} x2={W - left} y1={top + plotH} y2={top + plotH} stroke="#767676" />
      {labels.map((label, i) => {
        const x = left + slot * i + (slot - barW) / 2;
        let y = top + plotH;
        return (
          <g>
            {series.map((s) => {
              const v = s.values[i] ?? 0;
              const h = (v / max) * plotH;
              y -= h;
              return v > 0 ? (
                <rect
                  x={x.toFixed(1)}
                  y={y.toFixed(1)}
                  width={barW.toFixed(1)}
                  height={h.toFixed(1)}
                  fill={s.color}
                  stroke="#fff"
                  stroke-width="1"
                />
              ) : null;
            })}
            <text
              x={(x + barW / 2).toFixed(1)}
              y={(y - 6).toFixed(1)}
              text-anchor="middle"
              font-size="13"
              fill="#1a1a1a"
            >
              {n(totals[i]!)}
            </text>
            <text
              x={(x + barW / 2).toFixed(1)}
              y={H - 8}
              text-anchor="middle"
              font-size="13"
              fill="#1a1a1a"
            >
              {label}
            </text>
          </g>
        );
      })}
    </svg>
  );
};

/** Horizontal bars (one per item), for a ranking. */
const RankChart: FC<{
  id: string;
  summary: string;
  items: readonly { label: string; value: number; color: string }[];
}> = ({ id, summary, items }) => {
  const W = 480;
  const rowH = 26;
  const labelW = 170;
  const H = Math.max(rowH, items.length * rowH) + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const barMax = W - labelW - 56;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title`}
      font-family="inherit"
    >
      <title id={`${id}-title`}>{summary}</title>
      {items.map((item, i) => {
        const y = 4 + i * rowH;
        const w = (item.value / max) * barMax;
        return (
          <g>
            <text x={labelW - 8} y={y + 17} text-anchor="end" font-size="13" fill="#1a1a1a">
              {item.label}
            </text>
            <rect
              x={labelW}
              y={y + 3}
              width={Math.max(item.value > 0 ? 2 : 0, w).toFixed(1)}
              height={rowH - 8}
              fill={item.color}
            />
            <text x={(labelW + w + 6).toFixed(1)} y={y + 17} font-size="13" fill="#1a1a1a">
              {n(item.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
};

const Legend: FC<{ series: readonly Series[] }> = ({ series }) => (
  <ul class="legend" aria-hidden="true">
    {series.map((s) => (
      <li>
        <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
          <rect width="12" height="12" fill={s.color} />
        </svg>{' '}
        {s.name}
      </li>
    ))}
  </ul>
);

const Card: FC<{ title: string; today: string; week?: string; t: Translate; note?: string }> = ({
  title,
  today,
  week,
  t,
  note,
}) => (
  <div class="card">
    <h3>{title}</h3>
    <p>
      <span class="n">{today}</span> <span class="muted">{t('console.dashboard.today')}</span>
    </p>
    {week !== undefined ? (
      <p>
        <strong>{week}</strong> <span class="muted">{t('console.dashboard.week')}</span>
      </p>
    ) : null}
    {note ? <p class="hint">{note}</p> : null}
  </div>
);

const Dashboard: FC<{ t: Translate; lang: 'th' | 'en'; data: DashboardData }> = ({
  t,
  lang,
  data,
}) => {
  const days = data.days.map((d) => shortDay(lang, d));
  const q = data.questions;
  const share = (x: { answered: number; unanswered: number }) => {
    const p = percent(x.answered, x.answered + x.unanswered);
    return p === null ? '–' : `${p}%`;
  };
  const linkRate = percent(data.links.linked, data.links.activeFollowers);
  const questionSeries: Series[] = [
    {
      name: t('console.dashboard.answered'),
      color: COLORS.answered,
      values: q.perDay.map((d) => d.answered),
    },
    {
      name: t('console.dashboard.unanswered'),
      color: COLORS.unanswered,
      values: q.perDay.map((d) => d.unanswered),
    },
  ];
  const langSeries: Series[] = q.byLang.map((l) => ({
    name: langLabel(t, l.lang),
    color: (COLORS as Record<string, string>)[l.lang] ?? COLORS.other,
    values: l.perDay,
  }));
  const perDayWords = (values: (i: number) => string) =>
    data.days.map((_, i) => `${days[i]}: ${values(i)}`).join('; ');
  const errorsToday = data.errors.failed.today + data.errors.undeliverable.today;
  const errorsWeek = data.errors.failed.week + data.errors.undeliverable.week;
  return (
    <>
      <h1>{t('console.nav.dashboard')}</h1>
      <p class="muted">
        {t('console.dashboard.period', {
          today: formatDate(lang, data.today),
          from: formatDate(lang, data.days[0]!),
        })}
      </p>

      <section aria-labelledby="summary-h">
        <h2 id="summary-h">{t('console.dashboard.summary')}</h2>
        <div class="cards">
          <Card
            t={t}
            title={t('console.dashboard.people')}
            today={n(data.conversations.today)}
            week={n(data.conversations.week)}
            note={t('console.dashboard.peopleNote')}
          />
          <Card
            t={t}
            title={t('console.dashboard.questions')}
            today={n(q.today.answered + q.today.unanswered)}
            week={n(q.week.answered + q.week.unanswered)}
          />
          <Card
            t={t}
            title={t('console.dashboard.answeredShare')}
            today={share(q.today)}
            week={share(q.week)}
          />
          <div class="card">
            <h3>{t('console.dashboard.linkRate')}</h3>
            <p>
              <span class="n">{linkRate === null ? '–' : `${linkRate}%`}</span>
            </p>
            <p class="hint">
              {t('console.dashboard.linkRateOf', {
                linked: n(data.links.linked),
                followers: n(data.links.activeFollowers),
              })}
            </p>
          </div>
          <Card
            t={t}
            title={t('console.dashboard.pushes')}
            today={n(data.pushes.total.today)}
            week={n(data.pushes.total.week)}
          />
          <Card
            t={t}
            title={t('console.dashboard.errors')}
            today={n(errorsToday)}
            week={n(errorsWeek)}
          />
        </div>
      </section>

      <section aria-labelledby="quota-h">
        <h2 id="quota-h">{t('console.dashboard.quota.title')}</h2>
        <Quota t={t} quota={data.quota} />
      </section>

      <section aria-labelledby="questions-h">
        <h2 id="questions-h">{t('console.dashboard.questionsPerDay')}</h2>
        <div class="grid2">
          <div>
            <BarChart
              id="chart-questions"
              labels={days}
              series={questionSeries}
              summary={`${t('console.dashboard.questionsPerDay')}. ${perDayWords((i) =>
                t('console.dashboard.answeredOf', {
                  answered: n(q.perDay[i]!.answered),
                  unanswered: n(q.perDay[i]!.unanswered),
                }),
              )}`}
            />
            <Legend series={questionSeries} />
          </div>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{t('console.dashboard.questionsPerDay')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.dashboard.day')}</th>
                  <th scope="col">{t('console.dashboard.people')}</th>
                  <th scope="col">{t('console.dashboard.answered')}</th>
                  <th scope="col">{t('console.dashboard.unanswered')}</th>
                  <th scope="col">{t('console.dashboard.answeredShare')}</th>
                </tr>
              </thead>
              <tbody>
                {q.perDay.map((d, i) => (
                  <tr>
                    <th scope="row">{formatDate(lang, d.day)}</th>
                    <td>{n(data.conversations.perDay[i] ?? 0)}</td>
                    <td>{n(d.answered)}</td>
                    <td>{n(d.unanswered)}</td>
                    <td>{share(d)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </section>

      <section aria-labelledby="topics-h">
        <h2 id="topics-h">{t('console.dashboard.topics')}</h2>
        {q.byTopic.length === 0 ? (
          <p>{t('console.dashboard.noQuestions')}</p>
        ) : (
          <div class="grid2">
            <div>
              <RankChart
                id="chart-topics"
                summary={`${t('console.dashboard.topics')}. ${q.byTopic
                  .map((x) => `${topicLabel(t, x.intent)}: ${n(x.week)}`)
                  .join('; ')}`}
                items={q.byTopic.map((x) => ({
                  label: topicLabel(t, x.intent),
                  value: x.week,
                  color: x.intent === 'unknown' ? COLORS.unanswered : COLORS.answered,
                }))}
              />
            </div>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{t('console.dashboard.topics')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('console.dashboard.topic')}</th>
                    <th scope="col">{t('console.dashboard.today')}</th>
                    <th scope="col">{t('console.dashboard.week')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.byTopic.map((x) => (
                    <tr data-intent={x.intent}>
                      <th scope="row">{topicLabel(t, x.intent)}</th>
                      <td>{n(x.today)}</td>
                      <td>{n(x.week)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="langs-h">
        <h2 id="langs-h">{t('console.dashboard.languages')}</h2>
        {q.byLang.length === 0 ? (
          <p>{t('console.dashboard.noQuestions')}</p>
        ) : (
          <div class="grid2">
            <div>
              <BarChart
                id="chart-langs"
                labels={days}
                series={langSeries}
                summary={`${t('console.dashboard.languages')}. ${perDayWords((i) =>
                  q.byLang.map((l) => `${langLabel(t, l.lang)} ${n(l.perDay[i] ?? 0)}`).join(', '),
                )}`}
              />
              <Legend series={langSeries} />
            </div>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{t('console.dashboard.languages')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('console.dashboard.language')}</th>
                    {data.days.map((d) => (
                      <th scope="col">{shortDay(lang, d)}</th>
                    ))}
                    <th scope="col">{t('console.dashboard.week')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.byLang.map((l) => (
                    <tr data-lang={l.lang}>
                      <th scope="row">{langLabel(t, l.lang)}</th>
                      {l.perDay.map((v) => (
                        <td>{n(v)}</td>
                      ))}
                      <td>{n(l.week)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="pushes-h">
        <h2 id="pushes-h">{t('console.dashboard.pushes')}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.dashboard.kind')}</th>
                <th scope="col">{t('console.dashboard.today')}</th>
                <th scope="col">{t('console.dashboard.week')}</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['newsRecipients', data.pushes.newsRecipients],
                  ['notifications', data.pushes.notifications],
                  ['staffReplies', data.pushes.staffReplies],
                  ['broadcasts', data.pushes.broadcasts],
                ] as const
              ).map(([key, v]) => (
                <tr data-push={key}>
                  <th scope="row">{t(`console.dashboard.push.${key}`)}</th>
                  <td>{n(v.today)}</td>
                  <td>{n(v.week)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="hint">{t('console.dashboard.pushNote')}</p>
      </section>

      <section aria-labelledby="errors-h">
        <h2 id="errors-h">{t('console.dashboard.errors')}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.dashboard.kind')}</th>
                <th scope="col">{t('console.dashboard.today')}</th>
                <th scope="col">{t('console.dashboard.week')}</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['failed', data.errors.failed],
                  ['undeliverable', data.errors.undeliverable],
                  ['deadLetters', data.errors.deadLetters],
                ] as const
              ).map(([key, v]) => (
                <tr data-error={key}>
                  <th scope="row">{t(`console.dashboard.error.${key}`)}</th>
                  <td>{n(v.today)}</td>
                  <td>{n(v.week)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="hint">
          {t('console.dashboard.deadLettersKept', { total: n(data.errors.deadLettersKept) })}
        </p>
      </section>
    </>
  );
};

const Quota: FC<{ t: Translate; quota: QuotaView }> = ({ t, quota }) => {
  if (quota.status === 'unknown') {
    return (
      <p class="flash info" data-quota="unknown">
        {t('console.dashboard.quota.unknown')}
      </p>
    );
  }
  if (quota.limit === null) {
    return (
      <p data-quota="unlimited">{t('console.dashboard.quota.noLimit', { used: n(quota.used) })}</p>
    );
  }
  const p = percent(quota.used, quota.limit) ?? 0;
  return (
    <div class="stack" data-quota="limited">
      <label for="quota-meter">
        {t('console.dashboard.quota.used', {
          used: n(quota.used),
          limit: n(quota.limit),
          percent: p,
        })}
      </label>
      <meter
        id="quota-meter"
        min={0}
        max={quota.limit}
        value={Math.min(quota.used, quota.limit)}
        low={Math.round(quota.limit * 0.7)}
        high={Math.round(quota.limit * 0.9)}
        optimum={0}
      >
        {p}%
      </meter>
      <p>{t('console.dashboard.quota.left', { left: n(quota.left ?? 0) })}</p>
    </div>
  );
};
