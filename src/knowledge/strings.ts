/**
 * The knowledge base's strings (locales/<lang>/knowledge/*.json), bundled packed with the other
 * locale files (src/locale-files.ts) so the Worker has them too. Each file holds
 * `knowledge.<topic>` and `sources.<id>` entries; src/i18n.ts merges them into the language's
 * bundle, in this order.
 */
import type { Lang } from '../i18n.ts';
import type { LocaleFileName } from '../locale-file-names.ts';
import { type LocaleFile, localeFile } from '../locale-files.ts';

const FILES: readonly LocaleFileName[] = [
  'knowledge/common',
  'knowledge/contributions',
  'knowledge/medical',
  'knowledge/benefits',
  'knowledge/old-age-unemployment',
  'knowledge/services',
];

const files = (lang: Lang): readonly LocaleFile[] => FILES.map((name) => localeFile(lang, name));

export const KNOWLEDGE_STRINGS: Readonly<Record<Lang, readonly Record<string, unknown>[]>> = {
  th: files('th'),
  en: files('en'),
  my: files('my'),
  km: files('km'),
  lo: files('lo'),
};
