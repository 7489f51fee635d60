/**
 * i18next with every locale bundled (no fs at run time, so the Worker gets the same strings).
 * Thai is the default and the fallback. A language is "spoken" once its translation file exists.
 */
import i18next, { type TFunction } from 'i18next';
import { KNOWLEDGE_STRINGS } from './knowledge/strings.ts';
import { type LocaleFile, localeFile } from './locale-files.ts';

export const LANGUAGES = ['th', 'en', 'my', 'km', 'lo'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'th';

// One namespace per language; each capability keeps its strings in its own file
// (translation.json, offices.json, news.json, claims.json, notify.json), merged here at the top
// level, then the options' `more` keys (the console's). The knowledge files (one per domain) share
// the top-level `knowledge` and `sources` keys and are merged key by key. The files come packed
// (src/locale-files.ts), as they are in locales/.
const STRING_FILES = [
  'translation',
  'offices',
  'news',
  'services',
  'richmenu',
  'claims',
  'notify',
] as const;

/** More top-level keys, each with its strings per language (see I18nOptions.more). */
export type MoreStrings = Readonly<Record<string, Readonly<Partial<Record<Lang, unknown>>>>>;

/**
 * None by default: the entry files that serve the operator console pass
 * `more: { console: CONSOLE_STRINGS }` (src/console/strings.ts), so the bot's Worker carries no
 * console strings.
 */
const DEFAULT_MORE: MoreStrings = {};

function bundleOf(lang: Lang, more: MoreStrings): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const name of STRING_FILES) Object.assign(merged, localeFile<LocaleFile>(lang, name));
  for (const [key, strings] of Object.entries(more)) {
    if (strings[lang] !== undefined) merged[key] = strings[lang];
  }
  return withKnowledge(lang, merged);
}

/** Each language's strings as i18next gets them (exported for the tests). */
export function bundlesOf(more: MoreStrings = DEFAULT_MORE): Record<Lang, Record<string, unknown>> {
  return Object.fromEntries(LANGUAGES.map((l) => [l, bundleOf(l, more)])) as Record<
    Lang,
    Record<string, unknown>
  >;
}

const bundles = bundlesOf(DEFAULT_MORE);

function withKnowledge(lang: Lang, bundle: Record<string, unknown>): Record<string, unknown> {
  const knowledge: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const file of KNOWLEDGE_STRINGS[lang]) {
    Object.assign(knowledge, (file as { knowledge?: object }).knowledge);
    Object.assign(sources, (file as { sources?: object }).sources);
  }
  return { ...bundle, knowledge, sources };
}

/** A language is spoken once its translation is there (a half-empty one would answer in Thai). */
export const SPOKEN: readonly Lang[] = LANGUAGES.filter((l) => 'welcome' in bundles[l]);

export type Translate = TFunction;

export interface I18n {
  t(lang: Lang): Translate;
  /** Maps a LINE profile language (`th`, `en-US`, `my`…) to one we speak, if any. */
  spoken(language: string | null | undefined): Lang | undefined;
  /**
   * Any of the five languages, spoken or not, missing keys falling back to Thai. Only for a
   * message that must be in one given language whatever its state (the language picker's
   * confirmation); everything else uses `t`.
   */
  anyLang(lang: Lang): Translate;
}

export interface I18nOptions {
  /** false: every call goes to i18next (the locale test compares both paths). */
  memoise?: boolean;
  /**
   * More top-level keys, each with its strings per language, beside the locale files: the
   * operator console passes `{ console: CONSOLE_STRINGS }` (src/console/strings.ts), which the
   * bot's Worker does not need to carry.
   */
  more?: MoreStrings;
}

export function createI18n(options: I18nOptions = {}): I18n {
  const own = options.more === undefined ? bundles : bundlesOf(options.more);
  const wrap =
    options.memoise === false
      ? (t: TFunction) => t
      : (t: TFunction, lang: Lang) => memoised(t, own[lang], own[DEFAULT_LANG]);
  // Every language is loaded (a not-yet-spoken one falls back to Thai key by key), but only a
  // spoken language is ever chosen to answer in: `t` gives Thai for the others.
  const resources = Object.fromEntries(LANGUAGES.map((l) => [l, { translation: own[l] }]));
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: DEFAULT_LANG,
    fallbackLng: DEFAULT_LANG,
    supportedLngs: [...LANGUAGES],
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Lang, Translate>();
  for (const lang of SPOKEN) fixed.set(lang, wrap(instance.getFixedT(lang), lang));
  const any = new Map<Lang, Translate>();
  for (const lang of LANGUAGES) any.set(lang, wrap(instance.getFixedT(lang), lang));
  return {
    t: (lang) => fixed.get(lang) ?? fixed.get(DEFAULT_LANG)!,
    anyLang: (lang) => any.get(lang) ?? fixed.get(DEFAULT_LANG)!,
    spoken(language) {
      if (!language) return undefined;
      const base = language.toLowerCase().split(/[-_]/)[0] as Lang;
      return SPOKEN.includes(base) ? base : undefined;
    },
  };
}

/** The language to answer in: the user's choice, else their LINE profile's, else Thai. */
export function resolveLang(
  i18n: I18n,
  user: { chosenLanguage?: string | null; profileLanguage?: string | null } | undefined,
): Lang {
  return i18n.spoken(user?.chosenLanguage) ?? i18n.spoken(user?.profileLanguage) ?? DEFAULT_LANG;
}

/** Options that change what i18next looks up or returns: such calls always go to i18next. */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'returnObjects',
  'returnDetails',
  'defaultValue',
  'lng',
  'lngs',
  'ns',
  'fallbackLng',
  'replace',
  'interpolation',
  'joinArrays',
  'postProcess',
  'keySeparator',
  'nsSeparator',
]);

/** A translation split at its `{{name}}` placeholders: even entries text, odd entries names. */
type Template = readonly string[];

/**
 * `t` with the common case done once: a plain string with `{{name}}` placeholders is looked up
 * (in `lang`, else Thai, as i18next falls back) and split on first use; later calls join the
 * parts with the values. Anything else (plurals, nesting, formats, an unknown key, a missing
 * value, special options) goes to i18next as before. i18next's lookup and interpolation were
 * 6% of the CPU a webhook event cost; the locale test checks both paths agree on every string.
 */
function memoised(
  t: TFunction,
  bundle: Record<string, unknown>,
  fallback: Record<string, unknown>,
): Translate {
  const templates = new Map<string, Template | null>();
  const template = (key: string): Template | null => {
    let tpl = templates.get(key);
    if (tpl === undefined) {
      tpl = parseTemplate(lookup(bundle, key) ?? lookup(fallback, key));
      templates.set(key, tpl);
    }
    return tpl;
  };
  const fast = (key: unknown, options?: unknown): unknown => {
    if (typeof key !== 'string') return undefined;
    const tpl = template(key);
    if (tpl === null) return undefined;
    if (tpl.length === 1) return options === undefined || plainValues(options) ? tpl[0] : undefined;
    if (!plainValues(options)) return undefined;
    let out = tpl[0]!;
    for (let i = 1; i < tpl.length; i += 2) {
      const value = options[tpl[i]!];
      if (value === undefined || value === null || typeof value === 'object') return undefined;
      out += String(value) + tpl[i + 1]!;
    }
    return out;
  };
  const wrapped = (key: unknown, options?: unknown) =>
    fast(key, options) ?? (t as unknown as (k: unknown, o?: unknown) => unknown)(key, options);
  return Object.assign(wrapped, t) as unknown as Translate;
}

function plainValues(options: unknown): options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null) return false;
  for (const k in options) if (I18NEXT_OPTIONS.has(k)) return false;
  return true;
}

function lookup(bundle: Record<string, unknown>, key: string): unknown {
  if (key in bundle) return bundle[key];
  let node: unknown = bundle;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function parseTemplate(value: unknown): Template | null {
  // i18next features beyond plain placeholders: nesting `$t(…)`, unescaped `{{- x}}`, formats
  // `{{x, number}}` (plurals never get here: `count` always goes to i18next).
  if (
    typeof value !== 'string' ||
    value.includes('$t(') ||
    /\{\{\s*-|\{\{[^}]*,[^}]*\}\}/.test(value)
  )
    return null;
  const parts = value.split(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/);
  // An unmatched brace pair would be left for i18next to interpret.
  if (parts.some((p, i) => i % 2 === 0 && p.includes('{{'))) return null;
  return parts;
}
