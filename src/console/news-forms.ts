/**
 * The console's news forms: what was typed (kept as typed, so a page with errors shows it
 * again), checked with the same validators as the admin API (src/routes/validate.ts), errors
 * per field as locale keys (relative to `console.`), and the send step's audience and time.
 * Pure functions: no store, no request.
 */
import { formatDate } from '../format.ts';
import { LANGUAGES, type Lang } from '../i18n.ts';
import { summarise } from '../news/parse-article.ts';
import { createNewsBody, type FieldError, isoDate, segmentBody, url } from '../routes/validate.ts';
import type { NewsInput, NewsItem, SectionNo } from '../store/news.ts';
import type { Segment } from '../store/push-jobs.ts';

type Form = Record<string, unknown>;

const one = (form: Form, name: string): string => {
  const v = form[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
};
const many = (form: Form, name: string): string[] => {
  const v = form[name] ?? form[`${name}[]`];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
};

/** Field name → locale key of its error (relative to `console.`). */
export type FieldErrors = Record<string, string>;

// --- compose / edit --------------------------------------------------------------------------

export interface NewsValues {
  title: string;
  summary: string;
  body: string;
  imageUrl: string;
  sourceUrl: string;
  publishedDate: string;
  topic: string;
  targetSections: string[];
  targetProvinces: string[];
  languages: string[];
}

export function newsValuesFromForm(form: Form): NewsValues {
  return {
    title: one(form, 'title'),
    summary: one(form, 'summary'),
    body: one(form, 'body'),
    imageUrl: one(form, 'imageUrl'),
    sourceUrl: one(form, 'sourceUrl'),
    publishedDate: one(form, 'publishedDate'),
    topic: one(form, 'topic'),
    targetSections: many(form, 'targetSections'),
    targetProvinces: many(form, 'targetProvinces'),
    languages: many(form, 'languages'),
  };
}

export function newsValuesFromItem(item: NewsItem): NewsValues {
  return {
    title: item.title,
    summary: item.summary,
    body: item.body,
    imageUrl: item.imageUrl ?? '',
    sourceUrl: item.sourceUrl ?? '',
    publishedDate: item.publishedDate,
    topic: item.topic,
    targetSections: item.targetSections.map(String),
    targetProvinces: [...item.targetProvinces],
    languages: [...item.languages],
  };
}

export function emptyNewsValues(today: string): NewsValues {
  return {
    title: '',
    summary: '',
    body: '',
    imageUrl: '',
    sourceUrl: '',
    publishedDate: today,
    topic: 'general',
    targetSections: [],
    targetProvinces: [],
    languages: ['th'],
  };
}

const fieldOf = (path: string) => path.replace(/[.[].*$/, '') || 'title';

function errorKeys(errors: readonly FieldError[], prefix = 'news.errors.'): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const f = fieldOf(e.path);
    out[f] ??= `${prefix}${f}`;
  }
  return out;
}

const asNumber = (s: string): string | number => (/^\d{1,3}$/.test(s) ? Number(s) : s);

/**
 * The typed values as a news item (status aside), checked with the admin API's validators.
 * An empty summary is made from the body, as the admin API does.
 */
export function checkNews(values: NewsValues): {
  input?: Omit<NewsInput, 'status'>;
  errors: FieldErrors;
} {
  const raw = {
    title: values.title,
    summary: values.summary,
    body: values.body,
    imageUrl: values.imageUrl === '' ? null : values.imageUrl,
    sourceUrl: values.sourceUrl === '' ? null : values.sourceUrl,
    publishedDate: values.publishedDate,
    topic: values.topic === '' ? 'general' : values.topic,
    targetSections: values.targetSections.map(asNumber),
    targetProvinces: values.targetProvinces,
    languages: values.languages,
  };
  const errors: FieldError[] = [];
  const parsed = createNewsBody(raw, '', errors) as Omit<NewsInput, 'status'> | undefined;
  if (errors.length > 0 || !parsed) return { errors: errorKeys(errors) };
  return {
    input: { ...parsed, summary: parsed.summary || summarise(parsed.body) },
    errors: {},
  };
}

const valid = <T>(parse: (v: unknown, p: string, e: FieldError[]) => T | undefined, v: unknown) => {
  const errors: FieldError[] = [];
  const out = parse(v, '', errors);
  return errors.length === 0 ? out : undefined;
};

/**
 * A news item for the preview from whatever was typed so far: invalid parts are left out the
 * way the card leaves out what is missing (no image, no button), never an error.
 */
export function previewItem(values: NewsValues, today: string, now: number): NewsItem {
  const languages = values.languages.filter((l) => (LANGUAGES as readonly string[]).includes(l));
  return {
    id: 0,
    title: values.title.slice(0, 300),
    summary: values.summary.slice(0, 1000) || summarise(values.body.slice(0, 20_000)),
    body: values.body,
    imageUrl: (values.imageUrl && valid(url(['https:'], 2000), values.imageUrl)) || null,
    sourceUrl:
      (values.sourceUrl && valid(url(['https:', 'http:'], 1000), values.sourceUrl)) || null,
    publishedDate: valid(isoDate, values.publishedDate) ?? today,
    topic: values.topic || 'general',
    targetSections: values.targetSections
      .map(Number)
      .filter((n): n is SectionNo => n === 33 || n === 39 || n === 40),
    targetProvinces: values.targetProvinces,
    languages: languages.length > 0 ? languages : ['th'],
    status: 'draft',
    createdAt: now,
    updatedAt: now,
  };
}

// --- send ------------------------------------------------------------------------------------

export interface SendValues {
  kind: string;
  sections: string[];
  provinces: string[];
  languages: string[];
  /** any | yes | no */
  linked: string;
  /** now | later */
  when: string;
  /** YYYY-MM-DDTHH:MM, Asia/Bangkok */
  at: string;
}

export function sendValuesFromForm(form: Form): SendValues {
  return {
    kind: one(form, 'kind') || 'multicast',
    sections: many(form, 'sections'),
    provinces: many(form, 'provinces'),
    languages: many(form, 'languages'),
    linked: one(form, 'linked') || 'any',
    when: one(form, 'when') || 'now',
    at: one(form, 'at'),
  };
}

/** The send form for an item: its sections and provinces as the audience, sent now. */
export function sendValuesFromItem(item: NewsItem): SendValues {
  return {
    kind: 'multicast',
    sections: item.targetSections.map(String),
    provinces: [...item.targetProvinces],
    languages: [],
    linked: 'any',
    when: 'now',
    at: '',
  };
}

/** The longest a push can be scheduled ahead. */
export const MAX_SCHEDULE_AHEAD_MS = 90 * 24 * 3600_000;
const BANGKOK_OFFSET_MS = 7 * 3600_000;

/** `2026-05-01T09:30` in Thailand time → ms; undefined when not such a value. */
export function parseBangkokDateTime(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi) - BANGKOK_OFFSET_MS;
  const back = new Date(ms + BANGKOK_OFFSET_MS);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59)
    return undefined;
  return ms;
}

/** ms → `2026-05-01T09:30` in Thailand time (a datetime-local value). */
export function bangkokDateTimeValue(ms: number): string {
  return new Date(ms + BANGKOK_OFFSET_MS).toISOString().slice(0, 16);
}

export interface CheckedSend {
  kind?: 'multicast' | 'broadcast';
  segment?: Segment;
  scheduledAt?: number;
  errors: FieldErrors;
}

/** The audience and time of a push, checked (the admin API's segment validator). */
export function checkSend(values: SendValues, now: number): CheckedSend {
  const errors: FieldErrors = {};
  const kind = values.kind === 'broadcast' || values.kind === 'multicast' ? values.kind : undefined;
  if (!kind) errors.kind = 'news.errors.kind';
  let segment: Segment | undefined;
  if (kind === 'multicast') {
    const raw: Record<string, unknown> = {};
    if (values.sections.length > 0) raw.sections = values.sections.map(asNumber);
    if (values.provinces.length > 0) raw.provinces = values.provinces;
    if (values.languages.length > 0) raw.languages = values.languages;
    if (values.linked === 'yes') raw.linked = true;
    else if (values.linked === 'no') raw.linked = false;
    else if (values.linked !== 'any') errors.linked = 'news.errors.linked';
    const found: FieldError[] = [];
    const parsed = segmentBody(raw, '', found) as Segment | undefined;
    for (const [f, key] of Object.entries(errorKeys(found))) {
      errors[f] = f === 'languages' ? 'news.errors.audienceLanguages' : key;
    }
    segment = parsed;
  }
  let scheduledAt: number | undefined;
  if (values.when === 'later') {
    scheduledAt = parseBangkokDateTime(values.at);
    if (scheduledAt === undefined) errors.at = 'news.errors.at';
    else if (scheduledAt <= now) errors.at = 'news.errors.atPast';
    else if (scheduledAt > now + MAX_SCHEDULE_AHEAD_MS) errors.at = 'news.errors.atFar';
  } else if (values.when !== 'now') {
    errors.at = 'news.errors.at';
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    ...(kind ? { kind } : {}),
    ...(segment ? { segment } : {}),
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    errors,
  };
}

// --- display ---------------------------------------------------------------------------------

const LOCALES: Record<'th' | 'en', string> = {
  th: 'th-TH-u-ca-buddhist-nu-latn',
  en: 'en-GB',
};
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** ms → "1 พ.ค. 2569 09:30" / "1 May 2026, 09:30" in Thailand time. */
export function formatDateTime(lang: 'th' | 'en', ms: number): string {
  let f = dateTimeFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], {
      timeZone: 'Asia/Bangkok',
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    dateTimeFormats.set(lang, f);
  }
  return f.format(new Date(ms));
}

/** 12345 → "12,345". */
export function formatCount(lang: 'th' | 'en', n: number): string {
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'th' ? 'th-TH-u-nu-latn' : 'en-GB');
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

/** A news item's date for the list: "1 พ.ค. 2569". */
export function formatNewsDate(lang: 'th' | 'en', isoDay: string): string {
  return formatDate(lang as Lang, isoDay);
}
