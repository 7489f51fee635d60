/**
 * Offices and network hospitals by place. The nearest search runs in the store: a bounding box
 * on the indexed (lat, lng) columns with an expanding radius until enough places lie within it,
 * then the exact haversine distance on those candidates only. The table is never read whole.
 */
import { and, asc, between, eq, sql } from 'drizzle-orm';
import {
  type Box,
  boundingBox,
  clampToThailand,
  haversineKm,
  type LatLng,
} from '../offices/geo.ts';
import { type Db, perStore, type Store } from './db.ts';
import { hospitals, offices } from './schema.ts';

export type OfficeRow = typeof offices.$inferSelect;
export type HospitalRow = typeof hospitals.$inferSelect;

/** Search radii in km, tried in order until a box holds `limit` places. */
export const SEARCH_RADII_KM = [5, 10, 25, 50, 100, 200, 400, 800] as const;

export interface Found<T> {
  row: T;
  /** Great-circle distance from the asked point, km. */
  km: number;
}

export type PlaceKind = 'offices' | 'hospitals';

const TABLES = { offices, hospitals } as const;

/** The candidate query for one box (exported so tests can EXPLAIN it). */
export function boxQuery(db: Db, kind: PlaceKind, box: Box) {
  const t = TABLES[kind];
  return db
    .select()
    .from(t)
    .where(and(between(t.lat, box.minLat, box.maxLat), between(t.lng, box.minLng, box.maxLng)));
}

/** The candidate query of each kind, built and prepared once per store (a box as parameters). */
const boxQueries = perStore((db) => {
  const box = {
    minLat: sql.placeholder('minLat'),
    maxLat: sql.placeholder('maxLat'),
    minLng: sql.placeholder('minLng'),
    maxLng: sql.placeholder('maxLng'),
  } as unknown as Box;
  return {
    offices: boxQuery(db, 'offices', box).prepare(),
    hospitals: boxQuery(db, 'hospitals', box).prepare(),
  };
});

/**
 * The `limit` nearest places to `point`. A point outside Thailand is searched from the nearest
 * edge of Thailand's extent; distances are always from the point itself.
 */
export async function nearestPlaces<K extends PlaceKind>(
  store: Store,
  kind: K,
  point: LatLng,
  limit = 3,
): Promise<Found<K extends 'offices' ? OfficeRow : HospitalRow>[]> {
  type Row = K extends 'offices' ? OfficeRow : HospitalRow;
  const from = clampToThailand(point);
  const shift = haversineKm(point, from);
  const search = async (radius: number) =>
    ((await boxQueries(store)[kind].all({ ...boundingBox(from, radius) })) as Row[])
      .map((row) => ({ row, km: haversineKm(point, { lat: row.lat!, lng: row.lng! }) }))
      .sort((a, b) => a.km - b.km || a.row.id.localeCompare(b.row.id, 'en', { numeric: true }));
  let found: Found<Row>[] = [];
  for (const radius of SEARCH_RADII_KM) {
    found = await search(radius);
    if (found.length < limit) continue;
    // Every place nearer than the limit-th candidate lies within `kth + shift` of the box
    // centre: when the box already covers that circle the answer is exact, otherwise one more
    // box of exactly that radius is.
    const kth = found[limit - 1]!.km + shift;
    if (kth > radius) found = await search(kth);
    break;
  }
  return found.slice(0, limit);
}

/** Offices of a province, provincial office first, then branches; Bangkok areas by number. */
const provinceQuery = perStore((db) =>
  db
    .select()
    .from(offices)
    .where(eq(offices.provinceCode, sql.placeholder('provinceCode')))
    .orderBy(asc(offices.areaNo), asc(offices.id))
    .prepare(),
);

export async function officesInProvince(store: Store, provinceCode: string): Promise<OfficeRow[]> {
  const rows = (await provinceQuery(store).all({ provinceCode })) as OfficeRow[];
  const rank: Record<string, number> = {
    provincial: 0,
    bangkok_area: 1,
    headquarters: 2,
    branch: 3,
  };
  return rows.sort((a, b) => (rank[a.kind] ?? 9) - (rank[b.kind] ?? 9));
}

export async function bangkokAreaOffice(
  store: Store,
  areaNo: number,
): Promise<OfficeRow | undefined> {
  const rows = await store.db
    .select()
    .from(offices)
    .where(and(eq(offices.areaNo, areaNo), eq(offices.kind, 'bangkok_area')))
    .limit(1);
  return rows[0];
}
