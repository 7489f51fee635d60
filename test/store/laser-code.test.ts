import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DUMMY_LASER_HASH,
  hashLaserCode,
  hashLaserCodeWebCrypto,
  isLaserCodeFormat,
  LASER_HASH_ITERATIONS,
  normaliseLaserCode,
  parseLaserHash,
  verifyLaserCode,
} from '../../src/store/laser-code.ts';

const salt = (text: string) => new TextEncoder().encode(text);

describe('laser code hashing', () => {
  it('node:crypto and Web Crypto produce the same string', async () => {
    for (const [code, s, iterations] of [
      ['ME0123456789', 'salt-one', 1],
      ['JT1234567890', 'another salt', 2],
      ['AB9999999999', 'x', 1000],
      ['me0-1234567-89', 'salt-one', 1],
    ] as const) {
      const node = hashLaserCode(code, salt(s), iterations);
      const web = await hashLaserCodeWebCrypto(code, salt(s), iterations);
      expect(node).toBe(web);
      expect(node).toMatch(
        new RegExp(`^pbkdf2-sha256\\$${iterations}\\$[A-Za-z0-9+/]+=*\\$[A-Za-z0-9+/]{43}=$`),
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

  it('records the iteration count and salt', () => {
    const stored = hashLaserCode('ME0123456789', salt('abc'), 7);
    const parsed = parseLaserHash(stored);
    expect(parsed?.iterations).toBe(7);
    expect(new TextDecoder().decode(parsed?.salt)).toBe('abc');
    expect(parsed?.key.length).toBe(32);
  });

  it('refuses silly iteration counts', () => {
    expect(() => hashLaserCode('ME0123456789', salt('a'), 0)).toThrow(RangeError);
    expect(() => hashLaserCode('ME0123456789', salt('a'), 1.5)).toThrow(RangeError);
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

describe('verifyLaserCode', () => {
  const stored = hashLaserCode('JT1234567890', salt('per-person-salt'), 10);

  it('accepts the code however it is typed', async () => {
    expect(await verifyLaserCode('JT1234567890', stored)).toBe(true);
    expect(await verifyLaserCode('jt1-2345678-90', stored)).toBe(true);
    expect(await verifyLaserCode(' JT1 2345678 90 ', stored)).toBe(true);
  });

  it('rejects a wrong code', async () => {
    expect(await verifyLaserCode('JT1234567891', stored)).toBe(false);
    expect(await verifyLaserCode('', stored)).toBe(false);
  });

  it('is false, not an error, for malformed stored values', async () => {
    for (const bad of [
      '',
      'plain',
      'pbkdf2-sha1$10$YWJj$YWJj',
      'pbkdf2-sha256$0$YWJj$YWJj',
      'pbkdf2-sha256$10$!!!$YWJj',
      stored.slice(0, -4),
    ]) {
      expect(await verifyLaserCode('JT1234567890', bad)).toBe(false);
    }
  });

  it('has a well-formed dummy hash at the full iteration count', async () => {
    expect(parseLaserHash(DUMMY_LASER_HASH)?.iterations).toBe(LASER_HASH_ITERATIONS);
    expect(await verifyLaserCode('ME0123456789', DUMMY_LASER_HASH)).toBe(false);
  });
});
