/** @jsxImportSource hono/jsx */
/**
 * The news pages' pieces (src/routes/console/news.tsx puts them on pages): labelled inputs with
 * their hint and error tied by aria-describedby, the audience summary of an item or a job, the
 * status badges, and a push job's progress figures (the page and its JSON say the same).
 */
import type { Child, FC } from 'hono/jsx';
import type { Translate } from '../i18n.ts';
import { PROVINCES, provinceByCode } from '../nlu/provinces.ts';
import { SECTIONS } from '../store/news.ts';
import type { JobProgress, JobStatus, Segment } from '../store/push-jobs.ts';
import { type FieldErrors, formatCount } from './news-forms.ts';

export type ConsoleLang = 'th' | 'en';

/** The ids an input is described by: its hint, then its error. */
function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** A field's element id, the name its error is filed under, and whether it has one. */
function fieldState(p: { name: string; errorName?: string; errors: FieldErrors }) {
  const errName = p.errorName ?? p.name;
  return { id: `f-${p.name}`, errName, err: Boolean(p.errors[errName]) };
}

export const FieldError: FC<{ id: string; t: Translate; errors: FieldErrors; name: string }> = ({
  id,
  t,
  errors,
  name,
}) =>
  errors[name] ? (
    <p class="field-error" id={`${id}-error`}>
      {t(`console.${errors[name]}`)}
    </p>
  ) : null;

export const TextField: FC<{
  t: Translate;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  type?: 'text' | 'url' | 'date' | 'datetime-local';
  required?: boolean;
  maxlength?: number;
  multiline?: boolean;
  rows?: number;
  pattern?: string;
}> = (p) => {
  const { id, err } = fieldState(p);
  const common = {
    id,
    name: p.name,
    required: p.required,
    maxlength: p.maxlength,
    'aria-invalid': err ? 'true' : undefined,
    'aria-describedby': describedBy(id, Boolean(p.hint), err),
  };
  return (
    <div>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.multiline ? (
        <textarea {...common} rows={p.rows ?? 4}>
          {p.value}
        </textarea>
      ) : (
        <input {...common} type={p.type ?? 'text'} value={p.value} pattern={p.pattern} />
      )}
      <FieldError id={id} t={p.t} errors={p.errors} name={p.name} />
    </div>
  );
};

/** A group of checkboxes (or radios) in a fieldset with its legend, hint and error. */
export const ChoiceGroup: FC<{
  t: Translate;
  name: string;
  legend: string;
  hint?: string;
  type?: 'checkbox' | 'radio';
  options: readonly { value: string; label: string }[];
  checked: readonly string[];
  errors: FieldErrors;
  errorName?: string;
}> = (p) => {
  const { id, errName, err } = fieldState(p);
  return (
    <fieldset
      class="choices"
      aria-describedby={describedBy(id, Boolean(p.hint), err)}
      aria-invalid={err ? 'true' : undefined}
    >
      <legend>{p.legend}</legend>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.options.map((o) => (
        <label class="choice" for={`${id}-${o.value}`}>
          <input
            type={p.type ?? 'checkbox'}
            id={`${id}-${o.value}`}
            name={p.name}
            value={o.value}
            checked={p.checked.includes(o.value)}
          />{' '}
          {o.label}
        </label>
      ))}
      <FieldError id={id} t={p.t} errors={p.errors} name={errName} />
    </fieldset>
  );
};

/** The 77 provinces as a multi-select, named in the console's language, in code order. */
export const ProvinceSelect: FC<{
  t: Translate;
  lang: ConsoleLang;
  name: string;
  label: string;
  hint: string;
  selected: readonly string[];
  errors: FieldErrors;
  errorName?: string;
}> = (p) => {
  const { id, errName, err } = fieldState(p);
  const collator = new Intl.Collator(p.lang === 'th' ? 'th' : 'en');
  const sorted = [...PROVINCES].sort((a, b) =>
    collator.compare(provinceName(a.code, p.lang), provinceName(b.code, p.lang)),
  );
  return (
    <div>
      <label for={id}>{p.label}</label>
      <p class="hint" id={`${id}-hint`}>
        {p.hint}
      </p>
      <select
        id={id}
        name={p.name}
        multiple
        size={8}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={describedBy(id, true, err)}
      >
        {sorted.map((pr) => (
          <option value={pr.code} selected={p.selected.includes(pr.code)}>
            {provinceName(pr.code, p.lang)}
          </option>
        ))}
      </select>
      <FieldError id={id} t={p.t} errors={p.errors} name={errName} />
    </div>
  );
};

/** Who an item is for, or who a push goes to: sections, provinces and languages, each with
 * its own field name (the compose and the send form name them differently). */
export const SegmentFields: FC<{
  t: Translate;
  lang: ConsoleLang;
  errors: FieldErrors;
  sections: { name: string; checked: readonly string[]; hint?: string };
  provinces: { name: string; selected: readonly string[] };
  languages: {
    name: string;
    checked: readonly string[];
    legend: string;
    hint?: string;
    codes: readonly string[];
  };
}> = ({ t, lang, errors, sections, provinces, languages: { codes, ...languages } }) => (
  <>
    <ChoiceGroup
      t={t}
      {...sections}
      legend={t('console.news.form.sections')}
      options={sectionOptions(t)}
      errors={errors}
    />
    <ProvinceSelect
      t={t}
      lang={lang}
      {...provinces}
      label={t('console.news.form.provinces')}
      hint={t('console.news.form.provincesHint')}
      errors={errors}
    />
    <ChoiceGroup t={t} {...languages} options={languageOptions(t, codes)} errors={errors} />
  </>
);

export function provinceName(code: string, lang: ConsoleLang): string {
  const p = provinceByCode(code);
  if (!p) return code;
  return lang === 'th' ? p.name_th : p.name_en;
}

export const sectionOptions = (t: Translate) =>
  SECTIONS.map((n) => ({ value: String(n), label: t('console.news.form.section', { n }) }));

export const languageOptions = (t: Translate, languages: readonly string[]) =>
  languages.map((l) => ({ value: l, label: t(`console.news.languageNames.${l}`) }));

/** "มาตรา 33, 39 · 3 จังหวัด (…) · ภาษา ไทย" — or "ทุกคน". */
export function audienceSummary(
  t: Translate,
  lang: ConsoleLang,
  a: {
    sections?: readonly number[];
    provinces?: readonly string[];
    languages?: readonly string[];
    linked?: boolean;
  },
): string {
  const parts: string[] = [];
  if (a.sections?.length)
    parts.push(t('console.news.target.sections', { list: a.sections.join(', ') }));
  if (a.provinces?.length) {
    const names = a.provinces.slice(0, 3).map((c) => provinceName(c, lang));
    const more = a.provinces.length - names.length;
    const list =
      more > 0
        ? `${names.join(', ')} ${t('console.news.target.more', { count: more })}`
        : names.join(', ');
    parts.push(t('console.news.target.provinces', { count: a.provinces.length, list }));
  }
  if (a.languages?.length) {
    parts.push(
      t('console.news.target.languages', {
        list: a.languages.map((l) => t(`console.news.languageNames.${l}`)).join(', '),
      }),
    );
  }
  if (a.linked === true) parts.push(t('console.news.target.linked'));
  if (a.linked === false) parts.push(t('console.news.target.notLinked'));
  return parts.length > 0 ? parts.join(' · ') : t('console.news.target.everyone');
}

export function jobTarget(
  t: Translate,
  lang: ConsoleLang,
  kind: string,
  segment: Segment | null,
): string {
  if (kind === 'broadcast') return t('console.news.target.broadcast');
  return audienceSummary(t, lang, segment ?? {});
}

export const BADGE: Record<JobStatus, string> = {
  scheduled: 'badge',
  pending: 'badge warn',
  running: 'badge warn',
  paused: 'badge warn',
  done: 'badge ok',
  failed: 'badge bad',
  cancelled: 'badge bad',
};

export const JobBadge: FC<{ t: Translate; status: JobStatus; id?: string }> = ({
  t,
  status,
  id,
}) => (
  <span class={BADGE[status]} id={id}>
    {t(`console.news.job.statuses.${status}`)}
  </span>
);

export const NewsBadge: FC<{ t: Translate; status: 'draft' | 'published' }> = ({ t, status }) => (
  <span class={status === 'published' ? 'badge ok' : 'badge'}>
    {t(`console.news.status.${status}`)}
  </span>
);

export const FINISHED: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

/** What the progress bar and its text show; the JSON endpoint sends the same. */
export interface ProgressView {
  id: number;
  status: JobStatus;
  statusText: string;
  /** The status badge's class (news.js keeps the badge's colour with its text). */
  badge: string;
  finished: boolean;
  value: number;
  max: number;
  percent: number;
  text: string;
  batchesText: string;
  totalRecipients: number;
  sentRecipients: number;
  failedRecipients: number;
  batchesTotal: number;
  batchesSent: number;
  batchesFailed: number;
  batchesPending: number;
  error: string | null;
  can: { pause: boolean; resume: boolean; cancel: boolean };
}

export function progressView(
  t: Translate,
  lang: ConsoleLang,
  p: JobProgress,
  mayAct: boolean,
): ProgressView {
  const broadcast = p.kind === 'broadcast';
  const max = broadcast ? p.batchesTotal : p.totalRecipients;
  const done = broadcast ? p.batchesSent + p.batchesFailed : p.sentRecipients + p.failedRecipients;
  const finished = FINISHED.includes(p.status);
  const percent =
    max > 0 ? Math.min(100, Math.floor((done * 100) / max)) : p.status === 'done' ? 100 : 0;
  const n = (x: number) => formatCount(lang, x);
  const text =
    !p.snapshotComplete || (max === 0 && !finished)
      ? t('console.news.job.waiting')
      : broadcast
        ? t('console.news.job.sentBroadcast', { sent: n(p.batchesSent), total: n(max), percent })
        : t('console.news.job.sent', { sent: n(p.sentRecipients), total: n(max), percent });
  return {
    id: p.id,
    status: p.status,
    statusText: t(`console.news.job.statuses.${p.status}`),
    badge: BADGE[p.status],
    finished,
    value: done,
    max: Math.max(1, max),
    percent,
    text,
    batchesText: t('console.news.job.batches', {
      sent: n(p.batchesSent),
      failed: n(p.batchesFailed),
      pending: n(p.batchesPending),
      total: n(p.batchesTotal),
    }),
    totalRecipients: p.totalRecipients,
    sentRecipients: p.sentRecipients,
    failedRecipients: p.failedRecipients,
    batchesTotal: p.batchesTotal,
    batchesSent: p.batchesSent,
    batchesFailed: p.batchesFailed,
    batchesPending: p.batchesPending,
    error: p.error,
    can: {
      pause: mayAct && p.status === 'running',
      resume: mayAct && p.status === 'paused',
      cancel: mayAct && !finished,
    },
  };
}

/** One term and its description in a definition list. */
export const Row: FC<{ term: string; children?: Child }> = ({ term, children }) => (
  <>
    <dt>{term}</dt>
    <dd>{children}</dd>
  </>
);
