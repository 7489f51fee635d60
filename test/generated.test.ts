/**
 * The generated modules (src/generated/) are what `npm run build:data` writes from locales/
 * (scripts/data-modules.ts): this fails while one is stale — run `npm run build:data` after
 * editing a locale file.
 */
import { describe, expect, it } from 'vitest';
import {
  GENERATED_LANGS,
  intentModule,
  localeModules,
  staleModules,
  strayModules,
  unlistedLocaleFiles,
} from '../scripts/data-modules.ts';
import { LANGUAGES } from '../src/i18n.ts';

describe('src/generated/', () => {
  const locales = localeModules();

  it('has a locale module for every language', () => {
    expect(GENERATED_LANGS).toEqual(LANGUAGES);
  });

  it('packs every locale file the bot reads (a new file is listed in locale-file-names.ts)', () => {
    expect(unlistedLocaleFiles()).toEqual([]);
  });

  it('is up to date with locales/ (else run npm run build:data)', async () => {
    const stale = staleModules(locales);
    expect(stale, `stale: ${stale.join(', ')}: run npm run build:data`).toEqual([]);
    // compiled with the locale modules on disk, which are now known to be up to date
    const intents = await intentModule();
    const staleModel = staleModules(intents);
    expect(staleModel, `stale: ${staleModel.join(', ')}: run npm run build:data`).toEqual([]);
    expect(strayModules(new Map([...locales, ...intents]))).toEqual([]);
  });
});
