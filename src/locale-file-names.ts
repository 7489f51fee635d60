/**
 * The locale files the bot reads, by their path under locales/<lang>/ without `.json`: what
 * `npm run build:data` packs into src/generated/locale-<lang>.ts, in this order (a language
 * without one of them simply has no entry for it), and what src/locale-files.ts gives back.
 * Imports nothing, so the generator runs even when the generated modules are missing.
 */
export const LOCALE_FILE_NAMES = [
  'translation',
  'offices',
  'news',
  'services',
  'richmenu',
  'claims',
  'notify',
  'knowledge/common',
  'knowledge/contributions',
  'knowledge/medical',
  'knowledge/benefits',
  'knowledge/old-age-unemployment',
  'knowledge/services',
  'entities',
  'places',
  'romanised',
  'thai-script',
] as const;

export type LocaleFileName = (typeof LOCALE_FILE_NAMES)[number];
