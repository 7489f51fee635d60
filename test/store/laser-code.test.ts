import { pbkdf2Sync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEMO_IDENTITIES,
  DEMO_IDENTITY_LASER_HASHES,
  laserSalt,
} from '../../src/store/demo-data.ts';
import {
  DUMMY_LASER_HASH,
  hashLaserCode,
  hashLaserCodeWebCrypto,
  hashSecret,
  isLaserCodeFormat,
  normaliseLaserCode,
  PBKDF2_MAX_ITERATIONS_PER_CALL,
  parseLaserHash,
  SECRET_HASH_COST,
  SECRET_HASH_ITERATIONS,
  SECRET_HASH_ROUNDS,
  verifyLaserCode,
  verifySecret,
} from '../../src/store/laser-code.ts';
import { capPbkdf2Calls, sum } from '../helpers/pbkdf2-cap.ts';

const salt = (text: string) => new TextEncoder().encode(text);

/** A row hashed before the chain: the importer's old format, 100,000 iterations. */
const OLD_100K_CODE = 'JT9876543210';
const OLD_100K_ROW = hashLaserCode(OLD_100K_CODE, salt('old-row-salt'), 100_000);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hashing', () => {
  it('node:crypto and Web Crypto produce the same string, old scheme and chain', async () => {
    for (const [code, s, iterations, rounds] of [
      ['ME0123456789', 'salt-one', 1, 1],
      ['JT1234567890', 'another salt', 2, 1],
      ['AB9999999999', 'x', 1000, 1],
      ['me0-1234567-89', 'salt-one', 1, 1],
      ['ME0123456789', 'salt-one', 1, 3],
      ['jt1-2345678-90', 'chain salt', 50, 4],
    ] as const) {
      const node = hashLaserCode(code, salt(s), iterations, rounds);
      const web = await hashLaserCodeWebCrypto(code, salt(s), iterations, rounds);
      expect(node).toBe(web);
      expect(node).toMatch(
        rounds === 1
          ? new RegExp(`^pbkdf2-sha256\\$${iterations}\\$[A-Za-z0-9+/]+=*\\$[A-Za-z0-9+/]{43}=$`)
          : new RegExp(
              `^pbkdf2-sha256-chain\\$${rounds}\\$${iterations}\\$[A-Za-z0-9+/]+=*\\$[A-Za-z0-9+/]{43}=$`,
            ),
      );
    }
  });

  it('the one-iteration shortcut is real PBKDF2 (RFC 8018) of the normalised code', () => {
    const s = salt('0123456789abcdef');
    const expected = pbkdf2Sync('ME0123456789', s, 1, 32, 'sha256').toString('base64');
    expect(hashLaserCode('me0 1234567 89', s, 1).split('$')[3]).toBe(expected);
    const expected3 = pbkdf2Sync('ME0123456789', s, 3, 32, 'sha256').toString('base64');
    expect(hashLaserCode('ME0-1234567-89', s, 3).split('$')[3]).toBe(expected3);
  });

  it('a chain is sequential PBKDF2: key_i = PBKDF2(key_{i-1}, salt, iterations)', () => {
    const s = salt('chain-salt');
    let key: Buffer = Buffer.from('AB1234567890');
    for (let i = 0; i < 3; i++) key = pbkdf2Sync(key, s, 7, 32, 'sha256');
    expect(hashLaserCode('ab1-2345678-90', s, 7, 3).split('$')[4]).toBe(key.toString('base64'));
  });

  it('records the parameters and salt', () => {
    const old = parseLaserHash(hashLaserCode('ME0123456789', salt('abc'), 7));
    expect(old).toMatchObject({ scheme: 'pbkdf2-sha256', rounds: 1, iterations: 7 });
    expect(new TextDecoder().decode(old?.salt)).toBe('abc');
    expect(old?.key.length).toBe(32);
    const chain = parseLaserHash(hashLaserCode('ME0123456789', salt('abc'), 7, 5));
    expect(chain).toMatchObject({ scheme: 'pbkdf2-sha256-chain', rounds: 5, iterations: 7 });
    expect(new TextDecoder().decode(chain?.salt)).toBe('abc');
  });

  it('refuses silly parameters, and chain rounds above the per-call cap', () => {
    expect(() => hashLaserCode('ME0123456789', salt('a'), 0)).toThrow(RangeError);
    expect(() => hashLaserCode('ME0123456789', salt('a'), 1.5)).toThrow(RangeError);
    expect(() => hashLaserCode('ME0123456789', salt('a'), 10, 0)).toThrow(RangeError);
    expect(() => hashLaserCode('ME0123456789', salt('a'), 100_001, 2)).toThrow(RangeError);
  });

  it('hashSecret: the current cost, a random 16-byte salt, no call above 100,000', async () => {
    expect(SECRET_HASH_COST).toBeGreaterThanOrEqual(600_000);
    const calls = capPbkdf2Calls();
    const a = await hashSecret('K7XM-2QPR-9T');
    const b = await hashSecret('K7XM-2QPR-9T');
    expect(a).not.toBe(b);
    for (const h of [a, b]) {
      const p = parseLaserHash(h);
      expect(p).toMatchObject({
        scheme: 'pbkdf2-sha256-chain',
        rounds: SECRET_HASH_ROUNDS,
        iterations: SECRET_HASH_ITERATIONS,
      });
      expect(p?.salt.length).toBe(16);
    }
    expect(sum(calls)).toBe(2 * SECRET_HASH_COST);
    expect(Math.max(...calls)).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS_PER_CALL);
    // The same derivation as the bulk (node:crypto) hasher.
    const p = parseLaserHash(a)!;
    expect(hashLaserCode('k7xm 2qpr 9t', p.salt, p.iterations, p.rounds)).toBe(a);
  });
});

describe('normalisation', () => {
  it('uppercases and strips spaces and dashes', () => {
    expect(normaliseLaserCode('me0-1234567-89')).toBe('ME0123456789');
    expect(normaliseLaserCode(' Me0 1234567 89 ')).toBe('ME0123456789');
    expect(normaliseLaserCode('ME0–1234567‑89')).toBe('ME0123456789');
  });

  it('recognises the format', () => {
    expect(isLaserCodeFormat('ME0-1234567-89')).toBe(true);
    expect(isLaserCodeFormat('ME012345678')).toBe(false);
    expect(isLaserCodeFormat('M10123456789')).toBe(false);
  });
});

describe('verifySecret', () => {
  const bulkRow = hashLaserCode('JT1234567890', salt('per-person-salt'), 1);
  const testRow = hashLaserCode('JT1234567890', salt('per-person-salt'), 1000);
  const cheapChain = hashLaserCode('JT1234567890', salt('per-person-salt'), 10, 3);

  it('accepts the code however it is typed, for every scheme', async () => {
    const current = await hashSecret('JT1234567890');
    for (const typed of ['JT1234567890', 'jt1-2345678-90', ' JT1 2345678 90 ']) {
      expect((await verifySecret(typed, current)).ok, typed).toBe(true);
    }
    for (const stored of [bulkRow, testRow, cheapChain]) {
      expect((await verifySecret('jt1-2345678-90', stored)).ok, stored).toBe(true);
    }
    expect((await verifySecret(OLD_100K_CODE.toLowerCase(), OLD_100K_ROW)).ok).toBe(true);
  });

  it('rejects a wrong code, for every scheme', async () => {
    const current = await hashSecret('JT1234567890');
    for (const stored of [bulkRow, testRow, cheapChain, current, OLD_100K_ROW]) {
      expect(await verifySecret('JT1234567891', stored)).toEqual({ ok: false });
      expect(await verifySecret('', stored)).toEqual({ ok: false });
    }
  });

  it('link codes (10 chars of an unambiguous alphabet) work the same way', async () => {
    const stored = await hashSecret('K7XM2QPR9T');
    expect((await verifySecret('k7xm-2qpr-9t', stored)).ok).toBe(true);
    expect((await verifySecret('K7XM2QPR9W', stored)).ok).toBe(false);
  });

  it('is false, not an error, for missing and malformed stored values', async () => {
    const chainParts = cheapChain.split('$');
    for (const bad of [
      undefined,
      'none',
      '',
      'plain',
      'pbkdf2-sha1$10$YWJj$YWJj',
      'pbkdf2-sha256$0$YWJj$YWJj',
      'pbkdf2-sha256$10$!!!$YWJj',
      bulkRow.slice(0, -4),
      `pbkdf2-sha256-chain$0$${chainParts.slice(2).join('$')}`,
      `pbkdf2-sha256-chain$3$100001$${chainParts.slice(3).join('$')}`,
      `pbkdf2-sha256-chain$3$10$${chainParts[3]}`,
      cheapChain.slice(0, -4),
    ]) {
      expect(await verifySecret('JT1234567890', bad), String(bad)).toEqual({ ok: false });
    }
    expect(await verifyLaserCode('JT1234567890', 'none')).toBe(false);
  });

  it('returns a rehash only when the code matches a hash below the current cost', async () => {
    for (const stored of [bulkRow, testRow, cheapChain]) {
      const r = await verifySecret('JT1234567890', stored);
      expect(r.ok).toBe(true);
      const p = parseLaserHash(r.rehash!);
      expect(p).toMatchObject({ rounds: SECRET_HASH_ROUNDS, iterations: SECRET_HASH_ITERATIONS });
      expect(await verifySecret('jt1234567890', r.rehash)).toEqual({ ok: true });
    }
    const old = await verifySecret(OLD_100K_CODE, OLD_100K_ROW);
    expect(old.ok).toBe(true);
    expect(old.rehash).toMatch(/^pbkdf2-sha256-chain\$6\$100000\$/);
    // At the current cost (or a wrong code, or nothing to verify): no rehash.
    expect(await verifySecret('JT1234567890', await hashSecret('JT1234567890'))).toEqual({
      ok: true,
    });
    expect(await verifySecret('JT1234567891', testRow)).toEqual({ ok: false });
    expect(await verifySecret('JT1234567890', undefined)).toEqual({ ok: false });
  });

  it('an old string above 100,000 iterations verifies on Node; where refused, it is "no"', async () => {
    const big = hashLaserCode('JT1234567890', salt('s'), 150_000);
    expect((await verifySecret('JT1234567890', big)).ok).toBe(true);
    capPbkdf2Calls(); // now refuses calls above 100,000 like Cloudflare's runtime
    expect(await verifySecret('JT1234567890', big)).toEqual({ ok: false });
  });

  it('the deprecated dummy hash is well-formed at the current cost and matches nothing', async () => {
    expect(parseLaserHash(DUMMY_LASER_HASH)).toMatchObject({
      rounds: SECRET_HASH_ROUNDS,
      iterations: SECRET_HASH_ITERATIONS,
    });
    expect(await verifyLaserCode('ME0123456789', DUMMY_LASER_HASH)).toBe(false);
  });
});

describe('constant work', () => {
  const kinds = async (): Promise<[string, string | undefined][]> => [
    ['unknown ID', undefined],
    ['no laser code', 'none'],
    ['malformed', 'pbkdf2-sha256$10$!!!$YWJj'],
    ['bulk demo row (1 iteration)', hashLaserCode('JT1234567890', salt('s'), 1)],
    ['test row (1,000 iterations)', hashLaserCode('JT1234567890', salt('s'), 1000)],
    ['old row (100,000 iterations)', OLD_100K_ROW],
    ['cheap chain', hashLaserCode('JT1234567890', salt('s'), 10, 3)],
    ['current cost', await hashSecret('JT1234567890')],
  ];

  // Deterministic: fails as soon as the padding is removed or shortened.
  it('every verification spends the current cost in PBKDF2 iterations, no call above 100,000', async () => {
    for (const [name, stored] of await kinds()) {
      for (const code of ['JT1234567891', 'JT1234567890', OLD_100K_CODE]) {
        const calls = capPbkdf2Calls();
        const r = await verifySecret(code, stored);
        vi.restoreAllMocks();
        // A rehash (on success below the current cost) comes on top: count the verification only.
        const verification = r.rehash ? calls.slice(0, -SECRET_HASH_ROUNDS) : calls;
        expect(sum(verification), `${name} / ${code}`).toBe(SECRET_HASH_COST);
        expect(Math.max(...calls), name).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS_PER_CALL);
      }
    }
  });

  // The "no timing difference from hash parameters" requirement, measured: medians of interleaved
  // runs (wrong code, so no rehash) must lie within 0.7×–1.4× of each other.
  it('unknown ID, 1-iteration row and current-cost row take the same time', async () => {
    const stored: (string | undefined)[] = [
      undefined,
      hashLaserCode('JT1234567890', salt('s'), 1),
      await hashSecret('JT1234567890'),
    ];
    await verifySecret('JT1234567891', undefined); // warm-up
    const times: number[][] = stored.map(() => []);
    for (let run = 0; run < 7; run++) {
      for (let k = 0; k < stored.length; k++) {
        const i = (k + run) % stored.length; // rotate the order against drift
        const t = performance.now();
        await verifySecret('JT1234567891', stored[i]);
        times[i]!.push(performance.now() - t);
      }
    }
    const medians = times.map((ts) => ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!);
    const ratio = Math.max(...medians) / Math.min(...medians);
    expect(ratio, `medians (ms): ${medians.map((m) => m.toFixed(1)).join(', ')}`).toBeLessThan(1.4);
  }, 60_000);
});

describe('demo identities', () => {
  it('each precomputed current-cost hash verifies its documented laser code', async () => {
    expect(Object.keys(DEMO_IDENTITY_LASER_HASHES).sort()).toEqual(
      DEMO_IDENTITIES.map((d) => d.nationalId).sort(),
    );
    for (const d of DEMO_IDENTITIES) {
      const stored = DEMO_IDENTITY_LASER_HASHES[d.nationalId]!;
      const p = parseLaserHash(stored)!;
      expect(p).toMatchObject({ rounds: SECRET_HASH_ROUNDS, iterations: SECRET_HASH_ITERATIONS });
      expect(Buffer.from(p.salt).equals(laserSalt(d.nationalId)), d.nationalId).toBe(true);
      expect(await verifySecret(d.laserCode, stored), d.nationalId).toEqual({ ok: true });
    }
    const first = DEMO_IDENTITIES[0]!;
    expect(
      await verifySecret('ZZ0000000000', DEMO_IDENTITY_LASER_HASHES[first.nationalId]),
    ).toEqual({ ok: false });
  }, 30_000);
});
