/** Coordinates: validation, great-circle distance, bounding boxes. Pure. */

export interface LatLng {
  lat: number;
  lng: number;
}

/** Thailand's rough extent (WGS 84), with a little margin for the sea and the borders. */
export const THAILAND = { minLat: 5.5, maxLat: 20.6, minLng: 97.3, maxLng: 105.7 } as const;

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEG_LAT = 111.32;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type CoordsCheck =
  | { ok: true; point: LatLng; inThailand: boolean }
  | { ok: false; reason: 'not_a_number' | 'out_of_range' };

/** Finite numbers, latitude −90..90, longitude −180..180; and whether the point is in Thailand. */
export function checkCoords(lat: unknown, lng: unknown): CoordsCheck {
  const la =
    typeof lat === 'number'
      ? lat
      : typeof lat === 'string' && lat.trim() !== ''
        ? Number(lat)
        : Number.NaN;
  const lo =
    typeof lng === 'number'
      ? lng
      : typeof lng === 'string' && lng.trim() !== ''
        ? Number(lng)
        : Number.NaN;
  if (!Number.isFinite(la) || !Number.isFinite(lo)) return { ok: false, reason: 'not_a_number' };
  if (la < -90 || la > 90 || lo < -180 || lo > 180) return { ok: false, reason: 'out_of_range' };
  return { ok: true, point: { lat: la, lng: lo }, inThailand: inThailand({ lat: la, lng: lo }) };
}

export function inThailand(p: LatLng): boolean {
  return (
    p.lat >= THAILAND.minLat &&
    p.lat <= THAILAND.maxLat &&
    p.lng >= THAILAND.minLng &&
    p.lng <= THAILAND.maxLng
  );
}

/** The nearest point of Thailand's rough extent (the point itself when inside). */
export function clampToThailand(p: LatLng): LatLng {
  return {
    lat: Math.min(THAILAND.maxLat, Math.max(THAILAND.minLat, p.lat)),
    lng: Math.min(THAILAND.maxLng, Math.max(THAILAND.minLng, p.lng)),
  };
}

export interface Box {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** A lat/lng box that contains every point within `km` of `p` (no antimeridian near Thailand). */
export function boundingBox(p: LatLng, km: number): Box {
  const dLat = km / KM_PER_DEG_LAT;
  const cos = Math.max(0.01, Math.cos(rad(Math.min(89, Math.abs(p.lat) + dLat))));
  const dLng = Math.min(180, km / (KM_PER_DEG_LAT * cos));
  return {
    minLat: Math.max(-90, p.lat - dLat),
    maxLat: Math.min(90, p.lat + dLat),
    minLng: Math.max(-180, p.lng - dLng),
    maxLng: Math.min(180, p.lng + dLng),
  };
}
