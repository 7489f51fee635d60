/**
 * Language detection from the script.
 *
 * detectLang() counts letters (and combining marks) per script and returns the majority; Thai
 * wins ties. Digits, punctuation, emoji and spaces do not count. The classifier uses it to pick
 * the language model.
 *
 * detectReplyLang() chooses the language to answer in, and says whether it is sure (ReplyLang):
 * a Burmese, Khmer or Lao script wins even when Thai or English words are mixed in; Thai and
 * Latin need a clear share; Lao typed in Thai letters ("ข่อยอยากเบิ่งเงินสมทบแหน่") answers in
 * Lao; romanised Burmese/Khmer/Lao is flagged for the language picker.
 */
import { localeFile } from '../locale-files.ts';
import { detectRomanised, type RomanisedLang } from './romanised.ts';

export const LANGS = ['th', 'en', 'my', 'km', 'lo'] as const;
export type Lang = (typeof LANGS)[number];

const LANG_SET: ReadonlySet<string> = new Set(LANGS);

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && LANG_SET.has(value);
}

/** Only the first this-many characters are inspected. */
const MAX_SCAN = 400;

interface ScriptCounts {
  th: number;
  lo: number;
  km: number;
  my: number;
  en: number;
}

/** Letters and marks per script in the first MAX_SCAN characters. */
function countScripts(text: string): ScriptCounts {
  let th = 0;
  let lo = 0;
  let km = 0;
  let my = 0;
  let en = 0;
  const n = Math.min(text.length, MAX_SCAN);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) en++;
    } else if (c >= 0x0e00 && c <= 0x0e7f) {
      if (c < 0x0e50 || c > 0x0e59) th++;
    } else if (c >= 0x0e80 && c <= 0x0eff) {
      if (c < 0x0ed0 || c > 0x0ed9) lo++;
    } else if ((c >= 0x1780 && c <= 0x17ff) || (c >= 0x19e0 && c <= 0x19ff)) {
      if (c < 0x17e0 || c > 0x17e9) km++;
    } else if ((c >= 0x1000 && c <= 0x109f) || (c >= 0xaa60 && c <= 0xaa7f)) {
      if ((c < 0x1040 || c > 0x1049) && (c < 0x1090 || c > 0x1099)) my++;
    } else if (
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
      (c >= 0x1e00 && c <= 0x1eff)
    ) {
      en++;
    }
  }
  return { th, lo, km, my, en };
}

function majority(c: ScriptCounts): Lang | undefined {
  const max = Math.max(c.th, c.lo, c.km, c.my, c.en);
  if (max === 0) return undefined;
  if (c.th === max) return 'th';
  if (c.en === max) return 'en';
  if (c.my === max) return 'my';
  if (c.km === max) return 'km';
  return 'lo';
}

/** Returns the language of `text` from its script, or undefined when it has no letters. */
export function detectLang(text: string): Lang | undefined {
  return majority(countScripts(text));
}

export interface ReplyLang {
  /** The language to answer in. */
  lang: Lang;
  /**
   * True when the text says clearly which language its writer reads (when false, keep the
   * user's saved or LINE-profile language):
   * - Burmese, Khmer or Lao script: at least 3 letters and 30% of the letters (workers mix in
   *   the Thai and English words they see on documents: "รายงานตัว ရက် ဘယ်တော့လဲ");
   * - Thai script: at least 4 letters and 50% of them (Thai users type English words:
   *   "unlink บัญชีให้หน่อย"); two different Lao words typed in Thai letters make it Lao,
   *   one makes it unsure (Lao or Isan Thai);
   * - Latin letters: at least 4 letters, 2 words and 70% of the letters, and not romanised
   *   Burmese/Khmer/Lao.
   */
  confident: boolean;
  /** The script's language (detectLang, what classify() uses). */
  script: Lang;
  /**
   * Set when Latin text is romanised Burmese/Khmer/Lao (`lang` is then 'en' and `confident`
   * false): the English model cannot read it; offer the language picker.
   */
  romanised?: RomanisedLang;
}

const MIN_NATIVE_LETTERS = 3;
const MIN_NATIVE_SHARE = 0.3;
const MIN_THAI_LETTERS = 4;
const MIN_THAI_SHARE = 0.5;
const MIN_LATIN_LETTERS = 4;
const MIN_LATIN_WORDS = 2;
const MIN_LATIN_SHARE = 0.7;
/** Different Lao words in Thai letters needed to answer in Lao. */
const MIN_LAO_MARKERS = 2;

const LAO_IN_THAI = new RegExp(
  localeFile<{ markers: readonly string[] }>('lo', 'thai-script').markers.join('|'),
  'g',
);
const LATIN_WORD = /[A-Za-z\u00c0-\u024f]{2,}/g;

/** Distinct Lao-only words typed in Thai letters (ข่อย, เบิ่ง, แหน่, บ่, จักเดือน, ...). */
export function laoInThaiMarkers(text: string): number {
  const found = new Set<string>();
  for (const m of text.slice(0, MAX_SCAN).normalize('NFC').matchAll(LAO_IN_THAI)) found.add(m[0]);
  return found.size;
}

/**
 * The language to reply in for `text`, or undefined when it has no letters (see ReplyLang).
 * Classification keeps using detectLang(): Lao typed in Thai letters is classified by the Thai
 * model, which understands it, but answered in Lao.
 */
export function detectReplyLang(text: string): ReplyLang | undefined {
  const counts = countScripts(text);
  const script = majority(counts);
  if (!script) return undefined;
  const total = counts.th + counts.lo + counts.km + counts.my + counts.en;
  // a Burmese, Khmer or Lao script: its reader, whatever Thai or English words come with it
  let native: Lang | undefined;
  for (const l of ['my', 'km', 'lo'] as const) {
    if (counts[l] > (native ? counts[native] : 0)) native = l;
  }
  if (native) {
    const n = counts[native];
    const confident = n >= MIN_NATIVE_LETTERS && n >= MIN_NATIVE_SHARE * total;
    if (confident || native === script) return { lang: native, confident, script };
  }
  if (script === 'en') {
    const sample = text.slice(0, MAX_SCAN);
    const romanised = detectRomanised(sample);
    if (romanised) return { lang: 'en', confident: false, script, romanised };
    const words = sample.match(LATIN_WORD)?.length ?? 0;
    const confident =
      counts.en >= MIN_LATIN_LETTERS &&
      words >= MIN_LATIN_WORDS &&
      counts.en >= MIN_LATIN_SHARE * total;
    return { lang: 'en', confident, script };
  }
  // Thai script
  let confident = counts.th >= MIN_THAI_LETTERS && counts.th >= MIN_THAI_SHARE * total;
  if (confident) {
    const lao = laoInThaiMarkers(text);
    if (lao >= MIN_LAO_MARKERS) return { lang: 'lo', confident: true, script };
    // one Lao (or Isan) word in Thai text: let the saved language decide
    if (lao === 1) confident = false;
  }
  return { lang: 'th', confident, script };
}
