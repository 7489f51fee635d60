/**
 * The supervisor's staff and audit pages (C15 "audit who did what"): adding an account (the
 * generated password shown once works for a sign-in), changing its role, disabling it (its
 * session ends), resetting its TOTP, no self lock-out, 403 for everyone else, the audit trail
 * with filters, paging and a CSV export — over HTTP with SQLite. The CLI shares the semantics.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as staffCli } from '../../src/cli/staff.ts';
import { findStaffByEmail, listStaffAudit, writeStaffAudit } from '../../src/store/staff.ts';
import {
  addStaff,
  ConsoleClient,
  loginWithEnrolment,
  STAFF_PASSWORD,
  signedIn,
  useConsoleApp,
} from './helpers.ts';

const env = useConsoleApp();
let boss: ConsoleClient;
const BOSS = 'boss@sso.go.th';

beforeAll(async () => {
  boss = (await signedIn(env.app, BOSS, 'supervisor')).client;
});

async function account(email: string) {
  return (await findStaffByEmail(env.app.store, email))!;
}

describe('console staff page', () => {
  let password = '';
  let editorId = 0;
  const EDITOR = 'new.editor@sso.go.th';

  it('lists the accounts with role, TOTP, state and last sign-in', async () => {
    const res = await boss.get('/console/staff');
    expect(res.status).toBe(200);
    const row = /<tr data-staff="boss@sso.go.th">([\s\S]*?)<\/tr>/.exec(boss.lastHtml)?.[1] ?? '';
    expect(row).toContain('หัวหน้างาน');
    expect(row).toContain('<span class="badge ok">เปิดใช้</span>'); // TOTP on
    expect(row).toContain('ใช้งานได้');
    expect(row).toMatch(/25\d\d \d\d:\d\d/); // signed in just now, Buddhist era
    expect(boss.lastHtml).toMatch(/<label for="add-email">/);
  });

  it('adds an editor; the generated password is shown once and works for a sign-in', async () => {
    await boss.get('/console/staff');
    const res = await boss.post('/console/staff', {
      email: 'New.Editor@sso.go.th',
      name: 'Somchai',
      role: 'editor',
      lang: 'en',
    });
    expect(res.status).toBe(201);
    password = /data-password="([^"]+)"/.exec(boss.lastHtml)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    const row = await account(EDITOR);
    editorId = row.id;
    expect(row.role).toBe('editor');
    expect(row.displayName).toBe('Somchai');
    expect(row.lang).toBe('en');
    expect(row.passwordHash).not.toContain(password);
    // Never again: not on the list, not in the audit.
    await boss.get('/console/staff');
    expect(boss.lastHtml).not.toContain(password);
    expect(boss.lastHtml).toContain(EDITOR);
    const trail = await listStaffAudit(env.app.store, { action: 'staff.create' });
    expect(JSON.stringify(trail)).not.toContain(password);
    expect(trail.find((r) => r.target === `staff:${editorId}`)?.actor).toBe(BOSS);

    const editor = new ConsoleClient(env.app);
    const login = await editor.login(EDITOR, password);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/console');
  });

  it('refuses a bad or duplicate e-mail with the form again (400)', async () => {
    await boss.get('/console/staff');
    const bad = await boss.post('/console/staff', { email: 'not-an-email', role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(boss.lastHtml).toContain('อีเมลไม่ถูกต้อง');
    const dup = await boss.post('/console/staff', { email: EDITOR, role: 'viewer' });
    expect(dup.status).toBe(400);
    expect(boss.lastHtml).toContain('มีบัญชีที่ใช้อีเมลนี้แล้ว');
    expect(boss.lastHtml).toContain(`value="${EDITOR}"`);
  });

  it('keeps non-supervisors out (403), pages and posts alike', async () => {
    const editor = new ConsoleClient(env.app);
    await editor.login(EDITOR, password);
    await editor.get('/console');
    for (const path of ['/console/staff', `/console/staff/${editorId}`, '/console/audit']) {
      expect((await editor.get(path)).status, path).toBe(403);
    }
    expect((await editor.get('/console/audit.csv')).status).toBe(403);
    await editor.get('/console');
    expect(
      (await editor.post('/console/staff', { email: 'x@sso.go.th', role: 'viewer' })).status,
    ).toBe(403);
    expect(
      (await editor.post(`/console/staff/${editorId}/role`, { role: 'supervisor' })).status,
    ).toBe(403);
    expect((await account(EDITOR)).role).toBe('editor');
    expect(await findStaffByEmail(env.app.store, 'x@sso.go.th')).toBeUndefined();
  });

  it('disables an account (its session ends, it cannot sign in) and enables it again', async () => {
    const editor = new ConsoleClient(env.app);
    expect((await editor.login(EDITOR, password)).status).toBe(303);
    expect((await editor.get('/console')).status).toBe(200);

    await boss.get(`/console/staff/${editorId}`);
    expect(boss.lastHtml).toMatch(/data-confirm="[^"]*new.editor@sso.go.th/);
    const res = await boss.post(`/console/staff/${editorId}/disable`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/staff/${editorId}?ok=staff.done.disable`);
    await boss.get(res.headers.get('location')!);
    expect(boss.lastHtml).toContain('ระงับบัญชีแล้ว');
    expect(boss.lastHtml).toContain('<span class="badge bad">ระงับแล้ว</span>');

    const after = await editor.get('/console');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/login?reason=expired');
    expect((await new ConsoleClient(env.app).login(EDITOR, password)).status).toBe(401);

    expect((await boss.post(`/console/staff/${editorId}/enable`, {})).status).toBe(303);
    expect((await account(EDITOR)).disabledAt).toBeNull();
    expect((await new ConsoleClient(env.app).login(EDITOR, password)).status).toBe(303);
  });

  it('changes a role (signing the account out) and resets TOTP (enrolment again)', async () => {
    const editor = new ConsoleClient(env.app);
    await editor.login(EDITOR, password);
    await boss.get(`/console/staff/${editorId}`);
    const res = await boss.post(`/console/staff/${editorId}/role`, { role: 'publisher' });
    expect(res.headers.get('location')).toBe(`/console/staff/${editorId}?ok=staff.done.role`);
    expect((await account(EDITOR)).role).toBe('publisher');
    expect((await editor.get('/console')).status).toBe(303);

    // A publisher enrols TOTP at the next sign-in; then the supervisor resets it.
    const pub = new ConsoleClient(env.app);
    await loginWithEnrolment(pub, EDITOR, password);
    expect((await account(EDITOR)).totpEnabledAt).not.toBeNull();
    await boss.get(`/console/staff/${editorId}`);
    expect(
      (await boss.post(`/console/staff/${editorId}/reset-totp`, {})).headers.get('location'),
    ).toBe(`/console/staff/${editorId}?ok=staff.done.reset_totp`);
    const row = await account(EDITOR);
    expect(row.totpEnabledAt).toBeNull();
    expect(row.totpSecret).toBeNull();
    expect((await pub.get('/console')).status).toBe(303);
    const again = await new ConsoleClient(env.app).login(EDITOR, password);
    expect(again.headers.get('location')).toBe('/console/totp');
  });

  it('signs an account out everywhere', async () => {
    const viewer = new ConsoleClient(env.app);
    const v = await addStaff(env.app, 'watcher@sso.go.th', 'viewer');
    await viewer.login('watcher@sso.go.th', STAFF_PASSWORD);
    expect((await viewer.get('/console')).status).toBe(200);
    await boss.get(`/console/staff/${v.id}`);
    expect((await boss.post(`/console/staff/${v.id}/sign-out`, {})).status).toBe(303);
    expect((await viewer.get('/console')).status).toBe(303);
  });

  it('does not let a supervisor disable or demote themself', async () => {
    const me = await account(BOSS);
    await boss.get(`/console/staff/${me.id}`);
    expect(boss.lastHtml).toContain('นี่คือบัญชีของคุณเอง');
    const disable = await boss.post(`/console/staff/${me.id}/disable`, {});
    expect(disable.headers.get('location')).toBe(
      `/console/staff/${me.id}?error=staff.errors.selfDisable`,
    );
    const demote = await boss.post(`/console/staff/${me.id}/role`, { role: 'viewer' });
    expect(demote.headers.get('location')).toBe(
      `/console/staff/${me.id}?error=staff.errors.selfDemote`,
    );
    const after = await account(BOSS);
    expect(after.role).toBe('supervisor');
    expect(after.disabledAt).toBeNull();
    expect((await boss.get('/console/staff')).status).toBe(200);
  });

  it('answers 404 for an unknown account or action', async () => {
    expect((await boss.get('/console/staff/99999')).status).toBe(404);
    await boss.get('/console/staff');
    expect((await boss.post(`/console/staff/${editorId}/explode`, {})).status).toBe(404);
  });
});

describe('console audit page', () => {
  it('lists the staff actions newest first, with the account and action filters', async () => {
    const res = await boss.get('/console/audit');
    expect(res.status).toBe(200);
    const actions = [...boss.lastHtml.matchAll(/<td><code>([a-z_.]+)<\/code><\/td>/g)].map(
      (m) => m[1],
    );
    for (const a of ['staff.create', 'staff.disable', 'staff.enable', 'staff.role', 'totp.reset']) {
      expect(actions, a).toContain(a);
    }
    // Newest first: the sign-out of "watcher" came after the role change.
    expect(actions.indexOf('sessions.revoke_all')).toBeLessThan(actions.indexOf('staff.role'));
    expect(boss.lastHtml).toMatch(/<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00">/);

    await boss.get('/console/audit?action=staff.role');
    const only = [...boss.lastHtml.matchAll(/<td><code>([a-z_.]+)<\/code><\/td>/g)].map(
      (m) => m[1],
    );
    expect(only.length).toBeGreaterThan(0);
    expect(new Set(only)).toEqual(new Set(['staff.role']));
    expect(boss.lastHtml).toContain(
      '{&quot;from&quot;:&quot;editor&quot;,&quot;to&quot;:&quot;publisher&quot;}',
    );

    const editor = await account('new.editor@sso.go.th');
    await boss.get(`/console/audit?staff=${editor.id}`);
    const actors = [
      ...boss.lastHtml.matchAll(/<tr data-audit="\d+"><td>[\s\S]*?<\/td><td>([^<]+)<\/td>/g),
    ].map((m) => m[1]);
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set(['new.editor@sso.go.th']));
  });

  it('pages with before=<id>', async () => {
    const now = Date.now();
    for (let i = 0; i < 60; i++) {
      await writeStaffAudit(env.app.store, {
        at: now + i,
        actor: { id: null, name: 'cli' },
        action: 'test.bulk',
        target: `n:${i}`,
      });
    }
    await boss.get('/console/audit?action=test.bulk');
    const first = [...boss.lastHtml.matchAll(/<code>n:(\d+)<\/code>/g)].map((m) => Number(m[1]));
    expect(first).toHaveLength(50);
    expect(first[0]).toBe(59);
    const older = /<a href="(\/console\/audit\?[^"]*before=\d+)" rel="next">/.exec(
      boss.lastHtml,
    )?.[1];
    expect(older).toBeTruthy();
    await boss.get(older!.replaceAll('&amp;', '&'));
    const second = [...boss.lastHtml.matchAll(/<code>n:(\d+)<\/code>/g)].map((m) => Number(m[1]));
    expect(second).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(boss.lastHtml).not.toContain('rel="next"');
  });

  it('exports the trail as CSV (header, rows, filters) and audits the export', async () => {
    const res = await boss.get('/console/audit.csv?action=test.bulk');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="staff-audit-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const text = (await res.text()).replace(/^\uFEFF/, '');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,staff_id,action,target,detail');
    expect(lines).toHaveLength(61);
    expect(lines[1]).toMatch(
      /^"\d+","\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00","cli",,"test.bulk","n:59",$/,
    );
    const trail = await listStaffAudit(env.app.store, { action: 'audit.export' });
    expect(trail[0]?.actor).toBe(BOSS);
    expect(JSON.parse(trail[0]!.detail!)).toEqual({ rows: 60, action: 'test.bulk' });

    const all = await (await boss.get('/console/audit.csv')).text();
    expect(all).toContain('"staff.create"');
  });
});

describe('staff CLI', () => {
  const saved = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  it('uses the same account changes, audited with actor cli', async () => {
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_PATH: env.app.config.databasePath,
      LINE_CHANNEL_SECRET: 'test-channel-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'dev-access-token',
      AUDIT_PSEUDONYM_KEY: 'test-audit-pseudonym-key',
      SESSION_SECRET: 'test-session-secret-of-at-least-32-chars',
    });
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const watcher = await account('watcher@sso.go.th');
    expect(await staffCli(['role', 'watcher@sso.go.th', 'editor'])).toBe(0);
    expect(out.join('')).toContain('watcher@sso.go.th: viewer → editor (signed out)');
    expect((await account('watcher@sso.go.th')).role).toBe('editor');
    expect(await staffCli(['disable', 'watcher@sso.go.th'])).toBe(0);
    expect((await account('watcher@sso.go.th')).disabledAt).not.toBeNull();
    expect(await staffCli(['role', 'watcher@sso.go.th', 'king'])).toBe(1);
    const trail = await listStaffAudit(env.app.store, { action: 'staff.role' });
    expect(trail[0]).toMatchObject({ actor: 'cli', staffId: null, target: `staff:${watcher.id}` });
  });
});
