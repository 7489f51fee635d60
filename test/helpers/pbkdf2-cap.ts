/**
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations in one call (local
 * workerd does not): this puts the cap back on `crypto.subtle.deriveBits` and records every
 * call's iteration count. Restore with `vi.restoreAllMocks()`.
 */
import { vi } from 'vitest';
import { PBKDF2_MAX_ITERATIONS_PER_CALL } from '../../src/store/laser-code.ts';

export function capPbkdf2Calls(): number[] {
  const calls: number[] = [];
  const real = crypto.subtle.deriveBits.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (algorithm, key, length) => {
    const iterations = (algorithm as Pbkdf2Params).iterations;
    calls.push(iterations);
    if (iterations > PBKDF2_MAX_ITERATIONS_PER_CALL) {
      throw new DOMException(
        `Pbkdf2 failed: iteration counts above ${PBKDF2_MAX_ITERATIONS_PER_CALL} are not supported (requested ${iterations}).`,
        'NotSupportedError',
      );
    }
    return real(algorithm, key, length);
  });
  return calls;
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
