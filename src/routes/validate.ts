/**
 * A tiny body validator for the admin API and the operator console (no dependency): each field
 * has a parser that returns the value or pushes an error with its JSON path. Unknown fields are
 * errors. The news item and segment fields are defined once, below, for both.
 */
import { LANGUAGES } from '../i18n.ts';
import { NEWS_STATUSES, SECTIONS } from '../store/news.ts';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type Parser<T> = (value: unknown, path: string, errors: FieldError[]) => T | undefined;

export class Invalid extends Error {
  override readonly name = 'Invalid';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

export const str =
  (opts: { min?: number; max: number; pattern?: RegExp; patternHint?: string }): Parser<string> =>
  (v, path, errors) => {
    if (typeof v !== 'string') {
      errors.push({ path, message: 'must be a string' });
      return undefined;
    }
    const s = v.trim();
    if (s.length < (opts.min ?? 1))
      errors.push({ path, message: `must have at least ${opts.min ?? 1} character(s)` });
    else if (s.length > opts.max)
      errors.push({ path, message: `must have at most ${opts.max} characters` });
    else if (opts.pattern && !opts.pattern.test(s))
      errors.push({ path, message: opts.patternHint ?? `must match ${opts.pattern.source}` });
    else return s;
    return undefined;
  };

export const url =
  (schemes: readonly ('https:' | 'http:')[], max = 1000): Parser<string> =>
  (v, path, errors) => {
    const s = str({ max })(v, path, errors);
    if (s === undefined) return undefined;
    try {
      const u = new URL(s);
      if (schemes.includes(u.protocol as 'https:')) return u.toString();
    } catch {
      // reported below
    }
    errors.push({
      path,
      message: `must be an ${schemes.map((x) => x.slice(0, -1)).join(' or ')} URL`,
    });
    return undefined;
  };

export const isoDate: Parser<string> = (v, path, errors) => {
  const s = str({
    max: 10,
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    patternHint: 'must be a date YYYY-MM-DD',
  })(v, path, errors);
  if (s === undefined) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
    errors.push({ path, message: 'is not a valid calendar date' });
    return undefined;
  }
  return s;
};

export const oneOf =
  <T extends string | number | boolean>(values: readonly T[]): Parser<T> =>
  (v, path, errors) => {
    if ((values as readonly unknown[]).includes(v)) return v as T;
    errors.push({
      path,
      message: `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`,
    });
    return undefined;
  };

export const bool: Parser<boolean> = (v, path, errors) => {
  if (typeof v === 'boolean') return v;
  errors.push({ path, message: 'must be true or false' });
  return undefined;
};

export const int =
  (min: number, max: number): Parser<number> =>
  (v, path, errors) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    errors.push({ path, message: `must be an integer from ${min} to ${max}` });
    return undefined;
  };

export const list =
  <T>(item: Parser<T>, opts: { min?: number; max: number }): Parser<T[]> =>
  (v, path, errors) => {
    if (!Array.isArray(v)) {
      errors.push({ path, message: 'must be an array' });
      return undefined;
    }
    if (v.length < (opts.min ?? 0) || v.length > opts.max) {
      errors.push({ path, message: `must have ${opts.min ?? 0} to ${opts.max} items` });
      return undefined;
    }
    const out: T[] = [];
    const before = errors.length;
    v.forEach((x, i) => {
      const parsed = item(x, `${path}[${i}]`, errors);
      if (parsed !== undefined) out.push(parsed);
    });
    return errors.length === before ? [...new Set(out)] : undefined;
  };

export const nullable =
  <T>(p: Parser<T>): Parser<T | null> =>
  (v, path, errors) =>
    v === null ? null : p(v, path, errors);

type Shape = Record<string, { parse: Parser<unknown>; required?: boolean }>;
type Out<S extends Shape> = { [K in keyof S]?: S[K]['parse'] extends Parser<infer T> ? T : never };

export const object =
  <S extends Shape>(shape: S, opts: { atLeastOne?: boolean } = {}): Parser<Out<S>> =>
  (v, path, errors) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      errors.push({ path: path || '$', message: 'must be a JSON object' });
      return undefined;
    }
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const before = errors.length;
    for (const key of Object.keys(input)) {
      if (!(key in shape)) errors.push({ path: join(path, key), message: 'is not a known field' });
    }
    for (const [key, field] of Object.entries(shape)) {
      if (input[key] === undefined) {
        if (field.required) errors.push({ path: join(path, key), message: 'is required' });
        continue;
      }
      const parsed = field.parse(input[key], join(path, key), errors);
      if (parsed !== undefined) out[key] = parsed;
    }
    if (opts.atLeastOne && Object.keys(input).length === 0) {
      errors.push({ path: path || '$', message: 'must have at least one field' });
    }
    return errors.length === before ? (out as Out<S>) : undefined;
  };

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Parses or throws `Invalid` with every error found. */
export function check<T>(parser: Parser<T>, value: unknown): T {
  const errors: FieldError[] = [];
  const out = parser(value, '', errors);
  if (errors.length > 0 || out === undefined) throw new Invalid(errors);
  return out;
}

// --- News items and push segments (admin API and operator console) -------------------------

export const provinceCode = str({
  max: 2,
  pattern: /^[1-9]\d$/,
  patternHint: 'must be a 2-digit province code such as "10" or "50"',
});

/** The fields of a news item; `required` for a new one. */
export const newsFields = {
  title: { parse: str({ max: 300 }), required: true },
  summary: { parse: str({ min: 0, max: 1000 }) },
  body: { parse: str({ max: 20_000 }), required: true },
  imageUrl: { parse: nullable(url(['https:'], 2000)) },
  sourceUrl: { parse: nullable(url(['https:', 'http:'], 1000)) },
  publishedDate: { parse: isoDate, required: true },
  topic: {
    parse: str({
      max: 40,
      pattern: /^[a-z0-9][a-z0-9_-]*$/,
      patternHint: 'must be lower-case letters, digits, - or _',
    }),
  },
  targetSections: { parse: list(oneOf(SECTIONS), { max: 3 }) },
  targetProvinces: { parse: list(provinceCode, { max: 77 }) },
  languages: { parse: list(oneOf(LANGUAGES), { min: 1, max: LANGUAGES.length }) },
  status: { parse: oneOf(NEWS_STATUSES) },
} as const;

export const createNewsBody = object(newsFields);
export const updateNewsBody = object(
  Object.fromEntries(Object.entries(newsFields).map(([k, v]) => [k, { parse: v.parse }])) as {
    [K in keyof typeof newsFields]: { parse: (typeof newsFields)[K]['parse'] };
  },
  { atLeastOne: true },
);

/** Who a multicast reaches (src/store/push-jobs.ts Segment); every field narrows. */
export const segmentBody = object({
  sections: { parse: list(oneOf(SECTIONS), { min: 1, max: 3 }) },
  provinces: { parse: list(provinceCode, { min: 1, max: 77 }) },
  languages: { parse: list(oneOf(LANGUAGES), { min: 1, max: LANGUAGES.length }) },
  linked: { parse: bool },
});
