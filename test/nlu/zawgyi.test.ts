/**
 * Zawgyi detection and conversion: the review's examples, common words, every Burmese string of
 * the project left alone, and a round trip through a small Unicode → Zawgyi encoder (below).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/nlu/normalise.ts';
import { isZawgyi, zawgyiEvidence, zawgyiToUnicode } from '../../src/nlu/zawgyi.ts';

// ---------------------------------------------------------------- test encoder
// Writes Unicode Burmese the way a Zawgyi keyboard stores it: ေ and medial ra before the
// consonant, medials one code point lower, Zawgyi's stacked-consonant and kinzi code points.
// `variants` also uses the glyph variants Zawgyi keyboards produce (wide ra, short na and ra,
// long u, dot-below variants).

const STACK_TO_ZAWGYI: Record<string, string> = {
  '\u1000': '\u1060',
  '\u1001': '\u1061',
  '\u1002': '\u1062',
  '\u1003': '\u1063',
  '\u1005': '\u1065',
  '\u1006': '\u1066',
  '\u1007': '\u1068',
  '\u1008': '\u1069',
  '\u100b': '\u106c',
  '\u100c': '\u106d',
  '\u100f': '\u1070',
  '\u1010': '\u1071',
  '\u1011': '\u1073',
  '\u1012': '\u1075',
  '\u1013': '\u1076',
  '\u1014': '\u1077',
  '\u1015': '\u1078',
  '\u1016': '\u1079',
  '\u1017': '\u107a',
  '\u1018': '\u107b',
  '\u1019': '\u107c',
  '\u101c': '\u1085',
};
/**
 * Stacks Zawgyi has no subscript letter for: it draws the pair as one ligature in the base's
 * place (ဘဏ္ဍာ is ဘ႑ာ). Written as asat + consonant they would read as ဏ်ဍ, in Zawgyi as in the
 * converter.
 */
const LIGATURE_TO_ZAWGYI: Record<string, string> = {
  '\u100d\u100d': '\u106e',
  '\u100d\u100e': '\u106f',
  '\u100f\u100d': '\u1091',
  '\u100b\u100c': '\u1092',
  '\u100b\u100b': '\u1097',
};
/** Consonants drawn wide, which take Zawgyi's wide medial ra (U+107E). */
const WIDE = new Set([
  ...'\u1000\u1003\u1006\u100f\u1010\u1011\u1018\u101a\u101c\u101e\u101f\u1021',
]);
const MEDIAL_TO_ZAWGYI: Record<string, string> = {
  '\u103b': '\u103a',
  '\u103d': '\u103c',
  '\u103e': '\u103d',
};

function isBase(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 0x1000 && c <= 0x102a) || c === 0x103f;
}

function unicodeToZawgyi(text: string, variants = false): string {
  const cps = [...text];
  let out = '';
  let i = 0;
  while (i < cps.length) {
    const ch = cps[i]!;
    let kinzi = false;
    if (
      ch === '\u1004' &&
      cps[i + 1] === '\u103a' &&
      cps[i + 2] === '\u1039' &&
      isBase(cps[i + 3] ?? '')
    ) {
      kinzi = true;
      i += 3;
    }
    const base = cps[i]!;
    if (!isBase(base)) {
      out += base === '\u103a' ? '\u1039' : base;
      i++;
      continue;
    }
    i++;
    let stack = '';
    let ligatureBase: string | undefined;
    let asatBeforeYa = false;
    let ra = false;
    let e = false;
    const medials: string[] = [];
    const rest: string[] = [];
    for (; i < cps.length; i++) {
      const m = cps[i]!;
      if (m === '\u1039' && isBase(cps[i + 1] ?? '')) {
        const ligature = stack === '' ? LIGATURE_TO_ZAWGYI[base + cps[i + 1]!] : undefined;
        if (ligature) ligatureBase = ligature;
        else stack += STACK_TO_ZAWGYI[cps[i + 1]!] ?? `\u1039${cps[i + 1]}`;
        i++;
      } else if (m === '\u103a' && cps[i + 1] === '\u103b') {
        asatBeforeYa = true;
      } else if (m === '\u103c') {
        ra = true;
      } else if (m === '\u1031') {
        e = true;
      } else if (MEDIAL_TO_ZAWGYI[m]) {
        medials.push(MEDIAL_TO_ZAWGYI[m]!);
      } else if (m === '\u1004' && cps[i + 1] === '\u103a' && cps[i + 2] === '\u1039') {
        break;
      } else if (/[\u102b-\u1038\u103a]/.test(m)) {
        rest.push(m === '\u103a' ? '\u1039' : m);
      } else {
        break;
      }
    }
    let b = ligatureBase ?? base;
    const lower = rest.some((m) => m === '\u102f' || m === '\u1030');
    if (variants && b === '\u1014' && (lower || medials.length > 0)) b = '\u108f';
    if (variants && b === '\u101b' && lower) b = '\u1090';
    let marks = rest;
    if (variants && (ra || medials.includes('\u103a'))) {
      marks = marks.map((m) => (m === '\u102f' ? '\u1033' : m === '\u1030' ? '\u1034' : m));
    }
    if (variants && medials.includes('\u103d') && marks[0] === '\u102f') {
      medials.splice(medials.indexOf('\u103d'), 1);
      marks = ['\u1088', ...marks.slice(1)];
    }
    if (variants && marks.includes('\u1037') && (lower || b === '\u108f')) {
      marks = marks.map((m) => (m === '\u1037' ? '\u1094' : m));
    }
    out += (e ? '\u1031' : '') + (ra ? (variants && WIDE.has(base) ? '\u107e' : '\u103b') : '');
    out += b + stack + (kinzi ? '\u1064' : '') + (asatBeforeYa ? '\u1039' : '') + medials.join('');
    out += marks.join('');
  }
  return out;
}

// ---------------------------------------------------------------- data

const LOCALES = new URL('../../locales/my/', import.meta.url);

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Every string with Burmese letters in locales/my (all JSON files, also in subfolders). */
const BURMESE: string[] = (readdirSync(LOCALES, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => strings(JSON.parse(readFileSync(new URL(f, LOCALES), 'utf8'))))
  .filter((s) => /[\u1000-\u109f]/.test(s));

const myanmarLetters = (s: string) => (s.match(/[\u1000-\u103f]/g) ?? []).length;
/**
 * What the converter keeps of a Unicode string: a mark typed twice (ရုံးး, a typo kept in the
 * examples) once, and စျ as ဈ (Zawgyi keyboards type ဈ as စ + medial ya).
 */
const once = (s: string) =>
  s
    .normalize('NFC')
    .replace(/(\p{M})\1+/gu, '$1')
    .replace(/စျ/g, 'ဈ');

// ---------------------------------------------------------------- tests

describe('zawgyiToUnicode', () => {
  it("converts the review's examples", () => {
    expect(isZawgyi('ေဆး႐ုံ ဘယ္မွာလဲ')).toBe(true);
    expect(zawgyiToUnicode('ေဆး႐ုံ ဘယ္မွာလဲ')).toBe('ဆေးရုံ ဘယ်မှာလဲ');
    expect(isZawgyi('အလုပ္လက္မဲ့ ေငြ ဘယ္ေတာ့ ရမလဲ')).toBe(true);
    expect(zawgyiToUnicode('အလုပ္လက္မဲ့ ေငြ ဘယ္ေတာ့ ရမလဲ')).toBe('အလုပ်လက်မဲ့ ငွေ ဘယ်တော့ ရမလဲ');
  });

  it('reorders ေ and medial ra, maps medials, stacks, kinzi and glyph variants', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['မဂၤလာပါ', 'မင်္ဂလာပါ'], // kinzi
      ['ျမန္မာ', 'မြန်မာ'], // medial ra before the consonant
      ['ေျပာ', 'ပြော'], // ေ + medial ra
      ['ၿပီး', 'ပြီး'], // ra variant
      ['ေက်ာင္း', 'ကျောင်း'], // medial ya + aa
      ['ကၽြန္ေတာ္', 'ကျွန်တော်'], // ya variant + wa
      ['ကၽြႏ္ုပ္', 'ကျွန်ုပ်'], // asat before u kept there
      ['ေယာက္်ား', 'ယောက်ျား'], // asat before medial ya
      ['ႏိုင္ငံ', 'နိုင်ငံ'], // short na
      ['လူမႈဖူလုံေရး', 'လူမှုဖူလုံရေး'], // ha + u ligature
      ['ေရႊ', 'ရွှေ'], // wa + ha ligature
      ['ဥစၥာ', 'ဥစ္စာ'], // stacked sa
      ['ကမၻာ', 'ကမ္ဘာ'], // stacked ba
      ['ဘ႑ာေရး', 'ဘဏ္ဍာရေး'], // ဏ္ဍ ligature (Zawgyi has no subscript ဍ)
      ['ဓမၼ', 'ဓမ္မ'], // stacked ma
      ['သၾကၤန္', 'သင်္ကြန်'], // kinzi + medial ra
      ['ေစ်း', 'ဈေး'], // စ + ya is ဈ
      ['ထည့္၀င္ေငြ', 'ထည့်ဝင်ငွေ'], // ၀ typed for ဝ
      ['ခ်င္းမိုင္ ရုံး', 'ချင်းမိုင် ရုံး'],
      ['LINE ကို ဘယ္လို ခ်ိတ္ရမလဲ?', 'LINE ကို ဘယ်လို ချိတ်ရမလဲ?'], // other scripts kept
    ];
    for (const [zawgyi, unicode] of cases) {
      expect(isZawgyi(zawgyi), zawgyi).toBe(true);
      expect(zawgyiToUnicode(zawgyi).normalize('NFC'), zawgyi).toBe(unicode);
    }
  });

  it('round-trips every Burmese string of the project through Zawgyi', () => {
    expect(BURMESE.length).toBeGreaterThan(500);
    for (const variants of [false, true]) {
      for (const s of BURMESE) {
        const zawgyi = unicodeToZawgyi(s, variants);
        expect(once(zawgyiToUnicode(zawgyi)), `${variants} ${s}`).toBe(once(s));
      }
    }
  });
});

describe('isZawgyi', () => {
  it('never flags the Unicode Burmese of the project', () => {
    const flagged = BURMESE.filter((s) => isZawgyi(s));
    expect(flagged).toEqual([]);
    // not even weak evidence: no Unicode string has a Zawgyi-only sequence
    expect(BURMESE.filter((s) => zawgyiEvidence(s).zawgyi > 0)).toEqual([]);
  });

  it('recognises those strings once encoded in Zawgyi', () => {
    // short strings can be the same in both encodings ("မီနူး"); count the longer ones
    const long = BURMESE.filter((s) => myanmarLetters(s) >= 12);
    expect(long.length).toBeGreaterThan(300);
    for (const variants of [false, true]) {
      const found = long.filter((s) => isZawgyi(unicodeToZawgyi(s, variants))).length;
      expect(found / long.length, `variants ${variants}`).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('is false for other scripts and empty text', () => {
    expect(isZawgyi('')).toBe(false);
    expect(isZawgyi('เงินสมทบ')).toBe(false);
    expect(isZawgyi('hello')).toBe(false);
    expect(isZawgyi('၁၅၀၀၀')).toBe(false);
  });
});

describe('normalise with Burmese', () => {
  it('converts Zawgyi input to Unicode', () => {
    expect(normalise('ေဆး႐ုံ ဘယ္မွာလဲ')).toBe('ဆေးရုံ ဘယ်မှာလဲ');
    expect(normalise('အလုပ္လက္မဲ့ ေငြ ဘယ္ေတာ့ ရမလဲ')).toBe('အလုပ်လက်မဲ့ ငွေ ဘယ်တော့ ရမလဲ');
    // Zawgyi ႐ (U+1090) is a letter there, not a Shan digit
    expect(normalise('႐ုံး')).toBe('ရုံး');
  });

  it('leaves the Burmese letters of every Unicode string as they are', () => {
    for (const s of BURMESE) {
      // normalise keeps a stretched letter once (ကကကကက → က) in every script
      const letters = (t: string) =>
        (t.normalize('NFC').match(/[\u1000-\u103f]+/g) ?? [])
          .join(' ')
          .replace(/(\p{M})\1+/gu, '$1')
          .replace(/(.)\1{2,}/gu, '$1');
      expect(letters(normalise(s)), s).toBe(letters(s));
    }
  });

  it('reads ၀ typed for ဝ inside a word, not in numbers', () => {
    expect(normalise('ထည့်၀င်ငွေ')).toBe('ထည့်ဝင်ငွေ');
    expect(normalise('လစာ ၁၅၀၀၀')).toBe('လစာ 15000');
    expect(normalise('ဖုန်း၀၈၁၂၃၄၅၆၇၈')).toBe('ဖုန်း0812345678');
    expect(normalise('ဖုန္း၀၈၁၂၃၄၅၆၇၈ ေပးပါ')).toBe('ဖုန်း0812345678 ပေးပါ'); // Zawgyi
  });
});
