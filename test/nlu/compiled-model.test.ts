/**
 * The bundled intent model comes from src/generated/intent-model.ts, which `npm run build:data`
 * compiles from locales/<lang>/intents.json (test/generated.test.ts: it is up to date): the
 * model built from it must be the one trained from the files themselves, to the last bit.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPILED_MODEL } from '../../src/generated/intent-model.ts';
import { classify, setModel } from '../../src/nlu/classify.ts';
import { compileTraining } from '../../src/nlu/compile.ts';
import { bundledTraining, formatCompiled, parseCompiled } from '../../src/nlu/compiled.ts';
import { buildModel, DEFAULT_OPTIONS, type LangModel } from '../../src/nlu/model.ts';
import { trainingWords } from '../../src/nlu/tokenise.ts';
import { TRAINING } from '../../src/nlu/training.ts';

describe('intent-model.ts', () => {
  it('holds all five languages, packed', () => {
    expect(Object.keys(COMPILED_MODEL)).toEqual(['th', 'en', 'my', 'km', 'lo']);
  });

  it('unpacks to the compiled training files, dictionary included', () => {
    const fromFiles = compileTraining(TRAINING);
    const bundled = bundledTraining();
    expect(bundled.words).toEqual([...trainingWords(TRAINING)].sort());
    expect([...bundled.langs.keys()]).toEqual([...fromFiles.langs.keys()]);
    for (const [lang, m] of fromFiles.langs) expect(bundled.langs.get(lang), lang).toEqual(m);
    // and the text format gives back what it was given
    expect(parseCompiled(formatCompiled(fromFiles))).toEqual(fromFiles);
  });

  it('builds the model trained from the files, to the last bit', () => {
    const fromFiles = buildModel(compileTraining(TRAINING), DEFAULT_OPTIONS);
    const bundled = buildModel(bundledTraining(), DEFAULT_OPTIONS);
    expect([...bundled.langs.keys()]).toEqual([...fromFiles.langs.keys()]);
    const same = (a: LangModel, b: LangModel) => {
      expect(a.examples).toBe(b.examples);
      expect(a.vocab.size).toBe(b.vocab.size);
      expect(Buffer.from(a.vocab.slots.buffer).equals(Buffer.from(b.vocab.slots.buffer))).toBe(
        true,
      );
      expect(Buffer.from(a.rows.buffer).equals(Buffer.from(b.rows.buffer))).toBe(true);
      expect(Buffer.from(a.prior.buffer).equals(Buffer.from(b.prior.buffer))).toBe(true);
      expect(a.keywords).toEqual(b.keywords);
      expect(a.dict.size).toBe(b.dict.size);
    };
    for (const [lang, m] of fromFiles.langs) same(bundled.langs.get(lang)!, m);
  });
});

describe('classify with the bundled model', () => {
  afterAll(() => setModel(undefined));

  const lines = ['nlu-dev.jsonl', 'knowledge-dev.jsonl'].flatMap((f) =>
    readFileSync(fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url)), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );

  it('answers every development line exactly as a model set from the training files', () => {
    expect(lines.length).toBeGreaterThan(800);
    setModel(undefined);
    const bundled = lines.map((t) => classify(t));
    setModel(TRAINING);
    const fromFiles = lines.map((t) => classify(t));
    setModel(undefined);
    expect(bundled).toEqual(fromFiles);
  });
});
