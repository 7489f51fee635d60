/**
 * Burmese typed in the Zawgyi font encoding: detection and conversion to Unicode.
 *
 * Zawgyi reuses the Myanmar block for glyphs rather than characters: the vowel sign ေ and the
 * medial ra are typed before the consonant (visual order), the medials sit one code point lower
 * than in Unicode (Zawgyi U+1039 is the asat that Unicode puts at U+103A, U+103A is medial ya,
 * U+103B medial ra, U+103C medial wa, U+103D medial ha), and stacked consonants, kinzi and
 * glyph variants use U+1060–U+1097, which Burmese Unicode text never uses. Many workers' phones
 * still send Zawgyi, so "ေဆး႐ုံ ဘယ္မွာလဲ" has to become "ဆေးရုံ ဘယ်မှာလဲ" before the classifier
 * and the place-name matcher see it.
 *
 * Detection (the idea of Google's myanmar-tools, with rules instead of its Markov model): count
 * sequences that only make sense in one encoding. Zawgyi evidence: U+1060–U+109F glyph forms,
 * ေ or medial ra starting a syllable, an asat (U+1039) not between two consonants, U+1039
 * between consonants that Unicode never stacks (different classes), medial ya (Zawgyi U+103A)
 * followed by a vowel. Unicode evidence: U+103E (Zawgyi has no such character), ေ or medial ya
 * after their consonant and followed by a vowel or a space, kinzi (င်္). The text is Zawgyi when
 * the Zawgyi evidence is at least one strong sign and outweighs the Unicode evidence.
 *
 * Conversion (the idea of the Rabbit converter's rules, written as one pass): each syllable is
 * collected (prefix ေ / medial ra, base, marks), every Zawgyi code point is mapped to its Unicode
 * characters with a rank, and the syllable is written out in Unicode storage order (UTN #11):
 * kinzi, consonant, stacked consonant, medials ya ra wa ha, ေ, upper vowels, lower vowels, aa,
 * anusvara, dot below, asat, visarga.
 */

const MYANMAR = /[\u1000-\u109f]/;

function isConsonant(c: number): boolean {
  return c >= 0x1000 && c <= 0x1021;
}

/** A consonant, an independent vowel, ဿ, or a Zawgyi variant form of a consonant. */
function isBaseLike(c: number): boolean {
  return (
    (c >= 0x1000 && c <= 0x102a) ||
    c === 0x103f ||
    c === 0x106a ||
    c === 0x106b ||
    c === 0x108f ||
    c === 0x1090 ||
    c === 0x1086 ||
    c === 0x106e ||
    c === 0x106f ||
    (c >= 0x1091 && c <= 0x1092) ||
    c === 0x1097
  );
}

function isUnicodeMedial(c: number): boolean {
  return c >= 0x103b && c <= 0x103e;
}

/** Zawgyi medial ra and its wide / short glyph variants. */
function isZawgyiRa(c: number): boolean {
  return c === 0x103b || (c >= 0x107e && c <= 0x1084);
}

/** What may follow a syllable-initial ေ in Zawgyi: a base, a ra form, ၀ or ၇ typed as ဝ / ရ. */
function canFollowZawgyiE(c: number): boolean {
  return isBaseLike(c) || isZawgyiRa(c) || c === 0x1040 || c === 0x1047;
}

/**
 * Articulation class of a consonant (velar, palatal, retroflex, dental, labial), -1 for the
 * others. Unicode stacks (U+1039) join consonants of one class (က္ခ, န္တ, မ္ဘ) or a doubled
 * letter (လ္လ, သ္သ); an asat before the next syllable's consonant in Zawgyi joins any two.
 */
function consonantClass(c: number): number {
  if (c >= 0x1000 && c <= 0x1004) return 0;
  if (c >= 0x1005 && c <= 0x100a) return 1;
  if (c >= 0x100b && c <= 0x100f) return 2;
  if (c >= 0x1010 && c <= 0x1014) return 3;
  if (c >= 0x1015 && c <= 0x1019) return 4;
  return -1;
}

/** Zawgyi-only code points (stacked consonants, kinzi, glyph variants). */
function isZawgyiForm(c: number): boolean {
  return c === 0x105a || c === 0x1033 || c === 0x1034 || (c >= 0x1060 && c <= 0x108f);
}

function isMyanmarLetterOrMark(c: number): boolean {
  return c >= 0x1000 && c <= 0x103f;
}

/** Zawgyi and Unicode evidence in `text` (exported for tests and tuning). */
export function zawgyiEvidence(text: string): { zawgyi: number; unicode: number } {
  let z = 0;
  let u = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x1000 || c > 0x109f) continue;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (isZawgyiForm(c)) {
      z += 2;
    } else if (c >= 0x1090 && c <= 0x1097) {
      // Shan digits in Unicode; Zawgyi letter forms (႐ = ra) when written inside a word
      if (isMyanmarLetterOrMark(prev) || isMyanmarLetterOrMark(next)) z += 2;
    } else if (c === 0x1031) {
      const afterBase = isBaseLike(prev) || isUnicodeMedial(prev);
      if (!afterBase && canFollowZawgyiE(next)) z += 2;
      else if (afterBase && !canFollowZawgyiE(next)) u += 1;
    } else if (c === 0x103b) {
      const afterBase = isBaseLike(prev) || prev === 0x103a;
      if (!afterBase && isBaseLike(next)) z += 2;
      else if (afterBase && !isBaseLike(next) && next !== 0x1040 && next !== 0x1047) u += 1;
    } else if (c === 0x1039) {
      if (!isConsonant(next)) {
        z += 2;
      } else if (prev === 0x103a && i >= 2 && text.charCodeAt(i - 2) === 0x1004) {
        u += 2; // kinzi
      } else if (!isConsonant(prev)) {
        z += 2; // a Unicode stack needs a consonant on top: this is an asat after ့ or a vowel
      } else if (prev !== next) {
        const k = consonantClass(prev);
        if (k < 0 || k !== consonantClass(next)) z += 2;
      }
    } else if (c === 0x103a) {
      // Zawgyi medial ya before ာ ါ ိ ီ ဲ; a Unicode asat never is (ု after asat: ကျွန်ုပ်)
      if (next === 0x102b || next === 0x102c || next === 0x102d || next === 0x102e) z += 2;
      else if (next === 0x1032) z += 2;
    } else if (c === 0x103e) {
      u += 2;
    }
  }
  return { zawgyi: z, unicode: u };
}

/** True when `text` looks like Burmese typed in the Zawgyi encoding (see the module comment). */
export function isZawgyi(text: string): boolean {
  if (!text || !MYANMAR.test(text)) return false;
  const { zawgyi, unicode } = zawgyiEvidence(text);
  return zawgyi >= 2 && zawgyi > unicode;
}

// ------------------------------------------------------------------------------- conversion

/** Unicode storage order inside a syllable (UTN #11). */
const RANK = {
  stack: 1,
  asatBeforeYa: 1.5, // ယောက်ျား: the asat of the consonant comes before medial ya
  ya: 2,
  ra: 3,
  wa: 4,
  ha: 5,
  e: 6,
  upper: 7,
  lower: 8,
  aa: 9,
  anusvara: 10,
  dot: 11,
  asat: 12,
  afterAsat: 12.5, // ကျွန်ုပ်: ု typed after the asat stays there
  visarga: 13,
} as const;

type Unit = readonly [rank: number, text: string];

const u = (rank: number, text: string): Unit => [rank, text];

/** Marks that follow the base: Zawgyi code point → Unicode units. */
const MARKS = new Map<number, readonly Unit[]>([
  [0x1039, [u(RANK.asat, '\u103a')]],
  [0x103a, [u(RANK.ya, '\u103b')]],
  [0x107d, [u(RANK.ya, '\u103b')]],
  [0x103c, [u(RANK.wa, '\u103d')]],
  [0x103d, [u(RANK.ha, '\u103e')]],
  [0x1087, [u(RANK.ha, '\u103e')]],
  [0x1088, [u(RANK.ha, '\u103e'), u(RANK.lower, '\u102f')]],
  [0x1089, [u(RANK.ha, '\u103e'), u(RANK.lower, '\u1030')]],
  [0x108a, [u(RANK.wa, '\u103d'), u(RANK.ha, '\u103e')]],
  [0x102d, [u(RANK.upper, '\u102d')]],
  [0x102e, [u(RANK.upper, '\u102e')]],
  [0x1032, [u(RANK.upper, '\u1032')]],
  [0x102f, [u(RANK.lower, '\u102f')]],
  [0x1033, [u(RANK.lower, '\u102f')]],
  [0x1030, [u(RANK.lower, '\u1030')]],
  [0x1034, [u(RANK.lower, '\u1030')]],
  [0x103f, [u(RANK.lower, '\u1030')]],
  [0x102b, [u(RANK.aa, '\u102b')]],
  [0x102c, [u(RANK.aa, '\u102c')]],
  [0x1036, [u(RANK.anusvara, '\u1036')]],
  [0x108e, [u(RANK.upper, '\u102d'), u(RANK.anusvara, '\u1036')]],
  [0x1037, [u(RANK.dot, '\u1037')]],
  [0x1094, [u(RANK.dot, '\u1037')]],
  [0x1095, [u(RANK.dot, '\u1037')]],
  [0x1038, [u(RANK.visarga, '\u1038')]],
  [0x105a, [u(RANK.aa, '\u102b'), u(RANK.asat, '\u103a')]],
  [0x1096, [u(RANK.stack, '\u1039\u1010'), u(RANK.wa, '\u103d')]],
]);

/** Stacked consonants: Zawgyi code point → the subjoined Unicode consonant. */
const STACKED: ReadonlyArray<readonly [number, number]> = [
  [0x1060, 0x1000],
  [0x1061, 0x1001],
  [0x1062, 0x1002],
  [0x1063, 0x1003],
  [0x1065, 0x1005],
  [0x1066, 0x1006],
  [0x1067, 0x1006],
  [0x1068, 0x1007],
  [0x1069, 0x1008],
  [0x106c, 0x100b],
  [0x106d, 0x100c],
  [0x1070, 0x100f],
  [0x1071, 0x1010],
  [0x1072, 0x1010],
  [0x1073, 0x1011],
  [0x1074, 0x1011],
  [0x1075, 0x1012],
  [0x1076, 0x1013],
  [0x1077, 0x1014],
  [0x1078, 0x1015],
  [0x1079, 0x1016],
  [0x107a, 0x1017],
  [0x107b, 0x1018],
  [0x1093, 0x1018],
  [0x107c, 0x1019],
  [0x1085, 0x101c],
];
for (const [zg, cons] of STACKED)
  MARKS.set(zg, [u(RANK.stack, `\u1039${String.fromCharCode(cons)}`)]);

/** Kinzi forms (written after the consonant they sit on), with the vowel some of them carry. */
const KINZI = new Map<number, readonly Unit[]>([
  [0x1064, []],
  [0x108b, [u(RANK.upper, '\u102d')]],
  [0x108c, [u(RANK.upper, '\u102e')]],
  [0x108d, [u(RANK.anusvara, '\u1036')]],
]);

/** Bases: Zawgyi variant → Unicode base, plus the stack it carries for the ligatures. */
const BASES = new Map<number, readonly [string, Unit?]>([
  [0x106a, ['\u1009']],
  [0x106b, ['\u100a']],
  [0x108f, ['\u1014']],
  [0x1090, ['\u101b']],
  [0x1086, ['\u103f']],
  [0x106e, ['\u100d', u(RANK.stack, '\u1039\u100d')]],
  [0x106f, ['\u100d', u(RANK.stack, '\u1039\u100e')]],
  [0x1091, ['\u100f', u(RANK.stack, '\u1039\u100d')]],
  [0x1092, ['\u100b', u(RANK.stack, '\u1039\u100c')]],
  [0x1097, ['\u100b', u(RANK.stack, '\u1039\u100b')]],
]);

const KINZI_TEXT = '\u1004\u103a\u1039';

interface Syllable {
  base: string;
  kinzi: boolean;
  units: Unit[];
}

function isMark(c: number): boolean {
  return MARKS.has(c) || KINZI.has(c);
}

function addUnit(s: Syllable, unit: Unit): void {
  const last = s.units[s.units.length - 1];
  let rank = unit[0];
  if (last && last[0] === RANK.asat) {
    if (rank === RANK.ya) s.units[s.units.length - 1] = u(RANK.asatBeforeYa, last[1]);
    else if (unit[1] === '\u102f') rank = RANK.afterAsat;
  }
  // a mark typed twice (ု ု) is kept once
  if (s.units.some((x) => x[1] === unit[1])) return;
  s.units.push(rank === unit[0] ? unit : u(rank, unit[1]));
}

function writeSyllable(s: Syllable): string {
  let base = s.base;
  const units = s.units;
  const has = (t: string) => units.some((x) => x[1] === t);
  // ဥ typed for ဉ before asat or ာ; ဥ + ီ is ဦ; စ + medial ya is ဈ
  if (base === '\u1025' && (has('\u103a') || has('\u102c'))) base = '\u1009';
  if (base === '\u1025' && has('\u102e')) {
    base = '\u1026';
    units.splice(
      units.findIndex((x) => x[1] === '\u102e'),
      1,
    );
  }
  if (base === '\u1005' && has('\u103b')) {
    base = '\u1008';
    units.splice(
      units.findIndex((x) => x[1] === '\u103b'),
      1,
    );
  }
  // stable sort by rank: insertion sort, a syllable has a handful of units
  for (let i = 1; i < units.length; i++) {
    const x = units[i]!;
    let j = i - 1;
    while (j >= 0 && units[j]![0] > x[0]) {
      units[j + 1] = units[j]!;
      j--;
    }
    units[j + 1] = x;
  }
  let out = s.kinzi ? KINZI_TEXT + base : base;
  for (const x of units) out += x[1];
  return out;
}

/**
 * Converts Zawgyi-encoded Burmese to Unicode. Only call it on text that isZawgyi() accepts:
 * on Unicode text it would move marks around. Characters outside the Myanmar block are kept.
 */
export function zawgyiToUnicode(text: string): string {
  let out = '';
  let syl: Syllable | undefined;
  let preE = false;
  let preRa = false;
  const flushPre = () => {
    if (preRa) out += '\u103c';
    if (preE) out += '\u1031';
    preE = false;
    preRa = false;
  };
  const close = () => {
    if (syl) out += writeSyllable(syl);
    syl = undefined;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c === 0x1031 || isZawgyiRa(c)) {
      close();
      if (c === 0x1031) {
        if (preE) flushPre();
        preE = true;
      } else {
        if (preRa) flushPre();
        preRa = true;
      }
      continue;
    }
    // ၀ and ၇ typed for ဝ and ရ: after a prefix or carrying a mark; ၀ also inside a word
    const digitAsLetter =
      (c === 0x1040 || c === 0x1047) &&
      (preE ||
        preRa ||
        isMark(next) ||
        (c === 0x1040 &&
          i > 0 &&
          isMyanmarLetterOrMark(text.charCodeAt(i - 1)) &&
          !(next >= 0x1040 && next <= 0x1049)));
    const variant = BASES.get(c);
    if (isBaseLike(c) || digitAsLetter) {
      close();
      let base = String.fromCharCode(c);
      if (digitAsLetter) base = c === 0x1040 ? '\u101d' : '\u101b';
      syl = { base: variant ? variant[0] : base, kinzi: false, units: [] };
      if (variant?.[1]) addUnit(syl, variant[1]);
      if (preRa) addUnit(syl, u(RANK.ra, '\u103c'));
      if (preE) addUnit(syl, u(RANK.e, '\u1031'));
      preE = false;
      preRa = false;
      continue;
    }
    const kinzi = KINZI.get(c);
    if (kinzi && syl) {
      syl.kinzi = true;
      for (const x of kinzi) addUnit(syl, x);
      continue;
    }
    const mark = MARKS.get(c);
    if (mark && syl) {
      for (const x of mark) addUnit(syl, x);
      continue;
    }
    close();
    flushPre();
    if (mark) {
      for (const x of mark) out += x[1];
    } else if (c === 0x104e && next !== 0x1004) {
      out += '\u104e\u1004\u103a\u1038'; // ၎ alone stands for ၎င်း
    } else {
      out += text[i];
    }
  }
  close();
  flushPre();
  return out;
}
