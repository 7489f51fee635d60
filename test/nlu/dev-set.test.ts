/**
 * Accuracy on the held-out development set test/fixtures/nlu-dev.jsonl (never used for training:
 * no line may equal a training example of any language once normalised).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify, INTENTS, LANGS, normalise } from '../../src/nlu/index.ts';
import { TRAINING } from '../../src/nlu/training.ts';

interface DevLine {
  text: string;
  intent: string;
  lang: string;
}

const FILE = fileURLToPath(new URL('../fixtures/nlu-dev.jsonl', import.meta.url));
const lines: DevLine[] = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as DevLine);

const THRESHOLD: Record<string, number> = { th: 0.95, en: 0.95, my: 0.9, km: 0.9, lo: 0.9 };
/** The intents added in issue 13 need their own lines in every language. */
const NEW_INTENTS = ['benefit_info', 'my_claims', 'notifications'];
const MIN_NEW_INTENT_LINES = 8;

describe('NLU development set', () => {
  it('has at least 500 lines covering every intent in every language', () => {
    expect(lines.length).toBeGreaterThanOrEqual(500);
    expect(new Set(lines.map((l) => l.intent))).toEqual(new Set(INTENTS));
    expect(new Set(lines.map((l) => l.lang))).toEqual(new Set(LANGS));
    const missing: string[] = [];
    for (const lang of LANGS) {
      for (const intent of INTENTS) {
        const n = lines.filter((l) => l.lang === lang && l.intent === intent).length;
        const min = NEW_INTENTS.includes(intent) ? MIN_NEW_INTENT_LINES : 1;
        if (n < min) missing.push(`${lang}/${intent}: ${n} < ${min}`);
      }
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('shares no line with the training examples of any language, once normalised', () => {
    const training = new Map<string, string>();
    for (const lang of LANGS) {
      for (const [intent, entry] of Object.entries(TRAINING[lang].intents)) {
        for (const example of entry?.examples ?? []) {
          training.set(normalise(example), `${lang}/${intent} ${JSON.stringify(example)}`);
        }
      }
    }
    const shared: string[] = [];
    for (const l of lines) {
      const hit = training.get(normalise(l.text));
      if (hit) shared.push(`  ${l.lang}/${l.intent} ${JSON.stringify(l.text)} = training ${hit}`);
    }
    expect(shared, `dev lines equal to training examples:\n${shared.join('\n')}`).toEqual([]);
  });

  it('has no line twice, once normalised', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const l of lines) {
      const key = normalise(l.text);
      const first = seen.get(key);
      if (first !== undefined) twice.push(`  ${JSON.stringify(l.text)} = ${JSON.stringify(first)}`);
      else seen.set(key, l.text);
    }
    expect(twice, `repeated dev lines:\n${twice.join('\n')}`).toEqual([]);
  });

  const results = lines.map((l) => ({ ...l, got: classify(l.text).intent }));

  for (const lang of LANGS) {
    it(`accuracy for ${lang} ≥ ${THRESHOLD[lang]}`, () => {
      const mine = results.filter((r) => r.lang === lang);
      const wrong = mine.filter((r) => r.got !== r.intent);
      const accuracy = mine.length ? (mine.length - wrong.length) / mine.length : 0;
      const pairs = new Map<string, string[]>();
      for (const w of wrong) {
        const key = `${w.intent} → ${w.got}`;
        pairs.set(key, [...(pairs.get(key) ?? []), w.text]);
      }
      const report = [...pairs.entries()]
        .sort((a, b) => b[1].length - a[1].length)
        .map(
          ([k, texts]) =>
            `  ${k}: ${texts.length} (e.g. ${texts
              .slice(0, 3)
              .map((t) => JSON.stringify(t))
              .join(', ')})`,
        )
        .join('\n');
      const message = `${lang}: accuracy ${accuracy.toFixed(3)} (${mine.length - wrong.length}/${mine.length}); confusions:\n${report}`;
      expect(accuracy, message).toBeGreaterThanOrEqual(THRESHOLD[lang]!);
    });
  }
});
