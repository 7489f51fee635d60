/**
 * Word segmentation for Thai, Lao, Khmer and Burmese text without Intl.Segmenter on the hot path.
 *
 * Why: Intl.Segmenter cost ~20 µs per Thai question (a third of classification), mostly ICU's
 * dictionary engine and one JS object per segment. The classifier only needs a segmentation that
 * is the same at training and at query time, and only words it has seen in training can score.
 * So at start-up the training examples are segmented once with Intl.Segmenter and their words
 * form a dictionary; queries and the training itself are then segmented against that dictionary
 * (a trie in typed arrays), with no allocation but the word strings some callers ask for.
 *
 * How a text is cut (`segmentRanges`):
 *  - characters that are not letters, marks or digits (spaces, punctuation, emoji) separate
 *    words and are dropped, like Intl.Segmenter's non-word-like segments;
 *  - a run of other letters and digits (Latin, digits, Thai digits of NUMBER_TOKEN) is one word;
 *    a comma or a dot between digits stays inside it ("25,000", "1.5");
 *  - a run of one Thai-family script is cut by maximal matching: the fewest characters left out
 *    of dictionary words, then the fewest words, longest first word on a tie. Characters no word
 *    covers are grouped into one word per gap. A cut is only allowed between orthographic
 *    syllables (never before a vowel sign or tone mark, after a leading vowel or a Khmer coeng,
 *    nor before a consonant that a following asat / thanthakhat makes silent), so a dictionary
 *    word never matches half a syllable ("ที" in "ที่").
 */
import { isMyanmarKhmerSign } from './marks.ts';
import {
  type CompactTrie,
  compactStart,
  compactStep,
  compileTrie,
  newTrie,
  trieAdd,
} from './trie.ts';

/** Character classes: not part of a word; other letters and digits; one class per script. */
const C_SEP = 0;
const C_OTHER = 1;
const C_THAI = 2;
const C_LAO = 3;
const C_KHMER = 4;
const C_MYANMAR = 5;
const C_UNSET = 255;

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const DIGIT_CHAR = /\p{N}/u;

/** Class of each UTF-16 unit, filled lazily (one regex test per distinct character). */
const CLASS = new Uint8Array(65536).fill(C_UNSET);

function scriptOf(c: number): number {
  if (c >= 0x0e00 && c <= 0x0e7f) return C_THAI;
  if (c >= 0x0e80 && c <= 0x0eff) return C_LAO;
  if (c >= 0x1780 && c <= 0x17ff) return C_KHMER;
  if ((c >= 0x1000 && c <= 0x109f) || (c >= 0xa9e0 && c <= 0xa9ff) || (c >= 0xaa60 && c <= 0xaa7f))
    return C_MYANMAR;
  return C_OTHER;
}

function computeClass(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return C_SEP; // surrogates: see charClassAt
  const ch = String.fromCharCode(c);
  if (!WORD_CHAR.test(ch)) return C_SEP;
  // native digits are digits whatever the script (NUMBER_TOKEN is Thai digits)
  if (DIGIT_CHAR.test(ch)) return C_OTHER;
  return scriptOf(c);
}

function classOf(c: number): number {
  let k = CLASS[c]!;
  if (k === C_UNSET) {
    k = computeClass(c);
    CLASS[c] = k;
  }
  return k;
}

/** Whether the character (code point) at `i` is a letter, mark or digit: what n-grams keep. */
export function isWordCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff) return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i)!));
  return classOf(c) !== C_SEP;
}

/** Class at `i`; a letter or digit outside the BMP is C_OTHER (both halves). */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return classOf(c);
  const hi = c <= 0xdbff ? i : i - 1;
  const cp = text.codePointAt(hi)!;
  return cp > 0xffff && WORD_CHAR.test(String.fromCodePoint(cp)) ? C_OTHER : C_SEP;
}

const isAsciiDigit = (c: number) => c >= 48 && c <= 57;

// ---------------------------------------------------------------- syllable edges

/** Vowel signs, tone marks and other characters that never begin a syllable. */
function nonStarter(c: number): boolean {
  if (c >= 0x0e30 && c <= 0x0e3a) return true; // ะ ั า ำ ิ ี ึ ื ุ ู ฺ
  if (c >= 0x0e45 && c <= 0x0e4e) return true; // ๅ ๆ ็ ่ ้ ๊ ๋ ์ ํ ๎
  if (c >= 0x0eb0 && c <= 0x0ebc) return true;
  if (c >= 0x0ec6 && c <= 0x0ece) return true;
  return isMyanmarKhmerSign(c);
}

/** Characters that bind to the next one: Thai/Lao leading vowels, Khmer coeng, Myanmar virama. */
function binderBefore(c: number): boolean {
  return (
    (c >= 0x0e40 && c <= 0x0e44) || (c >= 0x0ec0 && c <= 0x0ec4) || c === 0x17d2 || c === 0x1039
  );
}

/** Marks that silence the consonant before them (it closes the previous syllable). */
function silencer(c: number): boolean {
  return c === 0x0e4c || c === 0x0ecc || c === 0x103a || c === 0x1039;
}

/** Whether a word may start at `p` of the run [start, end) (start and end always may). */
function cutAllowed(text: string, p: number, start: number, end: number): boolean {
  if (p === start || p === end) return true;
  if (nonStarter(text.charCodeAt(p)) || binderBefore(text.charCodeAt(p - 1))) return false;
  if (p + 1 < end) {
    const n1 = text.charCodeAt(p + 1);
    if (silencer(n1)) return false;
    // a vowel sign between the consonant and its thanthakhat: ดิ์ in ศักดิ์
    if (p + 2 < end && nonStarter(n1) && silencer(text.charCodeAt(p + 2))) return false;
  }
  return true;
}

// ---------------------------------------------------------------- the dictionary

/** The dictionary: its words in a trie frozen into typed arrays. */
export interface WordDictionary {
  /** Number of words (tests, reports). */
  readonly size: number;
  readonly trie: CompactTrie;
}

/** Builds the dictionary of `words`. */
export function dictionaryOf(words: Iterable<string>): WordDictionary {
  const root = newTrie();
  const unique = new Set(words);
  for (const w of unique) if (w) trieAdd(root, w, 0);
  return { size: unique.size, trie: compileTrie(root) };
}

/**
 * The words of a Thai-family script that `Intl.Segmenter` finds in `texts` (already normalised),
 * the dictionary words of `segmentRanges`. Single characters are left out: a gap is cut into
 * characters anyway, and one-letter "words" would let any unknown word be chopped into letters.
 */
export function icuWords(texts: Iterable<string>, locale: string): Set<string> {
  const seg = new Intl.Segmenter(locale, { granularity: 'word' });
  const out = new Set<string>();
  for (const text of texts) {
    for (const s of seg.segment(text)) {
      if (!s.isWordLike) continue;
      // split a segment at class changes ("ครบ180เดือน" → ครบ, เดือน), as segmentRanges does
      const w = s.segment;
      let from = 0;
      for (let i = 1; i <= w.length; i++) {
        if (i < w.length && classAt(w, i) === classAt(w, from)) continue;
        const k = classAt(w, from);
        if (k >= C_THAI && i - from > 1) out.add(w.slice(from, i));
        from = i;
      }
    }
  }
  return out;
}

/** Whether the characters at `i` and `i + 1` are letters of one Thai-family script. */
function sameScriptPair(text: string, i: number): boolean {
  const k = classAt(text, i);
  return k >= C_THAI && classAt(text, i + 1) === k;
}

/**
 * `text` with `mark` inserted wherever Intl.Segmenter cuts between two letters of one
 * Thai-family script: the cuts that nothing else in the text shows, so that `markedWords` can
 * find icuWords' words again without Intl.Segmenter (compiled.ts ships the training examples so).
 */
export function markIcuCuts(text: string, locale: string, mark: string): string {
  const seg = new Intl.Segmenter(locale, { granularity: 'word' });
  let out = '';
  for (const s of seg.segment(text)) {
    if (s.index > 0 && sameScriptPair(text, s.index - 1)) out += mark;
    out += s.segment;
  }
  return out;
}

/**
 * Adds to `out` the words of a text marked by markIcuCuts: the runs of one Thai-family script
 * between marks, other characters and changes of script, single characters left out (as in
 * icuWords, which they match but for what the compiled data lists apart).
 */
export function markedWords(text: string, mark: number, out: Set<string>): void {
  let from = 0;
  let k = C_SEP;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    const ki = c === mark || c < 0 ? C_SEP : classAt(text, i);
    if (ki === k && ki >= C_THAI) continue;
    if (k >= C_THAI && i - from > 1) out.add(text.slice(from, i));
    from = c === mark ? i + 1 : i;
    k = c === mark ? C_SEP : ki;
  }
}

// ---------------------------------------------------------------- segmentation

/** Word ranges found by `segmentRanges`: [start[i], end[i]) for i < n. */
export interface Ranges {
  start: Int32Array;
  end: Int32Array;
  n: number;
}

export function newRanges(capacity = 512): Ranges {
  return { start: new Int32Array(capacity), end: new Int32Array(capacity), n: 0 };
}

function pushRange(r: Ranges, s: number, e: number): void {
  if (r.n === r.start.length) {
    const start = new Int32Array(r.n * 2);
    const end = new Int32Array(r.n * 2);
    start.set(r.start);
    end.set(r.end);
    r.start = start;
    r.end = end;
  }
  r.start[r.n] = s;
  r.end[r.n] = e;
  r.n++;
}

// Scratch for one script run (grown on demand). cost[2p + u]: best cost of cutting [p, end)
// when the word just before p is a gap (u = 1) or not (u = 0); cost = gap chars · 1024 + words.
let costs = new Float64Array(1024);
let choice = new Int32Array(1024);
let cuts = new Uint8Array(512);
let ends = new Int32Array(64);
const GAP_WEIGHT = 1024;

function ensureScratch(len: number): void {
  if (cuts.length > len) return;
  let n = cuts.length;
  while (n <= len) n *= 2;
  costs = new Float64Array(2 * n + 2);
  choice = new Int32Array(2 * n + 2);
  cuts = new Uint8Array(n + 1);
}

/** Cuts the script run [start, end) of `text` into dictionary words and gaps. */
function segmentRun(d: WordDictionary, text: string, start: number, end: number, out: Ranges) {
  const len = end - start;
  ensureScratch(len);
  for (let p = 0; p <= len; p++) cuts[p] = cutAllowed(text, start + p, start, end) ? 1 : 0;
  // choice[2p + u] > 0: a dictionary word ending at start + choice; < 0: a gap up to -choice
  costs[2 * len] = 0;
  costs[2 * len + 1] = 0;
  for (let p = len - 1; p >= 0; p--) {
    if (!cuts[p]) continue;
    // dictionary words starting at p, shortest first
    let nEnds = 0;
    const t = d.trie;
    let node = compactStart(t, text.charCodeAt(start + p));
    for (let q = p; node >= 0; ) {
      if (t.idCount[node]! > 0 && cuts[q + 1]) {
        if (nEnds === ends.length) {
          const bigger = new Int32Array(nEnds * 2);
          bigger.set(ends);
          ends = bigger;
        }
        ends[nEnds++] = q + 1;
      }
      if (++q >= len) break;
      node = compactStep(t, node, text.charCodeAt(start + q));
    }
    let gapEnd = p + 1;
    while (!cuts[gapEnd]) gapEnd++;
    for (let u = 0; u < 2; u++) {
      // a gap: its characters count, and it is a new word unless it extends the gap before it
      let best = (gapEnd - p) * GAP_WEIGHT + (u ? 0 : 1) + costs[2 * gapEnd + 1]!;
      let pick = -gapEnd;
      for (let k = nEnds - 1; k >= 0; k--) {
        const q = ends[k]!;
        const c = 1 + costs[2 * q]!;
        if (c < best) {
          best = c;
          pick = q;
        }
      }
      costs[2 * p + u] = best;
      choice[2 * p + u] = pick;
    }
  }
  let p = 0;
  let u = 0;
  let gapStart = -1;
  while (p < len) {
    const pick = choice[2 * p + u]!;
    if (pick > 0) {
      if (gapStart >= 0) pushRange(out, start + gapStart, start + p);
      gapStart = -1;
      pushRange(out, start + p, start + pick);
      p = pick;
      u = 0;
    } else {
      if (gapStart < 0) gapStart = p;
      p = -pick;
      u = 1;
    }
  }
  if (gapStart >= 0) pushRange(out, start + gapStart, start + len);
}

/** Word ranges of `text` (see the module comment), written into `out` (reset first). */
export function segmentRanges(d: WordDictionary, text: string, out: Ranges): Ranges {
  out.n = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const k = classAt(text, i);
    if (k === C_SEP) {
      i++;
      continue;
    }
    let j = i + 1;
    if (k === C_OTHER) {
      for (;;) {
        if (j < n && classAt(text, j) === C_OTHER) j++;
        else if (
          j + 1 < n &&
          isAsciiDigit(text.charCodeAt(j - 1)) &&
          (text.charCodeAt(j) === 44 || text.charCodeAt(j) === 46) &&
          isAsciiDigit(text.charCodeAt(j + 1))
        )
          j += 2;
        else break;
      }
      pushRange(out, i, j);
    } else {
      while (j < n && classAt(text, j) === k) j++;
      segmentRun(d, text, i, j, out);
    }
    i = j;
  }
  return out;
}
