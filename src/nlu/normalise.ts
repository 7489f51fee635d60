/**
 * Text normalisation for the NLU. Pure, deterministic, regexes compiled once at module load.
 *
 * Steps, in order:
 *  1. Unicode NFC; zero-width characters, soft hyphens and control characters removed
 *     (tabs and line breaks become spaces).
 *  2. Script repairs, each only when the text has letters of that script:
 *     - Burmese typed in Zawgyi is converted to Unicode (zawgyi.ts), and ၀ (digit zero) typed
 *       inside a word for ဝ becomes ဝ;
 *     - Khmer: subscript ្ដ (da) is written ្ត (ta), which looks the same; ំុ typed in the wrong
 *       order becomes ុំ; the chat spelling ញុំ ("I") becomes ខ្ញុំ;
 *     - Lao: ໍ+າ → ຳ, ຫ+ນ → ໜ, ຫ+ມ → ໝ, ຫ+ລ → ຫຼ (one encoding for what looks the same).
 *  3. Thai, Lao, Khmer and Myanmar digits → ASCII digits; full-width ASCII → ASCII.
 *  4. Lower-case.
 *  5. Thai typing repairs: "เเ" → "แ", ํ+า → ำ, tone mark typed before an upper vowel is swapped
 *     back, a combining mark typed twice or more is kept once.
 *  6. Stretched characters: any non-digit character repeated 3+ times is kept once
 *     (ค่าาาา → ค่า, helloooo → hello, ???? → ?); a run of three or more 5s ("5555", Thai
 *     laughter) becomes "55" when it is not part of a longer number. Other digits are untouched.
 *  7. Spelling variants and abbreviations unified (see CANONICAL below): sections → "มาตรา 33",
 *     hospitals → "โรงพยาบาล", SSO → "ประกันสังคม", Bangkok abbreviations → "กรุงเทพ", the
 *     Burmese / Khmer / Lao word for a Bangkok SSO area before its number → "area 5", ...
 *  8. Polite particles (ครับ ค่ะ คะ คับ ค้าบ จ้า จ้ะ นะคะ นะครับ ฮะ ...) stripped when they end a
 *     phrase (end of text or before a space / punctuation), so "เจ้าหน้าที่" or "คะแนน" are safe.
 *  9. Whitespace collapsed and trimmed.
 */

import { localeFile } from '../locale-files.ts';
import {
  type CompactTrie,
  compactStart,
  compactStep,
  compileTrie,
  newTrie,
  trieAdd,
} from './trie.ts';
import { isZawgyi, zawgyiToUnicode } from './zawgyi.ts';

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad\u180e]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const NATIVE_DIGIT = /[\u0e50-\u0e59\u0ed0-\u0ed9\u17e0-\u17e9\u1040-\u1049\u1090-\u1099]/g;
const FULLWIDTH = /[\uff01-\uff5e]/g;
const DIGIT_BASE: ReadonlyArray<readonly [number, number]> = [
  [0x0e50, 0x0e59],
  [0x0ed0, 0x0ed9],
  [0x17e0, 0x17e9],
  [0x1040, 0x1049],
  [0x1090, 0x1099],
];

function nativeDigit(ch: string): string {
  const c = ch.charCodeAt(0);
  for (const [lo, hi] of DIGIT_BASE) {
    if (c >= lo && c <= hi) return String(c - lo);
  }
  return ch;
}

function fullwidth(ch: string): string {
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

const THAI_ANY = /[\u0e00-\u0e7f]/;
/** Lao, Myanmar or Khmer: the scripts with repairs of their own (one scan for Thai text). */
const SEA_SCRIPT = /[\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]/;
const MYANMAR_ANY = /[\u1000-\u109f]/;
const KHMER_ANY = /[\u1780-\u17ff]/;
const LAO_ANY = /[\u0e80-\u0eff]/;
/** ၀ (digit zero) inside a Burmese word, typed for the letter ဝ (not ဖုန်း၀၈၁…: a number). */
const MY_ZERO_AS_WA = /(?<=[\u1000-\u103f])\u1040(?![\u1040-\u1049])|\u1040(?=[\u102b-\u103e])/g;
const KM_SUB_DA = /\u17d2\u178a/g;
const KM_AM_U = /\u17c6\u17bb/g;
/** ញុំ, the chat spelling of ខ្ញុំ ("I"), when it is not already the end of ខ្ញុំ. */
const KM_I = /(?<!\u17d2)\u1789\u17bb\u17c6/g;
const LAO_AM = /\u0ecd\u0eb2/g;
const LAO_HO_CLUSTER = /\u0eab([\u0e99\u0ea1\u0ea5])/g;
const LAO_HO_LIGATURE: Readonly<Record<string, string>> = {
  '\u0e99': '\u0edc',
  '\u0ea1': '\u0edd',
  '\u0ea5': '\u0eab\u0ebc',
};
const THAI_AM = /\u0e4d\u0e32/g;

function myanmar(text: string): string {
  const s = isZawgyi(text) ? zawgyiToUnicode(text).normalize('NFC') : text;
  return s.includes('\u1040') ? s.replace(MY_ZERO_AS_WA, '\u101d') : s;
}

function khmer(s: string): string {
  return s.replace(KM_SUB_DA, '\u17d2\u178f').replace(KM_AM_U, '\u17bb\u17c6').replace(KM_I, 'ខ្ញុំ');
}

function lao(s: string): string {
  return s
    .replace(LAO_AM, '\u0eb3')
    .replace(LAO_HO_CLUSTER, (_, c: string) => LAO_HO_LIGATURE[c] ?? c);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The shape of locales/<lang>/places.json (my, km, lo). */
export interface PlacesFile {
  /** Aliases per DOPA province code. */
  readonly provinces: Readonly<Record<string, readonly string[]>>;
  /** The words for a Bangkok SSO area before its number ("area 5"). */
  readonly area: readonly string[];
  readonly areaNumber: readonly string[];
}

/** The place lists in Burmese, Khmer and Lao script (provinces.ts reads them too). */
export const PLACES: readonly PlacesFile[] = (['my', 'km', 'lo'] as const).map((lang) =>
  localeFile<PlacesFile>(lang, 'places'),
);

const AREA_WORDS = PLACES.flatMap((p) => p.area);
const AREA_NUMBER_WORDS = PLACES.flatMap((p) => p.areaNumber);
/** Any character that INVISIBLE, CONTROL, NATIVE_DIGIT or FULLWIDTH would change. */
const RARE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u180e\u200b-\u200d\u2028\u2029\u2060\ufeff\u0e50-\u0e59\u0ed0-\u0ed9\u17e0-\u17e9\u1040-\u1049\u1090-\u1099\uff01-\uff5e]/;
/** Any character directly repeated (pre-check for DUP_MARK / STRETCH). */
const DOUBLED = /(.)\1/su;
const THAI_DOUBLE_E = /เเ/g;
// tone mark / thanthakhat typed before an upper vowel (ก้ี → กี้)
const THAI_TONE_BEFORE_VOWEL = /([\u0e48-\u0e4c])([\u0e31\u0e34-\u0e37\u0e47])/g;
const DUP_MARK = /(\p{M})\1+/gu;
const STRETCH = /(\P{N})\1{2,}/gu;
const LAUGH = /(?<!\d[\s-]?)5{3,}(?![\s-]?\d)/g;
const SPACES = /\s+/g;

interface Rule {
  re: RegExp;
  rep: string;
  /** The rule only runs when the text contains one of these (cheap pre-check). */
  when: readonly string[];
}

const SECTION_NUMBERS = ['33', '39', '40'];

/** Rules applied in order on lower-cased text. */
const CANONICAL: readonly Rule[] = [
  // --- sections of the Social Security Act: one form "มาตรา 33" / "มาตรา 39" / "มาตรา 40"
  {
    re: /(?:มาตรา|มาตร|มาตา|มตรา)\s*(33|39|40)(?!\d)/g,
    rep: 'มาตรา $1 ',
    when: SECTION_NUMBERS,
  },
  { re: /ม\s*\.\s*(33|39|40)(?!\d)/g, rep: 'มาตรา $1 ', when: SECTION_NUMBERS },
  { re: /(?<![\p{L}\p{M}])ม\s*(33|39|40)(?!\d)/gu, rep: 'มาตรา $1 ', when: SECTION_NUMBERS },
  // glued to the previous Thai word ("สมัครม40"), but not "ผม40ปี"
  {
    re: /(?<=[\u0e01-\u0e4e])(?<!ผ)ม(33|39|40)(?!\d)(?!\s*(?:ปี|ขวบ|บาท|เปอร์|%|นาที|วัน|คน|กิโล|กม))/g,
    rep: ' มาตรา $1 ',
    when: SECTION_NUMBERS,
  },
  {
    re: /(?<![\p{L}\p{M}])(?:section|sect|sec|article|art)\s*\.?\s*(33|39|40)(?!\d)/gu,
    rep: 'มาตรา $1 ',
    when: SECTION_NUMBERS,
  },
  {
    re: /(?<![\p{L}\p{M}'’])(?:s|m)\.?(33|39|40)(?!\d)/gu,
    rep: 'มาตรา $1 ',
    when: SECTION_NUMBERS,
  },
  // --- hospital
  {
    re: /โรง\s*(?:พ[ะยญบาั]{0,3}บา[ลนร]|บาล|บาน|พยาบา(?![ลนร])|พยบาล|พยาบลา)/g,
    rep: 'โรงพยาบาล',
    when: ['โรง'],
  },
  {
    re: /(?<![ร\u0e40-\u0e44])รพ\s*\.?(?![\u0e30-\u0e3a\u0e47-\u0e4e])/g,
    rep: 'โรงพยาบาล',
    when: ['รพ'],
  },
  {
    re: /(?<![\p{L}\p{M}])(?:hospitals?|hosp|hosptials?|hospial|hospitel|hostpital|hopsital)(?![\p{L}])/gu,
    rep: 'โรงพยาบาล',
    when: ['hos', 'hop'],
  },
  // --- Social Security Office
  { re: /ป[ระ]{0,2}กัน\s*ส[ังั]{0,2}ค[มน]/g, rep: 'ประกันสังคม', when: ['กัน'] },
  { re: /ป[ระ]{0,2}กัน\s*สงคม/g, rep: 'ประกันสังคม', when: ['สงคม'] },
  { re: /(?:สปส|ปกส|สปก\.ส|ปสส)\s*\.?/g, rep: 'ประกันสังคม', when: ['สปส', 'ปกส', 'สปก', 'ปสส'] },
  {
    re: /(?<![a-z])(?:s\.s\.o\.?|sso|social\s*security(?:\s*office)?)(?![a-z])/g,
    rep: 'ประกันสังคม',
    when: ['s.s', 'sso', 'social'],
  },
  // --- Bangkok
  {
    re: /กรุงเทพ(?:มหานคร|ฯ|ๆ)?|กทม\s*\.?|(?<![a-z])bkk(?![a-z])/g,
    rep: 'กรุงเทพ',
    when: ['กรุงเทพ', 'กทม', 'bkk'],
  },
  // --- "area 5" in Burmese, Khmer and Lao (ဧရိယာ 5, តំបន់ទី 5, ເຂດ 5): the form entities.ts reads
  {
    re: new RegExp(
      `(?:${AREA_WORDS.map(escapeRegExp).join('|')})\\s*(?:${AREA_NUMBER_WORDS.map(escapeRegExp).join('|')})?\\s*(\\d{1,2})(?!\\d)`,
      'g',
    ),
    rep: ' area $1 ',
    when: AREA_WORDS,
  },
  // --- frequent words and typos, unified so features match
  {
    re: /จนท\s*\.?|เจ้าหน้าทื่|เจ้าหน้าที(?![่้])/g,
    rep: 'เจ้าหน้าที่',
    when: ['จนท', 'เจ้าหน้าท'],
  },
  {
    re: /(?:เงิน)?สมทม|เงินสบทบ|เงินสมธบ|เงินสมทบบ/g,
    rep: 'เงินสมทบ',
    when: ['สมทม', 'สบทบ', 'สมธบ', 'สมทบบ'],
  },
  { re: /ชาราภาพ|ชราพาพ|ชราภาภ|ชลาภาพ/g, rep: 'ชราภาพ', when: ['ภาพ', 'พาพ', 'ภาภ'] },
  {
    re: /ยังไงง|ยังงัย|ยังงาย|ยังไง่|ยังใง|ยังไงอ่ะ/g,
    rep: 'ยังไง',
    when: ['ยังไงง', 'ยังงัย', 'ยังงาย', 'ยังไง่', 'ยังใง', 'ยังไงอ่ะ'],
  },
  {
    re: /เท่าไหร่|เท่าไร่|เท่าไร|เท่าหร่|เท่าไหล่|เท่าหรั่ย|เท่าไหร/g,
    rep: 'เท่าไหร่',
    when: ['เท่า'],
  },
  {
    re: /มั้ย|มั๊ย|ไม๊|หรือเปล่า|รึเปล่า|หรือป่าว|รึป่าว/g,
    rep: 'ไหม',
    when: ['มั้ย', 'มั๊ย', 'ไม๊', 'เปล่า', 'ป่าว'],
  },
  {
    re: /เช็ก|เชค|(?<![a-z])(?:check|chk|chek)(?![a-z])/g,
    rep: 'เช็ค',
    when: ['เช็ก', 'เชค', 'check', 'chk', 'chek'],
  },
  {
    re: /ขอบคุน|ขอบคุง|ขอบคูณ|แต๊งกิ้ว|แต้งกิ้ว|(?<![a-z])(?:thx|thanx|thks|tks|tq|thank\s*you|thankyou)(?![a-z])/g,
    rep: 'ขอบคุณ',
    when: ['ขอบคุ', 'ขอบคู', 'กิ้ว', 'th', 'tks', 'tq'],
  },
  { re: /บันชี|บัญชิ|บัณชี|บัญชีย์/g, rep: 'บัญชี', when: ['บันชี', 'บัญชิ', 'บัณชี', 'บัญชีย์'] },
  {
    re: /เซเว่นอีเลฟเว่น|เซเว่น|เซเวน|เซเว้น|(?<![\w])(?:7-?11|7\s*-\s*eleven|7\/11|seven\s*eleven|seven-eleven|7eleven)(?![\w])/g,
    rep: 'เซเว่น',
    when: ['เซเว', '7', 'seven'],
  },
  { re: /ว่างาน/g, rep: 'ว่างงาน', when: ['ว่างาน'] },
  // --- cancelling a link is one thing however it is said: "ยกเลิกการเชื่อมต่อ", "เลิกผูก", ...
  {
    re: /(?:ยกเลิก|เลิก|ไม่(?:อยาก|ต้องการ)?(?:จะ)?(?:ให้\s*(?:line|บอท|ระบบ|แอป|app)?)?)\s*(?:การ)?\s*(?:ผูก|เชื่อม(?:ต่อ|โยง)?|ยืนยันตัวตน)/g,
    rep: 'ยกเลิกผูก',
    when: ['เลิก', 'ไม่'],
  },
  // --- "not helping" / "no help" / "ไม่ช่วยอะไรเลย" is a complaint (= useless), not a request
  // for the help menu
  {
    re: /(?<![a-z])(?:not|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|wasn'?t|no|never|zero)\s+(?:very\s+|really\s+|at\s+all\s+)?(?:help(?:ing|ful|s|ed)?)(?![a-z])|(?<![a-z])(?:unhelpful|helpless)(?![a-z])/g,
    rep: ' useless ',
    when: ['help'],
  },
  {
    re: /ไม่(?:ได้)?(?:ช่วย|เป็นประโยชน์)(?:อะไร)?(?:เลย)?(?=$|[\s!?.,])/g,
    rep: 'ไร้ประโยชน์',
    when: ['ไม่ช่วย', 'ไม่ได้ช่วย', 'ไม่เป็นประโยชน์'],
  },
  // --- loanwords: Thai spellings and English variants → one form
  {
    re: /(?<![a-z])(?:lay[\s-]?offs?|laid[\s-]?off)(?![a-z])|เลย์ออฟ|เลออฟ|เลย์อ๊อฟ/g,
    rep: ' layoff ',
    when: ['lay', 'laid', 'ออฟ', 'อ๊อฟ'],
  },
  {
    re: /(?<![a-z])(?:log[\s-]?out|sign[\s-]?out)(?![a-z])|ล็[อ]?[กค]เอา[ทต]์|ล๊[อ]?[กค]เอา[ทต]์/g,
    rep: ' logout ',
    when: ['out', 'เอาท์', 'เอาต์'],
  },
  {
    re: /(?<![a-z])(?:log[\s-]?in|sign[\s-]?in)(?![a-z])|ล็[อ]?[กค]อิน|ล๊[อ]?[กค]อิน|ลอ[กค]อิน/g,
    rep: ' login ',
    when: ['in', 'อิน'],
  },
  { re: /อันลิ้ง[กค]?์?|อันลิง[กค]์?|อันลิ[้]?น[กค]์/g, rep: ' unlink ', when: ['อันลิ'] },
  { re: /ลิ้ง[กค]?์?|ลิง[กค]์?|ลิ[้]?น[กค]์/g, rep: ' link ', when: ['ลิง', 'ลิ้ง', 'ลิน'] },
  {
    re: /แอปพลิเคชั่?น|แอพพลิเคชั่?น|แอ[ปพ]|แอ๊[ปพ]|(?<![a-z])application(?![a-z])/g,
    rep: ' app ',
    when: ['แอ', 'application'],
  },
  { re: /อั[ปพ]เด[ตท]/g, rep: ' update ', when: ['เดต', 'เดท'] },
  { re: /แอดมิ[้]?น/g, rep: ' admin ', when: ['แอดมิ'] },
  { re: /ออนไลน์?/g, rep: ' online ', when: ['ออนไลน'] },
  { re: /โอทีพี/g, rep: ' otp ', when: ['โอทีพี'] },
  { re: /บิ[ทต]คอย[น]?์?/g, rep: ' bitcoin ', when: ['คอย'] },
  { re: /คริปโ[ตท]|(?<![a-z])cryptocurrency(?![a-z])/g, rep: ' crypto ', when: ['คริปโ', 'crypto'] },
  { re: /อีเมล์?/g, rep: ' email ', when: ['อีเมล'] },
  { re: /คอลเซ็?นเตอร์/g, rep: ' call center ', when: ['คอลเซ'] },
  { re: /ไลน์/g, rep: ' line ', when: ['ไลน์'] },
  { re: /โอเค[ร]?|(?<![a-z])okay(?![a-z])/g, rep: ' ok ', when: ['โอเค', 'okay'] },
];

/** All rule triggers in one trie, so a single scan tells which rules can apply. */
const RULE_TRIE: CompactTrie = (() => {
  const root = newTrie();
  CANONICAL.forEach((r, i) => {
    for (const w of r.when) trieAdd(root, w, i);
  });
  return compileTrie(root);
})();
const ACTIVE = new Uint8Array(CANONICAL.length);

/** Sets ACTIVE[i] for every rule whose trigger occurs in `s` (and clears the others). */
function markActive(s: string): void {
  ACTIVE.fill(0);
  const t = RULE_TRIE;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let node = compactStart(t, s.charCodeAt(i));
    let j = i + 1;
    while (node >= 0) {
      const end = t.idStart[node]! + t.idCount[node]!;
      for (let k = t.idStart[node]!; k < end; k++) ACTIVE[t.ids[k]!] = 1;
      if (j >= n) break;
      node = compactStep(t, node, s.charCodeAt(j++));
    }
  }
}

const PARTICLE =
  /(?<![\u0e40-\u0e44])(?:นะ|น้า|น่ะ)?(?:ครับผม|ครับ|คับผม|คับ|ค้าบ|คร้าบ|ครัช|ขอรับ|ค่ะ|คะ|(?<!มูล|ไร้|มี|ราคา)ค่า|คร่ะ|จ้า|จ้ะ|จ๊ะ|จ๋า|ฮะ|ฮับ|งับ)(?=$|[\s!?.,~…:;)(\]["'0-9]|\p{Extended_Pictographic})/gu;

/** Normalises user text (see the module comment). Pure and deterministic. */
export function normalise(text: string): string {
  if (!text) return '';
  let s = text.normalize('NFC');
  const rare = RARE.test(s);
  if (rare) s = s.replace(INVISIBLE, '').replace(CONTROL, '').replace(LINE_BREAKS, ' ');
  if (SEA_SCRIPT.test(s)) {
    if (MYANMAR_ANY.test(s)) s = myanmar(s);
    if (KHMER_ANY.test(s)) s = khmer(s);
    if (LAO_ANY.test(s)) s = lao(s);
  }
  if (rare) s = s.replace(NATIVE_DIGIT, nativeDigit).replace(FULLWIDTH, fullwidth);
  s = s.toLowerCase();
  const thai = THAI_ANY.test(s);
  if (thai) {
    if (s.includes('เเ')) s = s.replace(THAI_DOUBLE_E, 'แ');
    if (s.includes('\u0e4d\u0e32')) s = s.replace(THAI_AM, '\u0e33');
    s = s.replace(THAI_TONE_BEFORE_VOWEL, '$2$1');
  }
  if (DOUBLED.test(s)) s = s.replace(DUP_MARK, '$1').replace(STRETCH, '$1');
  if (s.includes('555')) s = s.replace(LAUGH, '55');
  markActive(s);
  for (let i = 0; i < CANONICAL.length; i++) {
    if (ACTIVE[i]) {
      const r = CANONICAL[i]!;
      s = s.replace(r.re, r.rep);
    }
  }
  if (thai) {
    const before = s;
    s = s.replace(PARTICLE, ' ');
    if (s !== before) s = s.replace(PARTICLE, ' ');
  }
  return tidySpaces(s) ? s.replace(SPACES, ' ').trim() : s;
}

/**
 * Whether `s` has whitespace to collapse or trim: a space at either end, two in a row, or any
 * other whitespace (most texts have none, and the replace would copy them for nothing).
 */
function tidySpaces(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  if (s.charCodeAt(0) === 32 || s.charCodeAt(n - 1) === 32) return true;
  let prevSpace = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return true;
      prevSpace = true;
      continue;
    }
    prevSpace = false;
    if (isOtherSpace(c)) return true;
  }
  return false;
}

/** JavaScript's \s (what SPACES and trim() remove) other than the plain space. */
function isOtherSpace(c: number): boolean {
  if (c < 0xa0) return c >= 9 && c <= 13;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
