/**
 * The operator console on Workers (C15: "works on Node and on Workers"): its own Worker
 * (src/entry/console-worker.ts, wrangler.console.toml) on the same D1 as the bot's. Accounts and
 * sessions in D1, sign-in with TOTP enrolment, every page served, CSRF refused, sign-out — through
 * the console Worker's own `fetch`, inside workerd; the bot's Worker does not serve /console.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount } from '../../src/console/auth.ts';
import { totpCode, totpStep } from '../../src/console/totp.ts';
import consoleWorker from '../../src/entry/console-worker.ts';
import botWorker from '../../src/entry/worker.ts';
import { openD1Store } from '../../src/store/d1.ts';

const bindings = env as unknown as { DB: D1Database };
const workerEnv = { ...env, PUBLIC_BASE_URL: 'https://bot.example' } as never;
const PASSWORD = 'workerd-console-password-1';

class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  html = '';
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const ctx = createExecutionContext();
    const res = await consoleWorker.fetch(
      new Request(`https://bot.example${path}`, { ...init, headers, redirect: 'manual' }),
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, i));
      else this.cookies.set(pair!.slice(0, i), value);
    }
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      this.html = await res.clone().text();
      const m = /name="_csrf" value="([^"]*)"/.exec(this.html);
      if (m?.[1]) this.csrf = m[1];
    }
    return res;
  }
  post(path: string, fields: Record<string, string>, csrf: string | null = this.csrf) {
    const body = new URLSearchParams(fields);
    if (csrf !== null) body.set('_csrf', csrf);
    return this.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://bot.example',
      },
      body,
    });
  }
}

beforeAll(async () => {
  const store = openD1Store(bindings.DB);
  const clock = { now: () => Date.now() };
  const actor = { id: null, name: 'test' };
  await createStaffAccount(
    { store, clock },
    { email: 'boss@sso.go.th', role: 'supervisor', password: PASSWORD, actor },
  );
  await createStaffAccount(
    { store, clock },
    { email: 'viewer@sso.go.th', role: 'viewer', password: PASSWORD, actor },
  );
});

describe('operator console on workerd + D1', () => {
  it('is not part of the bot Worker (which stays small), and its own Worker starts at /console', async () => {
    const ctx = createExecutionContext();
    const res = await botWorker.fetch(
      new Request('https://bot.example/console/login'),
      workerEnv as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    const b = new Browser();
    const root = await b.request('/');
    expect(root.status).toBe(303);
    expect(new URL(root.headers.get('location')!).pathname).toBe('/console');
    expect((await b.request('/webhook', { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('signs a supervisor in with TOTP enrolment and serves every page', async () => {
    const b = new Browser();
    expect((await b.request('/console')).headers.get('location')).toBe('/console/login');
    await b.request('/console/login');
    const login = await b.post('/console/login', { email: 'boss@sso.go.th', password: PASSWORD });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/console/totp');
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('__Host-sso_console='));
    // NODE_ENV=test is not production: the plain cookie name without Secure.
    expect(
      cookie ?? login.headers.getSetCookie().find((c) => c.startsWith('sso_console=')),
    ).toMatch(/HttpOnly; SameSite=Strict/i);
    await b.request('/console/totp');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(b.html)![1]!;
    const enrolled = await b.post('/console/totp', {
      code: await totpCode(secret, totpStep(Date.now())),
    });
    expect(enrolled.status).toBe(303);
    for (const path of [
      '/console',
      '/console/news',
      '/console/inbox',
      '/console/unanswered',
      '/console/richmenu',
      '/console/staff',
      '/console/audit',
      '/console/account',
    ]) {
      const res = await b.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
    expect((await b.post('/console/logout', {}, null)).status).toBe(403);
    expect((await b.post('/console/logout', {})).status).toBe(303);
    expect((await b.request('/console')).status).toBe(303);
  });

  it('keeps a viewer out of the staff pages and counts failed sign-ins in D1', async () => {
    const b = new Browser();
    await b.request('/console/login');
    expect(
      (await b.post('/console/login', { email: 'viewer@sso.go.th', password: 'wrong-password-1' }))
        .status,
    ).toBe(401);
    expect(
      (await b.post('/console/login', { email: 'viewer@sso.go.th', password: PASSWORD })).status,
    ).toBe(303);
    expect((await b.request('/console/staff')).status).toBe(403);
    const failures = await bindings.DB.prepare(
      "select count(*) as n from link_failures where key like 'console:a:%'",
    ).first<{ n: number }>();
    expect(failures?.n).toBeGreaterThanOrEqual(1);
  });
});
