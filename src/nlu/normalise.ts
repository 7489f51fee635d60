/**
 * Text normalisation for the NLU. Pure, deterministic, regexes compiled once at module load.
 *
 * Steps, in order:
 *  1. Unicode NFC; zero-width characters, soft hyphens and control characters removed
 *     (tabs/newlines become spaces).
 *  2. Thai, Lao, Khmer and Myanmar digits → ASCII digits; full-width ASCII → ASCII.
 *  3. Lower-case.
 *  4. Thai typing repairs: "เเ" → "แ", tone mark typed before an upper vowel is swapped back,
 *     a combining mark typed twice or more is kept once.
 *  5. Stretched characters: any non-digit character repeated 3+ times is kept once
 *     (ค่าาาา → ค่า, helloooo → hello, ???? → ?); a run of three or more 5s ("5555", Thai
 *     laughter) becomes "55" when it is not part of a longer number. Other digits are untouched.
 *  6. Spelling variants and abbreviations unified (see CANONICAL below): sections → "มาตรา 33",
 *     hospitals → "โรงพยาบาล", SSO → "ประกันสังคม", Bangkok abbreviations → "กรุงเทพ", ...
 *  7. Polite particles (ครับ ค่ะ คะ คับ ค้าบ จ้า จ้ะ นะคะ นะครับ ฮะ ...) stripped when they end a
 *     phrase (end of text or before a space / punctuation), so "เจ้าหน้าที่" or "คะแนน" are safe.
 *  8. Whitespace collapsed and trimmed.
 */

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad\u180e]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
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
  {
    re: /(?<![\p{L}\p{M}])(?:section|sect|sec|article|art)\s*\.?\s*(33|39|40)(?!\d)/gu,
    rep: 'มาตรา $1 ',
    when: SECTION_NUMBERS,
  },
  { re: /(?<![\p{L}\p{M}'’])(?:s|m)\.?(33|39|40)(?!\d)/gu, rep: 'มาตรา $1 ', when: SECTION_NUMBERS },
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
];

function applies(s: string, when: readonly string[]): boolean {
  for (const w of when) if (s.includes(w)) return true;
  return false;
}

const PARTICLE =
  /(?<![\u0e40-\u0e44])(?:นะ|น้า|น่ะ)?(?:ครับผม|ครับ|คับผม|คับ|ค้าบ|คร้าบ|ครัช|ขอรับ|ค่ะ|คะ|ค่า|ค้า|คร่ะ|จ้า|จ้ะ|จ๊ะ|จ๋า|ฮะ|ฮับ|งับ)(?=$|[\s!?.,~…:;)(\]["'0-9]|\p{Extended_Pictographic})/gu;

/** Normalises user text (see the module comment). Pure and deterministic. */
export function normalise(text: string): string {
  if (!text) return '';
  let s = text.normalize('NFC');
  s = s.replace(INVISIBLE, '').replace(CONTROL, ' ');
  s = s.replace(NATIVE_DIGIT, nativeDigit).replace(FULLWIDTH, fullwidth);
  s = s.toLowerCase();
  const thai = THAI_ANY.test(s);
  if (thai) s = s.replace(THAI_DOUBLE_E, 'แ').replace(THAI_TONE_BEFORE_VOWEL, '$2$1');
  s = s.replace(DUP_MARK, '$1').replace(STRETCH, '$1');
  if (s.includes('555')) s = s.replace(LAUGH, '55');
  for (const r of CANONICAL) if (applies(s, r.when)) s = s.replace(r.re, r.rep);
  if (thai) {
    const before = s;
    s = s.replace(PARTICLE, ' ');
    if (s !== before) s = s.replace(PARTICLE, ' ');
  }
  return s.replace(SPACES, ' ').trim();
}
