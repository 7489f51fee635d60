import { describe, expect, it } from 'vitest';
import { createSignatureVerifier } from '../../src/line/signature.ts';
import { createNodeSignatureVerifier } from '../../src/line/signature-node.ts';

// LINE's published test vector (SPEC §4).
const BODY = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';
const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const SIGNATURE = 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=';
const bytes = (s: string) => new TextEncoder().encode(s);

// Web Crypto (both runtimes) and node:crypto (the Node runtime's): one contract.
describe.each([
  ['Web Crypto', createSignatureVerifier],
  ['node:crypto', createNodeSignatureVerifier],
])('webhook signature (%s)', (_name, createSignatureVerifier) => {
  const verifier = createSignatureVerifier(SECRET);

  it('accepts LINE test vector', async () => {
    expect(await verifier.verify(bytes(BODY), SIGNATURE)).toBe(true);
    expect(await verifier.sign(BODY)).toBe(SIGNATURE);
  });

  it('rejects the vector under a wrong secret', async () => {
    expect(await createSignatureVerifier('another-secret').verify(bytes(BODY), SIGNATURE)).toBe(
      false,
    );
  });

  it('rejects an altered body, even by one byte or whitespace', async () => {
    expect(await verifier.verify(bytes(BODY.replace('[]', '[ ]')), SIGNATURE)).toBe(false);
    expect(await verifier.verify(bytes(`${BODY}\n`), SIGNATURE)).toBe(false);
  });

  it('rejects missing, empty, malformed and truncated signatures', async () => {
    for (const header of [
      undefined,
      null,
      '',
      'not base64 !!',
      SIGNATURE.slice(0, 20),
      `${SIGNATURE}AA`,
    ]) {
      expect(await verifier.verify(bytes(BODY), header)).toBe(false);
    }
  });

  it('refuses to be built without a secret', () => {
    expect(() => createSignatureVerifier('')).toThrow(/channelSecret/);
  });

  it('signs what the other implementation verifies', async () => {
    const body = bytes('{"events":[{"message":{"text":"สวัสดี 👋"}}]}');
    const other =
      createSignatureVerifier === createNodeSignatureVerifier
        ? createSignatureVerifier(SECRET)
        : createNodeSignatureVerifier(SECRET);
    expect(await other.verify(body, await verifier.sign(body))).toBe(true);
  });
});
