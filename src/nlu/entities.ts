/**
 * Entity extraction from user text. Everything a handler needs from the words comes from here,
 * typed, in all five languages; handlers never parse text themselves.
 *
 * - province, Bangkok SSO area number, section (33/39/40, also ပုဒ်မ / មាត្រា / ມາດຕາ), Thai
 *   national ID (checksum-validated), month and year (Thai/English month names, Buddhist-era
 *   years converted to Gregorian): regexes compiled once;
 * - cause of leaving a job, benefit, topic, "near me", news stop/start, notifications on/off
 *   (with the category and "all" / "some"), "my own record", "calculate", and the numbers (wage, contribution months, age) with number words in every
 *   language ("หมื่นห้า", "1.5 หมื่น", "တစ်သောင်းခွဲ", "1ម៉ឺន5ពាន់", "15 ພັນ", "15k"): from the
 *   term lists in locales/<lang>/entities.json, normalised with normalise() when the lexicon is
 *   built and found with ONE trie pass over the normalised text (all languages in one trie:
 *   people mix languages). Numbers that change by date (the maximum contribution, the hotline,
 *   the months needed for medical rights) enter the lists as {{placeholders}} filled from
 *   data/rules (src/rules).
 *
 * Term lists: terms separated by "|"; in `number.words` / `number.multipliers` groups
 * "value: term|term" separated by ";"; in `units.age` a leading "#" marks a word that follows the
 * number ("50 years old") instead of preceding it ("age 50"). Static JSON imports only (the code
 * also runs in a Cloudflare Worker).
 */

import { localeFile } from '../locale-files.ts';
import { NOTIFICATION_CATEGORIES } from '../notify/categories.ts';
import {
  HOTLINE,
  MEDICAL_REQUIRED_MONTHS,
  MEDICAL_WINDOW_MONTHS,
  ruleHistory,
} from '../rules/index.ts';
import type { Lang } from './lang.ts';
import { isMyanmarKhmerSign } from './marks.ts';
import { normalise } from './normalise.ts';
import { findProvinceNormalised, type Province } from './provinces.ts';
import {
  type CompactTrie,
  compactStart,
  compactStep,
  compileTrie,
  newTrie,
  type TrieNode,
  trieAdd,
} from './trie.ts';

export type Section = 33 | 39 | 40;

/** Why a job ended (the unemployment benefit depends on it). */
export const CAUSE_ENTITIES = [
  'resigned',
  'laid_off',
  'contract_ended',
  'misconduct',
  'force_majeure',
] as const;
export type CauseEntity = (typeof CAUSE_ENTITIES)[number];

export const BENEFIT_ENTITIES = [
  'sickness',
  'maternity',
  'child_allowance',
  'invalidity',
  'death',
  'funeral',
  'survivor',
  'old_age',
  'unemployment',
  'medical',
  'dental',
] as const;
export type BenefitEntity = (typeof BENEFIT_ENTITIES)[number];

/** What a general question is about (the knowledge base answers by topic). */
export const TOPIC_ENTITIES = [
  'contribution_rate',
  'wage_ceiling',
  'payment_deadline',
  'payment_channels',
  'sections',
  'join',
  'switch_section',
  's39_lapse',
  'age_limit',
  'medical_eligibility',
  'hospital_change',
  'emergency',
  'gold_card',
  'pension',
  'lump_sum',
  'go_home',
  'unemployment_register',
  'unemployment_report',
  'sso_connect',
  'e_self_service',
  'e_claim',
  'e_payment',
  'employer_filing',
  'policy_2024',
  'hotline',
  'lost_card',
  'employer_not_paying',
  'which_card',
] as const;
export type TopicEntity = (typeof TOPIC_ENTITIES)[number];

/** The notification categories a text can name ("เงินเข้า" → payment_made): the same list. */
export const NOTIFY_CATEGORY_ENTITIES = NOTIFICATION_CATEGORIES;
export type NotifyCategoryEntity = (typeof NOTIFY_CATEGORY_ENTITIES)[number];

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
  /** Why the job ended; when several are named, the first of misconduct, force majeure, laid off, contract ended, resigned. */
  cause?: CauseEntity;
  /** THB per month, whole baht (at least 1,000; never a year, an ID or a phone number). */
  wage?: number;
  /** Contribution months ("240 เดือน", "20 ปี" → 240, "15 years" → 180, "1 ปี 6 เดือน" → 18). */
  months?: number;
  /** Age in years ("อายุ 50", "age 50", "50 years old", "အသက် 50", "អាយុ 50", "ອາຍຸ 50"). */
  age?: number;
  /** The benefit named (the longest matching term wins). */
  benefit?: BenefitEntity;
  /** The topic of a general question (the longest matching term wins; on a tie, the first). */
  topic?: TopicEntity;
  /** "near me", ใกล้ฉัน, แถวนี้, အနီး, ជិតខ្ញុំ, ໃກ້ຂ້ອຍ … */
  nearMe?: true;
  /** News pushes off / on ("หยุดรับข่าว" contains "รับข่าว": stop wins). */
  news?: 'stop' | 'start';
  /**
   * Notifications: `off` / `on` from the verbs (ปิด, stop, turn off … / เปิด, remind me …; off
   * wins); `stop` when the whole message is a stop word ("หยุด", "stop", "ရပ်ပါ", "ឈប់", "ຢຸດເດີ"),
   * which means every push off, news included.
   */
  notify?: 'on' | 'off' | 'stop';
  /** The notification category named (the longest matching term wins). */
  notifyCategory?: NotifyCategoryEntity;
  /** "all" (ทั้งหมด, everything, အကုန်, ទាំងអស់, ທັງໝົດ) or "some" (บางอัน, some, ខ្លះ …); all wins. */
  notifyScope?: 'all' | 'some';
  /** The user asks about their own record ("ของฉัน", "my", "ကျွန်ုပ်၏", "របស់ខ្ញុំ", "ຂອງຂ້ອຍ", "เข้ายัง"). */
  personal?: true;
  /** The user asks for a calculation (คำนวณ, calculate, တွက်, គណនា, ຄິດໄລ່). */
  calc?: true;
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

/** Thai (normalised to "มาตรา 33"), Burmese, Khmer and Lao words for a section of the Act. */
const SECTION = /(?:มาตรา|ပုဒ်မ|ပုတ်မ|មាត្រា|មាត្រ|ມາດຕາ|ມາດຕ)\s*(33|39|40)(?!\d)/;

const AREA =
  /(?:เขตพื้นที่|พื้นที่|เขต|สาขา|area|zone|branch|district|ဧရိယာ|តំបន់|ເຂດ)\s*(?:ที่|no\.?|number|#|ទី|ທີ)?\s*(\d{1,2})(?!\d)/;

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

// ---------------------------------------------------------------- term lists → one trie

/** The shape of locales/<lang>/entities.json (every list is a "|"-separated string). */
export interface EntityTermsFile {
  readonly cause?: Readonly<Partial<Record<CauseEntity, string>>>;
  readonly benefit?: Readonly<Partial<Record<BenefitEntity, string>>>;
  readonly topic?: Readonly<Partial<Record<TopicEntity, string>>>;
  readonly nearMe?: string;
  readonly news?: { readonly stop?: string; readonly start?: string };
  readonly notify?: {
    readonly off?: string;
    readonly on?: string;
    readonly all?: string;
    readonly some?: string;
    /** Stop words that, alone in a message, turn every push off. */
    readonly stop?: string;
    /** Words that may stand around a lone stop word ("please", "เลย", "ပါ", "ទៅ", "ເດີ"). */
    readonly filler?: string;
    readonly category?: Readonly<Partial<Record<NotifyCategoryEntity, string>>>;
  };
  readonly personal?: string;
  readonly calc?: string;
  readonly number?: {
    readonly words?: string;
    readonly multipliers?: string;
    readonly half?: string;
    /** Words that contain a number word but are no number (ဘယ်နှစ် "how many", สามี). */
    readonly notNumbers?: string;
  };
  readonly units?: {
    readonly month?: string;
    readonly year?: string;
    readonly age?: string;
    readonly tenure?: string;
    readonly money?: string;
    readonly wage?: string;
  };
}

export const ENTITY_TERM_FILES: Readonly<Record<Lang, EntityTermsFile>> = {
  th: localeFile<EntityTermsFile>('th', 'entities'),
  en: localeFile<EntityTermsFile>('en', 'entities'),
  my: localeFile<EntityTermsFile>('my', 'entities'),
  km: localeFile<EntityTermsFile>('km', 'entities'),
  lo: localeFile<EntityTermsFile>('lo', 'entities'),
};

// What a term is. Kinds from K_NUM on are parts of number phrases: one token per position (the
// longest), never overlapping; the others are flags found anywhere, overlaps allowed.
const K_CAUSE = 0;
const K_BENEFIT = 1;
const K_TOPIC = 2;
const K_NEAR = 3;
const K_NEWS_STOP = 4;
const K_NEWS_START = 5;
const K_PERSONAL = 6;
const K_CALC = 7;
const K_NOTIFY_OFF = 8;
const K_NOTIFY_ON = 9;
const K_NOTIFY_CATEGORY = 10;
const K_NOTIFY_ALL = 11;
const K_NOTIFY_SOME = 12;
const K_NUM = 13;
const K_MULT = 14;
const K_HALF = 15;
const K_MONTH = 16;
const K_YEAR = 17;
const K_AGE_BEFORE = 18;
const K_AGE_AFTER = 19;
/** อายุงาน, ອາຍຸງານ …: longer than the age word they start with, so the number is not an age. */
const K_TENURE = 20;
const K_MONEY = 21;
const K_WAGE_CUE = 22;
const K_NOT_NUMBER = 23;

/** Token roles (bit per number kind, plus a numeral written in digits). */
const R_NUM = 1 << (K_NUM - K_NUM);
const R_MULT = 1 << (K_MULT - K_NUM);
const R_HALF = 1 << (K_HALF - K_NUM);
const R_MONTH = 1 << (K_MONTH - K_NUM);
const R_YEAR = 1 << (K_YEAR - K_NUM);
const R_AGE_BEFORE = 1 << (K_AGE_BEFORE - K_NUM);
const R_AGE_AFTER = 1 << (K_AGE_AFTER - K_NUM);
const R_MONEY = 1 << (K_MONEY - K_NUM);
const R_WAGE_CUE = 1 << (K_WAGE_CUE - K_NUM);
// K_NOT_NUMBER has a role bit no rule reads: its token only hides the number word inside it
const R_NUMERAL = 1 << 12;
const R_NUMBERISH = R_NUM | R_MULT | R_HALF | R_NUMERAL;

// Edges that need a boundary check: a Latin letter or a digit at either end.
const E_START_LETTER = 1;
const E_START_DIGIT = 2;
const E_END_LETTER = 4;
const E_END_DIGIT = 8;

interface Term {
  readonly kind: number;
  /** Index in CAUSE/BENEFIT/TOPIC_ENTITIES, or the number value. */
  readonly value: number;
  /** Length of the normalised term (UTF-16 units). */
  readonly len: number;
  readonly edge: number;
}

export interface Lexicon {
  readonly root: TrieNode;
  /** `root` frozen into typed arrays for the scan. */
  readonly compact: CompactTrie;
  readonly terms: readonly Term[];
  /** Lone stop words and the filler words allowed around them, normalised, without spaces. */
  readonly stopWords: ReadonlySet<string>;
  readonly fillers: readonly string[];
}

/** Cause priority when several are named: the one that decides the benefit first. */
const CAUSE_RANK: readonly number[] = (
  ['misconduct', 'force_majeure', 'laid_off', 'contract_ended', 'resigned'] as const
).map((c) => CAUSE_ENTITIES.indexOf(c));

/** {{placeholder}} values from data/rules (every version for amounts that change by date). */
function placeholderValues(): ReadonlyMap<string, readonly string[]> {
  const maxContribution = [
    ...new Set(ruleHistory('s33.wage_ceiling').map((r) => String(r.value.max_contribution_thb))),
  ];
  return new Map<string, readonly string[]>([
    ['hotline', [HOTLINE]],
    ['maxContribution', maxContribution],
    ['required', [String(MEDICAL_REQUIRED_MONTHS)]],
    ['window', [String(MEDICAL_WINDOW_MONTHS)]],
  ]);
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/;

function expand(term: string, values: ReadonlyMap<string, readonly string[]>): string[] {
  const m = PLACEHOLDER.exec(term);
  if (!m) return [term];
  const vals = values.get(m[1]!);
  if (!vals) throw new Error(`entities.json: unknown placeholder ${m[0]} in "${term}"`);
  const head = term.slice(0, m.index);
  const tail = term.slice(m.index + m[0].length);
  return vals.flatMap((v) => expand(head + v + tail, values));
}

/** "a|b | c" → ["a", "b", "c"]. */
export function splitTerms(list: string | undefined): string[] {
  if (typeof list !== 'string') return [];
  return list
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** "1: one|a; 2: two" → [[1, ["one", "a"]], [2, ["two"]]]. */
export function splitValued(list: string | undefined): [number, string[]][] {
  if (typeof list !== 'string') return [];
  const out: [number, string[]][] = [];
  for (const part of list.split(';')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    const value = Number(part.slice(0, colon).trim());
    if (colon < 0 || !Number.isFinite(value) || value <= 0) {
      throw new Error(`entities.json: bad "value: terms" group "${part.trim()}"`);
    }
    out.push([value, splitTerms(part.slice(colon + 1))]);
  }
  return out;
}

const isLatin = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;

function edgeOf(key: string): number {
  const a = key.charCodeAt(0);
  const z = key.charCodeAt(key.length - 1);
  return (
    (isLatin(a) ? E_START_LETTER : 0) |
    (isDigit(a) ? E_START_DIGIT : 0) |
    (isLatin(z) ? E_END_LETTER : 0) |
    (isDigit(z) ? E_END_DIGIT : 0)
  );
}

/** Builds the lexicon of the given term files (all languages into one trie). */
export function buildLexicon(files: Readonly<Partial<Record<Lang, EntityTermsFile>>>): Lexicon {
  const values = placeholderValues();
  const root = newTrie();
  const terms: Term[] = [];
  const seen = new Set<string>();
  const add = (raw: string, kind: number, value: number) => {
    for (const t of expand(raw, values)) {
      const key = normalise(t);
      if (!key) continue;
      const sig = `${kind}\u0000${value}\u0000${key}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      trieAdd(root, key, terms.length);
      terms.push({ kind, value, len: key.length, edge: edgeOf(key) });
    }
  };
  const addList = (list: string | undefined, kind: number, value = 0) => {
    for (const t of splitTerms(list)) add(t, kind, value);
  };
  const stopWords = new Set<string>();
  const fillers = new Set<string>();
  const addBare = (list: string | undefined, into: Set<string>) => {
    for (const t of splitTerms(list)) {
      const key = bare(normalise(t));
      if (key) into.add(key);
    }
  };
  for (const file of Object.values(files)) {
    if (!file) continue;
    CAUSE_ENTITIES.forEach((c, i) => {
      addList(file.cause?.[c], K_CAUSE, i);
    });
    BENEFIT_ENTITIES.forEach((b, i) => {
      addList(file.benefit?.[b], K_BENEFIT, i);
    });
    TOPIC_ENTITIES.forEach((t, i) => {
      addList(file.topic?.[t], K_TOPIC, i);
    });
    addList(file.nearMe, K_NEAR);
    addList(file.news?.stop, K_NEWS_STOP);
    addList(file.news?.start, K_NEWS_START);
    addList(file.personal, K_PERSONAL);
    addList(file.calc, K_CALC);
    addList(file.notify?.off, K_NOTIFY_OFF);
    addList(file.notify?.on, K_NOTIFY_ON);
    addList(file.notify?.all, K_NOTIFY_ALL);
    addList(file.notify?.some, K_NOTIFY_SOME);
    NOTIFY_CATEGORY_ENTITIES.forEach((c, i) => {
      addList(file.notify?.category?.[c], K_NOTIFY_CATEGORY, i);
    });
    addBare(file.notify?.stop, stopWords);
    addBare(file.notify?.filler, fillers);
    for (const [v, list] of splitValued(file.number?.words)) for (const t of list) add(t, K_NUM, v);
    for (const [v, list] of splitValued(file.number?.multipliers)) {
      for (const t of list) add(t, K_MULT, v);
    }
    addList(file.number?.half, K_HALF);
    addList(file.number?.notNumbers, K_NOT_NUMBER);
    addList(file.units?.month, K_MONTH);
    addList(file.units?.year, K_YEAR);
    for (const t of splitTerms(file.units?.age)) {
      if (t.startsWith('#')) add(t.slice(1), K_AGE_AFTER, 0);
      else add(t, K_AGE_BEFORE, 0);
    }
    addList(file.units?.tenure, K_TENURE);
    addList(file.units?.money, K_MONEY);
    addList(file.units?.wage, K_WAGE_CUE);
  }
  // longest filler first, so that "ပါတော့" goes before "ပါ"
  const fillerList = [...fillers].sort((a, b) => b.length - a.length);
  return { root, compact: compileTrie(root), terms, stopWords, fillers: fillerList };
}

let lexicon: Lexicon | undefined;

function getLexicon(): Lexicon {
  if (!lexicon) lexicon = buildLexicon(ENTITY_TERM_FILES);
  return lexicon;
}

/**
 * Builds the term lexicon now (~15–40 ms: every term goes through normalise) instead of on the
 * first extraction; for start-up code that also warms the intent model.
 */
export function warmUpEntities(): void {
  getLexicon();
}

// ---------------------------------------------------------------- the scan

/** A combining mark (or Thai/Lao sara am): a term must not end just before one. */
function isMark(c: number): boolean {
  if (c < 0x0300) return false;
  if (c <= 0x036f) return true;
  if (c < 0x0e31) return false;
  if (c <= 0x0e7f)
    return c === 0x0e31 || (c >= 0x0e33 && c <= 0x0e3a) || (c >= 0x0e47 && c <= 0x0e4e);
  if (c <= 0x0eff)
    return c === 0x0eb1 || (c >= 0x0eb3 && c <= 0x0ebc) || (c >= 0x0ec8 && c <= 0x0ece);
  return isMyanmarKhmerSign(c);
}

/**
 * Whether a term cannot start after `prev`: a Khmer coeng or Myanmar virama, or a Thai / Lao
 * leading vowel (the term would start mid-syllable: "ปิด" in "เปิด").
 */
function midSyllable(prev: number): boolean {
  return (
    prev === 0x17d2 ||
    prev === 0x1039 ||
    (prev >= 0x0e40 && prev <= 0x0e44) ||
    (prev >= 0x0ec0 && prev <= 0x0ec4)
  );
}

/** Whether a term found at [i, j) stands on its own (word edges, whole clusters). */
function edgesOk(text: string, i: number, j: number, edge: number): boolean {
  const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
  const next = j < text.length ? text.charCodeAt(j) : 32;
  if (midSyllable(prev)) return false;
  if (isMark(next)) return false;
  if (edge === 0) return true;
  if (edge & E_START_LETTER && isLatin(prev)) return false;
  if (edge & E_START_DIGIT && isDigit(prev)) return false;
  if (edge & E_END_LETTER && isLatin(next)) return false;
  if (edge & E_END_DIGIT && isDigit(next)) return false;
  return true;
}

/** One part of a number phrase, or a unit / cue next to one. */
interface Token {
  start: number;
  end: number;
  roles: number;
  /** R_NUM / R_NUMERAL value. */
  num: number;
  /** R_MULT value. */
  mult: number;
  /** Numeral details. */
  grouped: boolean;
  plainYear: boolean;
  leadingZero: boolean;
}

const TOKENS: Token[] = [];
let tokenCount = 0;

function nextToken(start: number, end: number, roles: number): Token {
  let t = TOKENS[tokenCount];
  if (!t) {
    t = {
      start: 0,
      end: 0,
      roles: 0,
      num: 0,
      mult: 0,
      grouped: false,
      plainYear: false,
      leadingZero: false,
    };
    TOKENS.push(t);
  }
  tokenCount++;
  t.start = start;
  t.end = end;
  t.roles = roles;
  t.num = 0;
  t.mult = 0;
  t.grouped = false;
  t.plainYear = false;
  t.leadingZero = false;
  return t;
}

/** Starts and ends of topic terms written in digits ("1506", "875"): never a wage. */
const DIGIT_TERMS: number[] = [];

const SECTION_BEFORE = /(?:มาตรา|ပုဒ်မ|ပုတ်မ|មាត្រា|មាត្រ|ມາດຕາ|ມາດຕ)\s*$/;

/** Most digits a wage or a count can have (longer runs are phone numbers, IDs, codes). */
const MAX_NUMERAL_DIGITS = 8;

/**
 * Reads the numeral at `i` (a digit not preceded by one): 25000, 25,000, 1.5. Returns its end;
 * pushes a token unless it is glued to Latin letters (a code such as a laser number).
 */
function readNumeral(text: string, i: number): number {
  const n = text.length;
  let j = i;
  let value = 0;
  while (j < n && isDigit(text.charCodeAt(j))) value = value * 10 + text.charCodeAt(j++) - 48;
  let digits = j - i;
  let grouped = false;
  // thousands groups: 25,000 / 1,250,000 (a first group of at most 3 digits)
  if (digits <= 3) {
    while (
      j + 3 < n &&
      text.charCodeAt(j) === 44 &&
      isDigit(text.charCodeAt(j + 1)) &&
      isDigit(text.charCodeAt(j + 2)) &&
      isDigit(text.charCodeAt(j + 3)) &&
      !(j + 4 < n && isDigit(text.charCodeAt(j + 4)))
    ) {
      value =
        value * 1000 +
        (text.charCodeAt(j + 1) - 48) * 100 +
        (text.charCodeAt(j + 2) - 48) * 10 +
        (text.charCodeAt(j + 3) - 48);
      j += 4;
      digits += 3;
      grouped = true;
    }
  }
  let decimal = false;
  if (j + 1 < n && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    const point = j;
    j++;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    value += Number(`0${text.slice(point, j)}`);
    decimal = true;
  }
  const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
  const next = j < n ? text.charCodeAt(j) : 32;
  if (isLatin(prev) || digits > MAX_NUMERAL_DIGITS) return j;
  // part of a date, a time, a range's second half or a phone number: 1/12/2568, 10:30, พ.ศ.2568
  if (prev === 47 || prev === 58 || prev === 46 || prev === 45 || next === 47 || next === 58) {
    return j;
  }
  // "มาตรา 33", "ပုဒ်မ 40": a section, not a count
  if (
    (value === 33 || value === 39 || value === 40) &&
    SECTION_BEFORE.test(text.slice(Math.max(0, i - 8), i))
  ) {
    return j;
  }
  const t = nextToken(i, j, R_NUMERAL);
  t.num = value;
  t.grouped = grouped;
  t.leadingZero = !decimal && digits > 1 && text.charCodeAt(i) === 48;
  t.plainYear =
    !grouped &&
    !decimal &&
    digits === 4 &&
    ((value >= 1950 && value <= 2100) || (value >= 2490 && value <= 2650));
  return j;
}

interface Flags {
  causeRank: number;
  benefit: number;
  benefitLen: number;
  topic: number;
  topicLen: number;
  near: boolean;
  stop: boolean;
  start: boolean;
  personal: boolean;
  calc: boolean;
  notifyOff: boolean;
  notifyOn: boolean;
  notifyCategory: number;
  notifyCategoryLen: number;
  notifyAll: boolean;
  notifySome: boolean;
}

const FLAGS: Flags = {
  causeRank: 99,
  benefit: -1,
  benefitLen: 0,
  topic: -1,
  topicLen: 0,
  near: false,
  stop: false,
  start: false,
  personal: false,
  calc: false,
  notifyOff: false,
  notifyOn: false,
  notifyCategory: -1,
  notifyCategoryLen: 0,
  notifyAll: false,
  notifySome: false,
};

/** One pass: flags into FLAGS, number tokens into TOKENS. */
function scan(lex: Lexicon, text: string): void {
  const f = FLAGS;
  f.causeRank = 99;
  f.benefit = -1;
  f.benefitLen = 0;
  f.topic = -1;
  f.topicLen = 0;
  f.near = f.stop = f.start = f.personal = f.calc = false;
  f.notifyOff = f.notifyOn = f.notifyAll = f.notifySome = false;
  f.notifyCategory = -1;
  f.notifyCategoryLen = 0;
  tokenCount = 0;
  DIGIT_TERMS.length = 0;
  const { compact: trie, terms } = lex;
  const n = text.length;
  let numEnd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (i >= numEnd && isDigit(c) && (i === 0 || !isDigit(text.charCodeAt(i - 1)))) {
      numEnd = readNumeral(text, i);
    }
    // edgesOk() turns down every term starting here: skip the walk
    if (i > 0 && midSyllable(text.charCodeAt(i - 1))) continue;
    let node = compactStart(trie, c);
    let j = i + 1;
    let numLen = 0;
    let roles = 0;
    let num = 0;
    let mult = 0;
    while (node >= 0) {
      const idEnd = trie.idStart[node]! + trie.idCount[node]!;
      for (let k = trie.idStart[node]!; k < idEnd; k++) {
        const term = terms[trie.ids[k]!]!;
        if (!edgesOk(text, i, j, term.edge)) continue;
        switch (term.kind) {
          case K_CAUSE: {
            const rank = CAUSE_RANK.indexOf(term.value);
            if (rank < f.causeRank) f.causeRank = rank;
            break;
          }
          case K_BENEFIT:
            if (term.len > f.benefitLen) {
              f.benefitLen = term.len;
              f.benefit = term.value;
            }
            break;
          case K_TOPIC:
            if (term.len > f.topicLen) {
              f.topicLen = term.len;
              f.topic = term.value;
            }
            if (term.edge & E_START_DIGIT) DIGIT_TERMS.push(i, j);
            break;
          case K_NEAR:
            f.near = true;
            break;
          case K_NEWS_STOP:
            f.stop = true;
            break;
          case K_NEWS_START:
            f.start = true;
            break;
          case K_PERSONAL:
            f.personal = true;
            break;
          case K_CALC:
            f.calc = true;
            break;
          case K_NOTIFY_OFF:
            f.notifyOff = true;
            break;
          case K_NOTIFY_ON:
            f.notifyOn = true;
            break;
          case K_NOTIFY_CATEGORY:
            if (term.len > f.notifyCategoryLen) {
              f.notifyCategoryLen = term.len;
              f.notifyCategory = term.value;
            }
            break;
          case K_NOTIFY_ALL:
            f.notifyAll = true;
            break;
          case K_NOTIFY_SOME:
            f.notifySome = true;
            break;
          default: {
            const len = j - i;
            if (len > numLen) {
              numLen = len;
              roles = 0;
            }
            roles |= 1 << (term.kind - K_NUM);
            if (term.kind === K_NUM) num = term.value;
            else if (term.kind === K_MULT) mult = term.value;
          }
        }
      }
      if (j >= n) break;
      node = compactStep(trie, node, text.charCodeAt(j++));
    }
    if (numLen > 0 && i >= numEnd) {
      const t = nextToken(i, i + numLen, roles);
      t.num = num;
      t.mult = mult;
      numEnd = i + numLen;
    }
  }
}

// ---------------------------------------------------------------- numbers: wage, months, age

const MAX_WAGE = 10_000_000;
const MIN_WAGE = 1_000;
const MAX_MONTHS = 1_200;
const MAX_YEARS = 100;
const MAX_AGE = 120;

/** Only spaces (or a colon) between two tokens. */
function adjacent(text: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 58) return false;
  }
  return true;
}

interface Numbers {
  wage?: number;
  months?: number;
  age?: number;
}

function isDigitTerm(start: number, end: number): boolean {
  for (let p = 0; p < DIGIT_TERMS.length; p += 2) {
    if (DIGIT_TERMS[p] === start && DIGIT_TERMS[p + 1] === end) return true;
  }
  return false;
}

/** Reads the number phrases among the tokens and sorts them into wage, months and age. */
function readNumbers(text: string): Numbers {
  const out: Numbers = {};
  const T = tokenCount;
  let wage: number | undefined;
  let wageCued = false;
  /** The unit token of the "N years" that gave `months`, to add "M months" right after it. */
  let yearUnit = -1;
  let k = 0;
  while (k < T) {
    const start = k;
    const first = TOKENS[start]!;
    if (!(first.roles & R_NUMBERISH)) {
      k++;
      continue;
    }
    // ---- one phrase: [num] mult [num] mult … [num | half]
    let total = 0;
    let chunk = 0;
    let pending: number | undefined;
    let pendingTok = -1;
    let pendingAfterBig = false;
    let lastBig = 0;
    let lastMult = 0;
    let prevMult = false;
    let prevNumeral = false;
    let anyNum = false;
    let anyMult = false;
    let halfUsed = false;
    let m = start;
    for (; m < T; m++) {
      const t = TOKENS[m]!;
      if (m > start && !adjacent(text, TOKENS[m - 1]!.end, t.start)) break;
      let r = t.roles;
      if (r & R_NUM && r & R_YEAR) {
        // Burmese နှစ်: "two" before a multiplier or at the start, "year(s)" after a number
        const nx = TOKENS[m + 1];
        const beforeMult =
          m + 1 < T &&
          nx !== undefined &&
          (nx.roles & R_MULT) !== 0 &&
          adjacent(text, t.end, nx.start);
        if (!beforeMult && (pending !== undefined || chunk > 0 || total > 0)) break;
        r = R_NUM;
      }
      if (r & (R_NUM | R_NUMERAL)) {
        const v = t.num;
        if (pending !== undefined) {
          // "twenty five", "ម្ភៃប្រាំ": tens then a digit, in words
          if (!(r & R_NUMERAL) && !prevNumeral && pending >= 10 && pending % 10 === 0 && v < 10) {
            pending += v;
          } else break;
        } else {
          pending = v;
          pendingTok = m;
          pendingAfterBig = prevMult && lastMult >= 1000;
        }
        anyNum = true;
        prevMult = false;
        prevNumeral = (r & R_NUMERAL) !== 0;
      } else if (r & R_MULT) {
        const u = t.mult;
        if (u < 1000) {
          chunk += (pending ?? 1) * u;
        } else {
          if (lastBig && u >= lastBig) break;
          total += (chunk + (pending ?? 0) || 1) * u;
          chunk = 0;
          lastBig = u;
        }
        pending = undefined;
        pendingTok = -1;
        lastMult = u;
        prevMult = true;
        prevNumeral = false;
        anyMult = true;
      } else if (r & R_HALF) {
        // "တစ်သောင်းခွဲ", "ម៉ឺនកន្លះ", "หมื่นครึ่ง": half of the unit just named
        if (prevMult) {
          if (lastMult >= 1000) total += lastMult / 2;
          else chunk += lastMult / 2;
          halfUsed = true;
          m++;
        }
        break;
      } else break;
    }
    let end = m;
    if (pending !== undefined) {
      if (pendingAfterBig && pending < 10 && Number.isInteger(pending)) {
        // "หมื่นห้า" = 15,000, "1ម៉ឺន5" … but "หมื่น 6 เดือน" is 10,000 and 6 months
        const after = TOKENS[end];
        const unitNext =
          end < T && after !== undefined && adjacent(text, TOKENS[end - 1]!.end, after.start);
        if (unitNext && after.roles & (R_MONTH | R_YEAR | R_AGE_AFTER) && !(after.roles & R_MULT)) {
          end = pendingTok;
        } else if (pending !== 1) {
          total += pending * (lastBig / 10); // "หมื่นนึง" is 10,000
        }
      } else total += pending;
    }
    total += chunk;
    if (end === start) {
      // a lone "half" word: nothing to read
      k = start + 1;
      continue;
    }
    k = end;
    const last = TOKENS[end - 1]!;
    const next = end < T ? TOKENS[end]! : undefined;
    const unit = next && adjacent(text, last.end, next.start) ? next.roles : 0;
    const before = start > 0 ? TOKENS[start - 1]! : undefined;
    const cue = before && adjacent(text, before.end, first.start) ? before.roles : 0;
    const valid =
      anyNum ||
      halfUsed ||
      (anyMult && (lastBig === 0 || (unit & R_MONEY) !== 0 || (cue & R_WAGE_CUE) !== 0));
    if (!valid || total <= 0) continue;
    // ---- what the number is
    if (cue & R_AGE_BEFORE) {
      // "อายุ 50", "อายุ 50 ปี"; an age in months ("อายุ 6 เดือน", a baby) is neither
      if (
        !(unit & R_MONTH) &&
        out.age === undefined &&
        Number.isInteger(total) &&
        total <= MAX_AGE
      ) {
        out.age = total;
      }
      continue;
    }
    if (unit & R_AGE_AFTER) {
      if (out.age === undefined && Number.isInteger(total) && total <= MAX_AGE) out.age = total;
      continue;
    }
    if (unit & R_MONTH && total <= MAX_MONTHS) {
      const months = Math.round(total);
      if (out.months === undefined) out.months = months;
      else if (
        yearUnit >= 0 &&
        start === yearUnit + 1 &&
        adjacent(text, TOKENS[yearUnit]!.end, first.start)
      ) {
        out.months += months; // "1 ปี 6 เดือน"
      }
      yearUnit = -1;
      continue;
    }
    if (unit & R_YEAR && total <= MAX_YEARS) {
      if (out.months === undefined) {
        out.months = Math.round(total * 12);
        yearUnit = end;
      }
      continue;
    }
    if (total < MIN_WAGE || total > MAX_WAGE) continue;
    const cued = (unit & R_MONEY) !== 0 || (cue & R_WAGE_CUE) !== 0 || anyMult || first.grouped;
    if (end - start === 1 && first.roles & R_NUMERAL) {
      // a bare numeral: not a year, a phone number, or a figure the topics know (1506, 875)
      if (first.leadingZero || isDigitTerm(first.start, first.end)) continue;
      // digit groups in a row ("081 234 5678") are a phone number
      if ((cue | unit) & R_NUMERAL) continue;
      if (first.plainYear && !cued) continue;
    }
    if (wage === undefined || (cued && !wageCued)) {
      wage = Math.round(total);
      wageCued = cued;
    }
  }
  if (wage !== undefined) out.wage = wage;
  return out;
}

// ---------------------------------------------------------------- a lone "stop"

/** Spaces, punctuation and symbols (emoji): what may stand around a lone stop word. */
const NOT_WORD = /[\s\p{P}\p{S}]+/gu;
/** A lone stop word with its fillers is short; anything longer is a sentence. */
const MAX_LONE_STOP_CHARS = 40;

/** `text` without spaces, punctuation or symbols. */
function bare(text: string): string {
  return text.replace(NOT_WORD, '');
}

/**
 * Whether the message is a stop word and nothing else but fillers: "stop", "Stop please!",
 * "หยุดเลย", "ရပ်လိုက်ပါ", "សូមឈប់", "ຢຸດເດີ". Fillers are peeled off both ends of the text
 * without spaces (Thai, Burmese, Khmer and Lao write none), at most four times.
 */
function isLoneStop(lex: Lexicon, text: string): boolean {
  if (text.length > MAX_LONE_STOP_CHARS || lex.stopWords.size === 0) return false;
  let s = bare(text);
  for (let round = 0; round < 5; round++) {
    if (lex.stopWords.has(s)) return true;
    const before = s;
    for (const f of lex.fillers) {
      if (s.length > f.length && s.endsWith(f)) {
        s = s.slice(0, -f.length);
        break;
      }
      if (s.length > f.length && s.startsWith(f)) {
        s = s.slice(f.length);
        break;
      }
    }
    if (s === before) return false;
  }
  return false;
}

// ---------------------------------------------------------------- all

/** Extracts entities from text that already went through `normalise()`. */
export function extractEntitiesNormalised(norm: string): Entities {
  const text = norm.length > MAX_ENTITY_CHARS ? norm.slice(0, MAX_ENTITY_CHARS) : norm;
  const out: Entities = {};
  const nationalId = findNationalId(text);
  if (nationalId) out.nationalId = nationalId;
  // IDs and long numbers must not be read as years, sections, areas or wages
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

  scan(getLexicon(), rest);
  const f = FLAGS;
  if (f.causeRank < CAUSE_RANK.length) out.cause = CAUSE_ENTITIES[CAUSE_RANK[f.causeRank]!];
  if (tokenCount > 0) {
    const { wage, months, age } = readNumbers(rest);
    if (wage !== undefined) out.wage = wage;
    if (months !== undefined) out.months = months;
    if (age !== undefined) out.age = age;
  }
  if (f.benefit >= 0) out.benefit = BENEFIT_ENTITIES[f.benefit];
  if (f.topic >= 0) out.topic = TOPIC_ENTITIES[f.topic];
  if (f.near) out.nearMe = true;
  if (f.stop) out.news = 'stop';
  else if (f.start) out.news = 'start';
  if (f.personal) out.personal = true;
  if (f.calc) out.calc = true;
  if (isLoneStop(getLexicon(), rest)) out.notify = 'stop';
  else if (f.notifyOff) out.notify = 'off';
  else if (f.notifyOn) out.notify = 'on';
  if (f.notifyCategory >= 0) out.notifyCategory = NOTIFY_CATEGORY_ENTITIES[f.notifyCategory];
  if (f.notifyAll) out.notifyScope = 'all';
  else if (f.notifySome) out.notifyScope = 'some';
  return out;
}

/** Extracts entities from raw user text. */
export function extractEntities(text: string): Entities {
  return extractEntitiesNormalised(normalise(text));
}
