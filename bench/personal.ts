/**
 * Personal-query latency at scale: each handler (store reads, rules, Flex rendering, audit write)
 * for linked users drawn at random, against a floor measured in the same run on the same
 * database: one indexed primary-key read of the person.
 */

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config.ts';
import type { Ctx } from '../src/handlers/context.ts';
import { intentHandlers } from '../src/handlers/index.ts';
import { bindAccount } from '../src/store/account-links.ts';
import { migrateNodeStore, openNodeStore } from '../src/store/node.ts';
import { getPersonById } from '../src/store/persons.ts';
import { seedDemoData } from '../src/store/seed.ts';
import { benchDeps, nullLine } from './deps.ts';
import { now, round, summarise } from './stats.ts';

const INTENTS = ['contribution_balance', 'hospital_rights', 'unemployment_benefit'] as const;

export async function benchPersonal(people: number, queries = 2000) {
  const dir = mkdtempSync(join(tmpdir(), 'sso-bench-'));
  const path = join(dir, 'bench.sqlite');
  try {
    const store = openNodeStore(path);
    migrateNodeStore(store);
    const seedStart = now();
    await seedDemoData(store, { people, prepared: store.sqlite });
    const seedMs = now() - seedStart;

    const config = parseConfig({ NODE_ENV: 'development', DATABASE_PATH: path });
    const deps = benchDeps({ config, store, line: nullLine() });

    // Link a random sample of people (deterministic LCG) to LINE users.
    const maxId = (
      store.sqlite.prepare('select max(id) as m from insured_persons').get() as { m: number }
    ).m;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const sample: { userId: string; personId: number }[] = [];
    for (let i = 0; i < 500; i++) {
      const personId = 1 + Math.floor(rand() * maxId);
      const userId = `Ubench${String(i).padStart(27, '0')}`;
      await bindAccount(store, userId, personId, Date.now());
      sample.push({ userId, personId });
    }

    const ctxFor = (userId: string): Ctx => {
      const t = deps.i18n.t('th');
      return {
        deps,
        event: { type: 'message' } as never,
        userId,
        user: undefined,
        lang: 'th',
        t,
        now: Date.now(),
        isPrivate: true,
      };
    };

    const floorSamples: number[] = [];
    for (let i = 0; i < queries; i++) {
      const { personId } = sample[i % sample.length]!;
      const s = now();
      await getPersonById(store, personId);
      floorSamples.push(now() - s);
    }
    const floor = summarise(floorSamples);

    const results: Record<string, ReturnType<typeof summarise> & { p99RatioToFloor: number }> = {};
    for (const intent of INTENTS) {
      for (let i = 0; i < 50; i++)
        await intentHandlers[intent](ctxFor(sample[i]!.userId), {
          intent,
          confidence: 1,
          entities: {},
          alternatives: [],
        });
      const samples: number[] = [];
      for (let i = 0; i < queries; i++) {
        const { userId } = sample[i % sample.length]!;
        const s = now();
        await intentHandlers[intent](ctxFor(userId), {
          intent,
          confidence: 1,
          entities: {},
          alternatives: [],
        });
        samples.push(now() - s);
      }
      const summary = summarise(samples);
      results[intent] = { ...summary, p99RatioToFloor: round(summary.p99Ms / floor.p99Ms, 2) };
    }
    store.close();
    return {
      people,
      seedSeconds: round(seedMs / 1000, 1),
      dbMegabytes: round(statSync(path).size / 1e6, 1),
      floor,
      queries: results,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
