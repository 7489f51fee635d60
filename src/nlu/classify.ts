/**
 * Intent classification entry point. See model.ts for the model (per-language multinomial naive
 * Bayes over word + word-pair + character n-gram features, with keyword bonuses).
 *
 * The model is built once, lazily on the first call or eagerly with warmUp() (~0.1–0.2 s of CPU
 * for the five languages), from the bundled compiled training data (compiled.ts, compiled from
 * locales/<lang>/intents.json by `npm run build:data`), and then reused. The language model
 * used is the one of the text's script (detectLang), falling back to the caller's hint, then
 * Thai. Below the calibrated threshold (DEFAULT_OPTIONS.threshold), or when too little of the
 * text is known to the model, the answer is `unknown`; `alternatives` then still lists the closest
 * real intents so the bot can offer them as quick replies.
 */
import { compileTraining } from './compile.ts';
import { bundledTraining } from './compiled.ts';
import { type Entities, extractEntitiesNormalised, warmUpEntities } from './entities.ts';
import { INTENTS, type Intent } from './intents.ts';
import { detectLang, isLang, type Lang } from './lang.ts';
import {
  buildModel,
  DEFAULT_OPTIONS,
  intentAt,
  type Model,
  type ModelOptions,
  scoreInto,
  type TrainingFile,
} from './model.ts';
import { normalise } from './normalise.ts';

export interface Alternative {
  intent: Intent;
  score: number;
}

export interface Classification {
  intent: Intent;
  /** 0..1 */
  confidence: number;
  lang: Lang;
  entities: Entities;
  /** Up to three next-best intents (never `unknown` nor the chosen intent), best first. */
  alternatives: Alternative[];
}

export interface ClassifyHint {
  lang?: string;
}

/** Only this many characters of the input are looked at. */
export const MAX_INPUT_CHARS = 1000;

const UNKNOWN_INDEX = INTENTS.indexOf('unknown');
/** At least a letter or digit followed by another letter, mark or digit. */
const SUBSTANCE = /[\p{L}\p{N}][\s\S]*[\p{L}\p{M}\p{N}]/u;

let model: Model | undefined;

function getModel(): Model {
  if (!model) model = buildModel(bundledTraining(), DEFAULT_OPTIONS);
  return model;
}

/**
 * Builds the model now instead of on the first classify() call (~0.1–0.2 s of CPU). Call it at
 * module scope in a Worker so the cost falls in start-up rather than in the first request.
 */
export function warmUp(): void {
  getModel();
  warmUpEntities();
}

/**
 * Replaces the model with one trained from `files` (tests and tuning; compiled here, ~0.2 s).
 * Pass undefined to go back to the bundled one.
 */
export function setModel(
  files?: Partial<Record<Lang, TrainingFile>>,
  options?: ModelOptions,
): void {
  model = files ? buildModel(compileTraining(files), options ?? DEFAULT_OPTIONS) : undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scratch: the confidences of the text being classified (classification is synchronous). */
const PROBS = new Float64Array(INTENTS.length);
/** Scratch: class indices by decreasing confidence. */
const ORDER = new Int32Array(INTENTS.length);

/** Sorts ORDER by decreasing probability (ties: INTENTS order). Insertion sort: 16 items. */
function rank(probs: Float64Array): Int32Array {
  const order = ORDER;
  for (let i = 0; i < probs.length; i++) {
    let j = i;
    while (j > 0 && probs[order[j - 1]!]! < probs[i]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  return order;
}

/** Classifies one user utterance. Pure apart from the lazily built, immutable model. */
export function classify(text: string, hint?: ClassifyHint): Classification {
  const raw = typeof text === 'string' ? text.slice(0, MAX_INPUT_CHARS) : '';
  const hintLang = isLang(hint?.lang) ? hint.lang : undefined;
  const norm = normalise(raw);
  const lang = detectLang(raw) ?? hintLang ?? 'th';
  // nothing to go on: empty, blank, or a single character once stretched letters are collapsed
  if (!SUBSTANCE.test(norm)) {
    return { intent: 'unknown', confidence: 0, lang, entities: {}, alternatives: [] };
  }
  const entities = extractEntitiesNormalised(norm);
  // A message that is only a stop word ("stop", "หยุด", "ရပ်ပါ", "ឈប់", "ຢຸດເດີ") asks for every
  // push to stop, whatever it resembles: the notifications intent turns them all off.
  if (entities.notify === 'stop') {
    return { intent: 'notifications', confidence: 1, lang, entities, alternatives: [] };
  }
  const m = getModel();
  const lm = m.langs.get(lang) ?? (hintLang ? m.langs.get(hintLang) : undefined);
  if (!lm) return { intent: 'unknown', confidence: 0, lang, entities, alternatives: [] };
  const probs = PROBS;
  const known = scoreInto(lm, norm, m.options, probs);
  const order = rank(probs);
  const top = order[0] ?? UNKNOWN_INDEX;
  const conf = probs[top] ?? 0;
  let intent: Intent = intentAt(top);
  let confidence = conf;
  if (top !== UNKNOWN_INDEX && (known < m.options.minKnown || conf < m.options.threshold)) {
    // too unsure, or too little of the text is known: how sure we are that it is none of them
    intent = 'unknown';
    confidence = Math.max(probs[UNKNOWN_INDEX]!, 1 - conf, 1 - known);
  }
  const alternatives: Alternative[] = [];
  for (let k = 0; k < order.length && alternatives.length < 3; k++) {
    const i = order[k]!;
    const name = intentAt(i);
    if (name === 'unknown' || name === intent) continue;
    alternatives.push({ intent: name, score: round(probs[i]!) });
  }
  return { intent, confidence: round(confidence), lang, entities, alternatives };
}
