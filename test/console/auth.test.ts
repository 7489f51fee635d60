/**
 * Operator console sign-in (SPEC §3.2 /console, C15): accounts, sessions, CSRF, TOTP, lock-out,
 * roles, sign-out everywhere, and the staff audit trail — over HTTP with a real SQLite database.
 */
import { describe, expect, it } from 'vitest';
import { keyedHash } from '../../src/privacy/keyed-hash.ts';
import { listStaffAudit } from '../../src/store/staff.ts';
import {
  addStaff,
  ConsoleClient,
  currentTotp,
  loginWithEnrolment,
  STAFF_PASSWORD,
  useConsoleApp,
} from './helpers.ts';

const env = useConsoleApp();

describe('operator console sign-in', () => {
  it('sends a visitor who is not signed in to the login page', async () => {
    const res = await env.app.app.request('/console');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    const page = await env.app.app.request('/console/login');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="th"');
    expect(html).toMatch(/<label for="email">/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('signs a viewer in with e-mail and password: HttpOnly SameSite=Strict cookie, then the dashboard', async () => {
    await addStaff(env.app, 'viewer1@sso.go.th', 'viewer');
    const client = new ConsoleClient(env.app);
    const res = await client.login('Viewer1@SSO.go.th', STAFF_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sso_console='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // test mode is not production
    const home = await client.get('/console');
    expect(home.status).toBe(200);
    expect(client.lastHtml).toContain('viewer1');
  });

  it('answers a wrong password with 401 and the login page, never saying which field was wrong', async () => {
    await addStaff(env.app, 'viewer2@sso.go.th', 'viewer');
    const client = new ConsoleClient(env.app);
    const wrong = await client.login('viewer2@sso.go.th', 'not-the-password-at-all');
    const unknown = await client.login('nobody@sso.go.th', STAFF_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.text();
    const b = await unknown.text();
    expect(a).toContain('อีเมล รหัสผ่าน หรือรหัส 6 หลักไม่ถูกต้อง');
    expect(b).toContain('อีเมล รหัสผ่าน หรือรหัส 6 หลักไม่ถูกต้อง');
  });

  it('locks an account after 5 failures in 15 minutes (429 with Retry-After), even for the right password', async () => {
    await addStaff(env.app, 'viewer3@sso.go.th', 'viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Each attempt from another address: the account's own budget locks it.
      const client = new ConsoleClient(env.app);
      const res = await client.login('viewer3@sso.go.th', `wrong-password-${i}-xyz`);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const right = await new ConsoleClient(env.app).login('viewer3@sso.go.th', STAFF_PASSWORD);
    expect(right.status).toBe(429);
    const retry = Number(right.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    // The counter keys are keyed hashes: the e-mail is not in the table.
    const rows = env.app.store.sqlite.prepare('select key from link_failures').all() as {
      key: string;
    }[];
    expect(rows.some((r) => r.key.includes('viewer3'))).toBe(false);
    const expected = await keyedHash(
      env.app.config.sessionSecret,
      'console-login-account',
      'viewer3@sso.go.th',
    );
    expect(rows.filter((r) => r.key === `console:a:${expected}`).length).toBe(5);
  });

  it('refuses every state-changing request without a valid CSRF token (403), and a cross-site login', async () => {
    await addStaff(env.app, 'viewer4@sso.go.th', 'viewer');
    const client = new ConsoleClient(env.app);
    expect((await client.login('viewer4@sso.go.th', STAFF_PASSWORD)).status).toBe(303);
    await client.get('/console/account');
    const noToken = await client.post('/console/logout', {}, { csrf: null });
    expect(noToken.status).toBe(403);
    const badToken = await client.post('/console/logout', {}, { csrf: 'forged' });
    expect(badToken.status).toBe(403);
    const crossSite = await client.post(
      '/console/logout',
      {},
      { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    );
    expect(crossSite.status).toBe(403);
    // Still signed in: none of them did anything.
    expect((await client.get('/console/account')).status).toBe(200);
    const ok = await client.post('/console/logout', {});
    expect(ok.status).toBe(303);
    expect((await client.get('/console')).headers.get('location')).toMatch(/^\/console\/login/);

    const forged = await new ConsoleClient(env.app).post(
      '/console/login',
      { email: 'viewer4@sso.go.th', password: STAFF_PASSWORD },
      { csrf: null, headers: { origin: 'https://evil.example' } },
    );
    expect(forged.status).toBe(403);
  });

  it('makes a supervisor enrol TOTP before anything else, then asks for the code at every sign-in', async () => {
    await addStaff(env.app, 'boss@sso.go.th', 'supervisor');
    const client = new ConsoleClient(env.app);
    const first = await client.login('boss@sso.go.th', STAFF_PASSWORD);
    expect(first.headers.get('location')).toBe('/console/totp');
    // Until enrolled, every page leads back to the enrolment.
    const blocked = await client.get('/console/news');
    expect(blocked.status).toBe(303);
    expect(blocked.headers.get('location')).toBe('/console/totp');
    await client.get('/console/totp');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(client.lastHtml)![1]!;
    expect((await client.post('/console/totp', { code: '000000' })).status).toBe(400);
    const done = await client.post('/console/totp', { code: await currentTotp(secret) });
    expect(done.status).toBe(303);
    expect((await client.get('/console/news')).status).toBe(200);
    // The TOTP secret is stored encrypted.
    const stored = env.app.store.sqlite
      .prepare("select totp_secret from staff_accounts where email = 'boss@sso.go.th'")
      .get() as { totp_secret: string };
    expect(stored.totp_secret).toMatch(/^v1\./);
    expect(stored.totp_secret).not.toContain(secret);

    const next = new ConsoleClient(env.app);
    expect((await next.login('boss@sso.go.th', STAFF_PASSWORD)).status).toBe(401);
    // The code used for the enrolment is not accepted again (replay).
    expect(
      (await next.login('boss@sso.go.th', STAFF_PASSWORD, await currentTotp(secret))).status,
    ).toBe(401);
    const later = await currentTotp(secret, Date.now() + 30_000);
    const ok = await next.login('boss@sso.go.th', STAFF_PASSWORD, later);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console');
  });

  it('locks a client out after 5 failures in 15 minutes, whichever accounts it tries', async () => {
    const client = new ConsoleClient(env.app);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await client.login(`guess${i}@sso.go.th`, 'wrong-password-xyz')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Another client is not affected.
    await addStaff(env.app, 'viewer6@sso.go.th', 'viewer');
    expect(
      (await new ConsoleClient(env.app).login('viewer6@sso.go.th', STAFF_PASSWORD)).status,
    ).toBe(303);
  });

  it('keeps a viewer out of supervisor pages (403)', async () => {
    await addStaff(env.app, 'viewer5@sso.go.th', 'viewer');
    const client = new ConsoleClient(env.app);
    await client.login('viewer5@sso.go.th', STAFF_PASSWORD);
    expect((await client.get('/console/staff')).status).toBe(403);
    expect(client.lastHtml).not.toContain('href="/console/staff"');
  });

  it('signs out everywhere: every session of the account ends', async () => {
    await addStaff(env.app, 'editor1@sso.go.th', 'editor');
    const phone = new ConsoleClient(env.app);
    const desk = new ConsoleClient(env.app);
    await phone.login('editor1@sso.go.th', STAFF_PASSWORD);
    await desk.login('editor1@sso.go.th', STAFF_PASSWORD);
    expect((await phone.get('/console/account')).status).toBe(200);
    expect(phone.lastHtml).toMatch(/2/);
    const res = await phone.post('/console/account/sign-out-everywhere', {});
    expect(res.status).toBe(303);
    expect((await desk.get('/console')).headers.get('location')).toBe(
      '/console/login?reason=expired',
    );
    expect((await phone.get('/console')).status).toBe(303);
  });

  it('writes every sign-in, failure, enrolment and sign-out to the staff audit trail', async () => {
    await addStaff(env.app, 'pub@sso.go.th', 'publisher');
    const client = new ConsoleClient(env.app);
    await client.login('pub@sso.go.th', 'wrong-wrong-wrong-1');
    await loginWithEnrolment(client, 'pub@sso.go.th');
    await client.get('/console/account');
    await client.post('/console/logout', {});
    const trail = await listStaffAudit(env.app.store, {});
    const mine = trail.filter((r) => r.actor === 'pub@sso.go.th').map((r) => r.action);
    expect(mine.reverse()).toEqual(['login.failed', 'login', 'totp.enable', 'logout']);
    expect(
      trail.find((r) => r.target?.startsWith('staff:') && r.action === 'staff.create'),
    ).toBeTruthy();
  });

  it('switches the console to English and back', async () => {
    const en = await env.app.app.request('/console/login?lang=en');
    expect(await en.text()).toContain('Sign in to the staff console');
  });
});
