/**
 * One definition per importable dataset: its columns (documented in docs/import-formats.md),
 * how a row is parsed and validated, which rows it references, and the natural key it is
 * upserted by. The importer (index.ts) is generic over these definitions.
 *
 * Extension point: a new dataset is one more `defineDataset`
 * entry in `DATASETS` below, plus its table in docs/import-formats.md. If it references rows of
 * another table, add a `RefKind` with its lookup in index.ts (`REF_LOOKUPS`).
 */
import { isValidNationalId, maskNationalId } from '../nlu/entities.ts';
import { PROVINCES } from '../nlu/provinces.ts';
import { isWeeklyHours, parseHoursText } from '../offices/hours.ts';
import { PASSPORT_COUNTRIES } from '../pages/link-page.ts';
import { maskPersonalData } from '../privacy/mask.ts';
import type { SqlValue } from '../store/imports.ts';
import {
  hashSecret,
  isLaserCodeFormat,
  normaliseLaserCode,
  PBKDF2_MAX_ITERATIONS_PER_CALL,
  parseLaserHash,
  verifySecret,
} from '../store/laser-code.ts';
import {
  BENEFIT_CLAIM_STATUSES,
  BENEFITS,
  type BenefitClaimStatus,
  CLAIM_CAUSES,
  CLAIM_STATUSES,
} from '../store/schema.ts';

export type { SqlValue };

/** A problem with one field (or the whole row, without `column`). */
export interface FieldError {
  column?: string;
  message: string;
}

export interface ColumnDef {
  /** The column name in the file (CSV header / JSONL key), lower case. */
  name: string;
  /** How the value is written, for the docs. */
  type: string;
  /** Must be present (and non-empty) in every row. */
  required: boolean;
  meaning: string;
  example: string;
  /** Never echoed in an error message (laser codes). */
  secret?: boolean;
}

/** Another table a row points at: resolved (and checked) before anything is written. */
export type RefKind = 'person' | 'employer' | 'hospital' | 'claim';

export interface RowRef {
  kind: RefKind;
  /** The file column the reference came from (for the error message). */
  column: string;
  /** The normalised value: a 13-digit national ID, an employer account, a hospital or claim id. */
  value: string;
  /** DB column that receives the resolved row id (persons → insured_persons.id). */
  target?: string;
}

/** What a dataset's `parse` returns for a valid row. */
export interface ParsedFields {
  /** DB column → value; every column the dataset writes, `null` for an empty optional one. */
  values: Record<string, SqlValue>;
  refs?: RowRef[];
  /** Secret inputs that are turned into column values by `prepare` (persons: the laser code). */
  secret?: Record<string, string>;
}

export interface ParsedRow extends ParsedFields {
  line: number;
  /** Set once a row failed a later check (an unknown reference…): it is not prepared further. */
  failed?: boolean;
}

export interface PrepareContext {
  /**
   * The stored rows of `table` whose `keyColumn` is one of `keys` (only `columns` read), by key
   * (through the store, on either driver; src/store/imports.ts `findByKeys`).
   */
  find(
    table: string,
    keyColumn: string,
    keys: Iterable<string>,
    columns: readonly string[],
  ): Promise<Map<string, Record<string, SqlValue>>>;
  /** Report a row error. */
  error(line: number, error: FieldError): void;
  /** True once the file has any error: check what can be checked, skip costly work. */
  hasErrors(): boolean;
}

export interface DatasetDef {
  name: string;
  /** One line for the usage text and the docs. */
  summary: string;
  table: string;
  columns: readonly ColumnDef[];
  /** File columns forming the natural key (duplicates within a file are row errors). */
  keyFields: readonly string[];
  /** DB columns of the natural key the rows are upserted by. */
  keyColumns: readonly string[];
  parse(row: FieldReader): ParsedFields | undefined;
  /** Columns set on insert and on a real update, but not compared (persons.updated_at). */
  stamp?(now: number): Record<string, SqlValue>;
  /** Async work after references are resolved, before the write transaction. */
  prepare?(rows: ParsedRow[], ctx: PrepareContext): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Field parsing

const NATIONAL_ID_COLUMN = 'national_id';
const MAX_TEXT = 500;
const PROVINCE_CODES = new Set(PROVINCES.map((p) => p.code));
const SECTIONS = [33, 39, 40] as const;
const PERSON_STATUSES = ['active', 'inactive', 'deceased'] as const;
const PAYMENT_STATUSES = ['scheduled', 'paid', 'held'] as const;
const LOCATION_PRECISIONS = ['exact', 'province_seat_approx'] as const;
/** Buddhist-era years (พ.ศ.) from this one on are converted: 2568 → 2025. */
const BUDDHIST_ERA_FROM = 2400;
const BUDDHIST_ERA_OFFSET = 543;

/** `laser_code_hash` of a person whose document has no laser code (pink card, passport). */
const NO_LASER_CODE = 'none';
/** A hash the verifier reads and Cloudflare can check (one PBKDF2 call ≤ 100,000 iterations). */
const isSecretHash = (value: string) => {
  const parsed = parseLaserHash(value);
  return parsed !== undefined && parsed.iterations <= PBKDF2_MAX_ITERATIONS_PER_CALL;
};

/** A value safe to show in an error: short, and never a whole national ID. */
function shown(value: string): string {
  const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(short.replace(/\d[\d -]{11,}\d/g, (m) => maskNationalId(m)));
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads the fields of one row by column, validating and normalising as it goes. Problems are
 * collected in `errors` (one per field at most); getters return `null` for an empty or invalid
 * value, so a `parse` function can read every field and report every problem in one pass.
 */
export class FieldReader {
  readonly errors: FieldError[] = [];
  /** Normalised values by column, for natural keys. */
  private readonly normalised = new Map<string, string>();

  constructor(
    private readonly raw: ReadonlyMap<string, string>,
    /** Today (YYYY-MM-DD), for "not in the future" checks. */
    readonly today: string,
  ) {}

  /** The row's natural key from normalised values (call when there are no errors). */
  key(columns: readonly string[]): string {
    return columns.map((c) => this.normalised.get(c) ?? '').join('\u0000');
  }

  fail(column: string | undefined, message: string): void {
    if (column !== undefined && this.errors.some((e) => e.column === column)) return;
    this.errors.push(column === undefined ? { message } : { column, message });
  }

  /** True when the column has a non-empty value. */
  has(column: string): boolean {
    return (this.raw.get(column) ?? '').trim() !== '';
  }

  private value(column: string, required: boolean): string | undefined {
    const v = (this.raw.get(column) ?? '').trim();
    if (v === '') {
      if (required) this.fail(column, 'is required');
      return undefined;
    }
    return v;
  }

  private keep<T extends SqlValue>(column: string, value: T): T {
    if (value !== null) this.normalised.set(column, String(value));
    return value;
  }

  text(column: string, required = false, max = MAX_TEXT): string | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    if (v.length > max) {
      this.fail(column, `is longer than ${max} characters`);
      return null;
    }
    return this.keep(column, v);
  }

  /** 13 digits with a valid checksum, dashes or spaces allowed; stored as the bare digits. */
  nationalId(column = NATIONAL_ID_COLUMN): string | null {
    const v = this.value(column, true);
    if (v === undefined) return null;
    const digits = v.replace(/[\s-]/g, '');
    if (!/^\d{13}$/.test(digits)) {
      this.fail(column, 'must be 13 digits (dashes allowed)');
      return null;
    }
    if (!isValidNationalId(digits)) {
      this.fail(column, 'checksum is invalid');
      return null;
    }
    return this.keep(column, digits);
  }

  /** SSO employer account: 10 digits, dashes or spaces allowed. */
  employerAccount(column: string, required: boolean): string | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const digits = v.replace(/[\s-]/g, '');
    if (!/^\d{10}$/.test(digits)) {
      this.fail(column, `must be a 10-digit employer account number, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, digits);
  }

  /** An employer account, or `self` (sections 39 and 40 pay themselves). */
  employerAccountOrSelf(column: string): string | null {
    if ((this.raw.get(column) ?? '').trim().toLowerCase() === 'self')
      return this.keep(column, 'self');
    return this.employerAccount(column, true);
  }

  /** YYYY-MM-DD; a Buddhist-era year (≥ 2400) is converted to the Common Era. */
  date(column: string, required = false): string | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) {
      this.fail(column, `must be a date YYYY-MM-DD, got ${shown(v)}`);
      return null;
    }
    let year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (year >= BUDDHIST_ERA_FROM) year -= BUDDHIST_ERA_OFFSET;
    const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
    if (year < 1900 || days === undefined || day < 1 || day > days) {
      this.fail(column, `is not a valid date, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, `${year}-${m[2]}-${m[3]}`);
  }

  /** YYYY-MM; a Buddhist-era year (≥ 2400) is converted. */
  period(column: string, required = false): string | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const m = /^(\d{4})-(\d{2})$/.exec(v);
    const month = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12) {
      this.fail(column, `must be a month YYYY-MM, got ${shown(v)}`);
      return null;
    }
    let year = Number(m[1]);
    if (year >= BUDDHIST_ERA_FROM) year -= BUDDHIST_ERA_OFFSET;
    if (year < 1900) {
      this.fail(column, `is not a valid month, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, `${year}-${m[2]}`);
  }

  /** Baht with up to 2 decimals (thousands commas allowed), returned in satang. */
  amount(column: string, required = false): number | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    if (/^-/.test(v)) {
      this.fail(column, 'must not be negative');
      return null;
    }
    const m = /^(\d{1,3}(?:,\d{3})+|\d{1,12})(?:\.(\d{1,2}))?$/.exec(v);
    if (!m) {
      const tooPrecise = /^[\d,]+\.\d{3,}$/.test(v);
      this.fail(
        column,
        tooPrecise
          ? `has more than 2 decimal places, got ${shown(v)}`
          : `must be an amount in baht like 750 or 1,234.50, got ${shown(v)}`,
      );
      return null;
    }
    const baht = Number(m[1]!.replaceAll(',', ''));
    const satang = Number((m[2] ?? '').padEnd(2, '0'));
    if (baht > 1e12) {
      this.fail(column, 'is too large');
      return null;
    }
    return this.keep(column, baht * 100 + satang);
  }

  integer(column: string, required: boolean, min: number, max: number): number | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(column, `must be a whole number from ${min} to ${max}, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, n);
  }

  number(column: string, required: boolean, min: number, max: number): number | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const n = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      this.fail(column, `must be a number from ${min} to ${max}, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, n);
  }

  oneOf<T extends string | number>(
    column: string,
    values: readonly T[],
    required: boolean,
  ): T | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const found = values.find((x) => String(x) === v.toLowerCase());
    if (found === undefined) {
      this.fail(column, `must be one of ${values.join(', ')}, got ${shown(v)}`);
      return null;
    }
    return this.keep(column, found);
  }

  /** true/false, 1/0, yes/no; stored as 1/0. */
  boolean(column: string, fallback: boolean): number {
    const v = this.value(column, false);
    if (v === undefined) return fallback ? 1 : 0;
    const lower = v.toLowerCase();
    if (['1', 'true', 'yes', 'y'].includes(lower)) return 1;
    if (['0', 'false', 'no', 'n'].includes(lower)) return 0;
    this.fail(column, `must be true or false, got ${shown(v)}`);
    return 0;
  }

  province(column: string, required: boolean): string | null {
    const v = this.value(column, required);
    if (v === undefined) return null;
    const code = /^\d$/.test(v) ? `0${v}` : v;
    if (!PROVINCE_CODES.has(code)) {
      this.fail(column, `must be a 2-digit DOPA province code (10 = Bangkok), got ${shown(v)}`);
      return null;
    }
    return this.keep(column, code);
  }

  /** The raw value of a secret column (never echoed); `undefined` when empty. */
  secret(column: string): string | undefined {
    return this.value(column, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Datasets

function col(
  name: string,
  type: string,
  required: boolean,
  meaning: string,
  example: string,
  secret = false,
): ColumnDef {
  return secret
    ? { name, type, required, meaning, example, secret }
    : { name, type, required, meaning, example };
}

const NATIONAL_ID_DOC = col(
  'national_id',
  'national ID',
  true,
  'the insured person (13 digits, dashes allowed); must already be imported',
  '1-1017-00207-63-3',
);

/** Fails the later of two dates when they are out of order. */
function ordered(
  r: FieldReader,
  fromCol: string,
  from: string | null,
  toCol: string,
  to: string | null,
) {
  if (from !== null && to !== null && to < from) r.fail(toCol, `is before ${fromCol}`);
}

const employersDataset: DatasetDef = {
  name: 'employers',
  summary: 'employers (SSO employer accounts)',
  table: 'employers',
  columns: [
    col(
      'id',
      'employer account',
      true,
      'SSO employer account number (10 digits, dashes allowed)',
      '1000123456',
    ),
    col('name_th', 'text', true, 'registered name in Thai', 'บริษัท ตัวอย่าง จำกัด'),
    col('name_en', 'text', false, 'registered name in English', 'Example Co., Ltd.'),
    col(
      'province_code',
      'province code',
      false,
      'DOPA 2-digit province code of the workplace',
      '10',
    ),
  ],
  keyFields: ['id'],
  keyColumns: ['id'],
  parse(r) {
    return {
      values: {
        id: r.employerAccount('id', true),
        name_th: r.text('name_th', true),
        name_en: r.text('name_en'),
        province_code: r.province('province_code', false),
      },
    };
  },
};

const personsDataset: DatasetDef = {
  name: 'persons',
  summary: 'insured persons (sections 33, 39, 40)',
  table: 'insured_persons',
  columns: [
    col(
      'national_id',
      'national ID',
      true,
      '13-digit national ID (dashes allowed); the natural key',
      '1-1017-00207-63-3',
    ),
    col('title_th', 'text', false, 'title in Thai', 'นาย'),
    col('first_name_th', 'text', true, 'first name in Thai', 'สมชาย'),
    col('last_name_th', 'text', true, 'last name in Thai', 'ใจดี'),
    col('first_name_en', 'text', false, 'first name in English', 'Somchai'),
    col('last_name_en', 'text', false, 'last name in English', 'Jaidee'),
    col('birth_date', 'date', true, 'date of birth (not in the future)', '1990-05-17'),
    col('section', '33 / 39 / 40', true, 'insured under section 33, 39 or 40', '33'),
    col(
      'status',
      'active / inactive / deceased',
      false,
      'insurance status; empty = active',
      'active',
    ),
    col(
      'employer_id',
      'employer account',
      false,
      'current employer; required for section 33, must be imported',
      '1000123456',
    ),
    col(
      'section40_option',
      '1 / 2 / 3',
      false,
      'section 40 benefit option; required for section 40, only there',
      '2',
    ),
    col('coverage_start', 'date', false, 'date the current coverage started', '2015-06-01'),
    col('province_code', 'province code', false, 'DOPA 2-digit province code of the address', '10'),
    col(
      'laser_code',
      'laser code',
      false,
      'the laser code on the back of the ID card (2 letters + 10 digits, dashes allowed); hashed on import, never stored',
      'JT0-1234567-89',
      true,
    ),
    col(
      'laser_code_hash',
      'hash',
      false,
      'instead of laser_code: an already hashed code (`pbkdf2-sha256-chain$…` or `pbkdf2-sha256$…`), or `none` for a pink card or passport holder (no laser code: they link with a one-time link code)',
      'none',
    ),
  ],
  keyFields: ['national_id'],
  keyColumns: ['national_id'],
  parse(r) {
    const section = r.oneOf('section', SECTIONS, true);
    const employerId = r.employerAccount('employer_id', false);
    if (section === 33 && employerId === null && !r.has('employer_id')) {
      r.fail('employer_id', 'is required for section 33');
    }
    const option = r.integer('section40_option', false, 1, 3);
    if (section === 40 && option === null && !r.has('section40_option')) {
      r.fail('section40_option', 'is required for section 40');
    }
    if (section !== null && section !== 40 && option !== null) {
      r.fail('section40_option', `is only for section 40 (this person is section ${section})`);
    }
    const birthDate = r.date('birth_date', true);
    if (birthDate !== null && birthDate > r.today) r.fail('birth_date', 'is in the future');

    const secret: Record<string, string> = {};
    const laserCode = r.secret('laser_code');
    const laserHash = r.text('laser_code_hash', false, 1000);
    if (laserCode !== undefined && laserHash !== null) {
      r.fail('laser_code', 'give laser_code or laser_code_hash, not both');
    } else if (laserCode !== undefined) {
      if (isLaserCodeFormat(laserCode)) secret.laser_code = normaliseLaserCode(laserCode);
      else r.fail('laser_code', 'must be 2 letters and 10 digits (dashes allowed)');
    } else if (laserHash !== null && laserHash !== NO_LASER_CODE && !isSecretHash(laserHash)) {
      r.fail(
        'laser_code_hash',
        'must be a pbkdf2-sha256-chain$… or pbkdf2-sha256$… hash (at most 100,000 iterations per call), or none (no laser code)',
      );
    }

    const nationalId = r.nationalId();
    const values: Record<string, SqlValue> = {
      national_id: nationalId,
      title_th: r.text('title_th'),
      first_name_th: r.text('first_name_th', true),
      last_name_th: r.text('last_name_th', true),
      first_name_en: r.text('first_name_en'),
      last_name_en: r.text('last_name_en'),
      birth_date: birthDate,
      section,
      status: r.oneOf('status', PERSON_STATUSES, false) ?? 'active',
      employer_id: employerId,
      section40_option: option,
      coverage_start: r.date('coverage_start'),
      province_code: r.province('province_code', false),
      // Set by prepare() from laser_code, or kept from the stored row when neither is given.
      laser_code_hash: laserHash,
    };
    const refs: RowRef[] =
      employerId === null ? [] : [{ kind: 'employer', column: 'employer_id', value: employerId }];
    return { values, refs, secret };
  },
  stamp: (now) => ({ updated_at: now }),
  /**
   * Laser codes: a person already stored whose code still verifies keeps the stored hash (so a
   * re-import is "unchanged" and nothing is rehashed); otherwise the code is hashed with a fresh
   * random salt. A row with neither laser column keeps the stored hash, and is an error for a
   * person not stored yet.
   */
  async prepare(rows, ctx) {
    const pending = rows.filter((row) => !row.failed && row.values.laser_code_hash === null);
    const existing = await ctx.find(
      'insured_persons',
      'national_id',
      pending.map((row) => row.values.national_id as string),
      ['laser_code_hash'],
    );
    const toHash: { row: ParsedRow; code: string; stored: string | undefined }[] = [];
    for (const row of pending) {
      const stored = existing.get(row.values.national_id as string)?.laser_code_hash as
        | string
        | undefined;
      const code = row.secret?.laser_code;
      if (code !== undefined) {
        toHash.push({ row, code, stored });
      } else if (stored !== undefined) {
        row.values.laser_code_hash = stored;
      } else {
        ctx.error(row.line, {
          column: 'laser_code',
          message: 'laser_code or laser_code_hash is required for a new insured person',
        });
        row.failed = true;
      }
    }
    // Hashing is deliberately slow: only when the file is otherwise good and will be written.
    if (ctx.hasErrors()) return;
    await forEachConcurrently(toHash, 4, async ({ row, code, stored }) => {
      const check = stored === undefined ? undefined : await verifySecret(code, stored);
      row.values.laser_code_hash =
        check?.ok === true ? (check.rehash ?? stored ?? null) : await hashSecret(code);
    });
  },
};

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const identityDocumentsDataset: DatasetDef = {
  name: 'identity-documents',
  summary: 'passports of migrant workers (to link without a Thai ID card)',
  table: 'identity_documents',
  columns: [
    NATIONAL_ID_DOC,
    col('type', 'passport', true, 'the document type (passport)', 'passport'),
    col('country', 'MMR / KHM / LAO / VNM', true, 'issuing country (ISO 3166-1 alpha-3)', 'MMR'),
    col(
      'number',
      'text',
      true,
      'passport number, 6–12 letters and digits (spaces and dashes dropped); with type and country the natural key',
      'MA1234567',
    ),
    col('work_permit_number', 'text', false, 'work permit number, when known', 'WP-66-0012345'),
  ],
  keyFields: ['type', 'country', 'number'],
  keyColumns: ['type', 'country', 'number'],
  parse(r) {
    const nationalId = r.nationalId();
    const type = r.oneOf('type', ['passport'] as const, true);
    const countryText = r.text('country', true, 3)?.toUpperCase() ?? null;
    const country = PASSPORT_COUNTRIES.find((c) => c === countryText) ?? null;
    if (countryText !== null && country === null) {
      r.fail('country', `must be one of ${PASSPORT_COUNTRIES.join(', ')}`);
    }
    const raw = r.text('number', true, 40);
    const number = raw === null ? null : raw.replace(/[\s-]/g, '').toUpperCase();
    if (number !== null && !/^[A-Z0-9]{6,12}$/.test(number)) {
      r.fail('number', 'must be 6–12 letters and digits');
    }
    const refs: RowRef[] = [];
    if (nationalId !== null)
      refs.push({ kind: 'person', column: 'national_id', value: nationalId, target: 'person_id' });
    return {
      values: {
        person_id: null,
        type,
        country,
        number,
        work_permit_number: r.text('work_permit_number', false, 40),
      },
      refs,
    };
  },
  stamp: (now) => ({ updated_at: now }),
};

const contributionsDataset: DatasetDef = {
  name: 'contributions',
  summary: 'monthly contributions',
  table: 'contributions',
  columns: [
    NATIONAL_ID_DOC,
    col('period', 'month', true, 'the contribution month', '2025-03'),
    col(
      'payer_id',
      'employer account or `self`',
      true,
      'the employer account for section 33, `self` for sections 39 and 40 (employers must be imported)',
      '1000123456',
    ),
    col('wage', 'THB', true, 'the wage the contribution is computed on', '15000'),
    col('employee_amount', 'THB', true, "the insured person's contribution", '750'),
    col(
      'employer_amount',
      'THB',
      false,
      "the employer's contribution; empty = 0; must be 0 for `self`",
      '750',
    ),
    col('government_amount', 'THB', false, "the government's contribution; empty = 0", '412.50'),
    col('old_age_amount', 'THB', false, 'the part credited to old-age savings; empty = 0', '450'),
    col('paid_date', 'date', false, 'date paid; empty = not paid yet', '2025-04-15'),
  ],
  keyFields: ['national_id', 'period', 'payer_id'],
  keyColumns: ['person_id', 'period', 'payer_id'],
  parse(r) {
    const nationalId = r.nationalId();
    const payer = r.employerAccountOrSelf('payer_id');
    const employer = r.amount('employer_amount') ?? 0;
    if (payer === 'self' && employer !== 0)
      r.fail('employer_amount', 'must be 0 when payer_id is self');
    const values: Record<string, SqlValue> = {
      person_id: null,
      period: r.period('period', true),
      payer_id: payer,
      wage_satang: r.amount('wage', true),
      employee_satang: r.amount('employee_amount', true),
      employer_satang: employer,
      government_satang: r.amount('government_amount') ?? 0,
      old_age_satang: r.amount('old_age_amount') ?? 0,
      paid_date: r.date('paid_date'),
    };
    const refs: RowRef[] = [];
    if (nationalId !== null)
      refs.push({ kind: 'person', column: 'national_id', value: nationalId, target: 'person_id' });
    if (payer !== null && payer !== 'self')
      refs.push({ kind: 'employer', column: 'payer_id', value: payer });
    return { values, refs };
  },
};

const hospitalsDataset: DatasetDef = {
  name: 'hospitals',
  summary: 'social security hospitals',
  table: 'hospitals',
  columns: [
    col(
      'id',
      'text',
      true,
      'Ministry of Public Health hospital code (hcode) or your own id',
      '10669',
    ),
    col('name_th', 'text', true, 'name in Thai', 'โรงพยาบาลตัวอย่าง'),
    col('name_en', 'text', false, 'name in English', 'Example Hospital'),
    col('province_code', 'province code', true, 'DOPA 2-digit province code', '50'),
    col('address_th', 'text', false, 'address in Thai', '123 ถ.ตัวอย่าง อ.เมือง จ.เชียงใหม่'),
    col('phone', 'text', false, 'phone number', '053 000 000'),
    col('lat', 'number', false, 'latitude (WGS 84); give lat and lng together', '18.7883'),
    col('lng', 'number', false, 'longitude (WGS 84)', '98.9853'),
    col(
      'location_precision',
      'exact / province_seat_approx',
      false,
      'how exact lat/lng are',
      'exact',
    ),
    col('is_demo', 'true / false', false, 'marks generated demo rows; empty = false', 'false'),
  ],
  keyFields: ['id'],
  keyColumns: ['id'],
  parse(r) {
    const lat = r.number('lat', false, -90, 90);
    const lng = r.number('lng', false, -180, 180);
    if (r.has('lat') !== r.has('lng'))
      r.fail(r.has('lat') ? 'lng' : 'lat', 'lat and lng go together');
    return {
      values: {
        id: r.text('id', true, 50),
        name_th: r.text('name_th', true),
        name_en: r.text('name_en'),
        province_code: r.province('province_code', true),
        address_th: r.text('address_th'),
        phone: r.text('phone', false, 100),
        lat,
        lng,
        location_precision: r.oneOf('location_precision', LOCATION_PRECISIONS, false),
        is_demo: r.boolean('is_demo', false),
      },
    };
  },
};

const registrationsDataset: DatasetDef = {
  name: 'registrations',
  summary: 'hospital registrations (which hospital a person is registered with, and since when)',
  table: 'hospital_registrations',
  columns: [
    NATIONAL_ID_DOC,
    col('hospital_id', 'text', true, 'the hospital; must already be imported', '10669'),
    col(
      'valid_from',
      'date',
      true,
      'registered from; with national_id the natural key',
      '2025-01-01',
    ),
    col('valid_to', 'date', false, 'registered until; empty = current registration', ''),
    col('reason', 'text', false, 'why the registration started or changed', 'annual change'),
  ],
  keyFields: ['national_id', 'valid_from'],
  keyColumns: ['person_id', 'valid_from'],
  parse(r) {
    const nationalId = r.nationalId();
    const hospitalId = r.text('hospital_id', true, 50);
    const validFrom = r.date('valid_from', true);
    const validTo = r.date('valid_to');
    ordered(r, 'valid_from', validFrom, 'valid_to', validTo);
    const refs: RowRef[] = [];
    if (nationalId !== null)
      refs.push({ kind: 'person', column: 'national_id', value: nationalId, target: 'person_id' });
    if (hospitalId !== null)
      refs.push({ kind: 'hospital', column: 'hospital_id', value: hospitalId });
    return {
      values: {
        person_id: null,
        hospital_id: hospitalId,
        valid_from: validFrom,
        valid_to: validTo,
        reason: r.text('reason'),
      },
      refs,
    };
  },
};

const claimsDataset: DatasetDef = {
  name: 'claims',
  summary: 'unemployment benefit claims',
  table: 'unemployment_claims',
  columns: [
    col('id', 'text', true, 'SSO claim number', 'UC-2025-000123'),
    NATIONAL_ID_DOC,
    col('cause', CLAIM_CAUSES.join(' / '), true, 'why the job ended', 'laid_off'),
    col('last_work_date', 'date', true, 'last day of work', '2025-01-31'),
    col(
      'filed_date',
      'date',
      true,
      'date the claim was filed (not before last_work_date)',
      '2025-02-05',
    ),
    col('status', CLAIM_STATUSES.join(' / '), true, 'current status', 'paying'),
    col('approved_days', 'whole number', false, 'benefit days approved (0–365)', '180'),
    col('daily_amount', 'THB', false, 'benefit per day', '250'),
    col('monthly_amount', 'THB', false, 'benefit per month', '7500'),
    col('rejection_reason', 'text', false, 'why the claim was rejected', ''),
  ],
  keyFields: ['id'],
  keyColumns: ['id'],
  /** Set when a claim is inserted or really changes (notifications: claim decided). */
  stamp: (now) => ({ updated_at: now }),
  parse(r) {
    const nationalId = r.nationalId();
    const lastWork = r.date('last_work_date', true);
    const filed = r.date('filed_date', true);
    ordered(r, 'last_work_date', lastWork, 'filed_date', filed);
    return {
      values: {
        id: r.text('id', true, 50),
        person_id: null,
        cause: r.oneOf('cause', CLAIM_CAUSES, true),
        last_work_date: lastWork,
        filed_date: filed,
        status: r.oneOf('status', CLAIM_STATUSES, true),
        approved_days: r.integer('approved_days', false, 0, 365),
        daily_satang: r.amount('daily_amount'),
        monthly_satang: r.amount('monthly_amount'),
        rejection_reason: r.text('rejection_reason'),
      },
      refs:
        nationalId === null
          ? []
          : [{ kind: 'person', column: 'national_id', value: nationalId, target: 'person_id' }],
    };
  },
  /** A claim number is one claim: not also a benefit claim. */
  prepare: claimNumberNotIn('benefit_claims', 'a benefit claim (benefit-claims)'),
};

const claimStatusDataset: DatasetDef = {
  name: 'claim-status',
  summary: 'unemployment claim status history',
  table: 'claim_status_history',
  columns: [
    col('claim_id', 'text', true, 'the claim; must already be imported', 'UC-2025-000123'),
    col('status', CLAIM_STATUSES.join(' / '), true, 'the status the claim moved to', 'approved'),
    col(
      'at',
      'date',
      true,
      'the date it moved; with claim_id and status the natural key',
      '2025-02-20',
    ),
    col('note', 'text', false, 'a note shown with the step', 'approved for 180 days'),
  ],
  keyFields: ['claim_id', 'at', 'status'],
  keyColumns: ['claim_id', 'at', 'status'],
  parse(r) {
    const claimId = r.text('claim_id', true, 50);
    return {
      values: {
        claim_id: claimId,
        status: r.oneOf('status', CLAIM_STATUSES, true),
        at: r.date('at', true),
        note: r.text('note'),
      },
      refs: claimId === null ? [] : [{ kind: 'claim', column: 'claim_id', value: claimId }],
    };
  },
};

const paymentsDataset: DatasetDef = {
  name: 'payments',
  summary: 'unemployment benefit payments (installments)',
  table: 'unemployment_payments',
  columns: [
    col('claim_id', 'text', true, 'the claim; must already be imported', 'UC-2025-000123'),
    col(
      'installment',
      'whole number',
      true,
      'installment number from 1; with claim_id the natural key',
      '1',
    ),
    col('period_from', 'date', true, 'first day the installment covers', '2025-02-01'),
    col('period_to', 'date', true, 'last day it covers (not before period_from)', '2025-02-28'),
    col('amount', 'THB', true, 'amount of the installment', '7500'),
    col('pay_date', 'date', true, 'planned payment date, or the date it was paid', '2025-03-05'),
    col('status', PAYMENT_STATUSES.join(' / '), true, 'payment status', 'paid'),
    col(
      'report_due_date',
      'date',
      false,
      'the monthly report (รายงานตัว) due for this installment',
      '2025-02-28',
    ),
    col('reported_at', 'date', false, 'when the person reported', '2025-02-26'),
  ],
  keyFields: ['claim_id', 'installment'],
  keyColumns: ['claim_id', 'installment'],
  /** Set when a payment is inserted or really changes (notifications: payment made). */
  stamp: (now) => ({ updated_at: now }),
  parse(r) {
    const claimId = r.text('claim_id', true, 50);
    const from = r.date('period_from', true);
    const to = r.date('period_to', true);
    ordered(r, 'period_from', from, 'period_to', to);
    return {
      values: {
        claim_id: claimId,
        installment: r.integer('installment', true, 1, 1000),
        period_from: from,
        period_to: to,
        amount_satang: r.amount('amount', true),
        pay_date: r.date('pay_date', true),
        status: r.oneOf('status', PAYMENT_STATUSES, true),
        report_due_date: r.date('report_due_date'),
        reported_at: r.date('reported_at'),
      },
      refs: claimId === null ? [] : [{ kind: 'claim', column: 'claim_id', value: claimId }],
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Claims for the other benefits (e-Claim): sickness, maternity, child allowance, invalidity,
// death, old age. Unemployment has `claims` / `claim-status` / `payments` above.

/** Statuses that come with a decision (and its date). */
const DECIDED_STATUSES: readonly BenefitClaimStatus[] = ['approved', 'rejected', 'paying', 'paid'];
/** Statuses before any decision: no decision date, no approved amount. */
const UNDECIDED_STATUSES: readonly BenefitClaimStatus[] = [
  'received',
  'reviewing',
  'more_documents',
];
/** Benefits paid monthly for life, whose `installments` may be 0 (no set number). */
const LIFELONG_BENEFITS: readonly string[] = ['old_age', 'invalidity'];

/** Fails a date column that lies after today. */
function notInFuture(r: FieldReader, column: string, value: string | null): void {
  if (value !== null && value > r.today) r.fail(column, 'is in the future');
}

/** Free text an operator typed: national IDs, laser codes, dates and phone numbers masked. */
function maskedText(r: FieldReader, column: string): string | null {
  const v = r.text(column);
  return v === null ? null : maskPersonalData(v);
}

const BENEFIT_CLAIM_ID_DOC = col(
  'claim_id',
  'text',
  true,
  'the claim; must already be imported (`benefit-claims`)',
  'SC-2569-000123',
);

/** What the history and payment checks need of a stored benefit claim. */
interface StoredBenefitClaim {
  filed_date: string;
  status: BenefitClaimStatus;
  installments: number | null;
}

/**
 * One claim number is one claim across both kinds: rows whose `id` is already a claim in
 * `otherTable` fail (`what` names it and its dataset in the message).
 */
function claimNumberNotIn(
  otherTable: string,
  what: string,
): (rows: ParsedRow[], ctx: PrepareContext) => Promise<void> {
  return async (rows, ctx) => {
    const live = rows.filter((row) => !row.failed);
    const other = await ctx.find(
      otherTable,
      'id',
      live.map((row) => row.values.id as string),
      [],
    );
    for (const row of live) {
      if (other.has(row.values.id as string)) {
        ctx.error(row.line, {
          column: 'id',
          message: `"${row.values.id}" is already ${what}: use its own number`,
        });
        row.failed = true;
      }
    }
  };
}

/**
 * The claim of each row (history, payments): it must be imported, and `dateColumn` must not be
 * before the claim was filed. Returns the rows whose claim was found, with the claim.
 */
async function checkBenefitClaims(rows: ParsedRow[], ctx: PrepareContext, dateColumn: string) {
  const live = rows.filter((row) => !row.failed);
  const claims = await ctx.find(
    'benefit_claims',
    'id',
    live.map((row) => row.values.claim_id as string),
    ['filed_date', 'status', 'installments'],
  );
  const found: { row: ParsedRow; claim: StoredBenefitClaim }[] = [];
  for (const row of live) {
    const id = row.values.claim_id as string;
    const claim = claims.get(id) as StoredBenefitClaim | undefined;
    if (claim === undefined) {
      ctx.error(row.line, {
        column: 'claim_id',
        message: `no benefit claim "${id}" (import benefit-claims first)`,
      });
      row.failed = true;
      continue;
    }
    const date = row.values[dateColumn] as string;
    if (date < claim.filed_date) {
      ctx.error(row.line, {
        column: dateColumn,
        message: `is before the claim was filed (${claim.filed_date})`,
      });
      row.failed = true;
      continue;
    }
    found.push({ row, claim });
  }
  return found;
}

const benefitClaimsDataset: DatasetDef = {
  name: 'benefit-claims',
  summary:
    'claims for sickness, maternity, child allowance, invalidity, death and old-age benefits (e-Claim)',
  table: 'benefit_claims',
  columns: [
    col('id', 'text', true, 'SSO claim number; not an unemployment claim number', 'SC-2569-000123'),
    col(
      'national_id',
      'national ID',
      true,
      'the claimant (13 digits, dashes allowed), who must already be imported; for a death claim the survivor who claims (an heir, or whoever arranged the funeral)',
      '1-1017-00207-63-3',
    ),
    col('benefit', BENEFITS.join(' / '), true, 'the benefit claimed', 'sickness'),
    col('filed_date', 'date', true, 'date the claim was filed (not in the future)', '2026-03-02'),
    col(
      'status',
      BENEFIT_CLAIM_STATUSES.join(' / '),
      true,
      'current status: received → reviewing (→ more_documents → reviewing) → approved or rejected; approved → paying (installments) or paid (one sum) → closed',
      'paid',
    ),
    col(
      'decision_date',
      'date',
      false,
      'date of the decision: required for approved, rejected, paying and paid; empty for received, reviewing and more_documents; not before filed_date, not in the future',
      '2026-03-20',
    ),
    col(
      'reason',
      'text',
      false,
      'why it was rejected, or which documents are missing (more_documents); shown to the claimant. National IDs, laser codes, dates and phone numbers are masked on import',
      'ขาดใบรับรองแพทย์ฉบับจริง',
    ),
    col(
      'approved_amount',
      'THB',
      false,
      'the approved sum, or one installment when `installments` is given; empty before a decision and for a rejected claim',
      '4375',
    ),
    col(
      'installments',
      'whole number',
      false,
      'installments approved (0–1000; child allowance months…); `0` = monthly for life (old_age pension, invalidity only); empty = one sum',
      '',
    ),
  ],
  keyFields: ['id'],
  keyColumns: ['id'],
  /** Set when a claim is inserted or really changes (notifications: claim decided). */
  stamp: (now) => ({ updated_at: now }),
  parse(r) {
    const nationalId = r.nationalId();
    const benefit = r.oneOf('benefit', BENEFITS, true);
    const status = r.oneOf('status', BENEFIT_CLAIM_STATUSES, true);
    const filed = r.date('filed_date', true);
    notInFuture(r, 'filed_date', filed);
    const decision = r.date('decision_date');
    ordered(r, 'filed_date', filed, 'decision_date', decision);
    notInFuture(r, 'decision_date', decision);
    if (status !== null && DECIDED_STATUSES.includes(status) && !r.has('decision_date'))
      r.fail('decision_date', `is required for a claim that is ${status}`);
    if (status !== null && UNDECIDED_STATUSES.includes(status) && decision !== null)
      r.fail('decision_date', `must be empty while the claim is ${status}`);
    const amount = r.amount('approved_amount');
    if (
      amount !== null &&
      status !== null &&
      (status === 'rejected' || UNDECIDED_STATUSES.includes(status))
    )
      r.fail('approved_amount', `must be empty while the claim is ${status}`);
    const installments = r.integer('installments', false, 0, 1000);
    if (installments !== null && !r.has('approved_amount'))
      r.fail('installments', 'goes with approved_amount (the amount of one installment)');
    if (installments === 0 && benefit !== null && !LIFELONG_BENEFITS.includes(benefit))
      r.fail('installments', `0 (for life) is only for ${LIFELONG_BENEFITS.join(' and ')}`);
    return {
      values: {
        id: r.text('id', true, 50),
        person_id: null,
        benefit,
        filed_date: filed,
        status,
        decision_date: decision,
        reason: maskedText(r, 'reason'),
        approved_satang: amount,
        installments,
      },
      refs:
        nationalId === null
          ? []
          : [{ kind: 'person', column: 'national_id', value: nationalId, target: 'person_id' }],
    };
  },
  /** A claim number is one claim: not also an unemployment claim. */
  prepare: claimNumberNotIn('unemployment_claims', 'an unemployment claim (claims)'),
};

const benefitClaimStatusDataset: DatasetDef = {
  name: 'benefit-claim-status',
  summary: 'status history of the benefit claims (the timeline shown to the claimant)',
  table: 'benefit_claim_history',
  columns: [
    BENEFIT_CLAIM_ID_DOC,
    col(
      'status',
      BENEFIT_CLAIM_STATUSES.join(' / '),
      true,
      'the status the claim moved to',
      'reviewing',
    ),
    col(
      'at',
      'date',
      true,
      'the date it moved (not before the claim was filed, not in the future); with claim_id and status the natural key',
      '2026-03-03',
    ),
    col('note', 'text', false, 'a note shown with the step; masked like `reason`', 'รับเอกสารครบ'),
  ],
  keyFields: ['claim_id', 'at', 'status'],
  keyColumns: ['claim_id', 'at', 'status'],
  parse(r) {
    const at = r.date('at', true);
    notInFuture(r, 'at', at);
    return {
      values: {
        claim_id: r.text('claim_id', true, 50),
        status: r.oneOf('status', BENEFIT_CLAIM_STATUSES, true),
        at,
        note: maskedText(r, 'note'),
      },
    };
  },
  async prepare(rows, ctx) {
    await checkBenefitClaims(rows, ctx, 'at');
  },
};

const benefitPaymentsDataset: DatasetDef = {
  name: 'benefit-payments',
  summary: 'payments of the benefit claims (one sum, or installments)',
  table: 'benefit_payments',
  columns: [
    BENEFIT_CLAIM_ID_DOC,
    col(
      'installment',
      'whole number',
      true,
      'installment number from 1 (1 for a one-sum payment), at most the installments approved; with claim_id the natural key',
      '1',
    ),
    col('amount', 'THB', true, 'amount of the payment', '4375'),
    col(
      'pay_date',
      'date',
      true,
      'planned payment date, or the date it was paid (not before the claim was filed; not in the future when paid)',
      '2026-03-25',
    ),
    col('status', PAYMENT_STATUSES.join(' / '), true, 'payment status', 'paid'),
  ],
  keyFields: ['claim_id', 'installment'],
  keyColumns: ['claim_id', 'installment'],
  /** Set when a payment is inserted or really changes (notifications: payment made). */
  stamp: (now) => ({ updated_at: now }),
  parse(r) {
    const payDate = r.date('pay_date', true);
    const status = r.oneOf('status', PAYMENT_STATUSES, true);
    if (status === 'paid' && payDate !== null && payDate > r.today)
      r.fail('pay_date', 'is in the future for a paid installment');
    return {
      values: {
        claim_id: r.text('claim_id', true, 50),
        installment: r.integer('installment', true, 1, 1000),
        amount_satang: r.amount('amount', true),
        pay_date: payDate,
        status,
      },
    };
  },
  async prepare(rows, ctx) {
    for (const { row, claim } of await checkBenefitClaims(rows, ctx, 'pay_date')) {
      const installment = row.values.installment as number;
      if (claim.status === 'rejected' || UNDECIDED_STATUSES.includes(claim.status)) {
        ctx.error(row.line, {
          column: 'claim_id',
          message: `the claim is ${claim.status}: it has no payments (import its new status first)`,
        });
        row.failed = true;
      } else if (
        claim.installments !== null &&
        claim.installments > 0 &&
        installment > claim.installments
      ) {
        ctx.error(row.line, {
          column: 'installment',
          message: `is beyond the ${claim.installments} installments approved`,
        });
        row.failed = true;
      }
    }
  },
};

const OFFICE_KINDS = ['headquarters', 'bangkok_area', 'provincial', 'branch'] as const;

/** `hours`: JSON ({"mon":[["08:30","16:30"]],…}) or `mon-fri 08:30-16:30; sat 08:30-12:00`. */
function officeHours(r: FieldReader): string | null {
  const v = r.text('hours', false, 1000);
  if (v === null) return null;
  let hours: unknown;
  if (v.startsWith('{')) {
    try {
      hours = JSON.parse(v);
    } catch {
      hours = undefined;
    }
    if (!isWeeklyHours(hours)) {
      r.fail('hours', 'must be JSON like {"mon":[["08:30","16:30"]]} (days mon…sun, HH:MM)');
      return null;
    }
  } else {
    hours = parseHoursText(v);
    if (typeof hours === 'string') {
      r.fail('hours', hours);
      return null;
    }
  }
  return JSON.stringify(hours);
}

const officesDataset: DatasetDef = {
  name: 'offices',
  summary: 'SSO offices (override and extend the reference list by id)',
  table: 'offices',
  columns: [
    col(
      'id',
      'text',
      true,
      'office id: `sso-hq`, `sso-bkk-<1–12>`, `sso-p<province code>` replace the reference rows; any other id adds an office (e.g. a branch)',
      'sso-p50',
    ),
    col(
      'kind',
      'headquarters / bangkok_area / provincial / branch',
      true,
      'kind of office',
      'provincial',
    ),
    col('name_th', 'text', true, 'name in Thai', 'สำนักงานประกันสังคมจังหวัดเชียงใหม่'),
    col(
      'name_en',
      'text',
      false,
      'name in English',
      'Chiang Mai Provincial Social Security Office',
    ),
    col('province_code', 'province code', true, 'DOPA 2-digit province code', '50'),
    col('area_no', 'whole number 1–12', false, 'Bangkok area number (kind bangkok_area only)', '5'),
    col('address_th', 'text', false, 'address in Thai', 'ศูนย์ราชการจังหวัดเชียงใหม่ ต.ช้างเผือก อ.เมือง'),
    col(
      'address_en',
      'text',
      false,
      'address in English',
      'Chiang Mai Government Center, Chang Phueak',
    ),
    col(
      'phone',
      'text',
      false,
      'phone number (empty: replies offer the hotline 1506)',
      '053 000 000',
    ),
    col(
      'hours',
      'hours',
      false,
      'weekly opening hours: `mon-fri 08:30-16:30; sat 08:30-12:00` (days mon…sun, ranges and comma lists) or the stored JSON `{"mon":[["08:30","16:30"]]}`; empty = not known (replies then show usual government hours, labelled unconfirmed). Public holidays always close an office.',
      'mon-fri 08:30-16:30',
    ),
    col('lat', 'number', false, 'latitude (WGS 84); give lat and lng together', '18.8396'),
    col('lng', 'number', false, 'longitude (WGS 84)', '98.9696'),
    col(
      'location_precision',
      'exact / province_seat_approx',
      false,
      'how exact lat/lng are; required with lat/lng',
      'exact',
    ),
    col(
      'source',
      'text',
      false,
      'where the facts come from; empty = "operator import"',
      'sso.go.th office list 2026-03',
    ),
  ],
  keyFields: ['id'],
  keyColumns: ['id'],
  stamp: (now) => ({ updated_at: now }),
  parse(r) {
    const lat = r.number('lat', false, -90, 90);
    const lng = r.number('lng', false, -180, 180);
    if (r.has('lat') !== r.has('lng'))
      r.fail(r.has('lat') ? 'lng' : 'lat', 'lat and lng go together');
    const precision = r.oneOf('location_precision', LOCATION_PRECISIONS, false);
    if (r.has('lat') && !r.has('location_precision'))
      r.fail('location_precision', 'is required with lat/lng (exact or province_seat_approx)');
    const kind = r.oneOf('kind', OFFICE_KINDS, true);
    const areaNo = r.integer('area_no', false, 1, 12);
    if (kind === 'bangkok_area' && areaNo === null && !r.has('area_no'))
      r.fail('area_no', 'is required for a bangkok_area office');
    if (kind !== null && kind !== 'bangkok_area' && areaNo !== null)
      r.fail('area_no', 'is only for bangkok_area offices');
    const source = r.text('source', false, 1000);
    if (source?.startsWith('reference:'))
      r.fail('source', 'must not start with "reference:" (reserved for the built-in list)');
    return {
      values: {
        id: r.text('id', true, 50),
        kind,
        name_th: r.text('name_th', true),
        name_en: r.text('name_en'),
        province_code: r.province('province_code', true),
        area_no: areaNo,
        address_th: r.text('address_th'),
        address_en: r.text('address_en'),
        phone: r.text('phone', false, 100),
        hours: officeHours(r),
        lat,
        lng,
        location_precision: precision,
        source: source ?? 'operator import',
      },
    };
  },
};

/**
 * Every importable dataset, in a load order that satisfies references (employers and hospitals
 * before persons, persons before their records, claims before their history and payments;
 * benefit claims before theirs).
 */
export const DATASETS = {
  employers: employersDataset,
  hospitals: hospitalsDataset,
  persons: personsDataset,
  'identity-documents': identityDocumentsDataset,
  contributions: contributionsDataset,
  registrations: registrationsDataset,
  claims: claimsDataset,
  'claim-status': claimStatusDataset,
  payments: paymentsDataset,
  'benefit-claims': benefitClaimsDataset,
  'benefit-claim-status': benefitClaimStatusDataset,
  'benefit-payments': benefitPaymentsDataset,
  offices: officesDataset,
} as const satisfies Record<string, DatasetDef>;

export type DatasetName = keyof typeof DATASETS;

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(DATASETS, name);
}
