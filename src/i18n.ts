/**
 * i18next with every locale bundled (no fs at run time, so the Worker gets the same strings).
 * Thai is the default and the fallback. A language is "spoken" once its translation file exists.
 */
import i18next, { type TFunction } from 'i18next';
import enNews from '../locales/en/news.json' with { type: 'json' };
import enOffices from '../locales/en/offices.json' with { type: 'json' };
import enRichmenu from '../locales/en/richmenu.json' with { type: 'json' };
import enServices from '../locales/en/services.json' with { type: 'json' };
import en from '../locales/en/translation.json' with { type: 'json' };
import kmNews from '../locales/km/news.json' with { type: 'json' };
import kmOffices from '../locales/km/offices.json' with { type: 'json' };
import kmRichmenu from '../locales/km/richmenu.json' with { type: 'json' };
import kmServices from '../locales/km/services.json' with { type: 'json' };
import km from '../locales/km/translation.json' with { type: 'json' };
import loNews from '../locales/lo/news.json' with { type: 'json' };
import loOffices from '../locales/lo/offices.json' with { type: 'json' };
import loRichmenu from '../locales/lo/richmenu.json' with { type: 'json' };
import loServices from '../locales/lo/services.json' with { type: 'json' };
import lo from '../locales/lo/translation.json' with { type: 'json' };
import myNews from '../locales/my/news.json' with { type: 'json' };
import myOffices from '../locales/my/offices.json' with { type: 'json' };
import myRichmenu from '../locales/my/richmenu.json' with { type: 'json' };
import myServices from '../locales/my/services.json' with { type: 'json' };
import my from '../locales/my/translation.json' with { type: 'json' };
import thNews from '../locales/th/news.json' with { type: 'json' };
import thOffices from '../locales/th/offices.json' with { type: 'json' };
import thRichmenu from '../locales/th/richmenu.json' with { type: 'json' };
import thServices from '../locales/th/services.json' with { type: 'json' };
import th from '../locales/th/translation.json' with { type: 'json' };

export const LANGUAGES = ['th', 'en', 'my', 'km', 'lo'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'th';

// One namespace per language; each capability keeps its strings in its own file
// (translation.json, offices.json, news.json), merged here at the top level.
const bundles: Record<Lang, Record<string, unknown>> = {
  th: { ...th, ...thOffices, ...thNews, ...thServices, ...thRichmenu },
  en: { ...en, ...enOffices, ...enNews, ...enServices, ...enRichmenu },
  my: { ...my, ...myOffices, ...myNews, ...myServices, ...myRichmenu },
  km: { ...km, ...kmOffices, ...kmNews, ...kmServices, ...kmRichmenu },
  lo: { ...lo, ...loOffices, ...loNews, ...loServices, ...loRichmenu },
};

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

export function createI18n(): I18n {
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
  for (const lang of SPOKEN) fixed.set(lang, instance.getFixedT(lang));
  const any = new Map<Lang, Translate>();
  for (const lang of LANGUAGES) any.set(lang, instance.getFixedT(lang));
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
