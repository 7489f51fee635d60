/**
 * i18next with every locale bundled (no fs at run time, so the Worker gets the same strings).
 * Thai is the default and the fallback. A language is "spoken" once its translation file exists.
 */
import i18next, { type TFunction } from 'i18next';
import enClaims from '../locales/en/claims.json' with { type: 'json' };
import enNews from '../locales/en/news.json' with { type: 'json' };
import enNotify from '../locales/en/notify.json' with { type: 'json' };
import enOffices from '../locales/en/offices.json' with { type: 'json' };
import enRichmenu from '../locales/en/richmenu.json' with { type: 'json' };
import enServices from '../locales/en/services.json' with { type: 'json' };
import en from '../locales/en/translation.json' with { type: 'json' };
import kmClaims from '../locales/km/claims.json' with { type: 'json' };
import kmNews from '../locales/km/news.json' with { type: 'json' };
import kmNotify from '../locales/km/notify.json' with { type: 'json' };
import kmOffices from '../locales/km/offices.json' with { type: 'json' };
import kmRichmenu from '../locales/km/richmenu.json' with { type: 'json' };
import kmServices from '../locales/km/services.json' with { type: 'json' };
import km from '../locales/km/translation.json' with { type: 'json' };
import loClaims from '../locales/lo/claims.json' with { type: 'json' };
import loNews from '../locales/lo/news.json' with { type: 'json' };
import loNotify from '../locales/lo/notify.json' with { type: 'json' };
import loOffices from '../locales/lo/offices.json' with { type: 'json' };
import loRichmenu from '../locales/lo/richmenu.json' with { type: 'json' };
import loServices from '../locales/lo/services.json' with { type: 'json' };
import lo from '../locales/lo/translation.json' with { type: 'json' };
import myClaims from '../locales/my/claims.json' with { type: 'json' };
import myNews from '../locales/my/news.json' with { type: 'json' };
import myNotify from '../locales/my/notify.json' with { type: 'json' };
import myOffices from '../locales/my/offices.json' with { type: 'json' };
import myRichmenu from '../locales/my/richmenu.json' with { type: 'json' };
import myServices from '../locales/my/services.json' with { type: 'json' };
import my from '../locales/my/translation.json' with { type: 'json' };
import thClaims from '../locales/th/claims.json' with { type: 'json' };
import thNews from '../locales/th/news.json' with { type: 'json' };
import thNotify from '../locales/th/notify.json' with { type: 'json' };
import thOffices from '../locales/th/offices.json' with { type: 'json' };
import thRichmenu from '../locales/th/richmenu.json' with { type: 'json' };
import thServices from '../locales/th/services.json' with { type: 'json' };
import th from '../locales/th/translation.json' with { type: 'json' };
import { CONSOLE_STRINGS } from './console/strings.ts';
import { KNOWLEDGE_STRINGS } from './knowledge/strings.ts';

export const LANGUAGES = ['th', 'en', 'my', 'km', 'lo'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'th';

// One namespace per language; each capability keeps its strings in its own file
// (translation.json, offices.json, news.json, claims.json, notify.json), merged here at the top level.
// The knowledge files (one per domain) share the top-level `knowledge` and `sources` keys and
// are merged key by key.
const bundles: Record<Lang, Record<string, unknown>> = {
  th: withKnowledge('th', {
    ...th,
    ...thOffices,
    ...thNews,
    ...thServices,
    ...thRichmenu,
    ...thClaims,
    ...thNotify,
    console: CONSOLE_STRINGS.th,
  }),
  en: withKnowledge('en', {
    ...en,
    ...enOffices,
    ...enNews,
    ...enServices,
    ...enRichmenu,
    ...enClaims,
    ...enNotify,
    console: CONSOLE_STRINGS.en,
  }),
  my: withKnowledge('my', {
    ...my,
    ...myOffices,
    ...myNews,
    ...myServices,
    ...myRichmenu,
    ...myClaims,
    ...myNotify,
  }),
  km: withKnowledge('km', {
    ...km,
    ...kmOffices,
    ...kmNews,
    ...kmServices,
    ...kmRichmenu,
    ...kmClaims,
    ...kmNotify,
  }),
  lo: withKnowledge('lo', {
    ...lo,
    ...loOffices,
    ...loNews,
    ...loServices,
    ...loRichmenu,
    ...loClaims,
    ...loNotify,
  }),
};

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

// Every language is loaded (a not-yet-spoken one falls back to Thai key by key), but only a
// spoken language is ever chosen to answer in: `t` gives Thai for the others.
const resources = Object.fromEntries(LANGUAGES.map((l) => [l, { translation: bundles[l] }]));

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

export function createI18n(options: { memoise?: boolean } = {}): I18n {
  const wrap = options.memoise === false ? (t: TFunction) => t : memoised;
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
function memoised(t: TFunction, lang: Lang): Translate {
  const templates = new Map<string, Template | null>();
  const template = (key: string): Template | null => {
    let tpl = templates.get(key);
    if (tpl === undefined) {
      tpl = parseTemplate(lookup(bundles[lang], key) ?? lookup(bundles[DEFAULT_LANG], key));
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
