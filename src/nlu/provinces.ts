/**
 * Province recognition: all 77 provinces (DOPA 2-digit codes) from data/geo, Thai and English
 * names plus common short forms and well-known towns (โคราช, หาดใหญ่, พัทยา, ...), and Burmese,
 * Khmer and Lao names (locales/<lang>/places.json) for the provinces with most migrant workers.
 * Aliases go through normalise() like the text, so Zawgyi input and Khmer ្ដ/្ត spellings match.
 *
 * Matching walks a character trie over the normalised text, skipping spaces (so "chiang mai",
 * "chiangmai", "เชียง ใหม่" all match) and keeping the longest alias at each position. Latin
 * aliases must start and end on word boundaries ("trang" is not found in "strange"). Thai
 * aliases that are also everyday words (เลย, ตาก, แพร่, น่าน) only count after a place marker
 * such as จังหวัด / จ. / เมือง / ประกันสังคม, or when they are the whole text.
 */
import points from '../../data/geo/thai-province-points.json' with { type: 'json' };
import { normalise, PLACES } from './normalise.ts';
import { compactStart, compactStep, compileTrie, newTrie, trieAdd } from './trie.ts';

export interface Province {
  /** DOPA province code, e.g. "10" for Bangkok. */
  code: string;
  name_th: string;
  name_en: string;
}

interface PointRow {
  province_code: string;
  name_th: string;
  name_en: string;
}

export const PROVINCES: readonly Province[] = (points as readonly PointRow[]).map((p) => ({
  code: p.province_code,
  name_th: p.name_th,
  name_en: p.name_en,
}));

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

export function provinceByCode(code: string): Province | undefined {
  return BY_CODE.get(code);
}

/** Extra names per province code (official names are added automatically). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  '10': ['กรุงเทพ', 'บางกอก', 'bangkok', 'bkk', 'krung thep'],
  '11': ['ปากน้ำ', 'samut prakarn', 'samutprakan'],
  '12': ['นนทบุรี', 'nonthaburi'],
  '13': ['ปทุม', 'รังสิต', 'pathum', 'rangsit'],
  '14': ['อยุธยา', 'กรุงเก่า', 'ayutthaya', 'ayuthaya', 'ayudhya', 'ayudhaya'],
  '15': ['angthong'],
  '16': ['lop buri', 'lopburi'],
  '17': ['singburi'],
  '18': ['chainat', 'chai nat'],
  '19': ['sara buri'],
  '20': ['พัทยา', 'ศรีราชา', 'บางแสน', 'chonburi', 'chon buri', 'pattaya', 'sriracha', 'si racha'],
  '22': ['จันทบุรี', 'chantaburi', 'chanthaburi'],
  '24': ['แปดริ้ว', 'chachoengsao', 'chachengsao'],
  '25': ['ปราจีน', 'prachinburi'],
  '26': ['nakhonnayok'],
  '27': ['sa kaew', 'sakaeo', 'sakaew'],
  '30': ['โคราช', 'korat', 'khorat', 'nakhon ratchasima'],
  '31': ['buriram', 'buri ram'],
  '33': ['sisaket', 'si saket', 'srisaket'],
  '34': ['อุบล', 'ubon', 'ubon ratchathani'],
  '37': ['amnatcharoen'],
  '38': ['bueng kan', 'bungkan', 'bueng karn'],
  '39': ['nong bua lamphu', 'nongbualamphu'],
  '40': ['khonkaen', 'khon kaen'],
  '41': ['อุดร', 'udon', 'udonthani', 'udon thani'],
  '43': ['nongkhai'],
  '44': ['สารคาม', 'sarakham', 'mahasarakham'],
  '45': ['roiet', 'roi et'],
  '47': ['sakonnakhon'],
  '48': ['nakhonphanom'],
  '50': ['ชม.', 'chiang mai', 'chiangmai', 'cnx'],
  '52': ['lampang'],
  '57': ['chiangrai', 'chiang rai'],
  '58': ['maehongson'],
  '60': ['ปากน้ำโพ', 'nakhonsawan'],
  '61': ['อุทัย', 'uthai'],
  '62': ['kamphaengphet'],
  '63': ['แม่สอด', 'mae sot', 'maesot'],
  '65': ['พิดโลก', 'phitsanulok', 'pitsanulok'],
  '67': ['phetchabun', 'petchabun'],
  '70': ['ratchaburi', 'rachaburi'],
  '71': ['กาญจนบุรี', 'kanchanaburi', 'kanchanaburi'],
  '72': ['สุพรรณ', 'suphanburi', 'suphan'],
  '73': ['nakhonpathom'],
  '74': ['มหาชัย', 'samutsakhon', 'mahachai'],
  '75': ['แม่กลอง', 'samutsongkhram', 'mae klong'],
  '76': ['phetchaburi', 'petchaburi', 'phetburi'],
  '77': ['ประจวบ', 'หัวหิน', 'prachuap', 'hua hin', 'huahin'],
  '80': ['นครศรี', 'nakhon si', 'nakhonsithammarat'],
  '81': ['krabi'],
  '82': ['phang nga', 'phangnga'],
  '83': ['phuket'],
  '84': ['สุราษฎร์', 'สุราษ', 'สุราษฎ์', 'สุราด', 'สมุย', 'surat', 'suratthani', 'samui', 'koh samui'],
  '85': ['ranong'],
  '86': ['chumphon', 'chumporn'],
  '90': ['หาดใหญ่', 'hat yai', 'hatyai', 'songkhla', 'songkla'],
  '93': ['phatthalung', 'pattalung'],
  '94': ['pattani'],
  '96': ['narathiwat'],
};

/**
 * Names in Burmese, Khmer and Lao script (locales/<lang>/places.json): the provinces where most
 * migrant workers live and work, with common spelling variants (none of these languages has a
 * fixed spelling for Thai names). Names that are also everyday words are left out of the lists.
 */
const NATIVE: ReadonlyArray<{ provinces: Readonly<Record<string, readonly string[]>> }> = PLACES;

/** Aliases that belong to another province than a shorter alias they start with. */
const OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  '10': ['ปทุมวัน', 'pathumwan', 'pathum wan'],
};

/** Everyday words that only count as a province after a place marker (or alone). */
const AMBIGUOUS = new Set(['เลย', 'ตาก', 'แพร่', 'น่าน', 'ตรัง', 'ชม.']);
const PLACE_MARKERS = ['จังหวัด', 'จ.', 'เมือง', 'ประกันสังคม', 'สำนักงาน', 'สาขา', 'แถว', 'อยู่'];

/** What an alias stands for; a trie node's id is the index in ALIAS_INFO. */
interface AliasInfo {
  code: string;
  alias: string;
  latin: boolean;
}

const ALIAS_INFO: AliasInfo[] = [];
const ROOT = newTrie();

const SPACE = /\s+/g;

function addAlias(alias: string, code: string): void {
  const key = normalise(alias).replace(SPACE, '');
  if (!key) return;
  trieAdd(ROOT, key, ALIAS_INFO.length);
  ALIAS_INFO.push({ code, alias: key, latin: /^[a-z.]+$/.test(key) });
}

for (const p of PROVINCES) {
  addAlias(p.name_th, p.code);
  addAlias(p.name_en, p.code);
}
for (const [code, list] of Object.entries(ALIASES)) for (const a of list) addAlias(a, code);
for (const places of NATIVE) {
  for (const [code, list] of Object.entries(places.provinces)) {
    if (BY_CODE.has(code)) for (const a of list) addAlias(a, code);
  }
}
for (const [code, list] of Object.entries(OVERRIDES)) for (const a of list) addAlias(a, code);
/** The aliases frozen into typed arrays (the scan runs at every position of every question). */
const TRIE = compileTrie(ROOT);

function isLatinLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isSpace(c: number): boolean {
  return c === 0x20;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function precededByMarker(text: string, start: number): boolean {
  let end = start;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  const before = text.slice(Math.max(0, end - 12), end);
  return PLACE_MARKERS.some((m) => before.endsWith(m));
}

function ambiguousOk(text: string, alias: string, start: number, end: number): boolean {
  if (alias === 'ชม.') {
    let i = start;
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    return i === 0 || !isDigit(text.charCodeAt(i - 1));
  }
  if (start === 0 && end === text.length) return true;
  return precededByMarker(text, start);
}

/** Finds the first province mentioned in already-normalised text. */
export function findProvinceNormalised(text: string): Province | undefined {
  const n = text.length;
  const t = TRIE;
  for (let i = 0; i < n; i++) {
    const first = text.charCodeAt(i);
    if (isSpace(first)) continue;
    const latinStart = isLatinLetter(first);
    if (latinStart && i > 0 && isLatinLetter(text.charCodeAt(i - 1))) continue;
    let node = compactStart(t, first);
    let best: AliasInfo | undefined;
    let j = i + 1;
    while (node >= 0) {
      const count = t.idCount[node]!;
      if (count > 0) {
        // the alias added last wins when two spell alike
        const a = ALIAS_INFO[t.ids[t.idStart[node]! + count - 1]!]!;
        if (!a.latin || j >= n || !isLatinLetter(text.charCodeAt(j))) {
          if (!AMBIGUOUS.has(a.alias) || ambiguousOk(text, a.alias, i, j)) best = a;
        }
      }
      while (j < n && isSpace(text.charCodeAt(j))) j++; // spaces inside a name are skipped
      if (j >= n) break;
      node = compactStep(t, node, text.charCodeAt(j++));
    }
    if (best) {
      const p = BY_CODE.get(best.code);
      if (p) return p;
    }
  }
  return undefined;
}

/** Finds the first province mentioned in free text (normalises it first). */
export function findProvince(text: string): Province | undefined {
  return findProvinceNormalised(normalise(text));
}
