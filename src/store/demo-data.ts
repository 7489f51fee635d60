/**
 * Deterministic, realistic demo data at scale: employers, demo hospitals, insured persons with
 * contribution histories, hospital registrations, unemployment claims and claims for the other
 * benefits (sickness, maternity, child allowance, invalidity, death, old age).
 *
 * Written through the store (`writeDemoData`: drizzle, on better-sqlite3 or D1), in JSON chunks
 * and batches within D1's limits (src/store/imports.ts); `generateDemoData` writes the same rows
 * through prepared statements on a better-sqlite3 handle (tests record and replay them).
 *
 * Determinism: every random choice comes from a seeded mulberry32 PRNG (one stream for employers,
 * one for hospitals, one per person keyed by the person's index), and every date is derived
 * from `now` (the Bangkok calendar day of it), so the same `people` and `now` give byte-identical
 * rows.
 *
 * Money is in satang. Section 33 wages are whole hundreds of baht, so 5 % (contribution), 3 % + 3 %
 * (old-age share) and 2.75 % (government) of the capped wage are exact in satang and need no
 * rounding rule. Numbers follow /work/shared/domain/sso-rules.md; the ones marked "demo" below are
 * assumptions made only so the demo rows are complete.
 *
 * The first six people are the documented demo identities (`DEMO_IDENTITIES`, see
 * docs/demo-identities.md); their laser codes are hashed at the current cost (the precomputed
 * `DEMO_IDENTITY_LASER_HASHES`, so seeding spends no 600,000-iteration derivations). Every
 * generated person after them is fake and uses the old scheme at 1 iteration so a 100k seed stays
 * fast: demo data only. `verifySecret` pads every verification to the current cost, so a generated
 * person answers in the same time as a documented one.
 */
import { createHash } from 'node:crypto';
import { eq, getTableName, inArray, is, sql } from 'drizzle-orm';
import { integer, SQLiteTable, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import points from '../../data/geo/thai-province-points.json' with { type: 'json' };
import {
  anyRuleOn,
  cappedWageSatang,
  type OldAgeEstimate,
  PENSION_MIN_AGE,
  pensionEstimate,
  RULES_DATA_FROM,
  ruleHistory,
  ruleOn,
  section40Options,
} from '../rules/index.ts';
import type { BatchQuery, Store } from './db.ts';
import { BATCH_BYTES, BulkInsert, type BulkLimits, type SqlValue } from './imports.ts';
import {
  BULK_DEMO_LASER_HASH_ITERATIONS,
  hashLaserCode,
  SECRET_HASH_ITERATIONS,
  SECRET_HASH_ROUNDS,
} from './laser-code.ts';
import * as schema from './schema.ts';
import {
  type Benefit,
  type BenefitClaimStatus,
  type ClaimCause,
  type ClaimStatus,
  hospitals as hospitalsTable,
} from './schema.ts';

/** A demo table's drizzle table, by its name. */
function demoTable(name: string): SQLiteTable {
  for (const value of Object.values(schema) as unknown[]) {
    if (is(value, SQLiteTable) && getTableName(value) === name) return value;
  }
  throw new Error(`no table ${name}`);
}

export const DEFAULT_DEMO_PEOPLE = 2_000;
/** People per transaction. */
export const DEMO_CHUNK_SIZE = 5_000;
const CONTRIBUTION_BATCH = 32;
const BASE_SEED = 0x55_0_2026;
const DAY_MS = 86_400_000;
const BANGKOK_OFFSET_MS = 7 * 3_600_000;

// ---------------------------------------------------------------------------------------------
// Rules used for the contribution amounts. They predate src/rules and stay literal here (the seed
// tests pin them, and the per-row hot loop stays free of rule lookups); benefit claim amounts
// (below) come from src/rules.

/** Section 33 contribution ceiling (THB) for a contribution month index (year * 12 + month0). */
export function contributionCeiling(monthIndex: number): number {
  if (monthIndex < 2026 * 12) return 15_000;
  if (monthIndex < 2029 * 12) return 17_500;
  if (monthIndex < 2032 * 12) return 20_000;
  return 23_000;
}
const WAGE_FLOOR = 1_650;
const LAID_OFF_60_FROM = '2025-06-28';
const S39_NOTIONAL_WAGE_SATANG = 480_000;
const S39_CONTRIBUTION_SATANG = 43_200;
/** Demo: the government share for section 39 is not sourced; 120 THB/month here. */
const S39_GOVERNMENT_SATANG = 12_000;
/** Demo: old-age share for section 39 taken as 3 % + 3 % of the 4,800 notional wage. */
const S39_OLD_AGE_SATANG = 28_800;
const S40_CONTRIBUTION_SATANG = [0, 7_000, 10_000, 30_000] as const;
/** Demo: the commonly quoted (unsourced) government shares 30/50/150 THB. */
const S40_GOVERNMENT_SATANG = [0, 3_000, 5_000, 15_000] as const;

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a tiny, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** A well-mixed 32-bit seed for stream `n` (murmur3 finaliser). */
function streamSeed(n: number): number {
  let h = (BASE_SEED ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// National IDs

/** The check digit of a Thai national ID from its first 12 digits. */
export function nationalIdCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * (13 - i);
  return (11 - (sum % 11)) % 10;
}

export function isValidNationalIdChecksum(id: string): boolean {
  return (
    /^[1-8]\d{12}$/.test(id) && nationalIdCheckDigit(id.slice(0, 12)) === id.charCodeAt(12) - 48
  );
}

// ---------------------------------------------------------------------------------------------
// Dates (UTC arithmetic on Bangkok calendar days)

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const DD = Array.from({ length: 32 }, (_, i) => pad2(i));
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOfIso = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const monthOfDay = (day: number): number => {
  const d = new Date(day * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const firstDayOfMonth = (mi: number): number => Date.UTC(Math.floor(mi / 12), mi % 12, 1) / DAY_MS;
const periodOf = (mi: number): string => `${Math.floor(mi / 12)}-${pad2((mi % 12) + 1)}`;
const monthOfIso = (iso: string): number =>
  Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;

// ---------------------------------------------------------------------------------------------
// Names (Thai with RTGS romanisation)

type Name = readonly [th: string, en: string];

// biome-ignore format: compact table
const MALE_FIRST: readonly Name[] = [
  ['สมชาย', 'Somchai'], ['สมศักดิ์', 'Somsak'], ['ประเสริฐ', 'Prasoet'], ['สมพงษ์', 'Somphong'],
  ['วิชัย', 'Wichai'], ['สุรชัย', 'Surachai'], ['ธนพล', 'Thanaphon'], ['อนุชา', 'Anucha'],
  ['ณัฐพล', 'Natthaphon'], ['กิตติพงษ์', 'Kittiphong'], ['ชัยวัฒน์', 'Chaiwat'], ['ประยุทธ', 'Prayut'],
  ['สมบัติ', 'Sombat'], ['สุริยา', 'Suriya'], ['วีระพงษ์', 'Wiraphong'], ['ธีรวัฒน์', 'Thirawat'],
  ['อภิชาติ', 'Aphichat'], ['พงศกร', 'Phongsakon'], ['ศุภชัย', 'Suphachai'], ['เกียรติศักดิ์', 'Kiattisak'],
  ['ปิยะพงษ์', 'Piyaphong'], ['ภาณุวัฒน์', 'Phanuwat'], ['จักรพันธ์', 'Chakkraphan'], ['ธนากร', 'Thanakon'],
  ['วรวุฒิ', 'Worawut'], ['สุทธิพงษ์', 'Sutthiphong'], ['อำนาจ', 'Amnat'], ['บุญมี', 'Bunmi'],
  ['สมหมาย', 'Sommai'], ['ทองดี', 'Thongdi'], ['มานพ', 'Manop'], ['ไพโรจน์', 'Phairot'],
  ['นพดล', 'Nopphadon'], ['เอกชัย', 'Ekkachai'], ['ณัฐวุฒิ', 'Natthawut'], ['ปกรณ์', 'Pakon'],
  ['กฤษดา', 'Kritsada'], ['อรรถพล', 'Atthaphon'], ['ศักดิ์ชัย', 'Sakchai'], ['สุเมธ', 'Sumet'],
  ['ชาญวิทย์', 'Chanwit'], ['วัชระ', 'Watchara'], ['ธวัชชัย', 'Thawatchai'], ['บุญเลิศ', 'Bunloet'],
  ['ประพันธ์', 'Praphan'],
];

// biome-ignore format: compact table
const FEMALE_FIRST: readonly Name[] = [
  ['สมศรี', 'Somsi'], ['มาลี', 'Mali'], ['สุดารัตน์', 'Sudarat'], ['วิไลวรรณ', 'Wilaiwan'],
  ['กาญจนา', 'Kanchana'], ['นภาพร', 'Naphaphon'], ['พรทิพย์', 'Phonthip'], ['ศิริพร', 'Siriphon'],
  ['อรุณี', 'Aruni'], ['ปิยะนุช', 'Piyanut'], ['จันทร์เพ็ญ', 'Chanphen'], ['รัตนา', 'Rattana'],
  ['สุภาพร', 'Suphaphon'], ['วันเพ็ญ', 'Wanphen'], ['ณัฐธิดา', 'Natthida'], ['กนกวรรณ', 'Kanokwan'],
  ['ธิดารัตน์', 'Thidarat'], ['อัญชลี', 'Anchali'], ['เพ็ญศรี', 'Phensi'], ['นงลักษณ์', 'Nonglak'],
  ['ทิพวรรณ', 'Thipphawan'], ['บุษบา', 'Butsaba'], ['ลำดวน', 'Lamduan'], ['สุนีย์', 'Suni'],
  ['ประภาพร', 'Praphaphon'], ['พิมพ์ชนก', 'Phimchanok'], ['ชลธิชา', 'Chonthicha'], ['ปวีณา', 'Pawina'],
  ['อรทัย', 'Orathai'], ['สุกัญญา', 'Sukanya'], ['วรรณา', 'Wanna'], ['ยุพิน', 'Yuphin'],
  ['จิราพร', 'Chiraphon'], ['ดวงใจ', 'Duangchai'], ['ศศิธร', 'Sasithon'], ['เบญจวรรณ', 'Benchawan'],
  ['ขวัญใจ', 'Khwanchai'], ['กมลชนก', 'Kamonchanok'], ['พัชรินทร์', 'Phatcharin'], ['อมรรัตน์', 'Amonrat'],
  ['สายสุนีย์', 'Saisuni'], ['นิตยา', 'Nittaya'], ['บุญเรือน', 'Bunruean'], ['ละเอียด', 'La-iat'],
  ['วาสนา', 'Wasana'],
];

// biome-ignore format: compact table
const SURNAMES: readonly Name[] = [
  ['สุขสวัสดิ์', 'Suksawat'], ['ศรีสุข', 'Sisuk'], ['แสงทอง', 'Saengthong'], ['ทองคำ', 'Thongkham'],
  ['บุญมา', 'Bunma'], ['จันทร์แก้ว', 'Chankaeo'], ['วงศ์ใหญ่', 'Wongyai'], ['ใจดี', 'Chaidi'],
  ['มีสุข', 'Misuk'], ['ศรีวงศ์', 'Siwong'], ['พรหมมา', 'Phromma'], ['สมบูรณ์', 'Sombun'],
  ['เจริญสุข', 'Charoensuk'], ['รุ่งเรือง', 'Rungrueang'], ['ทองสุข', 'Thongsuk'], ['แก้วมณี', 'Kaeomani'],
  ['ปัญญาดี', 'Panyadi'], ['บุญเรือง', 'Bunrueang'], ['สายทอง', 'Saithong'], ['ชัยมงคล', 'Chaimongkhon'],
  ['อินทร์แก้ว', 'Inkaeo'], ['สีดา', 'Sida'], ['คำแก้ว', 'Khamkaeo'], ['ศรีประเสริฐ', 'Siprasoet'],
  ['วิเศษสุวรรณ', 'Wisetsuwan'], ['พงษ์พานิช', 'Phongphanit'], ['รัตนวงศ์', 'Rattanawong'], ['กิตติศักดิ์', 'Kittisak'],
  ['ศักดิ์ดี', 'Sakdi'], ['นาคสุข', 'Naksuk'], ['ทองประเสริฐ', 'Thongprasoet'], ['สุวรรณรัตน์', 'Suwannarat'],
  ['เพชรรัตน์', 'Phetcharat'], ['บัวแก้ว', 'Buakaeo'], ['พึ่งบุญ', 'Phuengbun'], ['มั่นคง', 'Mankhong'],
  ['ประเสริฐศรี', 'Prasoetsi'], ['อ่อนศรี', 'Onsi'], ['ขันทอง', 'Khanthong'], ['ดวงดี', 'Duangdi'],
  ['วัฒนา', 'Watthana'], ['จันทร์หอม', 'Chanhom'], ['ภูมิใจ', 'Phumchai'], ['ศรีสวัสดิ์', 'Sisawat'],
  ['แสงอรุณ', 'Saeng-arun'], ['ทรัพย์มาก', 'Sapmak'], ['บุญญาศิริ', 'Bunyasiri'], ['ศิริวัฒน์', 'Siriwat'],
  ['เกตุแก้ว', 'Ketkaeo'], ['ชูชื่น', 'Chuchuen'], ['สุขเจริญ', 'Sukcharoen'], ['นิลสุวรรณ', 'Ninsuwan'],
  ['มณีรัตน์', 'Manirat'], ['ทองมา', 'Thongma'], ['คงสวัสดิ์', 'Khongsawat'], ['อุดมสุข', 'Udomsuk'],
  ['ชาญชัย', 'Chanchai'], ['พรมดี', 'Phromdi'], ['ไชยวงศ์', 'Chaiwong'], ['สิทธิชัย', 'Sitthichai'],
  ['ปานทอง', 'Panthong'], ['เรืองศรี', 'Rueangsi'], ['สว่างวงศ์', 'Sawangwong'], ['ลิ้มเจริญ', 'Limcharoen'],
  ['แซ่ตั้ง', 'Sae Tang'], ['แซ่ลิ้ม', 'Sae Lim'], ['แซ่อึ้ง', 'Sae Ueng'], ['ตั้งประเสริฐ', 'Tangprasoet'],
  ['เลิศวิริยะ', 'Loetwiriya'], ['วงศ์สวัสดิ์', 'Wongsawat'], ['กาญจนวงศ์', 'Kanchanawong'], ['จิตรดี', 'Chitdi'],
  ['นาคประเสริฐ', 'Nakprasoet'], ['ศรีทอง', 'Sithong'], ['หอมจันทร์', 'Homchan'], ['บุญประเสริฐ', 'Bunprasoet'],
  ['ทองอินทร์', 'Thong-in'], ['ยิ้มแย้ม', 'Yimyaem'], ['สุขประเสริฐ', 'Sukprasoet'], ['มีชัย', 'Michai'],
  ['ชัยประเสริฐ', 'Chaiprasoet'], ['พันธ์ทอง', 'Phanthong'], ['อินทรวงศ์', 'Intharawong'], ['สุริยวงศ์', 'Suriyawong'],
  ['คำมา', 'Khamma'], ['ศรีจันทร์', 'Sichan'], ['แก้วประเสริฐ', 'Kaeoprasoet'], ['ทองดี', 'Thongdi'],
];

/** Exposed for tests and docs. */
export const DEMO_NAME_LISTS = {
  male: MALE_FIRST,
  female: FEMALE_FIRST,
  surnames: SURNAMES,
} as const;

// ---------------------------------------------------------------------------------------------
// Employers and hospitals

// biome-ignore format: compact table
const COMPANY_PREFIX: readonly Name[] = [
  ['สยาม', 'Siam'], ['ไทย', 'Thai'], ['รุ่งเรือง', 'Rungrueang'], ['เจริญ', 'Charoen'],
  ['มั่นคง', 'Mankhong'], ['ศรีสุข', 'Sisuk'], ['ทรัพย์ทวี', 'Sapthawi'], ['พัฒนา', 'Phatthana'],
  ['สุวรรณ', 'Suwan'], ['เอเชีย', 'Asia'], ['โกลเด้น', 'Golden'], ['ยูไนเต็ด', 'United'],
  ['อุดม', 'Udom'], ['ชัยมงคล', 'Chaimongkhon'], ['นครไทย', 'Nakhon Thai'], ['แหลมทอง', 'Laem Thong'],
  ['ตะวันออก', 'Tawan-ok'], ['สหกิจ', 'Sahakit'], ['รวมทรัพย์', 'Ruamsap'], ['บางนา', 'Bang Na'],
];
// biome-ignore format: compact table
const COMPANY_MIDDLE: readonly Name[] = [
  ['อินเตอร์', 'Inter'], ['โกลบอล', 'Global'], ['แปซิฟิก', 'Pacific'], ['พรีเมียร์', 'Premier'],
  ['สตาร์', 'Star'], ['นิว', 'New'],
];
// biome-ignore format: compact table
const COMPANY_INDUSTRY: readonly Name[] = [
  ['ออโต้พาร์ท', 'Auto Parts'], ['อิเล็กทรอนิกส์', 'Electronics'], ['ฟู้ด', 'Food'], ['โลจิสติกส์', 'Logistics'],
  ['คอนสตรัคชั่น', 'Construction'], ['เท็กซ์ไทล์', 'Textile'], ['พลาสติก', 'Plastic'], ['การ์เมนท์', 'Garment'],
  ['เทรดดิ้ง', 'Trading'], ['เทคโนโลยี', 'Technology'], ['อินดัสทรี', 'Industry'], ['เอ็นจิเนียริ่ง', 'Engineering'],
  ['โฮลดิ้ง', 'Holding'], ['ซีฟู้ด', 'Seafood'], ['เมทัล', 'Metal'], ['แพ็คเกจจิ้ง', 'Packaging'],
  ['เคมีคอล', 'Chemical'], ['ฟาร์มา', 'Pharma'], ['รีเทล', 'Retail'], ['โฮเทล', 'Hotel'],
  ['เซอร์วิส', 'Service'], ['ซีเคียวริตี้', 'Security'], ['พริ้นติ้ง', 'Printing'], ['สตีล', 'Steel'],
  ['รับเบอร์', 'Rubber'],
];
// biome-ignore format: compact table
const PARTNERSHIP_TRADE: readonly Name[] = [
  ['การช่าง', 'Kan Chang'], ['ก่อสร้าง', 'Kosang'], ['ค้าวัสดุ', 'Kha Watsadu'], ['ขนส่ง', 'Khonsong'],
  ['ยานยนต์', 'Yanyon'], ['การเกษตร', 'Kan Kaset'], ['พาณิชย์', 'Phanit'], ['วัสดุภัณฑ์', 'Watsaduphan'],
];

/** Invented hospital name stems (Thai, RTGS). Any likeness to a real hospital is accidental. */
// biome-ignore format: compact table
const HOSPITAL_STEMS: readonly Name[] = [
  ['เวชการุณย์', 'Wetkarun'], ['ศรีเวชกิจ', 'Si Wetchakit'], ['สุขภาพดี', 'Sukkhaphap Di'],
  ['ประชาร่วมใจ', 'Pracha Ruamchai'], ['ธนเวช', 'Thanawet'], ['รวมแพทย์', 'Ruam Phaet'],
  ['เมืองใหม่การแพทย์', 'Mueang Mai Kan Phaet'], ['ชัยพฤกษ์', 'Chaiyaphruek'], ['บัวขาว', 'Bua Khao'],
  ['กัลยาเวช', 'Kanlaya Wet'], ['สหเวช', 'Saha Wet'], ['อรุณเวช', 'Arun Wet'],
  ['ศิริมงคล', 'Siri Mongkhon'], ['ร่มไทร', 'Rom Sai'], ['พฤกษาเวช', 'Phruksa Wet'],
  ['สายใจ', 'Saichai'], ['เกื้อกูล', 'Kuea Kun'], ['ปัญญาเวช', 'Panya Wet'],
  ['รักษ์สุขภาพ', 'Rak Sukkhaphap'], ['วัฒนเวช', 'Watthana Wet'], ['ประชาอุทิศเวช', 'Pracha Uthit Wet'],
  ['รวมใจรักษ์', 'Ruamchai Rak'], ['แสงตะวัน', 'Saeng Tawan'], ['ทองเวช', 'Thong Wet'],
  ['ศุภเวช', 'Suppha Wet'], ['เอื้ออารี', 'Uea Ari'], ['เมตตาการแพทย์', 'Metta Kan Phaet'],
  ['นวเวช', 'Nawa Wet'], ['ชีวาเวช', 'Chiwa Wet'], ['ใจรักษ์', 'Chai Rak'],
];

interface ProvincePoint {
  province_code: string;
  name_th: string;
  name_en: string;
  region: string;
  seat_district_th: string;
  seat_lat: number;
  seat_lng: number;
}
const PROVINCES = points as readonly ProvincePoint[];
const BANGKOK = '10';

/** Employer weights: Bangkok and the industrial provinces; every other province a little. */
// biome-ignore format: compact table
const EMPLOYER_PROVINCE_WEIGHTS: Readonly<Record<string, number>> = {
  '10': 28, '11': 9, '12': 4, '13': 6, '14': 4, '20': 9, '21': 6, '24': 3, '25': 2, '74': 5,
  '73': 2, '50': 3, '90': 2, '30': 3, '40': 2, '83': 2, '84': 1, '65': 1, '19': 1.5,
};
/** Where section 39/40 people live: roughly by population. */
// biome-ignore format: compact table
const RESIDENT_PROVINCE_WEIGHTS: Readonly<Record<string, number>> = {
  '10': 10, '30': 4, '34': 3, '40': 3, '50': 3, '41': 2.5, '20': 2.5, '90': 2, '11': 2, '12': 2,
  '31': 2, '32': 2, '33': 2, '57': 2, '80': 2, '45': 1.8, '47': 1.6, '13': 1.5,
};
const INDUSTRIAL = new Set(['11', '12', '13', '14', '20', '21', '24', '74', '50', '90']);
const AREA_CODE: Readonly<Record<string, string>> = {
  central: '035',
  east: '038',
  northeast: '043',
  north: '053',
  south: '074',
  west: '032',
};

class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;
  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    let sum = 0;
    for (const item of items) {
      sum += weight(item);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }
  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Demo identities

export interface DemoIdentity {
  /** insured_persons.id (the identities are inserted first). */
  personId: number;
  nationalId: string;
  /** YYYY-MM-DD (Gregorian). */
  birthDate: string;
  laserCode: string;
  /** Thai full name with title. */
  name: string;
  nameEn: string;
  section: 33 | 39 | 40;
  /** What this identity demonstrates. */
  shows: string;
}

interface IdentityName {
  title: string;
  first: Name;
  last: Name;
}

const IDENTITY_NAMES: readonly IdentityName[] = [
  { title: 'นาย', first: ['สมชาย', 'Somchai'], last: ['ใจดี', 'Chaidi'] },
  { title: 'นางสาว', first: ['สุดารัตน์', 'Sudarat'], last: ['แสงทอง', 'Saengthong'] },
  { title: 'นาย', first: ['ธนพล', 'Thanaphon'], last: ['ศรีสุข', 'Sisuk'] },
  { title: 'นาง', first: ['มาลี', 'Mali'], last: ['บุญมา', 'Bunma'] },
  { title: 'นาย', first: ['บุญมี', 'Bunmi'], last: ['ทองคำ', 'Thongkham'] },
  { title: 'นางสาว', first: ['พิมพ์ชนก', 'Phimchanok'], last: ['วงศ์ใหญ่', 'Wongyai'] },
];
const TITLE_EN: Readonly<Record<string, string>> = { นาย: 'Mr', นาง: 'Mrs', นางสาว: 'Miss' };

const IDENTITY_BASE = [
  {
    nationalId: '3100600123450',
    birthDate: '1970-03-15',
    laserCode: 'ME0123456789',
    section: 33,
    shows:
      'Section 33, 246-month career with two employers (pension answers: > 180 months), ' +
      'every month paid up to the latest due date, active medical rights; hospital changed with the job.',
  },
  {
    nationalId: '1100100456780',
    birthDate: '1990-07-21',
    laserCode: 'JT1234567890',
    section: 33,
    shows:
      'Section 33, laid off about 80 days ago: unemployment claim `paying` (60 % of the capped ' +
      'average wage, 180 days), 2 installments paid, the next ones scheduled with report dates.',
  },
  {
    nationalId: '1200100789125',
    birthDate: '1988-11-02',
    laserCode: 'JC2345678901',
    section: 33,
    shows:
      'Section 33, contract ended about 45 days ago after a 4-month job: claim `rejected` ' +
      '(fewer than 6 contribution months in the 15 months before unemployment).',
  },
  {
    nationalId: '3500100234569',
    birthDate: '1975-05-09',
    laserCode: 'ID3456789012',
    section: 39,
    shows:
      'Section 39 after 96 months of section 33; stopped paying: only 2 paid months in the ' +
      'last 15, so medical rights are NOT active (hospital registration still on file).',
  },
  {
    nationalId: '3400100678905',
    birthDate: '1972-01-30',
    laserCode: 'AA4567890123',
    section: 40,
    shows:
      'Section 40 option 3 (300 THB/month, pension + child allowance), 60 months; ' +
      'no SSO hospital (section 40 uses the UCS card).',
  },
  {
    nationalId: '1100200987655',
    birthDate: '2003-09-12',
    laserCode: 'BT5678901234',
    section: 33,
    shows:
      'Section 33 new employee: 7 months of contributions (< 12), active medical rights, ' +
      'not yet eligible for benefits that need 12 months or more.',
  },
] as const;

export const DEMO_IDENTITIES: readonly DemoIdentity[] = IDENTITY_BASE.map((base, i) => {
  const n = IDENTITY_NAMES[i]!;
  return {
    personId: i + 1,
    nationalId: base.nationalId,
    birthDate: base.birthDate,
    laserCode: base.laserCode,
    name: `${n.title}${n.first[0]} ${n.last[0]}`,
    nameEn: `${TITLE_EN[n.title]} ${n.first[1]} ${n.last[1]}`,
    section: base.section,
    shows: base.shows,
  };
});

/**
 * Migrant workers who hold no Thai ID card (people 7 and 8, after `DEMO_IDENTITIES`): a Burmese
 * worker with a pink card (13 digits starting 00) and a Cambodian worker with a passport. Neither
 * has a laser code (`laser_code_hash` = `none`); each links with a one-time link code, seeded
 * here with a fixed value and a one-year expiry (a real code lives 30 days). Once used, issue a
 * new one: `npm run cli -- link-code issue …`.
 */
export interface DemoMigrant {
  personId: number;
  nationalId: string;
  birthDate: string;
  document: 'pink_card' | 'passport';
  passport?: { country: 'MMR' | 'KHM' | 'LAO' | 'VNM'; number: string; workPermit: string };
  linkCode: string;
  /** The link code hashed at the current cost (precomputed with `hashSecret`). */
  linkCodeHash: string;
  name: string;
  nameEn: string;
  shows: string;
}

export const DEMO_MIGRANTS: readonly DemoMigrant[] = [
  {
    personId: 7,
    nationalId: '0067102345674',
    birthDate: '1994-06-18',
    document: 'pink_card',
    linkCode: 'MYAN3-PNK47',
    linkCodeHash:
      'pbkdf2-sha256-chain$6$100000$DgmaLIdz81pEBe5FkxEJ2g==$sTkfZK+bI8Z/XYFFL3ymDAeupBDv3kJsCJHw/9Qzuhc=',
    name: 'นายอ่อง โกโก',
    nameEn: 'Mr Aung Ko Ko',
    shows:
      'Myanmar worker with a pink card, section 33 in a Samut Prakan factory for 30 months, active medical rights; links with pink card number + birth date + link code.',
  },
  {
    personId: 8,
    nationalId: '0067203456781',
    birthDate: '1997-02-03',
    document: 'passport',
    passport: { country: 'KHM', number: 'N01234567', workPermit: 'WP-67-0045678' },
    linkCode: 'KHMR4-PPT96',
    linkCodeHash:
      'pbkdf2-sha256-chain$6$100000$lbTSOKXYD65LJcPo6pYaDQ==$RYF2Wm6vzsQLl728Jep/E0g85KXlCsIBKoTsFYY1dFo=',
    name: 'นายซก ดารา',
    nameEn: 'Mr Sok Dara',
    shows:
      'Cambodian worker with a passport and work permit (MOU), section 33 in Chon Buri for 18 months; links with passport number + country + birth date + link code.',
  },
];

const MIGRANT_PLANS: readonly {
  title: string;
  first: Name;
  last: Name;
  months: number;
  wage: number;
  employer: 0 | 1;
  province: string;
  hospital: string;
}[] = [
  {
    title: 'นาย',
    first: ['อ่อง', 'Aung'],
    last: ['โกโก', 'Ko Ko'],
    months: 29,
    wage: 12_000,
    employer: 0,
    province: '11',
    hospital: 'DEMO-11-01',
  },
  {
    title: 'นาย',
    first: ['ซก', 'Sok'],
    last: ['ดารา', 'Dara'],
    months: 17,
    wage: 11_500,
    employer: 1,
    province: '20',
    hospital: 'DEMO-20-01',
  },
];

/** Everyone the seed writes before the generated people. */
export const DEMO_FIXED_PEOPLE = DEMO_IDENTITIES.length + DEMO_MIGRANTS.length;

/** Employers the demo identities work for (inserted before the generated ones). */
const FIXED_EMPLOYERS: readonly (readonly [
  id: string,
  th: string,
  en: string,
  province: string,
])[] = [
  ['1100001234', 'บริษัท สยามออโต้พาร์ท จำกัด', 'Siam Auto Parts Co., Ltd.', '11'],
  ['2000005678', 'บริษัท แหลมทองอิเล็กทรอนิกส์ จำกัด', 'Laem Thong Electronics Co., Ltd.', '20'],
  ['1000009012', 'บริษัท รุ่งเรืองโลจิสติกส์ จำกัด (มหาชน)', 'Rungrueang Logistics Public Co., Ltd.', '10'],
  ['5000003456', 'ห้างหุ้นส่วนจำกัด ศรีสุขการช่าง', 'Sisuk Kan Chang Limited Partnership', '50'],
  ['1000007890', 'บริษัท ไทยฟู้ดเทรดดิ้ง จำกัด', 'Thai Food Trading Co., Ltd.', '10'],
];

// ---------------------------------------------------------------------------------------------
// Plans

type Section = 33 | 39 | 40;

interface Segment {
  /** Month index (year * 12 + month0), inclusive. */
  from: number;
  to: number;
  section: Section;
  /** Employer account (section 33) or `self`. */
  payer: string;
  /** Section 33: wage in THB (whole hundreds) at `to`; earlier years are 3 % lower per year. */
  wage: number;
  /** Section 40 option. */
  option: number;
  /** Chance that a month inside the segment has no row. */
  skip: number;
}

interface RegistrationPlan {
  hospitalId: string;
  from: string;
  to: string | null;
  reason: string;
}

interface ClaimPlan {
  cause: ClaimCause;
  status: ClaimStatus;
  lastWork: number;
  filed: number;
  reviewed: number | null;
  decided: number | null;
  rejectionReason: string | null;
  /** Paying claims: the latest due installment is held for a missed monthly report. */
  hold: boolean;
}

interface PersonPlan {
  nationalId: string;
  title: string;
  first: Name;
  last: Name;
  birthDate: string;
  section: Section;
  status: 'active' | 'inactive' | 'deceased';
  employerId: string | null;
  option: number | null;
  province: string;
  laserCode: string;
  /** Documented identities: their current-cost hash. Generated people: undefined (cheap hash). */
  laserHash: string | undefined;
  segments: Segment[];
  /** Months after this one are unpaid (arrears); the default is the current month. */
  paidUntil: number;
  registrations: RegistrationPlan[];
  claim: ClaimPlan | null;
}

const REJECTION_SHORTFALL = 'ส่งเงินสมทบไม่ครบ 6 เดือนภายในระยะเวลา 15 เดือนก่อนการว่างงาน';
const REJECTION_REASONS: readonly (readonly [reason: string, laidOffOnly: boolean])[] = [
  ['ถูกเลิกจ้างเนื่องจากทุจริตต่อหน้าที่หรือกระทำผิดอาญาโดยเจตนาแก่นายจ้าง', true],
  ['ละทิ้งหน้าที่เป็นเวลา 7 วันทำงานติดต่อกันโดยไม่มีเหตุอันสมควร', true],
  ['จงใจทำให้นายจ้างได้รับความเสียหาย', true],
  ['ปฏิเสธการฝึกงานหรือไม่ยอมรับงานที่เหมาะสมที่สำนักงานจัดหางานจัดให้', false],
  ['ไม่ได้ขึ้นทะเบียนผู้ว่างงานกับสำนักงานจัดหางานของรัฐ', false],
  ['ได้รับประโยชน์ทดแทนกรณีชราภาพแล้ว', false],
];

/** Claim statuses in the order claims are handed out: every status within 10 claims. */
const CLAIM_STATUS_CYCLE: readonly ClaimStatus[] = [
  'completed',
  'paying',
  'filed',
  'under_review',
  'completed',
  'approved',
  'paying',
  'rejected',
  'completed',
  'paying',
];

interface Context {
  now: Date;
  nowMs: number;
  /** Today (Bangkok) as a day number. */
  today: number;
  todayIso: string;
  curMi: number;
  todayDom: number;
  employerIds: string[];
  employerProvince: Map<string, string>;
  hospitalsByProvince: Map<string, string[]>;
  residentPicker: WeightedPicker<string>;
  nationalIds: Set<string>;
  s33Count: number;
  claimCount: number;
  /** Generated people's benefit claims so far (their statuses cycle). */
  benefitClaimCount: number;
}

/** Career length in months: most 24–96, some short, some long careers (> 180: pensions). */
function drawCareerMonths(rng: Rng): number {
  const u = rng.next();
  if (u < 0.17) return rng.int(6, 23);
  if (u < 0.87) {
    const v = rng.next();
    return 24 + Math.floor(73 * v * v);
  }
  if (u < 0.96) return rng.int(97, 180);
  return rng.int(181, 300);
}

function drawWage(rng: Rng): number {
  // 9,000–60,000 THB, most between 10,000 and 25,000.
  return Math.round((9_000 + 51_000 * rng.next() ** 2.4) / 100) * 100;
}

const GROWTH = Array.from({ length: 80 }, (_, i) => 1.03 ** i);

function wageAt(seg: Segment, mi: number): number {
  const yearsBack = Math.floor(seg.to / 12) - Math.floor(mi / 12);
  const w = Math.round(seg.wage / GROWTH[yearsBack]! / 100) * 100;
  return w < 9_000 ? Math.min(9_000, seg.wage) : w;
}

function newNationalId(rng: Rng, ctx: Context, birthYear: number, province: string): string {
  for (;;) {
    const first =
      birthYear >= 1984 ? (rng.chance(0.93) ? 1 : 2) : rng.chance(0.9) ? 3 : rng.pick([4, 5, 8]);
    let s = `${first}${province}${pad2(rng.int(1, 30))}`;
    for (let i = 0; i < 7; i++) s += String(rng.int(0, 9));
    const id = s + String(nationalIdCheckDigit(s));
    if (!ctx.nationalIds.has(id)) {
      ctx.nationalIds.add(id);
      return id;
    }
  }
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function newLaserCode(rng: Rng): string {
  let s = LETTERS[rng.int(0, 25)]! + LETTERS[rng.int(0, 25)]!;
  for (let i = 0; i < 10; i++) s += String(rng.int(0, 9));
  return s;
}

function randomBirthDate(rng: Rng, fromYear: number, toYear: number): string {
  const from = Date.UTC(fromYear, 0, 1) / DAY_MS;
  const to = Date.UTC(toYear, 11, 31) / DAY_MS;
  return isoDay(rng.int(from, to));
}

/** Jobs covering [from, to] with short gaps between them; the last job ends at `to`. */
function s33Jobs(
  rng: Rng,
  ctx: Context,
  from: number,
  to: number,
  wageAtEnd: number,
  lastEmployer: string,
): Segment[] {
  const span = to - from + 1;
  const jobs = span < 36 ? 1 : 1 + Math.floor(rng.next() * Math.min(3, span / 60));
  const cuts: number[] = [];
  for (let j = 1; j < jobs; j++) cuts.push(from + 6 + Math.floor(rng.next() * (span - 12)));
  cuts.sort((a, b) => a - b);
  const segments: Segment[] = [];
  let start = from;
  for (let j = 0; j < jobs; j++) {
    const last = j === jobs - 1;
    const end = last ? to : cuts[j]!;
    if (end >= start) {
      const yearsBack = Math.floor(to / 12) - Math.floor(end / 12);
      const wage = last
        ? wageAtEnd
        : Math.max(
            9_000,
            Math.round((wageAtEnd * (0.85 + 0.15 * rng.next())) / GROWTH[yearsBack]! / 100) * 100,
          );
      segments.push({
        from: start,
        to: end,
        section: 33,
        payer: last ? lastEmployer : pickEmployer(rng, ctx),
        wage,
        option: 0,
        skip: 0.005,
      });
    }
    start = end + 1 + (last ? 0 : rng.int(0, 3));
  }
  return segments;
}

function pickEmployer(rng: Rng, ctx: Context): string {
  // A few large employers, many small ones.
  const u = rng.next();
  return ctx.employerIds[Math.floor(ctx.employerIds.length * u ** 1.6)]!;
}

function hospitalIn(rng: Rng, ctx: Context, province: string, not?: string): string {
  const list = ctx.hospitalsByProvince.get(province) ?? ctx.hospitalsByProvince.get(BANGKOK)!;
  let id = rng.pick(list);
  if (id === not && list.length > 1) id = list[(list.indexOf(id) + 1) % list.length]!;
  return id;
}

/** The claim's dates for a status, relative to today. */
function planClaim(
  rng: Rng,
  ctx: Context,
  status: ClaimStatus,
  cause: ClaimCause,
  daysAgo?: number,
): ClaimPlan {
  const T = ctx.today;
  const laidOff = cause === 'laid_off';
  let d: number;
  switch (status) {
    case 'filed':
      d = daysAgo ?? rng.int(3, 25);
      break;
    case 'under_review':
      d = daysAgo ?? rng.int(8, 35);
      break;
    case 'approved':
      d = daysAgo ?? rng.int(16, 38);
      break;
    case 'paying':
      d = daysAgo ?? rng.int(45, laidOff ? 185 : 99);
      break;
    case 'completed':
      d = daysAgo ?? rng.int(laidOff ? 200 : 110, 1_000);
      break;
    default:
      d = daysAgo ?? rng.int(20, 400);
  }
  const lastWork = T - d;
  const filed = Math.min(T, lastWork + rng.int(1, Math.min(10, Math.max(1, d - 12))));
  let reviewed: number | null = null;
  let decided: number | null = null;
  if (status !== 'filed') reviewed = Math.min(T, filed + rng.int(1, 3));
  if (status !== 'filed' && status !== 'under_review') {
    decided = Math.min(T, (reviewed ?? filed) + rng.int(5, 14));
  }
  let rejectionReason: string | null = null;
  if (status === 'rejected') {
    const options = REJECTION_REASONS.filter(([, laidOffOnly]) => laidOff || !laidOffOnly);
    rejectionReason = rng.pick(options)[0];
  }
  return {
    cause,
    status,
    lastWork,
    filed,
    reviewed,
    decided,
    rejectionReason,
    hold: status === 'paying' && rng.chance(0.15),
  };
}

function registrationsFor(
  rng: Rng,
  ctx: Context,
  plan: PersonPlan,
  endMi: number,
): RegistrationPlan[] {
  const firstIso = isoDay(firstDayOfMonth(plan.segments[0]!.from));
  const current = hospitalIn(rng, ctx, plan.province);
  const s33 = plan.segments.filter((s) => s.section === 33);
  const regs: RegistrationPlan[] = [];
  const lastJob = s33.length > 1 ? s33[s33.length - 1]! : undefined;
  const spanMonths = ctx.curMi - plan.segments[0]!.from;
  if (lastJob && plan.section === 33 && rng.chance(0.6)) {
    const prevProvince = ctx.employerProvince.get(s33[s33.length - 2]!.payer) ?? plan.province;
    const change = isoDay(firstDayOfMonth(lastJob.from));
    regs.push({
      hospitalId: hospitalIn(rng, ctx, prevProvince, current),
      from: firstIso,
      to: change,
      reason: 'initial',
    });
    regs.push({ hospitalId: current, from: change, to: null, reason: 'job_change' });
  } else if (spanMonths >= 24 && rng.chance(0.25)) {
    // An annual change (1 Jan – 31 Mar) some year after the first registration.
    const firstYear = Math.floor(plan.segments[0]!.from / 12) + 1;
    const lastYear = Math.floor(ctx.curMi / 12) - (ctx.curMi % 12 < 3 ? 1 : 0);
    const year = rng.int(Math.min(firstYear, lastYear), lastYear);
    const change = `${year}-${pad2(rng.int(1, 3))}-${DD[rng.int(1, 28)]}`;
    if (change > firstIso && change <= ctx.todayIso) {
      regs.push({
        hospitalId: hospitalIn(rng, ctx, plan.province, current),
        from: firstIso,
        to: change,
        reason: 'initial',
      });
      regs.push({ hospitalId: current, from: change, to: null, reason: 'annual_change' });
    }
  }
  if (regs.length === 0)
    regs.push({ hospitalId: current, from: firstIso, to: null, reason: 'initial' });
  // Coverage ended: rights run 6 months after leaving a job; none after death.
  if (plan.status !== 'active') {
    const endIso = isoDay(firstDayOfMonth(endMi + (plan.status === 'deceased' ? 1 : 7)));
    const last = regs[regs.length - 1]!;
    if (endIso <= ctx.todayIso && endIso > last.from) last.to = endIso;
  }
  return regs;
}

function randomPerson(rng: Rng, ctx: Context): PersonPlan {
  const male = rng.chance(0.5);
  const u = rng.next();
  const section: Section = u < 0.7 ? 33 : u < 0.85 ? 39 : 40;
  const nowYear = Math.floor(ctx.curMi / 12);
  const birthDate =
    section === 33
      ? randomBirthDate(rng, 1966, Math.min(2006, nowYear - 19))
      : section === 39
        ? randomBirthDate(rng, 1962, Math.min(1998, nowYear - 25))
        : randomBirthDate(rng, 1960, Math.min(2006, nowYear - 19));
  const birthMi = monthOfIso(birthDate);
  const age = nowYear - Math.floor(birthMi / 12);
  const first = rng.pick(male ? MALE_FIRST : FEMALE_FIRST);
  const last = rng.pick(SURNAMES);
  const title = male ? 'นาย' : age >= 28 && rng.chance(0.6) ? 'นาง' : 'นางสาว';
  const earliest = birthMi + 18 * 12;
  let span = Math.max(6, Math.min(drawCareerMonths(rng), ctx.curMi - earliest + 1));

  const plan: PersonPlan = {
    nationalId: '',
    title,
    first,
    last,
    birthDate,
    section,
    status: 'active',
    employerId: null,
    option: null,
    province: BANGKOK,
    laserCode: newLaserCode(rng),
    laserHash: undefined,
    segments: [],
    paidUntil: ctx.curMi,
    registrations: [],
    claim: null,
  };
  let endMi = ctx.curMi;

  if (section === 33) {
    ctx.s33Count++;
    const wage = drawWage(rng);
    let employer = pickEmployer(rng, ctx);
    if (ctx.s33Count % 20 === 10) {
      // ~5 % of section 33 people have an unemployment claim.
      const status = CLAIM_STATUS_CYCLE[ctx.claimCount++ % CLAIM_STATUS_CYCLE.length]!;
      const c = rng.next();
      const cause: ClaimCause = c < 0.45 ? 'laid_off' : c < 0.85 ? 'resigned' : 'contract_ended';
      const claim = planClaim(rng, ctx, status, cause);
      plan.claim = claim;
      endMi = monthOfDay(claim.lastWork);
      span = Math.max(6, Math.min(span, endMi - earliest + 1));
      if (status === 'rejected' && rng.chance(0.25)) {
        // Too few contributions: a short last job, the one before long ago.
        claim.rejectionReason = REJECTION_SHORTFALL;
        const n = rng.int(3, 5);
        const jobs: Segment[] = [];
        const prevTo = endMi - n - 15 - rng.int(0, 24);
        const prevFrom = Math.max(earliest, prevTo - rng.int(12, 60));
        if (prevTo - prevFrom >= 6) {
          jobs.push({
            from: prevFrom,
            to: prevTo,
            section: 33,
            payer: pickEmployer(rng, ctx),
            wage: Math.max(9_000, wage - 1_000),
            option: 0,
            skip: 0.005,
          });
        }
        jobs.push({
          from: endMi - n + 1,
          to: endMi,
          section: 33,
          payer: employer,
          wage,
          option: 0,
          skip: 0,
        });
        plan.segments = jobs;
      }
      const since = ctx.today - claim.lastWork;
      if ((status === 'completed' || status === 'rejected') && since > 240 && rng.chance(0.5)) {
        // Found a new job after the benefit ended.
        if (plan.segments.length === 0)
          plan.segments = s33Jobs(rng, ctx, endMi - span + 1, endMi, wage, employer);
        const newFrom = endMi + (cause === 'laid_off' ? 7 : 4) + rng.int(0, 3);
        if (newFrom <= ctx.curMi) {
          employer = pickEmployer(rng, ctx);
          plan.segments.push({
            from: newFrom,
            to: ctx.curMi,
            section: 33,
            payer: employer,
            wage: Math.round((wage * (0.95 + rng.next() * 0.15)) / 100) * 100,
            option: 0,
            skip: 0.005,
          });
          endMi = ctx.curMi;
        }
      }
      if (endMi < ctx.curMi && since > 183) plan.status = 'inactive';
    } else if (rng.chance(0.03)) {
      endMi = ctx.curMi - rng.int(7, 36);
      plan.status = 'inactive';
    } else if (rng.chance(0.002)) {
      endMi = ctx.curMi - rng.int(1, 24);
      plan.status = 'deceased';
    }
    if (plan.segments.length === 0) {
      span = Math.max(6, Math.min(span, endMi - earliest + 1));
      plan.segments = s33Jobs(rng, ctx, endMi - span + 1, endMi, wage, employer);
    }
    plan.employerId = plan.segments[plan.segments.length - 1]!.payer;
    plan.province = ctx.employerProvince.get(plan.employerId) ?? BANGKOK;
    if (plan.status === 'active' && !plan.claim && rng.chance(0.04)) {
      plan.paidUntil = ctx.curMi - rng.int(1, 3); // the employer is behind
    }
  } else if (section === 39) {
    plan.province = ctx.residentPicker.pick(rng);
    span = Math.max(span, 24);
    const gap = rng.int(0, 5);
    const s39Months = rng.int(6, Math.max(6, Math.min(120, span - 12 - gap)));
    const s39From = ctx.curMi - s39Months + 1;
    const s33To = s39From - 1 - gap;
    const s33From = Math.max(earliest, Math.min(s33To - 11, s33To - (span - s39Months - gap) + 1));
    const wage = drawWage(rng);
    plan.segments = s33Jobs(rng, ctx, s33From, s33To, wage, pickEmployer(rng, ctx));
    let s39To = ctx.curMi;
    if (rng.chance(0.1)) s39To = ctx.curMi - rng.int(2, 6); // recent gap
    if (s39To >= s39From) {
      plan.segments.push({
        from: s39From,
        to: s39To,
        section: 39,
        payer: 'self',
        wage: 0,
        option: 0,
        skip: 0.03,
      });
    }
    endMi = s39To;
  } else {
    plan.province = ctx.residentPicker.pick(rng);
    const o = rng.next();
    plan.option = o < 0.45 ? 1 : o < 0.8 ? 2 : 3;
    const s40Earliest = Math.max(earliest, 2015 * 12);
    const to = rng.chance(0.15) ? ctx.curMi - rng.int(1, 6) : ctx.curMi;
    const from = Math.max(s40Earliest, to - span + 1);
    plan.segments = [
      {
        from: Math.min(from, to),
        to,
        section: 40,
        payer: 'self',
        wage: 0,
        option: plan.option,
        skip: 0.1,
      },
    ];
  }

  plan.nationalId = newNationalId(rng, ctx, Number(birthDate.slice(0, 4)), plan.province);
  if (section !== 40) plan.registrations = registrationsFor(rng, ctx, plan, endMi);
  return plan;
}

function migrantPlan(k: number, ctx: Context): PersonPlan {
  const m = DEMO_MIGRANTS[k]!;
  const p = MIGRANT_PLANS[k]!;
  const cur = ctx.curMi;
  const employer = FIXED_EMPLOYERS[p.employer === 0 ? 0 : 1]![0];
  return {
    nationalId: m.nationalId,
    title: p.title,
    first: p.first,
    last: p.last,
    birthDate: m.birthDate,
    section: 33,
    status: 'active',
    employerId: employer,
    option: null,
    province: p.province,
    laserCode: '',
    laserHash: 'none',
    segments: [
      {
        from: cur - p.months,
        to: cur,
        section: 33,
        payer: employer,
        wage: p.wage,
        option: 0,
        skip: 0,
      },
    ],
    paidUntil: cur,
    registrations: [
      {
        hospitalId: p.hospital,
        from: isoDay(firstDayOfMonth(cur - p.months)),
        to: null,
        reason: 'initial',
      },
    ],
    claim: null,
  };
}

function identityPlan(k: number, rng: Rng, ctx: Context): PersonPlan {
  const base = IDENTITY_BASE[k]!;
  const n = IDENTITY_NAMES[k]!;
  const cur = ctx.curMi;
  const plan: PersonPlan = {
    nationalId: base.nationalId,
    title: n.title,
    first: n.first,
    last: n.last,
    birthDate: base.birthDate,
    section: base.section,
    status: 'active',
    employerId: null,
    option: null,
    province: BANGKOK,
    laserCode: base.laserCode,
    laserHash: demoIdentityLaserHash(base.nationalId, base.laserCode),
    segments: [],
    paidUntil: cur,
    registrations: [],
    claim: null,
  };
  const job = (from: number, to: number, payer: string, wage: number): Segment => ({
    from,
    to,
    section: 33,
    payer,
    wage,
    option: 0,
    skip: 0,
  });
  const [samutPrakan, chonBuri, bangkokLogistics, chiangMai, bangkokFood] = FIXED_EMPLOYERS.map(
    (e) => e[0],
  );
  const first = (mi: number) => isoDay(firstDayOfMonth(mi));
  switch (k) {
    case 0: {
      plan.segments = [
        job(cur - 245, cur - 150, bangkokFood!, 18_000),
        job(cur - 147, cur, samutPrakan!, 32_000),
      ];
      plan.employerId = samutPrakan!;
      plan.province = '11';
      plan.registrations = [
        {
          hospitalId: 'DEMO-10-01',
          from: first(cur - 245),
          to: first(cur - 147),
          reason: 'initial',
        },
        { hospitalId: 'DEMO-11-01', from: first(cur - 147), to: null, reason: 'job_change' },
      ];
      break;
    }
    case 1: {
      const claim = planClaim(rng, ctx, 'paying', 'laid_off', 80);
      claim.hold = false;
      const end = monthOfDay(claim.lastWork);
      plan.claim = claim;
      plan.segments = [job(end - 69, end, chonBuri!, 22_000)];
      plan.employerId = chonBuri!;
      plan.province = '20';
      plan.registrations = [
        { hospitalId: 'DEMO-20-01', from: first(end - 69), to: null, reason: 'initial' },
      ];
      break;
    }
    case 2: {
      const claim = planClaim(rng, ctx, 'rejected', 'contract_ended', 45);
      claim.rejectionReason = REJECTION_SHORTFALL;
      const end = monthOfDay(claim.lastWork);
      plan.claim = claim;
      plan.segments = [
        job(end - 57, end - 18, bangkokFood!, 14_500),
        job(end - 3, end, bangkokLogistics!, 16_000),
      ];
      plan.employerId = bangkokLogistics!;
      plan.registrations = [
        { hospitalId: 'DEMO-10-02', from: first(end - 57), to: first(end - 3), reason: 'initial' },
        { hospitalId: 'DEMO-10-03', from: first(end - 3), to: null, reason: 'job_change' },
      ];
      break;
    }
    case 3: {
      const s39 = (from: number, to: number): Segment => ({
        from,
        to,
        section: 39,
        payer: 'self',
        wage: 0,
        option: 0,
        skip: 0,
      });
      plan.segments = [
        job(cur - 155, cur - 60, chiangMai!, 13_000),
        s39(cur - 57, cur - 16),
        s39(cur - 12, cur - 11),
      ];
      plan.province = '50';
      plan.registrations = [
        { hospitalId: 'DEMO-50-01', from: first(cur - 155), to: null, reason: 'initial' },
      ];
      break;
    }
    case 4: {
      plan.option = 3;
      plan.segments = [
        { from: cur - 59, to: cur, section: 40, payer: 'self', wage: 0, option: 3, skip: 0 },
      ];
      plan.province = '40';
      break;
    }
    default: {
      plan.segments = [job(cur - 6, cur, bangkokLogistics!, 16_500)];
      plan.employerId = bangkokLogistics!;
      plan.registrations = [
        { hospitalId: 'DEMO-10-04', from: first(cur - 6), to: null, reason: 'initial' },
      ];
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Claims for the other benefits (e-Claim): sickness, maternity, child allowance, invalidity,
// death, old age. Amounts follow the rules in force (src/rules, data/rules): a date before the
// rules data starts uses its earliest version (the data says each was in force then, its real
// start earlier). Seeded rows have updated_at = 0: they never trigger a notification.

const BENEFIT_STREAM = 0x0bef_c1a1;
/** Share of the generated people with a benefit claim. */
const BENEFIT_CLAIM_SHARE = 0.04;
/** A month's wage / 30 = a day's wage (as `unemployment.wage_base.days_per_month`). */
const DAYS_PER_MONTH = 30;

const BENEFIT_ID_PREFIX: Readonly<Record<Benefit, string>> = {
  sickness: 'SI',
  maternity: 'MA',
  child_allowance: 'CA',
  invalidity: 'IV',
  death: 'DE',
  old_age: 'OA',
};

/** Statuses in the order generated claims get them: every status within 8 claims. */
const BENEFIT_STATUS_CYCLE: readonly BenefitClaimStatus[] = [
  'paid',
  'paying',
  'received',
  'reviewing',
  'more_documents',
  'approved',
  'rejected',
  'closed',
  'paid',
  'paying',
];

interface BenefitClaimPlan {
  benefit: Benefit;
  status: BenefitClaimStatus;
  /** Days (day numbers) of each step; null = not reached. */
  filed: number;
  reviewed: number | null;
  /** Documents asked for (more_documents), and when they came in (reviewing again). */
  docsAsked: number | null;
  docsIn: number | null;
  decided: number | null;
  /** The (first) payment: in the future for `approved` (scheduled), else paid. */
  firstPay: number | null;
  closed: number | null;
  /** Why it was rejected, or which documents are missing. */
  reason: string | null;
  /** Satang: the sum, or one installment. */
  amount: number | null;
  /** Installments approved; 0 = monthly for life; null = one sum. */
  installments: number | null;
  /** paying: the latest due installment is held. */
  hold: boolean;
}

/** The date a rule is looked up for (the earliest version before the data starts). */
function notBefore(iso: string, from: string): string {
  if (iso < from) return from;
  return iso;
}
const rulesDay = (day: number): string => notBefore(isoDay(day), RULES_DATA_FROM);
const S40_BENEFITS_FROM = ruleHistory('s40.benefits')[0]!.effective_from;
/** Section 40 benefit amounts are in the data from the 2025 decree on; earlier days use them. */
const s40Day = (day: number): string => notBefore(isoDay(day), S40_BENEFITS_FROM);
function ruleValue<T>(key: string, day: number): T {
  const entry = anyRuleOn(key, rulesDay(day));
  if (!entry) throw new Error(`demo data: no ${key} rule on ${rulesDay(day)}`);
  return entry.value as T;
}

/** The same day-of-month `months` later (day 29–31 → 28). */
function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  return (
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, Math.min(28, d.getUTCDate())) / DAY_MS
  );
}

/** The segment a day falls in, or the last one before it. */
function segmentAt(plan: PersonPlan, day: number): Segment {
  const mi = monthOfDay(day);
  let found = plan.segments[0]!;
  for (const s of plan.segments) if (s.from <= mi) found = s;
  return found;
}

/**
 * The monthly wage (satang) a cash benefit is computed on: section 33 the wage capped on that
 * day; section 39 the notional wage. Section 40 has flat amounts (0 here).
 */
function benefitWageSatang(plan: PersonPlan, day: number): number {
  const seg = segmentAt(plan, day);
  if (seg.section === 40) return 0;
  if (seg.section === 39)
    return ruleOn('s39.contribution', rulesDay(day)).value.notional_wage_thb * 100;
  const mi = Math.min(monthOfDay(day), seg.to);
  return cappedWageSatang(wageAt(seg, mi) * 100, isoDay(day));
}

function s40OptionBenefits(plan: PersonPlan, day: number) {
  const option = section40Options(s40Day(day)).find((o) => o.option === plan.option);
  if (!option?.benefits) throw new Error('demo data: no section 40 benefits');
  return option.benefits;
}

/** Sickness cash for `daysOff` days off work (section 33: after the employer's paid days). */
function sicknessPaySatang(plan: PersonPlan, day: number, daysOff: number): number {
  const section = segmentAt(plan, day).section;
  if (section === 40) return s40OptionBenefits(plan, day).inpatientPerDaySatang * daysOff;
  const rate = ruleOn('sickness.s33', rulesDay(day)).value.rate_percent;
  const employerDays =
    section === 33
      ? ruleValue<{ employer_paid_sick_days_per_year: number }>('sickness.employer_paid_days', day)
          .employer_paid_sick_days_per_year
      : 0;
  // Demo: section 39 is paid at the same rate on its notional wage, from the first day.
  const days = Math.max(1, daysOff - employerDays);
  return Math.round((benefitWageSatang(plan, day) * rate * days) / 100 / DAYS_PER_MONTH);
}

/** Delivery grant, plus the leave allowance when the insured person is the mother. */
function maternityPaySatang(plan: PersonPlan, day: number, mother: boolean): number {
  const grant = ruleOn('maternity.delivery_grant', rulesDay(day)).value.amount_thb_per_birth * 100;
  if (!mother) return grant;
  const leave = ruleValue<{ rate_percent: number; days: number }>('maternity.leave_allowance', day);
  return (
    grant +
    Math.round(
      (benefitWageSatang(plan, day) * leave.rate_percent * leave.days) / 100 / DAYS_PER_MONTH,
    )
  );
}

/** Child allowance per month and the age it stops at (section 40: option 3's). */
function childAllowance(plan: PersonPlan, day: number): { monthly: number; untilAge: number } {
  if (plan.section === 40) {
    const c = s40OptionBenefits(plan, day).childAllowance;
    if (!c) throw new Error('demo data: no section 40 child allowance for this option');
    return { monthly: c.perChildMonthlySatang, untilAge: c.untilAge };
  }
  const r = ruleValue<{ thb_per_month_per_child: number; until_age: number }>(
    'child_allowance.s33_s39',
    day,
  );
  return { monthly: r.thb_per_month_per_child * 100, untilAge: r.until_age };
}

function invalidityMonthlySatang(plan: PersonPlan, day: number): number {
  const rate = ruleValue<{ rate_percent: number }>('invalidity.monthly_benefit', day).rate_percent;
  return Math.round((benefitWageSatang(plan, day) * rate) / 100);
}

function funeralGrantSatang(day: number): number {
  return ruleOn('death.funeral_grant', rulesDay(day)).value.amount_thb * 100;
}

/** Old-age benefit on the person's contribution record up to their last month. */
function oldAgeBenefit(plan: PersonPlan, day: number): OldAgeEstimate {
  let months = 0;
  const wages: number[] = [];
  for (const s of plan.segments) {
    months += s.to - s.from + 1;
    for (let mi = s.from; mi <= s.to; mi++) {
      const iso = isoDay(firstDayOfMonth(mi));
      wages.push(
        s.section === 33
          ? cappedWageSatang(wageAt(s, mi) * 100, iso)
          : s.section === 39
            ? ruleOn('s39.contribution', notBefore(iso, RULES_DATA_FROM)).value.notional_wage_thb *
              100
            : 0,
      );
    }
  }
  const last = wages.slice(-60);
  const avg = Math.round(last.reduce((a, b) => a + b, 0) / Math.max(1, last.length));
  return pensionEstimate(months, avg, rulesDay(day));
}

/** "contributions short of N months within M months before …" (the rule's own numbers). */
function shortfall(required: number, window: number, before: string): string {
  return `ส่งเงินสมทบไม่ครบ ${required} เดือนภายในระยะเวลา ${window} เดือนก่อน${before}`;
}

/** Rejection reasons by benefit (SSO's words, Thai), built from the rules in force. */
function rejectionReason(benefit: Benefit, day: number, rng: Rng, section: Section): string {
  switch (benefit) {
    case 'sickness': {
      const m = ruleOn('medical.eligibility', rulesDay(day)).value;
      return section !== 33 || rng.chance(0.5)
        ? shortfall(m.required_months, m.window_months, 'เจ็บป่วย')
        : 'นายจ้างจ่ายค่าจ้างในวันที่หยุดงานแล้ว จึงไม่มีสิทธิได้รับเงินทดแทนการขาดรายได้';
    }
    case 'maternity': {
      const m = ruleOn('maternity.delivery_grant', rulesDay(day)).value;
      return shortfall(m.required_months, m.window_months, 'คลอดบุตร');
    }
    case 'child_allowance': {
      const c = ruleValue<{ required_months: number; window_months: number }>(
        'child_allowance.s33_s39',
        day,
      );
      return `ส่งเงินสมทบไม่ครบ ${c.required_months} เดือนภายในระยะเวลา ${c.window_months} เดือนก่อนเดือนที่มีสิทธิ`;
    }
    case 'invalidity': {
      const v = ruleValue<{ required_months: number; window_months: number }>(
        'invalidity.eligibility',
        day,
      );
      return rng.chance(0.5)
        ? shortfall(v.required_months, v.window_months, 'ทุพพลภาพ')
        : 'คณะกรรมการการแพทย์วินิจฉัยว่าการสูญเสียอวัยวะหรือสมรรถภาพยังไม่ถึงเกณฑ์ทุพพลภาพ';
    }
    case 'death': {
      const d = ruleOn('death.funeral_grant', rulesDay(day)).value;
      return `ผู้ถึงแก่ความตาย${shortfall(d.required_months, d.window_months, 'ถึงแก่ความตาย')}`;
    }
    case 'old_age':
      return stillInsured(day);
  }
}

function stillInsured(day: number): string {
  const minAge = ruleOn('old_age.pension', rulesDay(day)).value.min_age;
  return `ยังเป็นผู้ประกันตนอยู่ ขอรับประโยชน์ทดแทนกรณีชราภาพได้เมื่ออายุครบ ${minAge} ปีบริบูรณ์และความเป็นผู้ประกันตนสิ้นสุดลง`;
}

/** What to bring when documents are missing (more_documents), by benefit. */
const MISSING_DOCUMENTS: Readonly<Record<Benefit, string>> = {
  sickness: 'ใบรับรองแพทย์ฉบับจริงที่ระบุจำนวนวันที่แพทย์ให้หยุดพัก',
  maternity: 'สำเนาสูติบัตรบุตร',
  child_allowance: 'สำเนาสูติบัตรบุตร และสำเนาหน้าสมุดบัญชีธนาคารของผู้ประกันตน',
  invalidity: 'ใบรับรองแพทย์และประวัติการรักษาจากโรงพยาบาล',
  death: 'สำเนามรณบัตร และหลักฐานการเป็นผู้จัดการศพ',
  old_age: 'สำเนาหน้าสมุดบัญชีธนาคารของผู้ประกันตน',
};

/** Installments left from the first payment until the child reaches `untilAge`. */
function childInstallments(birth: number, firstPay: number, untilAge: number): number {
  return Math.max(1, untilAge * 12 - (monthOfDay(firstPay) - monthOfDay(birth)));
}

/** Steps from filing to the current status, each a few days apart, ending before today. */
interface Offsets {
  review: number;
  docs: number;
  docsIn: number;
  decide: number;
  pay: number;
  close: number;
}

function drawOffsets(rng: Rng): Offsets {
  return {
    review: rng.int(1, 3),
    docs: rng.int(2, 6),
    docsIn: rng.int(4, 12),
    decide: rng.int(5, 18),
    pay: rng.int(3, 10),
    close: rng.int(5, 30),
  };
}

/**
 * Lays a claim's dates out so that it reached `status` on or before `today`: filed `ago` days
 * before the latest step. `detour` adds a request for documents before the decision.
 */
function timeline(
  status: BenefitClaimStatus,
  today: number,
  o: Offsets,
  ago: number,
  detour: boolean,
): Pick<
  BenefitClaimPlan,
  'filed' | 'reviewed' | 'docsAsked' | 'docsIn' | 'decided' | 'firstPay' | 'closed'
> {
  const docs = detour || status === 'more_documents';
  const toDecision = o.review + (docs ? o.docs + o.docsIn : 0) + o.decide;
  const span: Record<BenefitClaimStatus, number> = {
    received: 0,
    reviewing: o.review + (docs ? o.docs + o.docsIn : 0),
    more_documents: o.review + o.docs,
    approved: toDecision,
    rejected: toDecision,
    paying: toDecision + o.pay,
    paid: toDecision + o.pay,
    closed: toDecision + o.pay + o.close,
  };
  const filed = today - ago - span[status];
  const reviewed = status === 'received' ? null : filed + o.review;
  const docsAsked = docs && reviewed !== null ? reviewed + o.docs : null;
  const docsIn = docsAsked !== null && status !== 'more_documents' ? docsAsked + o.docsIn : null;
  const decidedStatus = !['received', 'reviewing', 'more_documents'].includes(status);
  const decided = decidedStatus ? filed + toDecision : null;
  // approved: the payment is still to come (scheduled a few days from today).
  const firstPay =
    decided === null || status === 'rejected'
      ? null
      : status === 'approved'
        ? Math.max(decided + o.pay, today + 1 + (o.pay % 5))
        : decided + o.pay;
  const closed = status === 'closed' && firstPay !== null ? firstPay + o.close : null;
  return { filed, reviewed, docsAsked, docsIn, decided, firstPay, closed };
}

/**
 * The documented identities' and migrants' claims (people 1–8), fixed offsets from today, one
 * story each (docs/demo-identities.md). No randomness: the person's stream is left alone.
 */
function fixedBenefitClaims(k: number, plan: PersonPlan, ctx: Context): BenefitClaimPlan[] {
  const T = ctx.today;
  const steps = (o: Partial<Offsets>): Offsets => ({
    review: 2,
    docs: 4,
    docsIn: 7,
    decide: 10,
    pay: 5,
    close: 20,
    ...o,
  });
  const claim = (
    benefit: Benefit,
    status: BenefitClaimStatus,
    o: Offsets,
    ago: number,
    rest: Partial<BenefitClaimPlan> = {},
    detour = false,
  ): BenefitClaimPlan => ({
    benefit,
    status,
    ...timeline(status, T, o, ago, detour),
    reason: null,
    amount: null,
    installments: null,
    hold: false,
    ...rest,
  });
  const paying = (
    benefit: Benefit,
    birth: number,
    filedAfterBirth: number,
    o: Offsets,
  ): BenefitClaimPlan => {
    const filed = birth + filedAfterBirth;
    const decided = filed + o.review + o.decide;
    const firstPay = decided + o.pay;
    const { monthly, untilAge } = childAllowance(plan, decided);
    return {
      benefit,
      status: 'paying',
      filed,
      reviewed: filed + o.review,
      docsAsked: null,
      docsIn: null,
      decided,
      firstPay,
      closed: null,
      reason: null,
      amount: monthly,
      installments: childInstallments(birth, firstPay, untilAge),
      hold: false,
    };
  };
  switch (k) {
    case 0: {
      // Somchai: sick leave after an operation (50 days off, the employer paid the first ones),
      // paid; and an old-age claim at 55 while still employed: rejected.
      const sick = claim('sickness', 'paid', steps({ decide: 13 }), 95);
      sick.amount = sicknessPaySatang(plan, sick.filed - 10, 50);
      const claims = [sick];
      const turned55 =
        dayOfIso(
          `${Number(plan.birthDate.slice(0, 4)) + ruleOn('old_age.pension', rulesDay(T)).value.min_age}${plan.birthDate.slice(4)}`,
        ) + 20;
      const oldAge = claim('old_age', 'rejected', steps({ decide: 15 }), 280);
      if (oldAge.filed < turned55) {
        const shift = turned55 - oldAge.filed;
        oldAge.filed += shift;
        oldAge.reviewed! += shift;
        oldAge.decided! += shift;
      }
      if (oldAge.decided! <= T) claims.push({ ...oldAge, reason: stillInsured(oldAge.filed) });
      return claims;
    }
    case 1: {
      // Sudarat: a baby about 14 months ago: maternity (delivery grant + leave allowance) paid,
      // child allowance paid every month since.
      const birth = T - 420;
      const o = steps({ decide: 12 });
      const maternity: BenefitClaimPlan = {
        ...claim('maternity', 'paid', o, 0),
        amount: maternityPaySatang(plan, birth, true),
      };
      const shift = birth + 20 - maternity.filed;
      for (const key of ['filed', 'reviewed', 'decided', 'firstPay'] as const)
        maternity[key] = maternity[key]! + shift;
      return [maternity, paying('child_allowance', birth, 25, steps({ decide: 14, pay: 10 }))];
    }
    case 2: {
      // Thanaphon: 40 days off sick during his last job; SSO asks for the original certificate.
      const c = claim('sickness', 'more_documents', steps({ docs: 5 }), 48);
      return [{ ...c, reason: MISSING_DOCUMENTS.sickness }];
    }
    case 3: {
      // Mali: an invalidity claim after she stopped paying section 39: fewer than 3 of 15 months.
      const c = claim('invalidity', 'rejected', steps({ decide: 23 }), 50);
      const v = ruleValue<{ required_months: number; window_months: number }>(
        'invalidity.eligibility',
        c.filed,
      );
      return [{ ...c, reason: shortfall(v.required_months, v.window_months, 'ทุพพลภาพ') }];
    }
    case 4: {
      // Bunmi: section 40 option 3 child allowance for a child born about 8 months ago, paid
      // monthly; and three days in hospital last week, just claimed.
      const allowance = paying('child_allowance', T - 250, 20, steps({ decide: 13, pay: 10 }));
      return [allowance, claim('sickness', 'received', steps({}), 3)];
    }
    case 5: {
      // Phimchanok: her father (insured, section 33) died about 40 days ago; she arranged the
      // funeral and claims the funeral grant: approved, payment in a few days.
      const c = claim('death', 'approved', steps({ review: 2, decide: 22, pay: 4 }), 6);
      return [{ ...c, amount: funeralGrantSatang(c.filed) }];
    }
    case 6: {
      // Aung (pink card): 45 days off with dengue last year: paid, closed; his wife (not insured)
      // gave birth 12 days ago: he claims the delivery grant, under review.
      const sick = claim('sickness', 'closed', steps({ decide: 13, close: 30 }), 230);
      sick.amount = sicknessPaySatang(plan, sick.filed - 10, 45);
      return [sick, claim('maternity', 'reviewing', steps({}), 6)];
    }
    case 7: {
      // Sok (passport): 40 days off after a road accident off duty: under review.
      return [claim('sickness', 'reviewing', steps({ review: 1 }), 8)];
    }
    default:
      return [];
  }
}

/**
 * Which benefits a generated person could plausibly claim, by the status the claim reached
 * (repeated = more likely). One sum (sickness, maternity, death, an old-age lump sum): never
 * `paying`; installments (child allowance, invalidity, a pension): never `paid` or `closed`.
 */
function benefitCandidates(plan: PersonPlan, ctx: Context, status: BenefitClaimStatus): Benefit[] {
  const age = Math.floor((ctx.curMi - monthOfIso(plan.birthDate)) / 12);
  const s40 = plan.section === 40;
  const oneSum = status !== 'paying';
  const monthly = status !== 'paid' && status !== 'closed';
  const list: Benefit[] = [];
  if (plan.status === 'active') {
    if (oneSum) list.push('sickness', 'sickness', 'sickness', 'sickness');
    if (oneSum && !s40 && age <= 45) list.push('maternity', 'maternity');
    if (monthly && (!s40 || plan.option === 3) && age <= 50)
      list.push('child_allowance', 'child_allowance', 'child_allowance');
    if (monthly && !s40 && age >= 40) list.push('invalidity');
  }
  if (oneSum && age >= 25) list.push('death', 'death');
  // Old age: 55 or older and no longer insured; rejected: claimed while still insured.
  const insuredNow = plan.status === 'active';
  if (age >= PENSION_MIN_AGE && !s40 && insuredNow === (status === 'rejected'))
    list.push('old_age', 'old_age', 'old_age');
  return list;
}

/** A generated person's claim, or none (most people). Uses its own random stream. */
function randomBenefitClaims(rng: Rng, plan: PersonPlan, ctx: Context): BenefitClaimPlan[] {
  if (plan.status === 'deceased' || !rng.chance(BENEFIT_CLAIM_SHARE)) return [];
  const status = BENEFIT_STATUS_CYCLE[ctx.benefitClaimCount % BENEFIT_STATUS_CYCLE.length]!;
  const candidates = benefitCandidates(plan, ctx, status);
  if (candidates.length === 0) return [];
  const benefit = rng.pick(candidates);
  const T = ctx.today;
  const o = drawOffsets(rng);
  const detour = rng.chance(0.2);
  const maxAgo: Record<BenefitClaimStatus, number> = {
    received: 6,
    reviewing: 12,
    more_documents: 20,
    approved: 2,
    rejected: 300,
    paying: 600,
    paid: 400,
    closed: 600,
  };
  let d = timeline(status, T, o, rng.int(0, maxAgo[status]), detour);
  // Old age is claimed after the last contribution month: move the claim later if need be.
  const lastDay = firstDayOfMonth(plan.segments[plan.segments.length - 1]!.to + 1);
  if (benefit === 'old_age' && status !== 'rejected' && d.filed < lastDay + 15) {
    d = timeline(status, T, o, 0, detour);
    if (d.filed < lastDay + 15) return [];
  }
  // Never before the person's coverage started (plus the months the benefits need).
  if (d.filed < firstDayOfMonth(plan.segments[0]!.from) + 150) return [];
  ctx.benefitClaimCount++;
  const claim: BenefitClaimPlan = {
    benefit,
    status,
    ...d,
    reason: null,
    amount: null,
    installments: null,
    hold: status === 'paying' && rng.chance(0.1),
  };
  const at = d.decided ?? d.filed;
  if (status === 'rejected')
    claim.reason = rejectionReason(benefit, at, rng, segmentAt(plan, at).section);
  if (status === 'more_documents') claim.reason = MISSING_DOCUMENTS[benefit];
  if (d.decided === null || status === 'rejected') return [claim];
  switch (benefit) {
    case 'sickness':
      claim.amount = sicknessPaySatang(
        plan,
        d.filed,
        { 33: rng.int(35, 90), 39: rng.int(5, 30), 40: rng.int(2, 10) }[
          segmentAt(plan, d.filed).section
        ],
      );
      break;
    case 'maternity':
      claim.amount = maternityPaySatang(plan, d.filed - 20, plan.title !== 'นาย');
      break;
    case 'child_allowance': {
      const { monthly, untilAge } = childAllowance(plan, at);
      claim.amount = monthly;
      claim.installments = childInstallments(d.filed - rng.int(10, 60), d.firstPay!, untilAge);
      break;
    }
    case 'invalidity':
      claim.amount = invalidityMonthlySatang(plan, d.filed);
      claim.installments = 0; // monthly, for life
      break;
    case 'death':
      claim.amount = funeralGrantSatang(at);
      break;
    case 'old_age': {
      const estimate = oldAgeBenefit(plan, at);
      if (estimate.kind === 'pension') {
        claim.amount = estimate.monthlySatang;
        claim.installments = 0; // monthly, for life
        if (status === 'paid' || status === 'closed') claim.status = 'paying';
      } else {
        // Demo: the rules' approximate size of the contributions part (real sums add returns).
        claim.amount = estimate.contributionsApproxSatang;
        if (status === 'paying') claim.status = 'paid';
      }
      if (claim.status !== status) claim.closed = null;
      break;
    }
  }
  return [claim];
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface DemoDataCounts {
  employers: number;
  hospitals: number;
  insuredPersons: number;
  contributions: number;
  hospitalRegistrations: number;
  unemploymentClaims: number;
  claimStatusHistory: number;
  unemploymentPayments: number;
  benefitClaims: number;
  benefitClaimHistory: number;
  benefitPayments: number;
}

export interface GenerateDemoDataOptions {
  /** Insured persons in total, the 6 demo identities included (at least 6). */
  people?: number;
  now?: Date;
  /** Called after each chunk of people. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The columns of each table the generator writes, in the order of its rows' values; tables
 * parents first (the order to write them in). Columns not listed take their default.
 */
export const DEMO_COLUMNS = {
  employers: ['id', 'name_th', 'name_en', 'province_code'],
  hospitals: [
    'id',
    'name_th',
    'name_en',
    'province_code',
    'address_th',
    'phone',
    'lat',
    'lng',
    'location_precision',
    'is_demo',
  ],
  insured_persons: [
    'id',
    'national_id',
    'title_th',
    'first_name_th',
    'last_name_th',
    'first_name_en',
    'last_name_en',
    'birth_date',
    'section',
    'status',
    'employer_id',
    'section40_option',
    'coverage_start',
    'province_code',
    'laser_code_hash',
    'updated_at',
  ],
  contributions: [
    'person_id',
    'period',
    'payer_id',
    'wage_satang',
    'employee_satang',
    'employer_satang',
    'government_satang',
    'old_age_satang',
    'paid_date',
  ],
  hospital_registrations: ['id', 'person_id', 'hospital_id', 'valid_from', 'valid_to', 'reason'],
  unemployment_claims: [
    'id',
    'person_id',
    'cause',
    'last_work_date',
    'filed_date',
    'status',
    'approved_days',
    'daily_satang',
    'monthly_satang',
    'rejection_reason',
  ],
  claim_status_history: ['claim_id', 'status', 'at', 'note'],
  unemployment_payments: [
    'claim_id',
    'installment',
    'period_from',
    'period_to',
    'amount_satang',
    'pay_date',
    'status',
    'report_due_date',
    'reported_at',
  ],
  benefit_claims: [
    'id',
    'person_id',
    'benefit',
    'filed_date',
    'status',
    'decision_date',
    'reason',
    'approved_satang',
    'installments',
    'updated_at',
  ],
  benefit_claim_history: ['claim_id', 'status', 'at', 'note'],
  benefit_payments: [
    'claim_id',
    'installment',
    'amount_satang',
    'pay_date',
    'status',
    'updated_at',
  ],
  identity_documents: [
    'person_id',
    'type',
    'number',
    'country',
    'work_permit_number',
    'updated_at',
  ],
  link_codes: ['person_id', 'code_hash', 'issued_by', 'created_at', 'expires_at'],
} as const satisfies Record<string, readonly string[]>;

export type DemoTable = keyof typeof DEMO_COLUMNS;

/** Tables the demo seed fills, children first (the order to wipe them in). */
export const DEMO_TABLES = [
  'benefit_payments',
  'benefit_claim_history',
  'benefit_claims',
  'unemployment_payments',
  'claim_status_history',
  'unemployment_claims',
  'hospital_registrations',
  'contributions',
  // Notification preferences and notifications belong to linked users: wiped with the links
  // (as an unlink erases them).
  'notifications',
  'notification_prefs',
  'account_links',
  'link_nonces',
  'link_codes',
  'identity_documents',
  'insured_persons',
  'hospitals',
  'employers',
] as const;

/** SQLite's AUTOINCREMENT counters (not in the schema: SQLite keeps it). */
const sqliteSequence = sqliteTable('sqlite_sequence', { name: text('name'), seq: integer('seq') });

/**
 * Deletes every row the demo seed writes (and the account links, nonces, notifications and
 * preferences that point at the persons), children first so foreign keys hold, in one batch
 * (atomic on both drivers). Real (non-demo) hospitals are kept. The AUTOINCREMENT counters of
 * the persons and registrations start again (the demo rows carry their ids).
 */
export async function wipeDemoData(store: Store): Promise<void> {
  const { db } = store;
  const queries: BatchQuery[] = DEMO_TABLES.map((name) => {
    const table = demoTable(name);
    return name === 'hospitals'
      ? db.delete(table).where(eq(hospitalsTable.isDemo, true))
      : db.delete(table);
  });
  await store.batch(queries);
  // The table exists once any AUTOINCREMENT table has had a row: nothing to reset before that.
  const exists = await db.all(
    sql`select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'`,
  );
  if (exists.length > 0) {
    await store.batch([
      db
        .delete(sqliteSequence)
        .where(inArray(sqliteSequence.name, ['insured_persons', 'hospital_registrations'])),
    ]);
  }
}

/** The Bangkok calendar day of `now`. */
function bangkokDay(now: Date): number {
  return Math.floor((now.getTime() + BANGKOK_OFFSET_MS) / DAY_MS);
}

function buildEmployers(count: number): (readonly [string, string, string, string])[] {
  const rng = new Rng(streamSeed(-1));
  const provincePicker = new WeightedPicker(
    PROVINCES,
    (p) => EMPLOYER_PROVINCE_WEIGHTS[p.province_code] ?? 0.15,
  );
  const rows: (readonly [string, string, string, string])[] = [...FIXED_EMPLOYERS];
  const ids = new Set(rows.map((r) => r[0]));
  const names = new Set(rows.map((r) => r[1]));
  while (rows.length < count) {
    const province = provincePicker.pick(rng).province_code;
    let id: string;
    do {
      id = `${province}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
    } while (ids.has(id));
    let th = '';
    let en = '';
    for (let attempt = 0; ; attempt++) {
      const form = rng.next();
      const prefix = rng.pick(COMPANY_PREFIX);
      const suffix = attempt > 20 ? [` ${attempt}`, ` ${attempt}`] : ['', ''];
      if (form < 0.25) {
        const trade = rng.pick(PARTNERSHIP_TRADE);
        th = `ห้างหุ้นส่วนจำกัด ${prefix[0]}${trade[0]}${suffix[0]}`;
        en = `${prefix[1]} ${trade[1]}${suffix[1]} Limited Partnership`;
      } else {
        const middle = rng.chance(0.4) ? rng.pick(COMPANY_MIDDLE) : (['', ''] as const);
        const industry = rng.pick(COMPANY_INDUSTRY);
        const pub = form > 0.95;
        th = `บริษัท ${prefix[0]}${middle[0]}${industry[0]}${suffix[0]} จำกัด${pub ? ' (มหาชน)' : ''}`;
        en = `${prefix[1]}${middle[1] ? ` ${middle[1]}` : ''} ${industry[1]}${suffix[1]} ${pub ? 'Public Co., Ltd.' : 'Co., Ltd.'}`;
      }
      if (!names.has(th)) break;
    }
    ids.add(id);
    names.add(th);
    rows.push([id, th, en, province]);
  }
  return rows;
}

interface HospitalRow {
  id: string;
  nameTh: string;
  nameEn: string;
  province: string;
  address: string;
  phone: string;
  lat: number;
  lng: number;
}

function buildHospitals(): HospitalRow[] {
  const rng = new Rng(streamSeed(-2));
  const rows: HospitalRow[] = [];
  let seq = 0;
  for (const p of PROVINCES) {
    const code = p.province_code;
    const bangkok = code === BANGKOK;
    const count = bangkok ? 12 : INDUSTRIAL.has(code) ? rng.int(4, 5) : rng.int(2, 4);
    const stems = [...HOSPITAL_STEMS];
    for (let i = 1; i <= count; i++) {
      const stem = stems.splice(rng.int(0, stems.length - 1), 1)[0]!;
      seq++;
      // A few km around the province seat (Bangkok: up to ~15 km, the city is large).
      const r = (bangkok ? 1 + 14 * rng.next() : 0.5 + 5.5 * rng.next()) / 111;
      const a = 2 * Math.PI * rng.next();
      const lat = Math.round((p.seat_lat + r * Math.sin(a)) * 1e5) / 1e5;
      const lng =
        Math.round(
          (p.seat_lng + (r * Math.cos(a)) / Math.cos((p.seat_lat * Math.PI) / 180)) * 1e5,
        ) / 1e5;
      const place = bangkok
        ? `${p.seat_district_th} กรุงเทพมหานคร`
        : `อำเภอ${p.seat_district_th} จังหวัด${p.name_th}`;
      rows.push({
        id: `DEMO-${code}-${pad2(i)}`,
        nameTh: bangkok ? `โรงพยาบาล${stem[0]}` : `โรงพยาบาล${stem[0]} ${p.name_th}`,
        nameEn: bangkok ? `${stem[1]} Hospital` : `${stem[1]} Hospital ${p.name_en}`,
        province: code,
        address: `ที่อยู่ตัวอย่าง (ข้อมูลสาธิต) เลขที่ ${rng.int(1, 999)} ถนนตัวอย่าง ${place}`,
        phone: bangkok
          ? `02-000-${String(1000 + seq).padStart(4, '0')}`
          : `${AREA_CODE[p.region] ?? '035'}-000-${String(seq).padStart(3, '0')}`,
        lat,
        lng,
      });
    }
  }
  return rows;
}

/** The deterministic per-person laser salt of the demo seed. */
export function laserSalt(nationalId: string): Buffer {
  return createHash('sha256').update(`sso-demo-laser-salt:${nationalId}`).digest().subarray(0, 16);
}

/**
 * The documented demo identities' laser codes hashed at the current cost (6 × 100,000
 * PBKDF2-HMAC-SHA-256 iterations) with their deterministic `laserSalt`, keyed by national ID.
 * Precomputed so that seeding does not spend 600,000 iterations per identity; generated once with
 * `hashLaserCode(d.laserCode, laserSalt(d.nationalId), SECRET_HASH_ITERATIONS, SECRET_HASH_ROUNDS)`
 * for each of `DEMO_IDENTITIES` (node:crypto, ~0.1 s each). test/store/laser-code.test.ts checks
 * that each one verifies its documented code: regenerate them if an identity's code or ID changes.
 */
export const DEMO_IDENTITY_LASER_HASHES: Readonly<Record<string, string>> = {
  // ME0123456789
  '3100600123450':
    'pbkdf2-sha256-chain$6$100000$tr80ryBwmVQxGQDQqYPVEA==$a2qwiUF1F9FA+BT+IhzbEkdzbO/1JaLtECsdYuyDeeU=',
  // JT1234567890
  '1100100456780':
    'pbkdf2-sha256-chain$6$100000$YI38mMGq/+HSEoYGpXko4g==$YGrJpIzHDL5Wnhqq9+5iEux7EKz6TnU5J75057BAuAM=',
  // JC2345678901
  '1200100789125':
    'pbkdf2-sha256-chain$6$100000$JzFwpE/XYdMSDMyEc3YIyA==$bONWHvqjsYmBNxc2KzTdkQWbeQ4zvO08zLaZARdu5Xw=',
  // ID3456789012
  '3500100234569':
    'pbkdf2-sha256-chain$6$100000$siAR4HdqMfKFkSL00eFoog==$DvUr8JQ8bbwthuG99pZwh1EHEahcpPgLSAt3Ps/C3xw=',
  // AA4567890123
  '3400100678905':
    'pbkdf2-sha256-chain$6$100000$mXqpgpZuoNrHIFKIq0Iefw==$REB9E4PX82UsgnQdHipJj2wSrrugrLETdmv2VQy/cFc=',
  // BT5678901234
  '1100200987655':
    'pbkdf2-sha256-chain$6$100000$gC4aiX1V3V/JW5Lzl6N4LA==$RwaxmmZkBXnl/xorIS9chVksTe1/DFbwCyHk3+q6cDg=',
};

/** The precomputed hash, or (an identity added without one) the same hash computed now. */
function demoIdentityLaserHash(nationalId: string, laserCode: string): string {
  return (
    DEMO_IDENTITY_LASER_HASHES[nationalId] ??
    hashLaserCode(laserCode, laserSalt(nationalId), SECRET_HASH_ITERATIONS, SECRET_HASH_ROUNDS)
  );
}

/** Where the generator's rows go: one row of a table, its values in `DEMO_COLUMNS` order. */
export interface DemoRowSink {
  add(table: DemoTable, values: SqlValue[]): void;
}

/** The generator, step by step (the writers below run its steps in their transactions). */
interface DemoGenerator {
  /** People in all (the fixed ones included). */
  readonly total: number;
  readonly counts: DemoDataCounts;
  /** Employers and demo hospitals (the parents of everything else). */
  reference(sink: DemoRowSink): void;
  /** Person `i` (0-based) with their contributions, registrations and claims. */
  person(sink: DemoRowSink, i: number): void;
  /** The migrants' documents and one-time link codes (after every person). */
  documents(sink: DemoRowSink): void;
}

/**
 * The demo data as rows, deterministic for `people` and `now`. Rows come out parents first:
 * a person before their contributions, a claim before its history and payments.
 */
function demoGenerator(options: GenerateDemoDataOptions): DemoGenerator {
  const total = Math.max(DEMO_FIXED_PEOPLE, Math.floor(options.people ?? DEFAULT_DEMO_PEOPLE));
  const now = options.now ?? new Date();
  const today = bangkokDay(now);
  const todayIso = isoDay(today);
  const curMi = monthOfDay(today);

  const employers = buildEmployers(Math.max(50, Math.round(total / 40)));
  const hospitals = buildHospitals();
  const hospitalsByProvince = new Map<string, string[]>();
  for (const h of hospitals) {
    const list = hospitalsByProvince.get(h.province) ?? [];
    list.push(h.id);
    hospitalsByProvince.set(h.province, list);
  }
  const ctx: Context = {
    now,
    nowMs: now.getTime(),
    today,
    todayIso,
    curMi,
    todayDom: Number(todayIso.slice(8, 10)),
    employerIds: employers.map((e) => e[0]),
    employerProvince: new Map(employers.map((e) => [e[0], e[3]])),
    hospitalsByProvince,
    residentPicker: new WeightedPicker(
      PROVINCES.map((p) => p.province_code),
      (c) => RESIDENT_PROVINCE_WEIGHTS[c] ?? 1,
    ),
    nationalIds: new Set([...DEMO_IDENTITIES, ...DEMO_MIGRANTS].map((d) => d.nationalId)),
    s33Count: 0,
    claimCount: 0,
    benefitClaimCount: 0,
  };

  const counts: DemoDataCounts = {
    employers: employers.length,
    hospitals: hospitals.length,
    insuredPersons: 0,
    contributions: 0,
    hospitalRegistrations: 0,
    unemploymentClaims: 0,
    claimStatusHistory: 0,
    unemploymentPayments: 0,
    benefitClaims: 0,
    benefitClaimHistory: 0,
    benefitPayments: 0,
  };

  let out: DemoRowSink = { add: () => {} };
  const emit = (table: DemoTable, ...values: SqlValue[]): void => out.add(table, values);

  // Period strings and "YYYY-MM-" prefixes, by month index.
  const periodCache = new Map<number, string>();
  const period = (mi: number): string => {
    let s = periodCache.get(mi);
    if (s === undefined) {
      s = periodOf(mi);
      periodCache.set(mi, s);
    }
    return s;
  };

  let registrationId = 0;
  let claimSeq = 0;

  const writeContributions = (personId: number, plan: PersonPlan, rng: Rng): void => {
    for (const seg of plan.segments) {
      for (let mi = seg.from; mi <= seg.to; mi++) {
        if (seg.skip > 0 && mi !== seg.from && mi !== seg.to && rng.next() < seg.skip) continue;
        let wage: number;
        let employee: number;
        let employer: number;
        let government: number;
        let oldAge: number;
        if (seg.section === 33) {
          const w = wageAt(seg, mi);
          const ceiling = contributionCeiling(mi);
          const capped = w < WAGE_FLOOR ? WAGE_FLOOR : Math.min(w, ceiling);
          wage = w * 100;
          employee = capped * 5; // 5 % of the capped wage, in satang
          employer = employee;
          government = Math.round(capped * 2.75);
          oldAge = capped * 6; // 3 % + 3 %
        } else if (seg.section === 39) {
          wage = S39_NOTIONAL_WAGE_SATANG;
          employee = S39_CONTRIBUTION_SATANG;
          employer = 0;
          government = S39_GOVERNMENT_SATANG;
          oldAge = S39_OLD_AGE_SATANG;
        } else {
          wage = 0;
          employee = S40_CONTRIBUTION_SATANG[seg.option] ?? 0;
          employer = 0;
          government = S40_GOVERNMENT_SATANG[seg.option] ?? 0;
          oldAge = 0; // demo: the section 40 old-age savings split is not sourced
        }
        // Paid around the 15th of the following month; null while not yet paid.
        let paid: string | null = null;
        if (mi <= plan.paidUntil) {
          const next = mi + 1;
          const day = rng.next() < 0.05 ? rng.int(16, 28) : rng.int(8, 15);
          if (next < curMi || (next === curMi && day <= ctx.todayDom))
            paid = `${period(next)}-${DD[day]}`;
        }
        emit(
          'contributions',
          personId,
          period(mi),
          seg.payer,
          wage,
          employee,
          employer,
          government,
          oldAge,
          paid,
        );
        counts.contributions++;
      }
    }
  };

  const writeClaim = (personId: number, plan: PersonPlan, claim: ClaimPlan, rng: Rng): void => {
    claimSeq++;
    const filedIso = isoDay(claim.filed);
    const id = `UE-${Number(filedIso.slice(0, 4)) + 543}-${String(claimSeq).padStart(6, '0')}`;
    const lastWorkIso = isoDay(claim.lastWork);
    const granted =
      claim.status === 'approved' || claim.status === 'paying' || claim.status === 'completed';
    let days: number | null = null;
    let daily: number | null = null;
    let monthly: number | null = null;
    if (granted) {
      const laidOff = claim.cause === 'laid_off';
      const rate = laidOff ? (lastWorkIso >= LAID_OFF_60_FROM ? 0.6 : 0.5) : 0.3;
      days = laidOff ? 180 : 90;
      // Average wage of the last 3 months worked, capped at the ceiling on the last work date.
      const lwMi = monthOfDay(claim.lastWork);
      const seg =
        plan.segments.filter((s) => s.section === 33 && s.from <= lwMi && s.to >= lwMi)[0] ??
        plan.segments[0]!;
      let sum = 0;
      let n = 0;
      for (let mi = lwMi; mi > lwMi - 3 && mi >= seg.from; mi--) {
        sum += wageAt(seg, mi);
        n++;
      }
      const avg = Math.min(sum / Math.max(1, n), contributionCeiling(lwMi));
      monthly = Math.round(avg * rate * 100);
      daily = Math.round(monthly / 30);
    }
    emit(
      'unemployment_claims',
      id,
      personId,
      claim.cause,
      lastWorkIso,
      filedIso,
      claim.status,
      days,
      daily,
      monthly,
      claim.rejectionReason,
    );
    counts.unemploymentClaims++;
    const history = (status: ClaimStatus, day: number, note: string | null) => {
      emit('claim_status_history', id, status, isoDay(day), note);
      counts.claimStatusHistory++;
    };
    history('filed', claim.filed, null);
    if (claim.reviewed !== null) history('under_review', claim.reviewed, null);
    if (claim.status === 'rejected') {
      history('rejected', claim.decided!, claim.rejectionReason);
      return;
    }
    if (!granted || days === null || monthly === null) return;
    history('approved', claim.decided!, null);
    const T = ctx.today;
    const start = claim.lastWork + 8; // benefit counts from the 8th day out of work
    const installments = days / 30;
    // Installment k covers 30 days from `start`; its monthly report (รายงานตัว) is due on the
    // period's last day and the payment follows a few days later.
    let heldK = 0;
    if (claim.status === 'paying' && claim.hold) {
      const lastDue = Math.floor((T - start) / 30); // installments whose due date has passed
      if (lastDue >= 2) heldK = Math.min(lastDue, installments);
    }
    let firstPaid = 0;
    let lastPaid = 0;
    for (let k = 1; k <= installments; k++) {
      const from = start + 30 * (k - 1);
      const to = from + 29;
      const due = to;
      const pay = to + rng.int(3, 7);
      let status: 'scheduled' | 'paid' | 'held' = 'scheduled';
      let reported: string | null = null;
      if (k === heldK) {
        status = 'held'; // no monthly report: the payment waits
      } else if (claim.status === 'completed' || (claim.status === 'paying' && pay <= T)) {
        status = 'paid';
        reported = isoDay(due - rng.int(0, 5));
      } else if (claim.status === 'paying' && due < T) {
        reported = isoDay(due - rng.int(0, 5));
      }
      if (status === 'paid') {
        if (firstPaid === 0) firstPaid = pay;
        lastPaid = pay;
      }
      emit(
        'unemployment_payments',
        id,
        k,
        isoDay(from),
        isoDay(to),
        monthly,
        isoDay(pay),
        status,
        isoDay(due),
        reported,
      );
      counts.unemploymentPayments++;
    }
    if (firstPaid > 0) history('paying', firstPaid, null);
    if (claim.status === 'completed') history('completed', lastPaid, null);
  };

  let benefitSeq = 0;
  /** One benefit claim, its history and payments (updated_at 0: seeded, never notified). */
  const writeBenefitClaim = (personId: number, c: BenefitClaimPlan): void => {
    benefitSeq++;
    const filedIso = isoDay(c.filed);
    const id = `${BENEFIT_ID_PREFIX[c.benefit]}-${Number(filedIso.slice(0, 4)) + 543}-${String(benefitSeq).padStart(6, '0')}`;
    emit(
      'benefit_claims',
      id,
      personId,
      c.benefit,
      filedIso,
      c.status,
      c.decided === null ? null : isoDay(c.decided),
      c.reason,
      c.amount,
      c.installments,
      0,
    );
    counts.benefitClaims++;
    const step = (status: BenefitClaimStatus, day: number | null) => {
      if (day === null) return;
      emit('benefit_claim_history', id, status, isoDay(day), null);
      counts.benefitClaimHistory++;
    };
    const pay = (installment: number, day: number, status: 'scheduled' | 'paid' | 'held') => {
      emit('benefit_payments', id, installment, c.amount, isoDay(day), status, 0);
      counts.benefitPayments++;
    };
    step('received', c.filed);
    step('reviewing', c.reviewed);
    step('more_documents', c.docsAsked);
    step('reviewing', c.docsIn);
    if (c.decided === null) return;
    step(c.status === 'rejected' ? 'rejected' : 'approved', c.decided);
    if (c.firstPay === null || c.amount === null) return;
    if (c.status === 'approved') {
      pay(1, c.firstPay, 'scheduled');
    } else if (c.status === 'paying') {
      // Monthly, the same day each month: paid up to today, then the next one scheduled.
      const T = ctx.today;
      const last = c.installments === null || c.installments === 0 ? 10_000 : c.installments;
      let k = 1;
      for (; k <= last; k++) {
        const day = k === 1 ? c.firstPay : addMonths(c.firstPay, k - 1);
        if (day > T) {
          pay(k, day, 'scheduled');
          break;
        }
        const held = c.hold && k >= 3 && addMonths(c.firstPay, k) > T;
        pay(k, day, held ? 'held' : 'paid');
      }
      step('paying', c.firstPay);
    } else {
      pay(1, c.firstPay, 'paid');
      step('paid', c.firstPay);
      step('closed', c.closed);
    }
  };

  const updatedAt = ctx.nowMs;
  const writePerson = (
    personId: number,
    plan: PersonPlan,
    rng: Rng,
    benefitClaims: readonly BenefitClaimPlan[],
  ): void => {
    const salt = laserSalt(plan.nationalId);
    const coverageStart = isoDay(firstDayOfMonth(plan.segments[0]!.from));
    emit(
      'insured_persons',
      personId,
      plan.nationalId,
      plan.title,
      plan.first[0],
      plan.last[0],
      plan.first[1],
      plan.last[1],
      plan.birthDate,
      plan.section,
      plan.status,
      plan.employerId,
      plan.option,
      coverageStart,
      plan.province,
      plan.laserHash ?? hashLaserCode(plan.laserCode, salt, BULK_DEMO_LASER_HASH_ITERATIONS),
      updatedAt,
    );
    counts.insuredPersons++;
    writeContributions(personId, plan, rng);
    for (const r of plan.registrations) {
      emit(
        'hospital_registrations',
        ++registrationId,
        personId,
        r.hospitalId,
        r.from,
        r.to,
        r.reason,
      );
      counts.hospitalRegistrations++;
    }
    if (plan.claim) writeClaim(personId, plan, plan.claim, rng);
    for (const c of benefitClaims) writeBenefitClaim(personId, c);
  };

  return {
    total,
    counts,
    reference(sink) {
      out = sink;
      for (const e of employers) emit('employers', e[0], e[1], e[2], e[3]);
      for (const h of hospitals) {
        emit(
          'hospitals',
          h.id,
          h.nameTh,
          h.nameEn,
          h.province,
          h.address,
          h.phone,
          h.lat,
          h.lng,
          'province_seat_approx',
          1,
        );
      }
    },
    person(sink, i) {
      out = sink;
      const rng = new Rng(streamSeed(i));
      const plan =
        i < DEMO_IDENTITIES.length
          ? identityPlan(i, rng, ctx)
          : i < DEMO_FIXED_PEOPLE
            ? migrantPlan(i - DEMO_IDENTITIES.length, ctx)
            : randomPerson(rng, ctx);
      // Benefit claims draw from their own stream: the person's rows stay as before.
      const benefitClaims =
        i < DEMO_FIXED_PEOPLE
          ? fixedBenefitClaims(i, plan, ctx)
          : randomBenefitClaims(new Rng(streamSeed(i) ^ BENEFIT_STREAM), plan, ctx);
      writePerson(i + 1, plan, rng, benefitClaims);
    },
    // The migrants' documents and one-time link codes (a year for the demo; real codes: 30 days).
    documents(sink) {
      out = sink;
      for (const m of DEMO_MIGRANTS) {
        if (m.passport) {
          emit(
            'identity_documents',
            m.personId,
            'passport',
            m.passport.number,
            m.passport.country,
            m.passport.workPermit,
            ctx.nowMs,
          );
        }
        emit(
          'link_codes',
          m.personId,
          m.linkCodeHash,
          'demo seed',
          ctx.nowMs,
          ctx.nowMs + 365 * 86_400_000,
        );
      }
    },
  };
}

/**
 * Writes the demo data through the store (drizzle; better-sqlite3 or D1): rows are buffered as
 * JSON and inserted in chunks and batches within D1's limits (src/store/imports.ts `BulkInsert`),
 * parents first. Expects the demo tables to be empty (see `wipeDemoData`). A batch is atomic,
 * the whole is not: the seeder (src/store/seed.ts) marks it in progress and wipes a crashed run.
 */
export async function writeDemoData(
  store: Store,
  options: GenerateDemoDataOptions = {},
  limits: BulkLimits = {},
): Promise<DemoDataCounts> {
  const gen = demoGenerator(options);
  const bulk = new BulkInsert(store, limits);
  for (const [table, columns] of Object.entries(DEMO_COLUMNS)) bulk.declare(table, columns);
  const budget = limits.batchBytes ?? BATCH_BYTES;
  gen.reference(bulk);
  await bulk.flush();
  for (let from = 0; from < gen.total; from += DEMO_CHUNK_SIZE) {
    const to = Math.min(gen.total, from + DEMO_CHUNK_SIZE);
    for (let i = from; i < to; i++) {
      gen.person(bulk, i);
      if (bulk.bufferedBytes >= budget) await bulk.flush();
    }
    await bulk.flush();
    options.onProgress?.(to, gen.total);
  }
  gen.documents(bulk);
  await bulk.flush();
  return gen.counts;
}

/** What `generateDemoData` writes through: a better-sqlite3 handle, or a stand-in for one. */
export interface DemoSqlite {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/**
 * The same rows as `writeDemoData`, through prepared statements on a better-sqlite3 handle (or
 * a stand-in that records them: test/store-contract/demo-rows.ts replays them on D1), one
 * transaction per chunk of people. Contributions go CONTRIBUTION_BATCH rows per statement, the
 * remainder one by one at the end of a chunk. The seeder writes through the store instead.
 */
export function generateDemoData(
  sqlite: DemoSqlite,
  options: GenerateDemoDataOptions = {},
): DemoDataCounts {
  const gen = demoGenerator(options);
  const insertSql = (table: DemoTable, rows: number) => {
    const columns = DEMO_COLUMNS[table];
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    return `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}`;
  };
  const statements = new Map<DemoTable, { run(...params: unknown[]): unknown }>();
  const statement = (table: DemoTable) => {
    let st = statements.get(table);
    if (!st) {
      st = sqlite.prepare(insertSql(table, 1));
      statements.set(table, st);
    }
    return st;
  };
  const insertContributions = sqlite.prepare(insertSql('contributions', CONTRIBUTION_BATCH));
  const contributions: SqlValue[] = [];
  const sink: DemoRowSink = {
    add(table, values) {
      if (table !== 'contributions') {
        statement(table).run(values);
        return;
      }
      contributions.push(...values);
      if (contributions.length === CONTRIBUTION_BATCH * values.length) {
        insertContributions.run(contributions);
        contributions.length = 0;
      }
    },
  };
  const flushContributions = () => {
    const width = DEMO_COLUMNS.contributions.length;
    for (let i = 0; i < contributions.length; i += width) {
      statement('contributions').run(contributions.slice(i, i + width));
    }
    contributions.length = 0;
  };
  sqlite.transaction(() => gen.reference(sink))();
  const chunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) gen.person(sink, i);
    flushContributions();
  });
  for (let from = 0; from < gen.total; from += DEMO_CHUNK_SIZE) {
    const to = Math.min(gen.total, from + DEMO_CHUNK_SIZE);
    chunk(from, to);
    options.onProgress?.(to, gen.total);
  }
  sqlite.transaction(() => gen.documents(sink))();
  return gen.counts;
}

/** For tests: the ISO date helpers the generator uses. */
export const demoDates = { isoDay, dayOfIso, monthOfDay, periodOf, bangkokDay };
