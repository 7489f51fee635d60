/**
 * Burmese, Khmer and Lao typed in Latin letters ("a lote htwet yin ngway ya lar", "kjom jong
 * deng pi mun ti pet", "ngern som thob khoy"). Their script says English, and the English model
 * cannot understand them; the bot only needs to notice them and offer the language picker.
 *
 * Each language has a list of common romanised words and phrases in
 * locales/<lang>/romanised.json (no English words). A text is romanised <lang> when at least two
 * of its words come from that list, those words are at least 30% of the text's words, and no
 * other language's list matches as many.
 */
import { localeFile } from '../locale-files.ts';

export type RomanisedLang = 'my' | 'km' | 'lo';

const LISTS: ReadonlyArray<readonly [RomanisedLang, { words: readonly string[] }]> = (
  ['my', 'km', 'lo'] as const
).map((lang) => [lang, localeFile<{ words: readonly string[] }>(lang, 'romanised')]);

/** Longest phrase, in words. */
const MAX_PHRASE = 3;
/** Only the first this-many words are looked at. */
const MAX_WORDS = 60;
const MIN_HITS = 2;
const MIN_SHARE = 0.3;

/** Phrase ("a lote") → languages whose list has it. */
const PHRASES = new Map<string, RomanisedLang[]>();
for (const [lang, list] of LISTS) {
  for (const raw of list.words) {
    const key = raw.toLowerCase().trim().split(/\s+/).join(' ');
    if (!key || key.split(' ').length > MAX_PHRASE) continue;
    const langs = PHRASES.get(key) ?? [];
    if (!langs.includes(lang)) langs.push(lang);
    PHRASES.set(key, langs);
  }
}

const LATIN_WORD = /[a-z]+/g;

/**
 * The language of romanised Burmese, Khmer or Lao text, or undefined (English, Thai, too short,
 * not sure). Only Latin-letter words are looked at; the caller decides whether the text is
 * mostly Latin (detectReplyLang does).
 */
export function detectRomanised(text: string): RomanisedLang | undefined {
  const words = text.toLowerCase().match(LATIN_WORD);
  if (!words || words.length < MIN_HITS) return undefined;
  const n = Math.min(words.length, MAX_WORDS);
  const hits: Record<RomanisedLang, number> = { my: 0, km: 0, lo: 0 };
  for (let i = 0; i < n; ) {
    let used = 1;
    for (let len = Math.min(MAX_PHRASE, n - i); len >= 1; len--) {
      const langs = PHRASES.get(words.slice(i, i + len).join(' '));
      if (!langs) continue;
      for (const l of langs) hits[l] += len;
      used = len;
      break;
    }
    i += used;
  }
  let best: RomanisedLang | undefined;
  let second = 0;
  for (const [lang] of LISTS) {
    const h = hits[lang];
    if (!best || h > hits[best]) {
      second = best ? hits[best] : 0;
      best = lang;
    } else if (h > second) second = h;
  }
  if (!best) return undefined;
  const top = hits[best];
  if (top < MIN_HITS || top < MIN_SHARE * n || top === second) return undefined;
  return best;
}
