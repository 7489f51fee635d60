/**
 * Hashed secrets (laser codes, link codes) inside workerd at the current cost.
 *
 * The open-source workerd of this lane does not cap PBKDF2 (measured: a single 600,000-iteration
 * call succeeds here), but Cloudflare's production runtime refuses calls above 100,000
 * (cloudflare/workerd#1346; the cap was removed from open-source workerd only, #1471). So these
 * tests put the production cap back by wrapping `crypto.subtle.deriveBits`, and check that the
 * chained scheme never needs a bigger call.
 */
import { afterEach, expect, it, vi } from 'vitest';
import {
  hashSecret,
  PBKDF2_MAX_ITERATIONS_PER_CALL,
  parseLaserHash,
  SECRET_HASH_COST,
  SECRET_HASH_ITERATIONS,
  SECRET_HASH_ROUNDS,
  verifySecret,
} from '../../src/store/laser-code.ts';
import { capPbkdf2Calls, sum } from '../helpers/pbkdf2-cap.ts';

/** Hashed on Node (node:crypto) with the old single-call scheme, 100,000 iterations. */
const OLD_100K_ROW =
  'pbkdf2-sha256$100000$bm9kZS1vbGQtcm93LXNhbHQ=$ytCqS9rt513NRFOO7YeYNsWmSwMt5JL/B2l8QoF8a+w=';
const OLD_100K_CODE = 'JT9876543210';
/** Hashed on Node (node:crypto) with the current chain: 6 × 100,000. */
const NODE_CHAIN_ROW =
  'pbkdf2-sha256-chain$6$100000$bm9kZS1jaGFpbi1zYWx0IQ==$mWT/kcMbYzB1m1llGr7e8TLCFfEv+eqOt3ia95ydNno=';
const NODE_CHAIN_CODE = 'K7XM2QPR9T';

afterEach(() => {
  vi.restoreAllMocks();
});

it('hashSecret and verifySecret work at the current cost under the 100,000-per-call cap', async () => {
  const calls = capPbkdf2Calls();
  const stored = await hashSecret('ME0-1234567-89');
  expect(parseLaserHash(stored)).toMatchObject({
    scheme: 'pbkdf2-sha256-chain',
    rounds: SECRET_HASH_ROUNDS,
    iterations: SECRET_HASH_ITERATIONS,
  });
  expect(sum(calls)).toBe(SECRET_HASH_COST);

  calls.length = 0;
  const t = performance.now();
  expect(await verifySecret('me0 1234567 89', stored)).toEqual({ ok: true });
  const ms = performance.now() - t;
  expect(sum(calls)).toBe(SECRET_HASH_COST);
  expect(await verifySecret('ME0123456780', stored)).toEqual({ ok: false });
  expect(Math.max(...calls)).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS_PER_CALL);
  console.log(`workerd: one verification at the current cost took ${ms.toFixed(0)} ms`);
});

it('rows hashed on Node verify in workerd: an old 100k row (with a rehash) and a chain', async () => {
  const calls = capPbkdf2Calls();
  const old = await verifySecret(OLD_100K_CODE, OLD_100K_ROW);
  expect(old.ok).toBe(true);
  expect(parseLaserHash(old.rehash!)).toMatchObject({
    rounds: SECRET_HASH_ROUNDS,
    iterations: SECRET_HASH_ITERATIONS,
  });
  expect(await verifySecret(OLD_100K_CODE, old.rehash)).toEqual({ ok: true });
  expect(await verifySecret('JT9876543211', OLD_100K_ROW)).toEqual({ ok: false });
  expect(await verifySecret(NODE_CHAIN_CODE.toLowerCase(), NODE_CHAIN_ROW)).toEqual({ ok: true });
  expect(Math.max(...calls)).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS_PER_CALL);
});

it('does the same work for an unknown ID, no laser code, an old row and a cheap row', async () => {
  const calls = capPbkdf2Calls();
  const cheap = 'pbkdf2-sha256$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  for (const stored of [undefined, 'none', OLD_100K_ROW, cheap, NODE_CHAIN_ROW]) {
    calls.length = 0;
    expect(await verifySecret('ZZ0000000000', stored)).toEqual({ ok: false });
    expect(sum(calls), String(stored)).toBe(SECRET_HASH_COST);
  }
});
