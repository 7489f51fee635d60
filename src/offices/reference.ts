/**
 * The reference office list: data/offices/sso-offices-skeleton.json (HQ, Bangkok areas 1–12,
 * 76 provincial offices) with the facts the project sourced (data/offices/facts.json), written
 * into `offices` at start-up. Reference rows carry `source` starting with "reference:"; rows an
 * operator imported never do, and are never overwritten here (imports override and extend by id).
 *
 * Offices without coordinates in the skeleton (HQ, Bangkok areas) get their province's seat
 * point with precision `province_seat_approx`, so a location search still finds them and every
 * reply says the position is approximate.
 */
import { count, eq, like, sql } from 'drizzle-orm';
import points from '../../data/geo/thai-province-points.json' with { type: 'json' };
import facts from '../../data/offices/facts.json' with { type: 'json' };
import skeleton from '../../data/offices/sso-offices-skeleton.json' with { type: 'json' };
import type { Store } from '../store/db.ts';
import { meta, offices } from '../store/schema.ts';

export const REFERENCE_SOURCE_PREFIX = 'reference:';
const META_KEY = 'offices_reference';

interface SkeletonRow {
  id: string;
  kind: string;
  name_th: string;
  name_en: string | null;
  province_code: string;
  area_no: number | null;
  address_th: string | null;
  phone: string | null;
  lat: number | null;
  lng: number | null;
  location_precision: string | null;
}

type Fact = { value: string; source: string };
const FACTS = facts.offices as Record<string, Record<string, Fact>>;
const SEATS = new Map(
  (points as { province_code: string; seat_lat: number; seat_lng: number }[]).map((p) => [
    p.province_code,
    p,
  ]),
);

export type OfficeInsert = typeof offices.$inferInsert;

/** The reference rows, as they are written (pure; `updatedAt` is filled in by the caller). */
export function referenceOffices(): Omit<OfficeInsert, 'updatedAt'>[] {
  return (skeleton as SkeletonRow[]).map((o) => {
    const f = FACTS[o.id] ?? {};
    const sources = ['skeleton'];
    let { lat, lng } = o;
    let precision = o.location_precision as 'exact' | 'province_seat_approx' | null;
    if (lat === null || lng === null) {
      const seat = SEATS.get(o.province_code);
      if (seat) {
        lat = seat.seat_lat;
        lng = seat.seat_lng;
        precision = 'province_seat_approx';
        sources.push('coords: province seat fallback');
      }
    }
    const factSources = [...new Set(Object.values(f).map((x) => x.source))];
    if (factSources.length > 0) sources.push(`facts: ${Object.keys(f).join(', ')}`);
    return {
      id: o.id,
      kind: o.kind as OfficeInsert['kind'],
      nameTh: o.name_th,
      nameEn: o.name_en,
      provinceCode: o.province_code,
      areaNo: o.area_no,
      addressTh: f.address_th?.value ?? o.address_th,
      addressEn: f.address_en?.value ?? null,
      phone: f.phone?.value ?? o.phone,
      // Opening hours are not sourced for any office: null = unknown (see src/offices/hours.ts).
      hours: null,
      lat,
      lng,
      locationPrecision: precision,
      source:
        `${REFERENCE_SOURCE_PREFIX} ${sources.join('; ')}${factSources.length ? ` (${factSources.join(' | ')})` : ''}`.slice(
          0,
          1000,
        ),
    };
  });
}

/** A short fingerprint of the reference data: a change reloads it. */
function fingerprint(): string {
  const text = JSON.stringify([skeleton, facts]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `v1-${(h >>> 0).toString(16)}`;
}

export interface EnsureReport {
  loaded: boolean;
  rows: number;
}

/**
 * Writes the reference offices when the table is empty or the reference data changed (one read
 * otherwise). Operator-imported rows with the same id are left as they are.
 */
export async function ensureOffices(store: Store, now = Date.now()): Promise<EnsureReport> {
  const version = fingerprint();
  const [recorded, existing] = await Promise.all([
    store.db.select({ value: meta.value }).from(meta).where(eq(meta.key, META_KEY)).limit(1),
    store.db.select({ n: count() }).from(offices),
  ]);
  if (recorded[0]?.value === version && (existing[0]?.n ?? 0) > 0)
    return { loaded: false, rows: 0 };
  const rows = referenceOffices();
  const queries = rows.map((row) => {
    const { id: _id, ...rest } = row;
    return store.db
      .insert(offices)
      .values({ ...row, updatedAt: now })
      .onConflictDoUpdate({
        target: offices.id,
        set: { ...rest, updatedAt: now },
        setWhere: like(offices.source, `${REFERENCE_SOURCE_PREFIX}%`),
      });
  });
  queries.push(
    store.db
      .insert(meta)
      .values({ key: META_KEY, value: version })
      .onConflictDoUpdate({ target: meta.key, set: { value: sql`excluded.value` } }) as never,
  );
  await store.batch(queries);
  return { loaded: true, rows: rows.length };
}

/** The load in progress or done in this isolate / process; cleared when it fails. */
let loaded: Promise<void> | undefined;

/**
 * The entries' seam for "the reference offices are loaded", once per isolate (or process): the
 * Worker entry awaits it before it serves its first request, scheduled run or queue batch (D1
 * has no start-up hook); Node loads them at start-up with `ensureOffices` (every runtime it
 * creates has its own database). The first call reads two rows (writing only when the table is
 * empty or the reference data changed); later calls cost nothing (the store is opened only for
 * the first). A failure is not remembered: the next call tries again.
 */
export function ensureOfficesOnce(openStore: () => Store): Promise<void> {
  loaded ??= ensureOffices(openStore()).then(
    () => undefined,
    (err: unknown) => {
      loaded = undefined;
      throw err;
    },
  );
  return loaded;
}
