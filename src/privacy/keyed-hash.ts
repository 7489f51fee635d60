/**
 * Keyed lookup hashes (HMAC-SHA-256) for values that must be found again but never read back:
 * national IDs, LINE user IDs and client addresses in the link-attempt counters. A plain
 * SHA-256 of a 13-digit ID is reversed by trying every ID (well under a second); an HMAC under
 * a secret that is not in the database is not. Each purpose gets its own derived key, so a value
 * hashed for one table cannot be matched against another.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(`sso-bot:${purpose}:${secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(id, key);
  }
  return key;
}

/** base64url(HMAC-SHA-256(derived key, value))[0..22]: 128 bits, stable per (secret, purpose). */
export async function keyedHash(secret: string, purpose: string, value: string): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      'HMAC',
      await keyFor(secret, purpose),
      new TextEncoder().encode(value),
    ),
  );
  let bin = '';
  for (const b of mac.subarray(0, 16)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
