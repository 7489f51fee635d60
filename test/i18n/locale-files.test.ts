/**
 * The bot reads its locale files packed (src/locale-files.ts, src/generated/locale-<lang>.ts):
 * what it reads must be exactly what locales/ holds — every file, every key, every value, in
 * the same order — and the strings i18next gets must be the ones the files gave when they were
 * imported as JSON (the merge of src/i18n.ts before the packing, restated below).
 * test/generated.test.ts checks that the generated modules are up to date.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_STRINGS } from '../../src/console/strings.ts';
import { bundlesOf, createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import { KNOWLEDGE_STRINGS } from '../../src/knowledge/strings.ts';
import { LOCALE_FILE_NAMES } from '../../src/locale-file-names.ts';
import { localeFile, localeFiles } from '../../src/locale-files.ts';
import { ENTITY_TERM_FILES } from '../../src/nlu/entities.ts';

const root = new URL('../../locales/', import.meta.url);
const path = (lang: string, name: string) => new URL(`${lang}/${name}.json`, root);
const load = (lang: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path(lang, name), 'utf8')) as Record<string, unknown>;

/** The keys of `o` in order, at every depth ("a", "a.b", …), to compare orders too. */
function keyOrder(o: unknown, prefix = '', out: string[] = []): string[] {
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) {
      out.push(prefix + k);
      keyOrder(v, `${prefix + k}.`, out);
    }
  }
  return out;
}

describe('the packed locale files', () => {
  for (const lang of LANGUAGES) {
    it(`of ${lang} are locales/${lang}/*.json, key for key and in order`, () => {
      const files = localeFiles(lang);
      const names = LOCALE_FILE_NAMES.filter((name) => existsSync(path(lang, name)));
      expect(Object.keys(files)).toEqual(names);
      for (const name of names) {
        const raw = load(lang, name);
        expect(files[name], `${lang}/${name}`).toStrictEqual(raw);
        expect(keyOrder(files[name]), `${lang}/${name}`).toEqual(keyOrder(raw));
      }
    });
  }

  it('are parsed once per language (every reader shares the objects)', () => {
    expect(localeFiles('my')).toBe(localeFiles('my'));
    expect(localeFile('th', 'entities')).toBe(ENTITY_TERM_FILES.th);
    expect(KNOWLEDGE_STRINGS.km[0]).toBe(localeFile('km', 'knowledge/common'));
  });

  it('name the file that is missing', () => {
    expect(() => localeFile('en', 'places')).toThrow('no locales/en/places.json in the bundle');
  });
});

/** src/i18n.ts's merge as it was with JSON imports (before the locale files were packed). */
function bundleFromJson(lang: Lang, withConsole: boolean): Record<string, unknown> {
  const files = ['translation', 'offices', 'news', 'services', 'richmenu', 'claims', 'notify'];
  const knowledgeFiles = [
    'common',
    'contributions',
    'medical',
    'benefits',
    'old-age-unemployment',
    'services',
  ].map((f) => load(lang, `knowledge/${f}`));
  let bundle: Record<string, unknown> = {};
  for (const f of files) bundle = { ...bundle, ...load(lang, f) };
  const consoleStrings = (CONSOLE_STRINGS as Partial<Record<Lang, unknown>>)[lang];
  if (withConsole && consoleStrings) bundle = { ...bundle, console: consoleStrings };
  const knowledge: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const file of knowledgeFiles) {
    Object.assign(knowledge, (file as { knowledge?: object }).knowledge);
    Object.assign(sources, (file as { sources?: object }).sources);
  }
  return { ...bundle, knowledge, sources };
}

describe('the strings i18next gets', () => {
  it('are those the JSON files gave, key for key and in order', () => {
    // The default: the bot's strings only (the entry files that serve the console add its own).
    const bundles = bundlesOf();
    for (const lang of LANGUAGES) {
      const expected = bundleFromJson(lang, false);
      expect(bundles[lang], lang).toStrictEqual(expected);
      expect(keyOrder(bundles[lang]), lang).toEqual(keyOrder(expected));
    }
  });

  it("carry the console's strings only when asked (its own Worker, not the bot's)", () => {
    const bot = bundlesOf({});
    const withConsole = bundlesOf({ console: CONSOLE_STRINGS });
    for (const lang of LANGUAGES) {
      expect(bot[lang], lang).toStrictEqual(bundleFromJson(lang, false));
      expect(withConsole[lang], lang).toStrictEqual(bundleFromJson(lang, true));
    }
    expect(createI18n({ more: {} }).t('th')('console.nav.inbox')).toBe('console.nav.inbox');
    const inbox = (load('th', 'console/core') as { nav: { inbox: string } }).nav.inbox;
    expect(createI18n({ more: { console: CONSOLE_STRINGS } }).t('th')('console.nav.inbox')).toBe(
      inbox,
    );
  });
});
