/**
 * Accuracy on the held-out development set test/fixtures/nlu-dev.jsonl (never used for training).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify, INTENTS, LANGS } from '../../src/nlu/index.ts';

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

const THRESHOLD: Record<string, number> = { th: 0.95, en: 0.95, my: 0.85, km: 0.85, lo: 0.85 };

describe('NLU development set', () => {
  it('has at least 400 lines covering all intents and languages', () => {
    expect(lines.length).toBeGreaterThanOrEqual(400);
    expect(new Set(lines.map((l) => l.intent))).toEqual(new Set(INTENTS));
    expect(new Set(lines.map((l) => l.lang))).toEqual(new Set(LANGS));
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
