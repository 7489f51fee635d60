/**
 * The operator console's secrets, all derived from SESSION_SECRET (one purpose, one key):
 * session ids (random, 256 bits; the database keeps only their SHA-256), the cookie's signature,
 * CSRF tokens bound to a session, and the AES-GCM key that encrypts TOTP secrets at rest.
 * Web Crypto only (Node and Workers).
 */

const enc = new TextEncoder();
const hmacKeys = new Map<string, Promise<CryptoKey>>();
const aesKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = hmacKeys.get(id);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      enc.encode(`sso-console:${purpose}:${secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    hmacKeys.set(id, key);
  }
  return key;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function mac(secret: string, purpose: string, value: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret, purpose), enc.encode(value));
  return toBase64Url(new Uint8Array(sig));
}

export function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A random id: 32 bytes, base64url. */
export function randomId(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** What the database stores of a session id (a stolen database gives no usable cookie). */
export async function hashSessionId(id: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(id))));
}

/** The cookie value: `<id>.<HMAC(id)>`. */
export async function signSessionCookie(secret: string, id: string): Promise<string> {
  return `${id}.${await mac(secret, 'session', id)}`;
}

/** The session id of a well-signed cookie value, or undefined. */
export async function verifySessionCookie(
  secret: string,
  value: string | undefined,
): Promise<string | undefined> {
  if (!value || value.length > 200) return undefined;
  const dot = value.indexOf('.');
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const expected = await mac(secret, 'session', id);
  return sameString(expected, value.slice(dot + 1)) ? id : undefined;
}

/** The CSRF token of a session (or of a pre-login cookie): an HMAC of its id. */
export function csrfToken(secret: string, id: string): Promise<string> {
  return mac(secret, 'csrf', id);
}

export async function checkCsrfToken(
  secret: string,
  id: string,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  return sameString(await csrfToken(secret, id), token);
}

function aesKey(secret: string): Promise<CryptoKey> {
  let key = aesKeys.get(secret);
  if (!key) {
    key = (async () => {
      const raw = await crypto.subtle.sign(
        'HMAC',
        await hmacKey(secret, 'totp-encryption'),
        enc.encode('key'),
      );
      return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    })();
    aesKeys.set(secret, key);
  }
  return key;
}

/** `v1.<iv>.<ciphertext>` (AES-256-GCM; the account id as associated data). */
export async function encryptTotpSecret(
  secret: string,
  accountId: number,
  plain: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(String(accountId)) },
    await aesKey(secret),
    enc.encode(plain),
  );
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(data))}`;
}

export async function decryptTotpSecret(
  secret: string,
  accountId: number,
  stored: string,
): Promise<string | undefined> {
  const [v, ivText, dataText] = stored.split('.');
  const iv = ivText ? fromBase64Url(ivText) : undefined;
  const data = dataText ? fromBase64Url(dataText) : undefined;
  if (v !== 'v1' || !iv || !data) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: enc.encode(String(accountId)) },
      await aesKey(secret),
      new Uint8Array(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
