/**
 * Webhook signature: base64(HMAC-SHA256(channel secret, raw body)).
 * https://developers.line.biz/en/reference/messaging-api/#signature-validation
 * Verified with Web Crypto's `verify`, which compares in constant time, on both runtimes.
 */

const encoder = new TextEncoder();

export interface SignatureVerifier {
  verify(
    rawBody: Uint8Array<ArrayBuffer>,
    signatureHeader: string | null | undefined,
  ): Promise<boolean>;
  sign(rawBody: Uint8Array<ArrayBuffer> | string): Promise<string>;
}

export function createSignatureVerifier(channelSecret: string): SignatureVerifier {
  if (!channelSecret) throw new TypeError('createSignatureVerifier: channelSecret is empty');
  const keyPromise = crypto.subtle.importKey(
    'raw',
    encoder.encode(channelSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return {
    async verify(rawBody, signatureHeader) {
      if (!signatureHeader) return false;
      const signature = decodeBase64(signatureHeader.trim());
      if (signature === null || signature.byteLength !== 32) return false;
      return crypto.subtle.verify('HMAC', await keyPromise, signature, rawBody);
    },
    async sign(rawBody) {
      const bytes = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
      const mac = await crypto.subtle.sign('HMAC', await keyPromise, bytes);
      return encodeBase64(new Uint8Array(mac));
    },
  };
}

function decodeBase64(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  try {
    const bin = atob(value);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
