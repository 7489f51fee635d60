/**
 * Entity extraction from user text: province, Bangkok SSO area number, section (33/39/40),
 * Thai national ID (checksum-validated), month and year (Thai/English month names, Buddhist-era
 * years converted to Gregorian). Pure; regexes compiled once.
 */
import { normalise } from './normalise.ts';
import { findProvinceNormalised, type Province } from './provinces.ts';

export type Section = 33 | 39 | 40;

export interface Entities {
  province?: Province;
  /** Bangkok SSO area office number, 1–12. */
  areaNo?: number;
  section?: Section;
  /** 13 digits, no separators. The only place a raw ID may appear. */
  nationalId?: string;
  /** 1–12 */
  month?: number;
  /** Gregorian year. */
  year?: number;
}

/** Entities are looked for in the first this-many characters only. */
export const MAX_ENTITY_CHARS = 2000;

// ---------------------------------------------------------------- national ID

const NON_DIGIT = /\D/g;

/** True when `id` (dashes/spaces allowed) is 13 digits with a valid Thai ID checksum. */
export function isValidNationalId(id: string): boolean {
  const d = id.replace(NON_DIGIT, '');
  if (d.length !== 13 || id.replace(/[\d\s-]/g, '') !== '') return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (d.charCodeAt(i) - 48) * (13 - i);
  return (11 - (sum % 11)) % 10 === d.charCodeAt(12) - 48;
}

/** Masks an ID as `1-2345-xxxxx-xx-1` (first digit, next four, last digit shown). */
export function maskNationalId(id: string): string {
  const d = id.replace(NON_DIGIT, '');
  if (d.length !== 13) return 'x-xxxx-xxxxx-xx-x';
  return `${d[0]}-${d.slice(1, 5)}-xxxxx-xx-${d[12]}`;
}

const ID_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12}(?![ -]?\d)/g;

function findNationalId(text: string): string | undefined {
  for (const m of text.matchAll(ID_CANDIDATE)) {
    const digits = m[0].replace(NON_DIGIT, '');
    if (isValidNationalId(digits)) return digits;
  }
  return undefined;
}

// ---------------------------------------------------------------- section, area

const SECTION = /มาตรา (33|39|40)(?!\d)/;

const AREA =
  /(?:เขตพื้นที่|พื้นที่|เขต|สาขา|area|zone|branch|district)\s*(?:ที่|no\.?|number|#)?\s*(\d{1,2})(?!\d)/;

// ---------------------------------------------------------------- month, year

const THAI_MONTHS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['มกราคม', 'มกรา', 'ม.ค.', 'ม.ค', 'มค.']],
  [2, ['กุมภาพันธ์', 'กุมภาพันธ', 'กุมภาพัน', 'กุมภา', 'ก.พ.', 'ก.พ', 'กพ.']],
  [3, ['มีนาคม', 'มีนา', 'มี.ค.', 'มี.ค', 'มีค.']],
  [4, ['เมษายน', 'เมษา', 'เม.ย.', 'เม.ย', 'เมย.']],
  [5, ['พฤษภาคม', 'พฤษภา', 'พฤศภาคม', 'พ.ค.', 'พ.ค', 'พค.']],
  [6, ['มิถุนายน', 'มิถุนา', 'มิ.ย.', 'มิ.ย', 'มิย.']],
  [7, ['กรกฎาคม', 'กรกฏาคม', 'กรกฎา', 'กรกฏา', 'ก.ค.', 'ก.ค', 'กค.']],
  [8, ['สิงหาคม', 'สิงหา', 'ส.ค.', 'ส.ค', 'สค.']],
  [9, ['กันยายน', 'กันยา', 'ก.ย.', 'ก.ย', 'กย.']],
  [10, ['ตุลาคม', 'ตุลา', 'ต.ค.', 'ต.ค', 'ตค.']],
  [11, ['พฤศจิกายน', 'พฤษจิกายน', 'พฤศจิกา', 'พฤศจิ', 'พ.ย.', 'พ.ย', 'พย.']],
  [12, ['ธันวาคม', 'ธันวา', 'ธ.ค.', 'ธ.ค', 'ธค.']],
];
/** Dot-less abbreviations: only when not glued to other Thai letters. */
const THAI_MONTHS_BARE: ReadonlyArray<readonly [number, string]> = [
  [1, 'มค'],
  [2, 'กพ'],
  [3, 'มีค'],
  [4, 'เมย'],
  [5, 'พค'],
  [6, 'มิย'],
  [7, 'กค'],
  [8, 'สค'],
  [9, 'กย'],
  [10, 'ตค'],
  [11, 'พย'],
  [12, 'ธค'],
];
const EN_MONTHS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['january', 'jan']],
  [2, ['february', 'feb']],
  [3, ['march', 'mar']],
  [4, ['april', 'apr']],
  [5, ['may']],
  [6, ['june', 'jun']],
  [7, ['july', 'jul']],
  [8, ['august', 'aug']],
  [9, ['september', 'sept', 'sep']],
  [10, ['october', 'oct']],
  [11, ['november', 'nov']],
  [12, ['december', 'dec']],
];
/** English month words that are also ordinary words: need a number next to them. */
const EN_NEED_NUMBER = new Set(['may', 'mar', 'jan', 'dec']);

const MONTH_OF = new Map<string, number>();
const thaiForms: string[] = [];
for (const [m, forms] of THAI_MONTHS) {
  for (const f of forms) {
    MONTH_OF.set(f, m);
    thaiForms.push(f);
  }
}
const bareForms: string[] = [];
for (const [m, f] of THAI_MONTHS_BARE) {
  MONTH_OF.set(f, m);
  bareForms.push(f);
}
const enForms: string[] = [];
for (const [m, forms] of EN_MONTHS) {
  for (const f of forms) {
    MONTH_OF.set(f, m);
    enForms.push(f);
  }
}

function alternation(forms: string[]): string {
  return [...forms]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.]/g, '\\.'))
    .join('|');
}

const THAI_LETTER = '\\u0e01-\\u0e4e';
const MONTH_RE = new RegExp(
  `(${alternation(thaiForms)})|(?<![${THAI_LETTER}])(${alternation(bareForms)})(?![${THAI_LETTER}])|(?<![a-z])(${alternation(enForms)})(?![a-z])`,
  'g',
);
/** Year right after a month (optionally with era marker). Group 1: apostrophe, 2: digits. */
const YEAR_AFTER_MONTH = /^[\s,.]*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)?\s*(['’])?(\d{4}|\d{2})(?!\d)/;
const NUMBER_BEFORE = /(\d{1,2})\s*$/;
const NUMBER_AFTER = /^\s*\d/;
/** Year with a marker: ปี 2568, พ.ศ. 2568, ค.ศ. 2025, year 2025, in 2024, ปี 68. */
const YEAR_MARKED =
  /(?:ปี|พ\.?\s*ศ\.?|ค\.?\s*ศ\.?|(?<![a-z])(?:year|in|since|of)(?![a-z]))\s*(\d{4}|\d{2})(?!\d)/g;
/** A bare 4-digit year that is not an amount. */
const YEAR_BARE = /(?<![\d.,/-])(\d{4})(?![\d.,])(?!\s*(?:บาท|บ\.|฿|baht|thb|คน|ราย|km|กม))/g;

function toGregorian(raw: string, thaiContext: boolean, apostrophe: boolean): number | undefined {
  const n = Number(raw);
  if (raw.length === 4) {
    if (n >= 2500 && n <= 2600) return n - 543;
    if (n >= 1950 && n <= 2100) return n;
    return undefined;
  }
  if (thaiContext) return n >= 40 ? 2500 + n - 543 : undefined;
  if (apostrophe) return 2000 + n;
  return undefined;
}

function findMonthYear(text: string): { month?: number; year?: number } {
  let month: number | undefined;
  let year: number | undefined;
  MONTH_RE.lastIndex = 0;
  for (let m = MONTH_RE.exec(text); m; m = MONTH_RE.exec(text)) {
    const form = m[1] ?? m[2] ?? m[3] ?? '';
    const thai = m[3] === undefined;
    const end = m.index + m[0].length;
    const after = text.slice(end, end + 16);
    if (!thai && EN_NEED_NUMBER.has(form)) {
      const before = text.slice(Math.max(0, m.index - 4), m.index);
      if (!NUMBER_AFTER.test(after) && !NUMBER_BEFORE.test(before)) continue;
    }
    const mm = MONTH_OF.get(form);
    if (mm === undefined) continue;
    month = mm;
    const y = YEAR_AFTER_MONTH.exec(after);
    if (y?.[2]) {
      const yy = toGregorian(y[2], thai, y[1] !== undefined);
      if (yy !== undefined) year = yy;
    }
    break;
  }
  if (year === undefined) {
    YEAR_MARKED.lastIndex = 0;
    for (let y = YEAR_MARKED.exec(text); y; y = YEAR_MARKED.exec(text)) {
      const raw = y[1] ?? '';
      const thai = !/[a-z]/.test(y[0]);
      const yy = toGregorian(raw, thai && raw.length === 2 && Number(raw) >= 50, false);
      if (yy !== undefined) {
        year = yy;
        break;
      }
    }
  }
  if (year === undefined) {
    YEAR_BARE.lastIndex = 0;
    for (let y = YEAR_BARE.exec(text); y; y = YEAR_BARE.exec(text)) {
      const n = Number(y[1]);
      if (n >= 2500 && n <= 2600) {
        year = n - 543;
        break;
      }
      if (n >= 1990 && n <= 2100) {
        year = n;
        break;
      }
    }
  }
  const out: { month?: number; year?: number } = {};
  if (month !== undefined) out.month = month;
  if (year !== undefined) out.year = year;
  return out;
}

// ---------------------------------------------------------------- all

/** Extracts entities from text that already went through `normalise()`. */
export function extractEntitiesNormalised(norm: string): Entities {
  const text = norm.length > MAX_ENTITY_CHARS ? norm.slice(0, MAX_ENTITY_CHARS) : norm;
  const out: Entities = {};
  const nationalId = findNationalId(text);
  if (nationalId) out.nationalId = nationalId;
  // IDs and long numbers must not be read as years, sections or areas
  const rest = nationalId ? text.replace(ID_CANDIDATE, ' ') : text;
  const province = findProvinceNormalised(rest);
  if (province) out.province = province;
  const s = SECTION.exec(rest);
  if (s?.[1]) out.section = Number(s[1]) as Section;
  const a = AREA.exec(rest);
  if (a?.[1]) {
    const n = Number(a[1]);
    if (n >= 1 && n <= 12) out.areaNo = n;
  }
  const { month, year } = findMonthYear(rest);
  if (month !== undefined) out.month = month;
  if (year !== undefined) out.year = year;
  return out;
}

/** Extracts entities from raw user text. */
export function extractEntities(text: string): Entities {
  return extractEntitiesNormalised(normalise(text));
}
