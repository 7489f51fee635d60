/**
 * The compiled training data: what the intent model (model.ts) is built from.
 *
 * `compileTraining()` (compile.ts) turns the training files, locales/<lang>/intents.json (the
 * source of truth), into the examples and keywords already normalised, the keywords that
 * normalise alike merged, plus the word segmentation dictionary that Intl.Segmenter finds in them.
 * `npm run build:data` writes that, packed (src/pack.ts), to src/generated/intent-model.ts; the
 * app builds its model from there (`bundledTraining()`), so neither the Worker bundle nor the
 * start-up carry the raw files, the normalisation of every example or the ICU segmentation. The
 * model is the same to the last bit as one built from the files themselves
 * (test/nlu/compiled-model.test.ts; test/generated.test.ts fails when the generated file is
 * stale), and the same on Node and on workerd, whose ICU cuts Khmer and Lao into other words.
 *
 * One text per language, lines separated by "\n":
 *   line 0      dictionary words to add, separated by spaces, and
 *   line 1      dictionary words to remove (see below); a word goes with the language of its
 *               script (Latin, e.g. the stop words, with `en`);
 *   "\x01" + i  starts the lines of intent i;
 *   "\x02" + w + "\t" + k   a keyword k with weight w;
 *   any other   an example.
 * The dictionary is not listed whole: in the examples and keywords of Thai, Lao, Khmer and
 * Burmese, "\x03" marks where Intl.Segmenter cut between two letters (segment.ts markIcuCuts);
 * the runs between marks are its words again (markedWords), and lines 0 and 1 list the few
 * differences (words found in text that is not shipped, such as keywords without a weight).
 * Normalised text has no control characters, tabs or line breaks, so these marks cannot clash.
 */
import { COMPILED_MODEL } from '../generated/intent-model.ts';
import { unpack } from '../pack.ts';
import { INTENTS } from './intents.ts';
import { isLang, type Lang } from './lang.ts';
import { markedWords, markIcuCuts } from './segment.ts';

export interface CompiledKeyword {
  /** Normalised. */
  text: string;
  /** INTENTS index. */
  intent: number;
  weight: number;
}

export interface CompiledLang {
  /** Per INTENTS index, the intent's examples, normalised, in file order. */
  examples: readonly (readonly string[])[];
  keywords: readonly CompiledKeyword[];
}

export interface CompiledTraining {
  /** In the order of the training files. */
  langs: ReadonlyMap<Lang, CompiledLang>;
  /** The segmentation dictionary (all languages: people mix them), sorted. */
  words: readonly string[];
}

const INTENT_MARK = '\x01';
const KEYWORD_MARK = '\x02';
const CUT = '\x03';
const CUT_CODE = 3;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the marks are control characters
const CONTROL = /[\x00-\x1f]/;
/** Whether a language's texts mark their words: not English's, as in tokenise.ts trainingWords. */
const marks = (lang: Lang) => lang !== 'en';

/** The language whose text holds a dictionary word: by the script of its first letter. */
function wordLang(w: string): Lang {
  const c = w.charCodeAt(0);
  if (c >= 0x0e00 && c <= 0x0e7f) return 'th';
  if (c >= 0x0e80 && c <= 0x0eff) return 'lo';
  if (c >= 0x1780 && c <= 0x17ff) return 'km';
  if ((c >= 0x1000 && c <= 0x109f) || (c >= 0xa9e0 && c <= 0xa9ff) || (c >= 0xaa60 && c <= 0xaa7f))
    return 'my';
  return 'en';
}

function weightText(w: number): string {
  return Object.is(w, -0) ? '-0' : String(w);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`compiled training: ${what}`);
}

function byScript(words: Iterable<string>): Map<Lang, string[]> {
  const out = new Map<Lang, string[]>();
  for (const w of words) {
    check(w !== '' && !/\s/.test(w) && !CONTROL.test(w), `dictionary word ${JSON.stringify(w)}`);
    const lang = wordLang(w);
    const list = out.get(lang) ?? [];
    list.push(w);
    out.set(lang, list);
  }
  return out;
}

/** The texts of `t`, one per language (see the module comment). */
export function formatCompiled(t: CompiledTraining): Map<Lang, string> {
  const body = new Map<Lang, string[]>();
  for (const [lang, m] of t.langs) {
    // the keywords' order counts (their bonuses add up in it): it must survive the grouping
    const grouped = [...m.keywords].sort((a, b) => a.intent - b.intent);
    check(
      grouped.every((k, i) => k === m.keywords[i]),
      `${lang} keywords not in intent order`,
    );
    const cut = marks(lang) ? (x: string) => markIcuCuts(x, lang, CUT) : (x: string) => x;
    const lines: string[] = [];
    for (let c = 0; c < INTENTS.length; c++) {
      const examples = m.examples[c] ?? [];
      const keywords = m.keywords.filter((k) => k.intent === c);
      if (examples.length === 0 && keywords.length === 0) continue;
      lines.push(INTENT_MARK + INTENTS[c]!);
      for (const k of keywords) {
        check(Number.isFinite(k.weight) && !CONTROL.test(k.text), `keyword ${k.text}`);
        lines.push(`${KEYWORD_MARK}${weightText(k.weight)}\t${cut(k.text)}`);
      }
      for (const e of examples) {
        check(e !== '' && !CONTROL.test(e), `example ${JSON.stringify(e)}`);
        lines.push(cut(e));
      }
    }
    body.set(lang, lines);
  }
  const texts = (added: Map<Lang, string[]>, removed: Map<Lang, string[]>) => {
    const out = new Map<Lang, string>();
    const langs = [...t.langs.keys()];
    for (const lang of [...added.keys(), ...removed.keys()])
      if (!langs.includes(lang)) langs.push(lang);
    for (const lang of langs) {
      const head = [(added.get(lang) ?? []).join(' '), (removed.get(lang) ?? []).join(' ')];
      out.set(lang, [...head, ...(body.get(lang) ?? [])].join('\n'));
    }
    return out;
  };
  // what the marks give, then the differences from the dictionary wanted
  const found = new Set(parseCompiled(texts(new Map(), new Map())).words);
  const wanted = new Set(t.words);
  return texts(
    byScript(t.words.filter((w) => !found.has(w))),
    byScript([...found].filter((w) => !wanted.has(w))),
  );
}

/** The compiled training of `texts` (formatCompiled's output). */
export function parseCompiled(texts: Iterable<readonly [string, string]>): CompiledTraining {
  const langs = new Map<Lang, CompiledLang>();
  const words = new Set<string>();
  const added: string[] = [];
  const removed: string[] = [];
  for (const [name, text] of texts) {
    check(isLang(name), `language ${name}`);
    const lang = name as Lang;
    const marked = marks(lang);
    const lines = text.split('\n');
    if (lines[0]) added.push(...lines[0].split(' '));
    if (lines[1]) removed.push(...lines[1].split(' '));
    const examples: string[][] = INTENTS.map(() => []);
    const keywords: CompiledKeyword[] = [];
    let c = -1;
    for (let i = 2; i < lines.length; i++) {
      let line = lines[i]!;
      if (line[0] === INTENT_MARK) {
        c = INTENTS.indexOf(line.slice(1) as (typeof INTENTS)[number]);
        check(c >= 0, `intent ${line.slice(1)}`);
        continue;
      }
      check(c >= 0, `line ${i} of ${lang}`);
      if (marked) {
        markedWords(line, CUT_CODE, words);
        line = line.replaceAll(CUT, '');
      }
      if (line[0] === KEYWORD_MARK) {
        const tab = line.indexOf('\t');
        check(tab > 0, `line ${i} of ${lang}`);
        keywords.push({ text: line.slice(tab + 1), intent: c, weight: Number(line.slice(1, tab)) });
      } else examples[c]!.push(line);
    }
    if (c >= 0) langs.set(lang, { examples, keywords });
  }
  for (const w of added) words.add(w);
  for (const w of removed) words.delete(w);
  return { langs, words: [...words].sort() };
}

let bundled: CompiledTraining | undefined;

/** The compiled training of the bundled locales (intent-model.ts), unpacked on first use. */
export function bundledTraining(): CompiledTraining {
  if (!bundled) {
    bundled = parseCompiled(
      Object.entries(COMPILED_MODEL).map(([lang, p]) => [lang, unpack(p)] as const),
    );
  }
  return bundled;
}
