/**
 * The text of src/generated/intent-model.ts (scripts/data-modules.ts): the intent model's
 * training data from locales/<lang>/intents.json, compiled (src/nlu/compile.ts) and packed.
 * Imported only after the locale modules are written: the compiler's normalise() reads them.
 */
import { compiledTexts } from '../src/nlu/compile.ts';
import { TRAINING } from '../src/nlu/training.ts';
import { pack } from '../src/pack.ts';
import { moduleHeader, packedLiteral } from './data-modules.ts';

export function intentModelSource(): string {
  let out = `${moduleHeader(
    'locales/*/intents.json',
    "The intent model's training data, compiled (src/nlu/compiled.ts) and packed (src/pack.ts).",
  )}
export const COMPILED_MODEL: Readonly<Record<string, Packed>> = {
`;
  for (const [lang, text] of compiledTexts(TRAINING)) {
    out += `  ${lang}: ${packedLiteral(pack(text), '  ')},\n`;
  }
  return `${out}};\n`;
}
