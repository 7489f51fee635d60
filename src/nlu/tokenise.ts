/**
 * Feature extraction for the classifier. Expects text that already went through `normalise()`.
 *
 * Features are strings with a one-letter kind prefix:
 *  - `w:<word>`    word tokens: `Intl.Segmenter` words (isWordLike) for th/lo/km/my, runs of
 *                  letters/digits for Latin-script text (`en`);
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
 */
import type { Lang } from './lang.ts';

export const MAX_FEATURE_CHARS = 300;

const SEGMENTERS = new Map<string, Intl.Segmenter>();
function segmenter(lang: Lang): Intl.Segmenter {
  let s = SEGMENTERS.get(lang);
  if (!s) {
    s = new Intl.Segmenter(lang, { granularity: 'word' });
    SEGMENTERS.set(lang, s);
  }
  return s;
}

const LONG_NUMBER = /\d(?:[\s-]?\d){4,}/g;
/**
 * What long numbers become: Thai digits never survive normalise(), so this token cannot clash
 * with anything the user typed, and Intl.Segmenter treats it as a word.
 */
export const NUMBER_TOKEN = '๐๐';
const LATIN_WORD = /[\p{L}\p{M}\p{N}]+/gu;
const NON_GRAM = /[^\p{L}\p{M}\p{N}]+/gu;

/** Tokens that carry no intent signal (politeness, fillers). */
const STOP = new Set([
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
]);

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

/** Word tokens of normalised text (particles and fillers dropped). */
export function words(text: string, lang: Lang): string[] {
  const t = prepare(text);
  const out: string[] = [];
  if (lang === 'en') {
    for (const m of t.matchAll(LATIN_WORD)) {
      const w = m[0];
      if (!STOP.has(w)) out.push(w);
    }
    return out;
  }
  for (const seg of segmenter(lang).segment(t)) {
    if (seg.isWordLike && !STOP.has(seg.segment)) out.push(seg.segment);
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
export function tokenise(text: string, lang: Lang): string[] {
  const ws = words(text, lang);
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
const SEED: readonly number[] = [0x811c9dc5, 0x1b873593, 0x5bd1e995];
const UNDERSCORE = 0x5f;
const HASH_MASK = 0x3fffffff;

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
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

/** Same features as `tokenise()`, hashed, written into `buf` (which is reset first). */
export function hashFeatures(text: string, lang: Lang, buf: FeatureBuffer): FeatureBuffer {
  buf.n = 0;
  const ws = words(text, lang);
  let prev = '';
  for (const w of ws) {
    push(buf, mixString(SEED[KIND_WORD]!, w), KIND_WORD);
    if (prev) {
      let h = mixString(SEED[KIND_PAIR]!, prev);
      h = Math.imul(h ^ UNDERSCORE, FNV_PRIME);
      push(buf, mixString(h, w), KIND_PAIR);
    }
    prev = w;
  }
  const [min, max] = gramRange(lang);
  const seed = SEED[KIND_GRAM]!;
  for (const s of gramSource(text, lang, ws)) {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let h = seed;
      const end = Math.min(n, i + max);
      for (let j = i; j < end; j++) {
        h = Math.imul(h ^ s.charCodeAt(j), FNV_PRIME);
        if (j - i + 1 >= min) push(buf, h, KIND_GRAM);
      }
    }
  }
  return buf;
}
