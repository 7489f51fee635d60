/**
 * Fail closed on Workers too (issue 14 item 7): a Worker whose secret is missing outside
 * NODE_ENV=development serves nothing (503) and logs one clear line; with the secrets it serves.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src/entry/worker.ts';

async function get(bindings: Record<string, unknown>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://bot.example${path}`), bindings as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('a Worker with a secret missing', () => {
  for (const nodeEnv of ['production', 'test', undefined]) {
    it(`NODE_ENV=${nodeEnv ?? 'unset'}: 503 on every route and one line naming the variable`, async () => {
      const errors: string[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
        errors.push(String(line));
      });
      try {
        const bindings: Record<string, unknown> = { ...(env as object), NODE_ENV: nodeEnv };
        delete bindings.AUDIT_PSEUDONYM_KEY;
        for (const path of ['/healthz', '/link?linkToken=abc', '/webhook']) {
          expect((await get(bindings, path)).status, path).toBe(503);
        }
        expect(errors[0]).toMatch(/^configuration error: AUDIT_PSEUDONYM_KEY: is required/);
      } finally {
        spy.mockRestore();
      }
    });
  }

  it('with the secrets (the lane’s bindings) it serves', async () => {
    expect((await get(env as never, '/healthz')).status).toBe(200);
  });
});
