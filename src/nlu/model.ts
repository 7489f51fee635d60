/**
 * Intent model: one multinomial naive Bayes per language over word, word-pair and character
 * n-gram features (see tokenise.ts), plus keyword bonuses from the training files.
 *
 * Why naive Bayes: it trains in a single counting pass at start-up (no ML runtime; ~0.1–0.2 s
 * for all five languages), it is deterministic, it copes well with few examples per class and
 * with sparse, overlapping n-gram features, and scoring is one hash lookup plus a multiply-add
 * per class per feature (a few microseconds per utterance). In 5-fold
 * cross-validation on the training files it did as well as the variants tried (idf on/off,
 * different n-gram ranges and smoothing), and it generalises to unseen phrasings mainly through
 * the character n-grams and the normalisation.
 *
 * Scoring: for each known feature f (weight k_f by kind, times its idf) we add k_f·L[f,c] where
 * L[f,c] = log P(f|c) − mean_c' log P(f|c') (Lidstone-smoothed, centred so that features common to
 * every class count for nothing). The sum is divided by Σk_f (an average, so long and short texts
 * are on one scale). Then: `unknown` gets a bonus proportional to the share of unseen features
 * (out-of-scope text is mostly unseen), keyword bonuses from the training files are added (one
 * trie scan), and a softmax with a fixed temperature turns the scores into confidences. The
 * temperature, the bonuses and the `unknown` threshold were tuned by cross-validation on the
 * training files (DEFAULT_OPTIONS).
 *
 * The model is counted from the compiled training data (compiled.ts: the normalised examples
 * and keywords and the segmentation dictionary), not shipped as weights: its ~44 K features,
 * each a 30-bit hash and 16 class weights, would take several times the room of the examples
 * they are counted from.
 */

import type { CompiledLang, CompiledTraining } from './compiled.ts';
import { type IntTable, newIntTable, tableGet, tableSet } from './hashtable.ts';
import { INTENTS, type Intent, isIntent } from './intents.ts';
import type { Lang } from './lang.ts';
import {
  compiledDictionary,
  hashFeatures,
  KIND_GRAM,
  KIND_PAIR,
  KIND_WORD,
  MAX_FEATURE_CHARS,
  newFeatureBuffer,
  type WordDictionary,
} from './tokenise.ts';
import {
  type CompactTrie,
  compactStart,
  compactStep,
  compileTrie,
  newTrie,
  trieAdd,
} from './trie.ts';

export interface IntentTraining {
  examples?: readonly string[];
  keywords?: Readonly<Record<string, number>>;
}

export interface TrainingFile {
  intents: Readonly<Record<string, IntentTraining | undefined>>;
}

export interface ModelOptions {
  /** Lidstone smoothing. */
  alpha: number;
  /** Feature weight by kind prefix. */
  wordWeight: number;
  pairWeight: number;
  gramWeight: number;
  /** Softmax temperature multiplier applied to the averaged score. */
  scale: number;
  /** Multiplier for keyword weights from the training files. */
  keywordScale: number;
  /** Use idf weighting of query features. */
  idf: boolean;
  /** Lidstone smoothing for the `unknown` class (flatter = acts as a background model). */
  unknownAlpha: number;
  /** Score = Σ k·L / (Σ k)^lengthPower: 1 = plain average, lower trusts longer texts more. */
  lengthPower: number;
  /** Added to the `unknown` score times the share of unseen features. */
  oovBoost: number;
  /** Confidence below which the answer becomes `unknown`. */
  threshold: number;
  /** Texts with a smaller share (by weight) of features seen in training are `unknown`. */
  minKnown: number;
}

export const DEFAULT_OPTIONS: ModelOptions = {
  alpha: 0.1,
  wordWeight: 1,
  pairWeight: 1,
  gramWeight: 0.45,
  scale: 4,
  keywordScale: 0.25,
  idf: true,
  unknownAlpha: 0.1,
  lengthPower: 1,
  oovBoost: 1.2,
  threshold: 0.3,
  minKnown: 0.2,
};

const C = INTENTS.length;
const UNKNOWN = INTENTS.indexOf('unknown');
/** Floats per feature row: C log-likelihoods + idf. */
const ROW = C + 1;

interface Keyword {
  text: string;
  intent: number;
  weight: number;
}

export interface LangModel {
  lang: Lang;
  examples: number;
  /** feature hash → row */
  vocab: IntTable;
  /**
   * V rows of ROW floats: the C centred log-likelihoods of the feature, then its idf (one row per
   * feature, so scoring a feature reads one contiguous block).
   */
  rows: Float32Array;
  prior: Float64Array;
  keywords: Keyword[];
  keywordTrie: CompactTrie;
  /** Scratch: per keyword, the scan stamp of the last query that matched it. */
  keywordSeen: Float64Array;
  scanStamp: number;
  /** feature weight by kind (word, pair, gram) */
  kindWeight: Float64Array;
  /** The word segmentation dictionary the model was trained with (queries must use it too). */
  dict: WordDictionary;
}

export interface Model {
  options: ModelOptions;
  langs: Map<Lang, LangModel>;
}

const BUF = newFeatureBuffer();
/** Scratch score accumulator (classification is synchronous, so one is enough). */
const ACC = new Float64Array(INTENTS.length);
/** Scratch for scoreText: the row offset and weight of each known feature of the query. */
const BASES = new Int32Array(BUF.hash.length);
const XS = new Float64Array(BUF.hash.length);

function kindWeights(o: ModelOptions): Float64Array {
  const k = new Float64Array(3);
  k[KIND_WORD] = o.wordWeight;
  k[KIND_PAIR] = o.pairWeight;
  k[KIND_GRAM] = o.gramWeight;
  return k;
}

function growFloat64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/**
 * Builds the model of one language from its compiled training data (compiled.ts; none or no
 * examples → no model), segmenting words with `dict`.
 */
export function buildLangModel(
  lang: Lang,
  t: CompiledLang | undefined,
  o: ModelOptions,
  dict: WordDictionary,
): LangModel | undefined {
  if (!t) return undefined;
  const kw = kindWeights(o);
  const vocab = newIntTable(4096);
  let counts = new Float64Array(4096 * C); // V×C weighted counts
  let df = new Float64Array(4096);
  let lastDoc = new Int32Array(4096);
  const classTotal = new Float64Array(C);
  const classDocs = new Float64Array(C);
  const keywords: Keyword[] = t.keywords.map(({ text, intent, weight }) => ({
    text,
    intent,
    weight,
  }));
  let docs = 0;
  for (let c = 0; c < C; c++) {
    for (const example of t.examples[c] ?? []) {
      const buf = hashFeatures(example, lang, BUF, dict);
      if (buf.n === 0) continue;
      docs++;
      classDocs[c]! += 1;
      for (let k = 0; k < buf.n; k++) {
        const h = buf.hash[k]!;
        let idx = tableGet(vocab, h);
        if (idx < 0) {
          idx = vocab.size;
          tableSet(vocab, h, idx);
          if (idx === df.length) {
            counts = growFloat64(counts, counts.length * 2);
            df = growFloat64(df, df.length * 2);
            const ld = new Int32Array(lastDoc.length * 2);
            ld.set(lastDoc);
            lastDoc = ld;
          }
        }
        const w = kw[buf.kind[k]!]!;
        counts[idx * C + c]! += w;
        classTotal[c]! += w;
        if (lastDoc[idx] !== docs) {
          lastDoc[idx] = docs;
          df[idx]! += 1;
        }
      }
    }
  }
  if (docs === 0) return undefined;
  const V = vocab.size;
  const rows = new Float32Array(V * ROW);
  const alpha = new Float64Array(C);
  const denom = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    alpha[c] = c === UNKNOWN ? o.unknownAlpha : o.alpha;
    denom[c] = Math.log(classTotal[c]! + alpha[c]! * V);
  }
  // Most counts are 0 and most document frequencies small: their logarithms are taken once
  // (the same values: log(0 + α) is log(α)), which saves most of the start-up's ~1 M logs.
  const unseen = new Float64Array(C);
  for (let c = 0; c < C; c++) unseen[c] = Math.log(alpha[c]!) - denom[c]!;
  const idfOf = new Float64Array(docs + 1).fill(Number.NaN);
  const row = new Float64Array(C);
  for (let i = 0; i < V; i++) {
    let mean = 0;
    for (let c = 0; c < C; c++) {
      const n = counts[i * C + c]!;
      row[c] = n === 0 ? unseen[c]! : Math.log(n + alpha[c]!) - denom[c]!;
      mean += row[c]!;
    }
    mean /= C;
    for (let c = 0; c < C; c++) rows[i * ROW + c] = row[c]! - mean;
    if (o.idf) {
      const d = df[i]!;
      let idf = idfOf[d]!;
      if (Number.isNaN(idf)) {
        idf = Math.log((docs + 1) / (d + 0.5));
        idfOf[d] = idf;
      }
      rows[i * ROW + C] = idf;
    } else rows[i * ROW + C] = 1;
  }
  const prior = new Float64Array(C);
  for (let c = 0; c < C; c++) prior[c] = classDocs[c]! > 0 ? 0 : Number.NEGATIVE_INFINITY;
  const keywordRoot = newTrie();
  keywords.forEach((k, i) => {
    trieAdd(keywordRoot, k.text, i);
  });
  const keywordTrie = compileTrie(keywordRoot);
  return {
    lang,
    examples: docs,
    vocab,
    rows,
    prior,
    keywords,
    keywordTrie,
    keywordSeen: new Float64Array(keywords.length),
    scanStamp: 0,
    kindWeight: kw,
    dict,
  };
}

/** Builds the model from compiled training data (compiled.ts, compile.ts). */
export function buildModel(t: CompiledTraining, o: ModelOptions = DEFAULT_OPTIONS): Model {
  const langs = new Map<Lang, LangModel>();
  // one dictionary for all languages: people mix them (Thai words in a Burmese question)
  const dict = compiledDictionary(t);
  for (const [lang, compiled] of t.langs) {
    const m = buildLangModel(lang, compiled, o, dict);
    if (m) langs.set(lang, m);
  }
  return { options: o, langs };
}

export interface Scored {
  /** Softmax confidences per class, index = INTENTS index. */
  probs: Float64Array;
  /** Share (0..1, by weight) of the query's features that were seen in training. */
  known: number;
}

/** Scores normalised text with one language model. */
export function scoreText(m: LangModel, norm: string, o: ModelOptions): Scored {
  const probs = new Float64Array(C);
  const known = scoreInto(m, norm, o, probs);
  return { probs, known };
}

/**
 * scoreText() without allocating: writes the confidences into `probs` (length INTENTS.length)
 * and returns the known share.
 */
export function scoreInto(
  m: LangModel,
  norm: string,
  o: ModelOptions,
  probs: Float64Array,
): number {
  const acc = ACC;
  const buf = hashFeatures(norm, m.lang, BUF, m.dict);
  const { kindWeight: kwt, vocab, rows } = m;
  const { hash, kind } = buf;
  let total = 0;
  let knownW = 0;
  let weightSum = 0;
  // The model does not fit in the CPU's cache, so the time goes into memory loads. They are done
  // in passes whose loads do not depend on each other (all look-ups, then all weights, then the
  // classes), so the CPU overlaps the cache misses instead of waiting for each in turn. Every sum
  // still adds its terms in feature order: the result is the same to the last bit.
  const bases = BASES;
  const xs = XS;
  let nk = 0;
  for (let k = 0; k < buf.n; k++) {
    const w = kwt[kind[k]!]!;
    total += w;
    const idx = tableGet(vocab, hash[k]!);
    if (idx < 0) continue;
    knownW += w;
    bases[nk] = idx * ROW;
    xs[nk++] = w;
  }
  for (let j = 0; j < nk; j++) {
    const x = xs[j]! * rows[bases[j]! + C]!;
    xs[j] = x;
    weightSum += x;
  }
  // eight classes per pass, their sums in registers (a pass per class would reload xs and bases
  // for every class; all sixteen at once would not fit in the registers)
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let j = 0; j < nk; j++) {
      const b = bases[j]! + c;
      const x = xs[j]!;
      a0 += x * rows[b]!;
      a1 += x * rows[b + 1]!;
      a2 += x * rows[b + 2]!;
      a3 += x * rows[b + 3]!;
      a4 += x * rows[b + 4]!;
      a5 += x * rows[b + 5]!;
      a6 += x * rows[b + 6]!;
      a7 += x * rows[b + 7]!;
    }
    acc[c] = a0;
    acc[c + 1] = a1;
    acc[c + 2] = a2;
    acc[c + 3] = a3;
    acc[c + 4] = a4;
    acc[c + 5] = a5;
    acc[c + 6] = a6;
    acc[c + 7] = a7;
  }
  for (; c < C; c++) {
    let a = 0;
    for (let j = 0; j < nk; j++) a += xs[j]! * rows[bases[j]! + c]!;
    acc[c] = a;
  }
  const denom = weightSum > 0 ? weightSum ** o.lengthPower : 1;
  for (let c = 0; c < C; c++) acc[c] = acc[c]! / denom + m.prior[c]!;
  if (total > 0) acc[UNKNOWN]! += o.oovBoost * (1 - knownW / total);
  let kwHit = false;
  if (m.keywords.length > 0) {
    // every keyword found in the first MAX_FEATURE_CHARS characters, each counted once
    const n = Math.min(norm.length, MAX_FEATURE_CHARS);
    const stamp = ++m.scanStamp;
    const seen = m.keywordSeen;
    const t = m.keywordTrie;
    for (let i = 0; i < n; i++) {
      let node = compactStart(t, norm.charCodeAt(i));
      let j = i + 1;
      while (node >= 0) {
        const end = t.idStart[node]! + t.idCount[node]!;
        for (let q = t.idStart[node]!; q < end; q++) {
          const id = t.ids[q]!;
          if (seen[id] === stamp) continue;
          seen[id] = stamp;
          const k = m.keywords[id]!;
          acc[k.intent]! += k.weight * o.keywordScale;
          kwHit = true;
        }
        if (j >= n) break;
        node = compactStep(t, node, norm.charCodeAt(j++));
      }
    }
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < C; c++) {
    acc[c]! *= o.scale;
    if (acc[c]! > max) max = acc[c]!;
  }
  let sum = 0;
  for (let c = 0; c < C; c++) {
    const e = Math.exp(acc[c]! - max);
    probs[c] = e;
    sum += e;
  }
  for (let c = 0; c < C; c++) probs[c]! /= sum;
  return total > 0 ? knownW / total : kwHit ? 1 : 0;
}

export function intentAt(i: number): Intent {
  const name = INTENTS[i];
  if (name === undefined || !isIntent(name)) return 'unknown';
  return name;
}
