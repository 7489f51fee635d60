/**
 * Feature extraction for the classifier. Expects text that already went through `normalise()`.
 *
 * Features are strings with a one-letter kind prefix:
 *  - `w:<word>`    word tokens: for th/lo/km/my, words cut against a dictionary of the training
 *                  examples' words (segment.ts: Intl.Segmenter is used once, at start-up, to
 *                  build it); runs of letters/digits for Latin-script text (`en`);
 *  - `b:<w1>_<w2>` adjacent word pairs;
 *  - `g:<chars>`   character n-grams, so matching does not depend on word segmentation: for
 *                  Thai-family scripts 2..3-grams over the text with spaces and punctuation
 *                  removed, for Latin text 3..5-grams inside each word padded as `<word>`.
 * Long digit runs (IDs, phone numbers: 5+ digits, dashes/spaces allowed) become NUMBER_TOKEN, so no raw
 * ID ever reaches a feature. Only the first MAX_FEATURE_CHARS characters are used.
 *
 * `tokenise()` returns the feature strings (readable, for tests and debugging). The classifier
 * uses `hashFeatures()`, which produces the same features as 30-bit integer hashes without
 * building any string (FNV-1a over UTF-16 code units, seeded by kind): `featureHash(f)` of every
 * string `tokenise()` returns is exactly what `hashFeatures()` emits for it.
 *
 * The segmentation depends on the dictionary, so a model is trained and queried with the one
 * built from its own training files (`trainingWords`, compiled.ts); the functions here default
 * to the dictionary of the bundled training files.
 */
import { bundledTraining, type CompiledTraining } from './compiled.ts';
import type { Lang } from './lang.ts';
import type { TrainingFile } from './model.ts';
import { normalise } from './normalise.ts';
import {
  dictionaryOf,
  icuWords,
  isWordCharAt,
  newRanges,
  segmentRanges,
  type WordDictionary,
} from './segment.ts';

export type { WordDictionary } from './segment.ts';

export const MAX_FEATURE_CHARS = 300;

const LONG_NUMBER = /\d(?:[\s-]?\d){4,}/g;
/**
 * What long numbers become: Thai digits never survive normalise(), so this token cannot clash
 * with anything the user typed, and the segmenter treats it as a word.
 */
export const NUMBER_TOKEN = '๐๐';
const LATIN_WORD = /[\p{L}\p{M}\p{N}]+/gu;
const NON_GRAM = /[^\p{L}\p{M}\p{N}]+/gu;

/** Tokens that carry no intent signal (politeness, fillers). */
const STOP_WORDS = [
  'ครับ',
  'ค่ะ',
  'คะ',
  'คับ',
  'ค้าบ',
  'จ้า',
  'จ้ะ',
  'ฮะ',
  'นะ',
  'น้า',
  'อ่ะ',
  'อะ',
  'หน่อย',
  'the',
  'a',
  'an',
  'please',
  'pls',
  'plz',
] as const;
const STOP: ReadonlySet<string> = new Set(STOP_WORDS);
/** STOP_WORDS by length, to test a range of the text without slicing it. */
const STOP_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const by: string[][] = [];
  for (const w of STOP_WORDS) {
    const list = by[w.length] ?? [];
    list.push(w);
    by[w.length] = list;
  }
  return by;
})();

function isStop(text: string, start: number, end: number): boolean {
  const list = STOP_BY_LENGTH[end - start];
  if (!list) return false;
  for (const w of list) if (text.startsWith(w, start)) return true;
  return false;
}

export const GRAM_MIN_THAI = 2;
export const GRAM_MAX_THAI = 3;
export const GRAM_MIN_LATIN = 3;
export const GRAM_MAX_LATIN = 5;

function prepare(text: string): string {
  const t = text.length > MAX_FEATURE_CHARS ? text.slice(0, MAX_FEATURE_CHARS) : text;
  return t.includes('-') || /\d{5}/.test(t) || /\d\s\d/.test(t)
    ? t.replace(LONG_NUMBER, ` ${NUMBER_TOKEN} `)
    : t;
}

// ---------------------------------------------------------------- the segmentation dictionary

/**
 * The dictionary words of a set of training files: the words Intl.Segmenter finds in the
 * Thai-family examples and keywords (normalised as the classifier sees them), plus the stop
 * words so they are cut out whole (~0.1 s for the bundled files: the bundled model has them
 * compiled, see compiled.ts).
 */
export function trainingWords(
  files: Readonly<Partial<Record<Lang, TrainingFile | undefined>>>,
): Set<string> {
  const words = new Set<string>(STOP_WORDS);
  for (const [lang, file] of Object.entries(files) as [Lang, TrainingFile | undefined][]) {
    if (lang === 'en' || !file?.intents) continue;
    const texts: string[] = [];
    for (const entry of Object.values(file.intents)) {
      for (const e of entry?.examples ?? []) texts.push(prepare(normalise(e)));
      for (const k of Object.keys(entry?.keywords ?? {})) texts.push(prepare(normalise(k)));
    }
    for (const w of icuWords(texts, lang)) words.add(w);
  }
  return words;
}

const dictionaries = new WeakMap<CompiledTraining, WordDictionary>();

/** The dictionary of compiled training data (built once per training object). */
export function compiledDictionary(t: CompiledTraining): WordDictionary {
  let d = dictionaries.get(t);
  if (!d) {
    d = dictionaryOf(t.words);
    dictionaries.set(t, d);
  }
  return d;
}

/** The dictionary of the bundled training data (what classify() uses). */
export function defaultDictionary(): WordDictionary {
  return compiledDictionary(bundledTraining());
}

// ---------------------------------------------------------------- readable features

const RANGES = newRanges();

/** Word tokens of normalised text (particles and fillers dropped). */
export function words(text: string, lang: Lang, dict = defaultDictionary()): string[] {
  const t = prepare(text);
  const out: string[] = [];
  if (lang === 'en') {
    for (const m of t.matchAll(LATIN_WORD)) {
      const w = m[0];
      if (!STOP.has(w)) out.push(w);
    }
    return out;
  }
  const r = segmentRanges(dict, t, RANGES);
  for (let k = 0; k < r.n; k++) {
    const s = r.start[k]!;
    const e = r.end[k]!;
    if (!isStop(t, s, e)) out.push(t.slice(s, e));
  }
  return out;
}

function gramSource(text: string, lang: Lang, ws: readonly string[]): string[] {
  if (lang === 'en') return ws.filter((w) => w.length >= 2).map((w) => `<${w}>`);
  return [prepare(text).replace(NON_GRAM, '')];
}

function gramRange(lang: Lang): readonly [number, number] {
  return lang === 'en' ? [GRAM_MIN_LATIN, GRAM_MAX_LATIN] : [GRAM_MIN_THAI, GRAM_MAX_THAI];
}

/** Classifier features of normalised text, as readable strings (see the module comment). */
export function tokenise(text: string, lang: Lang, dict = defaultDictionary()): string[] {
  const ws = words(text, lang, dict);
  const out: string[] = [];
  let prev = '';
  for (const w of ws) {
    out.push(`w:${w}`);
    if (prev) out.push(`b:${prev}_${w}`);
    prev = w;
  }
  const [min, max] = gramRange(lang);
  for (const s of gramSource(text, lang, ws)) {
    for (let i = 0; i < s.length; i++) {
      for (let len = min; len <= max && i + len <= s.length; len++)
        out.push(`g:${s.slice(i, i + len)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- hashed features

export const KIND_WORD = 0;
export const KIND_PAIR = 1;
export const KIND_GRAM = 2;

const FNV_PRIME = 16777619;
const SEED_WORD = 0x811c9dc5;
const SEED_PAIR = 0x1b873593;
const SEED_GRAM = 0x5bd1e995;
const SEED: readonly number[] = [SEED_WORD, SEED_PAIR, SEED_GRAM];
const UNDERSCORE = 0x5f;
const LT = 0x3c;
const GT = 0x3e;
const HASH_MASK = 0x3fffffff;

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function mixRange(h: number, s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash `hashFeatures()` uses for a feature string from `tokenise()`. */
export function featureHash(feature: string): number {
  const kind = feature[0] === 'w' ? KIND_WORD : feature[0] === 'b' ? KIND_PAIR : KIND_GRAM;
  return mixString(SEED[kind]!, feature.slice(2)) & HASH_MASK;
}

/** Reusable output buffer for `hashFeatures()`. */
export interface FeatureBuffer {
  hash: Int32Array;
  kind: Uint8Array;
  n: number;
}

export function newFeatureBuffer(capacity = 4096): FeatureBuffer {
  return { hash: new Int32Array(capacity), kind: new Uint8Array(capacity), n: 0 };
}

function push(buf: FeatureBuffer, h: number, kind: number): void {
  if (buf.n === buf.hash.length) return; // bounded by MAX_FEATURE_CHARS; never reached in practice
  buf.hash[buf.n] = h & HASH_MASK;
  buf.kind[buf.n] = kind;
  buf.n++;
}

/** Scratch: the characters n-grams are taken from (at most MAX_FEATURE_CHARS + padding). */
let GRAMS = new Uint16Array(1024);

/** Pushes the `min`..`max`-grams of GRAMS[0, n). */
function pushGrams(buf: FeatureBuffer, n: number, min: number, max: number): void {
  const g = GRAMS;
  for (let i = 0; i < n; i++) {
    let h = SEED_GRAM;
    const end = Math.min(n, i + max);
    for (let j = i; j < end; j++) {
      h = Math.imul(h ^ g[j]!, FNV_PRIME);
      if (j - i + 1 >= min) push(buf, h, KIND_GRAM);
    }
  }
}

/** Word and pair features of the word [s, e), after the word [ps, pe) (ps < 0: none). */
function pushWord(buf: FeatureBuffer, t: string, s: number, e: number, ps: number, pe: number) {
  push(buf, mixRange(SEED_WORD, t, s, e), KIND_WORD);
  if (ps >= 0) {
    const h = Math.imul(mixRange(SEED_PAIR, t, ps, pe) ^ UNDERSCORE, FNV_PRIME);
    push(buf, mixRange(h, t, s, e), KIND_PAIR);
  }
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** Latin text: words are runs of letters, marks and digits; n-grams inside each `<word>`. */
function hashLatin(t: string, buf: FeatureBuffer): void {
  const n = t.length;
  if (GRAMS.length < n + 2) GRAMS = new Uint16Array(2 * n + 2);
  let ps = -1;
  let pe = -1;
  let i = 0;
  while (i < n) {
    if (!isWordCharAt(t, i)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isWordCharAt(t, j)) j += isHighSurrogate(t.charCodeAt(j)) ? 2 : 1;
    if (!isStop(t, i, j)) {
      pushWord(buf, t, i, j, ps, pe);
      ps = i;
      pe = j;
    }
    i = j;
  }
  // n-grams after the words, as tokenise() lists them
  for (let k = 0; k < n; ) {
    if (!isWordCharAt(t, k)) {
      k++;
      continue;
    }
    let j = k;
    while (j < n && isWordCharAt(t, j)) j += isHighSurrogate(t.charCodeAt(j)) ? 2 : 1;
    if (j - k >= 2 && !isStop(t, k, j)) {
      let m = 0;
      GRAMS[m++] = LT;
      for (let p = k; p < j; p++) GRAMS[m++] = t.charCodeAt(p);
      GRAMS[m++] = GT;
      pushGrams(buf, m, GRAM_MIN_LATIN, GRAM_MAX_LATIN);
    }
    k = j;
  }
}

/** Same features as `tokenise()`, hashed, written into `buf` (which is reset first). */
export function hashFeatures(
  text: string,
  lang: Lang,
  buf: FeatureBuffer,
  dict = defaultDictionary(),
): FeatureBuffer {
  buf.n = 0;
  const t = prepare(text);
  if (lang === 'en') {
    hashLatin(t, buf);
    return buf;
  }
  const r = segmentRanges(dict, t, RANGES);
  let ps = -1;
  let pe = -1;
  for (let k = 0; k < r.n; k++) {
    const s = r.start[k]!;
    const e = r.end[k]!;
    if (isStop(t, s, e)) continue;
    pushWord(buf, t, s, e, ps, pe);
    ps = s;
    pe = e;
  }
  const n = t.length;
  if (GRAMS.length < n) GRAMS = new Uint16Array(2 * n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (isHighSurrogate(c) && i + 1 < n) {
      // a letter outside the BMP keeps both halves, anything else (emoji) neither
      if (isWordCharAt(t, i)) {
        GRAMS[m++] = c;
        GRAMS[m++] = t.charCodeAt(i + 1);
      }
      i++;
    } else if (isWordCharAt(t, i)) GRAMS[m++] = c;
  }
  pushGrams(buf, m, GRAM_MIN_THAI, GRAM_MAX_THAI);
  return buf;
}
