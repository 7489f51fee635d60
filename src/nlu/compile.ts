/**
 * Compiles training files (locales/<lang>/intents.json) into what the intent model is built from
 * (compiled.ts): at build time for the bundled model (`npm run build:data` writes
 * src/generated/intent-model.ts), at run time only for a model set from other files (setModel,
 * tests).
 */
import {
  type CompiledKeyword,
  type CompiledLang,
  type CompiledTraining,
  formatCompiled,
} from './compiled.ts';
import { INTENTS } from './intents.ts';
import type { Lang } from './lang.ts';
import type { TrainingFile } from './model.ts';
import { normalise } from './normalise.ts';
import { trainingWords } from './tokenise.ts';

/** Normalises the examples and keywords of `files` and finds their dictionary words. */
export function compileTraining(
  files: Readonly<Partial<Record<Lang, TrainingFile | undefined>>>,
): CompiledTraining {
  const langs = new Map<Lang, CompiledLang>();
  for (const [lang, file] of Object.entries(files) as [Lang, TrainingFile | undefined][]) {
    if (!file?.intents) continue;
    const examples: string[][] = [];
    const keywords: CompiledKeyword[] = [];
    for (let c = 0; c < INTENTS.length; c++) {
      const entry = file.intents[INTENTS[c]!];
      const list: string[] = [];
      examples.push(list);
      if (!entry) continue;
      // spellings that normalise alike ("ม.40", "ม40", "มาตรา 40") count once, at their top weight
      const byText = new Map<string, number>();
      for (const [word, weight] of Object.entries(entry.keywords ?? {})) {
        const text = normalise(word);
        if (text && Number.isFinite(weight))
          byText.set(text, Math.max(weight, byText.get(text) ?? 0));
      }
      for (const [text, weight] of byText) keywords.push({ text, intent: c, weight });
      // an example that normalises to nothing has no features: training skips it anyway
      for (const example of entry.examples ?? []) {
        const text = normalise(example);
        if (text) list.push(text);
      }
    }
    langs.set(lang, { examples, keywords });
  }
  return { langs, words: [...trainingWords(files)].sort() };
}

/**
 * The compiled training of `files` as text, one per language (compiled.ts formatCompiled): what
 * `npm run build:data` packs into src/generated/intent-model.ts.
 */
export function compiledTexts(
  files: Readonly<Partial<Record<Lang, TrainingFile | undefined>>>,
): Map<Lang, string> {
  return formatCompiled(compileTraining(files));
}
