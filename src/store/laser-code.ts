/**
 * Laser codes (เลขหลังบัตรประชาชน, e.g. `ME0-1234567-89`) are never stored: an insured person's
 * row keeps `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>` (PBKDF2-HMAC-SHA-256,
 * 32-byte key, standard base64 with padding). The iteration count travels in the string, so rows
 * hashed with different counts verify alike.
 *
 * - `verifyLaserCode` and `hashLaserCodeWebCrypto` use Web Crypto (`crypto.subtle`): Node and
 *   Workers alike.
 * - `hashLaserCode` uses node:crypto `pbkdf2Sync` for bulk hashing (the demo seed). Workers run
 *   with `nodejs_compat`, so the import resolves there too, but only Node calls it.
 * Both produce the same string for the same code, salt and iteration count.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';

export const LASER_HASH_SCHEME = 'pbkdf2-sha256';
/** The iteration count for real records and the documented demo identities. */
export const LASER_HASH_ITERATIONS = 100_000;
/** Generated bulk demo people only: keeps a 100k-person seed fast. Never for real records. */
export const BULK_DEMO_LASER_HASH_ITERATIONS = 1;
const KEY_BYTES = 32;
/** Refuse absurd counts from a corrupt row rather than spin for minutes. */
const MAX_ITERATIONS = 10_000_000;

/**
 * A well-formed hash of no one's code (100,000 iterations), to verify against when there is no
 * such person, so the answer takes as long as for a real record.
 */
export const DUMMY_LASER_HASH =
  'pbkdf2-sha256$100000$c3NvLWR1bW15LXNhbHQtMQ==$wLuv53PP+6KjU3CvpQKuD+44Z7xmYJu17Rs3yR3Ko5U=';

/** Uppercase, without spaces or dashes: `me0-1234567-89` → `ME0123456789`. */
export function normaliseLaserCode(code: string): string {
  return code.replace(/[\s\-\u2010-\u2015]/g, '').toUpperCase();
}

/** Two letters and ten digits, after normalisation. */
export function isLaserCodeFormat(code: string): boolean {
  return /^[A-Z]{2}\d{10}$/.test(normaliseLaserCode(code));
}

function format(iterations: number, salt: Uint8Array, key: Uint8Array): string {
  return `${LASER_HASH_SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(key)}`;
}

function checkIterations(iterations: number): void {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}`);
  }
}

const BLOCK_ONE = new Uint8Array([0, 0, 0, 1]);

/** Synchronous (node:crypto) hash for bulk work. */
export function hashLaserCode(code: string, salt: Uint8Array, iterations: number): string {
  checkIterations(iterations);
  const normalised = normaliseLaserCode(code);
  // With one iteration and a 32-byte key, PBKDF2-HMAC-SHA-256 is exactly
  // HMAC(code, salt ‖ INT32BE(1)) (RFC 8018 §5.2); a plain HMAC is ~4× faster than pbkdf2Sync.
  const key =
    iterations === 1
      ? createHmac('sha256', normalised).update(salt).update(BLOCK_ONE).digest()
      : pbkdf2Sync(normalised, salt, iterations, KEY_BYTES, 'sha256');
  return format(iterations, salt, key);
}

/** The same hash through Web Crypto (Node and Workers). */
export async function hashLaserCodeWebCrypto(
  code: string,
  salt: Uint8Array,
  iterations: number,
): Promise<string> {
  checkIterations(iterations);
  return format(
    iterations,
    salt,
    await deriveWebCrypto(normaliseLaserCode(code), salt, iterations),
  );
}

async function deriveWebCrypto(
  normalised: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(normalised),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    material,
    KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

interface ParsedHash {
  iterations: number;
  salt: Uint8Array;
  key: Uint8Array;
}

export function parseLaserHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== LASER_HASH_SCHEME) return undefined;
  const iterations = Number(parts[1]);
  if (!/^\d+$/.test(parts[1] ?? '') || iterations < 1 || iterations > MAX_ITERATIONS) {
    return undefined;
  }
  const salt = fromBase64(parts[2] ?? '');
  const key = fromBase64(parts[3] ?? '');
  if (!salt || !key || salt.length === 0 || key.length !== KEY_BYTES) return undefined;
  return { iterations, salt, key };
}

/**
 * True when `code` (normalised first) hashes to `stored`. A malformed `stored` is false, never an
 * error. Runs the full derivation even for an empty code, so timing does not tell.
 */
export async function verifyLaserCode(code: string, stored: string): Promise<boolean> {
  const parsed = parseLaserHash(stored);
  if (!parsed) return false;
  const derived = await deriveWebCrypto(normaliseLaserCode(code), parsed.salt, parsed.iterations);
  return constantTimeEqual(derived, parsed.key);
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
