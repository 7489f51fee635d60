/**
 * Nearest-office and nearest-hospital latency with 5,000 hospitals loaded (generated
 * deterministically across Thailand around the 77 province seats), against a floor measured in
 * the same run on the same database: one indexed primary-key read of an office.
 * Each sample is one `nearestPlaces` call (box queries on the lat/lng index + haversine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import points from '../data/geo/thai-province-points.json' with { type: 'json' };
import { ensureOffices } from '../src/offices/reference.ts';
import { migrateNodeStore, openNodeStore } from '../src/store/node.ts';
import { nearestPlaces } from '../src/store/places.ts';
import { offices } from '../src/store/schema.ts';
import { now, round, summarise } from './stats.ts';

const SEATS = points as { province_code: string; seat_lat: number; seat_lng: number }[];

export async function benchPlaces(hospitals = 5000, queries = 2000) {
  const dir = mkdtempSync(join(tmpdir(), 'sso-bench-places-'));
  try {
    const store = openNodeStore(join(dir, 'places.sqlite'));
    migrateNodeStore(store);
    await ensureOffices(store);
    let seed = 987654;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Hospitals within ~40 km of a province seat; Bangkok gets a fifth of them.
    const insert = store.sqlite.prepare(
      `insert into hospitals (id, name_th, province_code, lat, lng, location_precision, is_demo)
       values (?, ?, ?, ?, ?, 'exact', 1)`,
    );
    store.sqlite.transaction(() => {
      for (let i = 0; i < hospitals; i++) {
        const p = rand() < 0.2 ? SEATS[0]! : SEATS[Math.floor(rand() * SEATS.length)]!;
        const r = (40 * Math.sqrt(rand())) / 111;
        const a = 2 * Math.PI * rand();
        insert.run(
          `BENCH-${i}`,
          `โรงพยาบาลทดสอบ ${i}`,
          p.province_code,
          p.seat_lat + r * Math.sin(a),
          p.seat_lng + r * Math.cos(a),
        );
      }
    })();

    // Query points: anywhere in Thailand's extent (land, sea and borders alike).
    const pointsToAsk = Array.from({ length: 500 }, () => ({
      lat: 5.6 + rand() * 14.8,
      lng: 97.4 + rand() * 8.1,
    }));
    const officeIds = SEATS.slice(1).map((p) => `sso-p${p.province_code}`);

    const floorSamples: number[] = [];
    for (let i = 0; i < queries; i++) {
      const s = now();
      await store.db
        .select()
        .from(offices)
        .where(eq(offices.id, officeIds[i % officeIds.length]!));
      floorSamples.push(now() - s);
    }
    const floor = summarise(floorSamples);

    const results: Record<string, ReturnType<typeof summarise> & { p99RatioToFloor: number }> = {};
    for (const kind of ['offices', 'hospitals'] as const) {
      for (let i = 0; i < 50; i++) await nearestPlaces(store, kind, pointsToAsk[i]!, 3);
      const samples: number[] = [];
      for (let i = 0; i < queries; i++) {
        const s = now();
        await nearestPlaces(store, kind, pointsToAsk[i % pointsToAsk.length]!, 3);
        samples.push(now() - s);
      }
      const summary = summarise(samples);
      results[kind] = { ...summary, p99RatioToFloor: round(summary.p99Ms / floor.p99Ms, 2) };
    }
    store.close();
    return { hospitals, offices: 89, floor, queries: results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
