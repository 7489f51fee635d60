/**
 * The locale files the bot reads (locales/<lang>/*.json, the source of truth), bundled as one
 * packed module per language (src/generated/locale-<lang>.ts, written by `npm run build:data`,
 * scripts/build-data.ts): the strings (src/i18n.ts), the knowledge answers
 * (src/knowledge/strings.ts) and the NLU's term and place lists (src/nlu/).
 *
 * Why packed: the Worker's bundler writes every Thai, Burmese, Khmer or Lao letter of a JSON
 * import as a six-byte `\uXXXX` escape; packed (src/pack.ts) they cost about one byte, and the
 * Worker upload stays under Cloudflare's bar. A language's files are unpacked and parsed once,
 * on first use, to the very objects the JSON imports gave (test/i18n/locale-files.test.ts, which
 * also fails when a generated module is stale).
 *
 * Not here: intents.json (compiled into the intent model, src/nlu/compiled.ts) and console/
 * (the operator console's strings, src/console/strings.ts: the console has its own Worker).
 */
import { LOCALE_EN } from './generated/locale-en.ts';
import { LOCALE_KM } from './generated/locale-km.ts';
import { LOCALE_LO } from './generated/locale-lo.ts';
import { LOCALE_MY } from './generated/locale-my.ts';
import { LOCALE_TH } from './generated/locale-th.ts';
import type { Lang } from './i18n.ts';
import type { LocaleFileName } from './locale-file-names.ts';
import { type Packed, unpack } from './pack.ts';

/** A JSON object file (each locale file is one). */
export type LocaleFile = Record<string, unknown>;

export type LocaleFiles = Readonly<Partial<Record<LocaleFileName, LocaleFile>>>;

const PACKED: Readonly<Record<Lang, Packed>> = {
  th: LOCALE_TH,
  en: LOCALE_EN,
  my: LOCALE_MY,
  km: LOCALE_KM,
  lo: LOCALE_LO,
};

const parsed = new Map<Lang, LocaleFiles>();

/** The locale files of `lang`, unpacked and parsed on the first call. */
export function localeFiles(lang: Lang): LocaleFiles {
  let files = parsed.get(lang);
  if (!files) {
    files = JSON.parse(unpack(PACKED[lang])) as LocaleFiles;
    parsed.set(lang, files);
  }
  return files;
}

/** One locale file of `lang`, as its JSON import typed it (`typeof import('…json')`). */
export function localeFile<T = LocaleFile>(lang: Lang, name: LocaleFileName): T {
  const file = localeFiles(lang)[name];
  if (!file) throw new Error(`no locales/${lang}/${name}.json in the bundle`);
  return file as T;
}
