/**
 * Hashed secrets: laser codes (เลขหลังบัตรประชาชน, e.g. `ME0-1234567-89`) and one-time link codes
 * (for documents without a laser code) are never stored, only a salted PBKDF2-HMAC-SHA-256 hash.
 * Nothing below is laser-specific except the name `normaliseLaserCode` (upper case, no spaces
 * or dashes), which every secret goes through.
 *
 * Stored strings (32-byte keys, standard base64 with padding):
 * - current: `pbkdf2-sha256-chain$<rounds>$<iterations>$<salt>$<key>`, with
 *   key_0 = UTF-8 of the normalised code and key_i = PBKDF2-HMAC-SHA-256(key_{i-1}, salt,
 *   iterations, 32 bytes); the stored key is key_rounds. New hashes use 6 rounds × 100,000
 *   iterations = 600,000 HMAC-SHA-256 iterations per guess (OWASP's figure for PBKDF2-HMAC-SHA256
 *   since 2023). The rounds are sequential (each needs the previous output), so an attacker pays
 *   the same 600,000 HMACs per guess as one 600,000-iteration PBKDF2.
 *   Why a chain: Cloudflare's production Workers runtime refuses a single PBKDF2 call above
 *   100,000 iterations ("Pbkdf2 failed: iteration counts above 100000 are not supported",
 *   cloudflare/workerd#1346). The open-source workerd used by our workerd test lane has no such
 *   limit (cloudflare/workerd#1471: removed for workerd, kept in production), so the lane cannot
 *   catch it: the tests enforce the 100,000-per-call cap themselves.
 * - old: `pbkdf2-sha256$<iterations>$<salt>$<key>` (one PBKDF2 call; rows hashed before, the bulk
 *   demo people). Still verified; a successful verification below the current cost returns a
 *   fresh current-cost hash to store (`rehash`). An old string above 100,000 iterations verifies
 *   on Node but can never verify on Cloudflare (the call is refused: the answer is "no").
 *
 * Constant work: `verifySecret` always spends at least the current cost (600,000 iterations), so
 * an unknown ID, a person without a laser code (`none`), a cheap demo row and a current row answer
 * in the same time: it verifies at the stored parameters, then pads with a dummy derivation for
 * the difference (or derives a dummy at full cost when there is nothing to verify). Rows above the
 * current cost (none exist unless imported pre-hashed) take longer.
 *
 * - `hashSecret`, `verifySecret`, `hashLaserCodeWebCrypto` use Web Crypto (`crypto.subtle`): Node
 *   and Workers alike; no single call exceeds 100,000 iterations.
 * - `hashLaserCode` uses node:crypto `pbkdf2Sync` for bulk hashing (the demo seed, tests). Workers
 *   run with `nodejs_compat`, so the import resolves there too, but only Node calls it.
 * Both produce the same string for the same code, salt, iterations and rounds.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';

/** The old single-call scheme. */
export const LASER_HASH_SCHEME = 'pbkdf2-sha256';
/** The current scheme: sequential PBKDF2 rounds. */
export const SECRET_HASH_SCHEME = 'pbkdf2-sha256-chain';
/** The most iterations one PBKDF2 call may ask for: Cloudflare Workers' production cap. */
export const PBKDF2_MAX_ITERATIONS_PER_CALL = 100_000;
/** Current cost: rounds × iterations per round = HMAC-SHA-256 iterations per guess. */
export const SECRET_HASH_ROUNDS = 6;
export const SECRET_HASH_ITERATIONS = 100_000;
export const SECRET_HASH_COST = SECRET_HASH_ROUNDS * SECRET_HASH_ITERATIONS;
/**
 * The old scheme's count for real records (rows hashed before the chain, and the importer until
 * it calls `hashSecret`). New rows: `hashSecret`.
 */
export const LASER_HASH_ITERATIONS = 100_000;
/**
 * Generated bulk demo people only (fake people): keeps a 100k-person seed fast. Never for real
 * records. `verifySecret` pads their verification to the current cost, so they answer in the same
 * time as everyone else.
 */
export const BULK_DEMO_LASER_HASH_ITERATIONS = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Refuse absurd costs from a corrupt row rather than spin for minutes. */
const MAX_COST = 10_000_000;
const MAX_ROUNDS = 100;

/**
 * Deprecated (the caller should pass `undefined` to `verifySecret`): a well-formed current-cost
 * hash whose key is 32 zero bytes, which no code derives to in practice. Verifying against it
 * costs one full verification and answers false.
 */
export const DUMMY_LASER_HASH =
  'pbkdf2-sha256-chain$6$100000$c3NvLWR1bW15LXNhbHQtMQ==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Salt for the padding derivations (any fixed value: the result is thrown away). */
const PAD_SALT = new TextEncoder().encode('sso-secret-pad-1');

/** Uppercase, without spaces or dashes: `me0-1234567-89` → `ME0123456789`. */
export function normaliseLaserCode(code: string): string {
  return code.replace(/[\s\-\u2010-\u2015]/g, '').toUpperCase();
}

/** Two letters and ten digits, after normalisation. */
export function isLaserCodeFormat(code: string): boolean {
  return /^[A-Z]{2}\d{10}$/.test(normaliseLaserCode(code));
}

function format(rounds: number, iterations: number, salt: Uint8Array, key: Uint8Array): string {
  return rounds === 1
    ? `${LASER_HASH_SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(key)}`
    : `${SECRET_HASH_SCHEME}$${rounds}$${iterations}$${toBase64(salt)}$${toBase64(key)}`;
}

/** rounds = 1 is the old single-call format (any count up to MAX_COST); chains cap each call. */
function checkParams(iterations: number, rounds: number): void {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new RangeError(`rounds must be an integer from 1 to ${MAX_ROUNDS}`);
  }
  const max = rounds === 1 ? MAX_COST : PBKDF2_MAX_ITERATIONS_PER_CALL;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > max) {
    throw new RangeError(`iterations must be an integer from 1 to ${max}`);
  }
  if (rounds * iterations > MAX_COST) throw new RangeError(`cost above ${MAX_COST}`);
}

const BLOCK_ONE = new Uint8Array([0, 0, 0, 1]);

/**
 * Synchronous (node:crypto) hash for bulk work. `rounds` = 1 (the default) gives the old
 * single-call format; the current cost is `hashLaserCode(code, salt, SECRET_HASH_ITERATIONS,
 * SECRET_HASH_ROUNDS)`.
 */
export function hashLaserCode(
  code: string,
  salt: Uint8Array,
  iterations: number,
  rounds = 1,
): string {
  checkParams(iterations, rounds);
  let key: Uint8Array = new TextEncoder().encode(normaliseLaserCode(code));
  for (let r = 0; r < rounds; r++) {
    // With one iteration and a 32-byte key, PBKDF2-HMAC-SHA-256 is exactly
    // HMAC(password, salt ‖ INT32BE(1)) (RFC 8018 §5.2); a plain HMAC is ~4× faster than pbkdf2Sync.
    key =
      iterations === 1
        ? createHmac('sha256', key).update(salt).update(BLOCK_ONE).digest()
        : pbkdf2Sync(key, salt, iterations, KEY_BYTES, 'sha256');
  }
  return format(rounds, iterations, salt, key);
}

/** The same hash through Web Crypto (Node and Workers). */
export async function hashLaserCodeWebCrypto(
  code: string,
  salt: Uint8Array,
  iterations: number,
  rounds = 1,
): Promise<string> {
  checkParams(iterations, rounds);
  return format(
    rounds,
    iterations,
    salt,
    await deriveChain(normaliseLaserCode(code), salt, iterations, rounds),
  );
}

/** A new hash at the current cost with a random 16-byte salt (new rows, link codes). */
export async function hashSecret(
  code: string,
  normalise: (code: string) => string = normaliseLaserCode,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return format(
    SECRET_HASH_ROUNDS,
    SECRET_HASH_ITERATIONS,
    salt,
    await deriveChain(normalise(code), salt, SECRET_HASH_ITERATIONS, SECRET_HASH_ROUNDS),
  );
}

/** Passwords are compared as typed (only Unicode-normalised), never upper-cased or stripped. */
export const normalisePassword = (password: string): string => password.normalize('NFC');

async function pbkdf2(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', new Uint8Array(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    material,
    KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

async function deriveChain(
  normalised: string,
  salt: Uint8Array,
  iterations: number,
  rounds: number,
): Promise<Uint8Array> {
  let key: Uint8Array = new TextEncoder().encode(normalised);
  for (let r = 0; r < rounds; r++) key = await pbkdf2(key, salt, iterations);
  return key;
}

/** Spends `iterations` PBKDF2 iterations, in calls of at most 100,000; the result is discarded. */
async function pad(normalised: string, iterations: number): Promise<void> {
  let key: Uint8Array = new TextEncoder().encode(normalised);
  for (let left = iterations; left > 0; left -= PBKDF2_MAX_ITERATIONS_PER_CALL) {
    key = await pbkdf2(key, PAD_SALT, Math.min(left, PBKDF2_MAX_ITERATIONS_PER_CALL));
  }
}

export interface ParsedHash {
  scheme: typeof LASER_HASH_SCHEME | typeof SECRET_HASH_SCHEME;
  /** 1 for the old scheme. */
  rounds: number;
  /** Per round. */
  iterations: number;
  salt: Uint8Array;
  key: Uint8Array;
}

/** Either scheme; undefined for anything else (including `none`). */
export function parseLaserHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  let scheme: ParsedHash['scheme'];
  let rounds: number;
  let rest: string[];
  if (parts.length === 4 && parts[0] === LASER_HASH_SCHEME) {
    scheme = LASER_HASH_SCHEME;
    rounds = 1;
    rest = parts.slice(1);
  } else if (parts.length === 5 && parts[0] === SECRET_HASH_SCHEME) {
    scheme = SECRET_HASH_SCHEME;
    if (!/^[1-9]\d{0,2}$/.test(parts[1] ?? '')) return undefined;
    rounds = Number(parts[1]);
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  if (!/^[1-9]\d{0,7}$/.test(rest[0] ?? '')) return undefined;
  const iterations = Number(rest[0]);
  try {
    checkParams(iterations, rounds);
  } catch {
    return undefined;
  }
  const salt = fromBase64(rest[1] ?? '');
  const key = fromBase64(rest[2] ?? '');
  if (!salt || !key || salt.length === 0 || key.length !== KEY_BYTES) return undefined;
  return { scheme, rounds, iterations, salt, key };
}

/**
 * Checks `code` (normalised first) against `stored`, doing at least the work of one verification
 * at the current cost whatever `stored` is: undefined (no such person), `none` (no laser code),
 * malformed, the old scheme, a lower cost. Never throws for a bad `stored`. When the code matches
 * a hash below the current cost, `rehash` is a fresh current-cost hash for the caller to store.
 */
export async function verifySecret(
  code: string,
  stored: string | undefined,
  normalise: (code: string) => string = normaliseLaserCode,
): Promise<{ ok: boolean; rehash?: string }> {
  const normalised = normalise(code);
  const parsed = stored === undefined ? undefined : parseLaserHash(stored);
  let ok = false;
  let spent = 0;
  if (parsed) {
    const cost = parsed.rounds * parsed.iterations;
    try {
      const derived = await deriveChain(normalised, parsed.salt, parsed.iterations, parsed.rounds);
      ok = constantTimeEqual(derived, parsed.key);
      spent = cost;
    } catch {
      // e.g. an old single-call string above 100,000 iterations on Cloudflare: refused, so "no".
      ok = false;
    }
  }
  await pad(normalised, SECRET_HASH_COST - spent);
  if (ok && parsed && parsed.rounds * parsed.iterations < SECRET_HASH_COST) {
    return { ok, rehash: await hashSecret(code, normalise) };
  }
  return { ok };
}

/** Thin wrapper over `verifySecret` (same constant work), for callers that only need yes/no. */
export async function verifyLaserCode(code: string, stored: string | undefined): Promise<boolean> {
  return (await verifySecret(code, stored)).ok;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    const s = atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
