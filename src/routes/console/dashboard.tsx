/** @jsxImportSource hono/jsx */
/**
 * /console: the dashboard (viewer and up). Today and the last 7 days in Asia/Bangkok: people who
 * wrote, questions by topic and language, the answered share, the link rate, pushes sent, the
 * LINE message quota and errors. Charts are server-rendered inline SVG (no script), each with
 * role="img", a <title> carrying its numbers, and the same numbers in a table beside it.
 * `/console/stats.json` gives the same figures as JSON (tests, a wallboard).
 */
import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { cols, DataTable, TodayWeekTable } from '../../console/ui.tsx';
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

/** A chart's SVG: as wide as its box, named for screen readers by `summary`. */
const ChartSvg: FC<{
  id: string;
  summary: string;
  width: number;
  height: number;
  children?: Child;
}> = (p) => (
  <svg
    viewBox={`0 0 ${p.width} ${p.height}`}
    width="100%"
    role="img"
    aria-labelledby={`${p.id}-title`}
    font-family="inherit"
  >
    <title id={`${p.id}-title`}>{p.summary}</title>
    {p.children}
  </svg>
);

/** A figure or a label on a chart. */
const ChartText: FC<{
  x: string | number;
  y: string | number;
  anchor?: 'middle' | 'end';
  children?: Child;
}> = (p) => (
  <text x={p.x} y={p.y} text-anchor={p.anchor} font-size="13" fill="#1a1a1a">
    {p.children}
  </text>
);

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
    <ChartSvg id={id} summary={summary} width={W} height={H}>
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
            <ChartText x={(x + barW / 2).toFixed(1)} y={(y - 6).toFixed(1)} anchor="middle">
              {n(totals[i]!)}
            </ChartText>
            <ChartText x={(x + barW / 2).toFixed(1)} y={H - 8} anchor="middle">
              {label}
            </ChartText>
          </g>
        );
      })}
    </ChartSvg>
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
    <ChartSvg id={id} summary={summary} width={W} height={H}>
      {items.map((item, i) => {
        const y = 4 + i * rowH;
        const w = (item.value / max) * barMax;
        return (
          <g>
            <ChartText x={labelW - 8} y={y + 17} anchor="end">
              {item.label}
            </ChartText>
            <rect
              x={labelW}
              y={y + 3}
              width={Math.max(item.value > 0 ? 2 : 0, w).toFixed(1)}
              height={rowH - 8}
              fill={item.color}
            />
            <ChartText x={(labelW + w + 6).toFixed(1)} y={y + 17}>
              {n(item.value)}
            </ChartText>
          </g>
        );
      })}
    </ChartSvg>
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

      <ChartSection
        id="questions"
        title={t('console.dashboard.questionsPerDay')}
        chart={
          <>
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
          </>
        }
      >
        <DataTable
          caption={t('console.dashboard.questionsPerDay')}
          cols={cols(t, 'console.dashboard', 'day people answered unanswered answeredShare')}
        >
          {q.perDay.map((d, i) => (
            <tr>
              <th scope="row">{formatDate(lang, d.day)}</th>
              <td>{n(data.conversations.perDay[i] ?? 0)}</td>
              <td>{n(d.answered)}</td>
              <td>{n(d.unanswered)}</td>
              <td>{share(d)}</td>
            </tr>
          ))}
        </DataTable>
      </ChartSection>

      <ChartSection
        id="topics"
        title={t('console.dashboard.topics')}
        empty={q.byTopic.length === 0 ? t('console.dashboard.noQuestions') : undefined}
        chart={
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
        }
      >
        <TodayWeekTable
          t={t}
          caption={t('console.dashboard.topics')}
          head={t('console.dashboard.topic')}
          dataAttr="intent"
          rows={q.byTopic.map((x) => [x.intent, x] as const)}
          label={(intent) => topicLabel(t, intent)}
          format={n}
        />
      </ChartSection>

      <ChartSection
        id="langs"
        title={t('console.dashboard.languages')}
        empty={q.byLang.length === 0 ? t('console.dashboard.noQuestions') : undefined}
        chart={
          <>
            <BarChart
              id="chart-langs"
              labels={days}
              series={langSeries}
              summary={`${t('console.dashboard.languages')}. ${perDayWords((i) =>
                q.byLang.map((l) => `${langLabel(t, l.lang)} ${n(l.perDay[i] ?? 0)}`).join(', '),
              )}`}
            />
            <Legend series={langSeries} />
          </>
        }
      >
        <DataTable
          caption={t('console.dashboard.languages')}
          cols={[
            t('console.dashboard.language'),
            ...data.days.map((d) => shortDay(lang, d)),
            t('console.dashboard.week'),
          ]}
        >
          {q.byLang.map((l) => (
            <tr data-lang={l.lang}>
              <th scope="row">{langLabel(t, l.lang)}</th>
              {l.perDay.map((v) => (
                <td>{n(v)}</td>
              ))}
              <td>{n(l.week)}</td>
            </tr>
          ))}
        </DataTable>
      </ChartSection>

      <section aria-labelledby="pushes-h">
        <h2 id="pushes-h">{t('console.dashboard.pushes')}</h2>
        <TodayWeekTable
          t={t}
          head={t('console.dashboard.kind')}
          dataAttr="push"
          rows={(['newsRecipients', 'notifications', 'staffReplies', 'broadcasts'] as const).map(
            (key) => [key, data.pushes[key]] as const,
          )}
          label={(key) => t(`console.dashboard.push.${key}`)}
          format={n}
        />
        <p class="hint">{t('console.dashboard.pushNote')}</p>
      </section>

      <section aria-labelledby="errors-h">
        <h2 id="errors-h">{t('console.dashboard.errors')}</h2>
        <TodayWeekTable
          t={t}
          head={t('console.dashboard.kind')}
          dataAttr="error"
          rows={(['failed', 'undeliverable', 'deadLetters'] as const).map(
            (key) => [key, data.errors[key]] as const,
          )}
          label={(key) => t(`console.dashboard.error.${key}`)}
          format={n}
        />
        <p class="hint">
          {t('console.dashboard.deadLettersKept', { total: n(data.errors.deadLettersKept) })}
        </p>
      </section>
    </>
  );
};

/** A section of the charts: its heading, a chart beside its table (or `empty`, when set). */
const ChartSection: FC<{
  id: string;
  title: string;
  empty?: string;
  chart: Child;
  children?: Child;
}> = (p) => (
  <section aria-labelledby={`${p.id}-h`}>
    <h2 id={`${p.id}-h`}>{p.title}</h2>
    {p.empty !== undefined ? (
      <p>{p.empty}</p>
    ) : (
      <div class="grid2">
        <div>{p.chart}</div>
        {p.children}
      </div>
    )}
  </section>
);

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
