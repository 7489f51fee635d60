/**
 * A tiny browser over `app.request` for console tests: keeps cookies, reads the CSRF token of
 * the last page (hidden `_csrf` field or the csrf-token meta), follows nothing by itself.
 */

import { afterAll, beforeAll } from 'vitest';
import { createStaffAccount, needsTotp } from '../../src/console/auth.ts';
import { totpCode, totpStep } from '../../src/console/totp.ts';
import type { StaffRole } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { userId } from '../news/helpers.ts';

let nextClient = 1;

/**
 * A LINE mock and a test app for console tests: the client address comes from
 * `x-forwarded-for` (as behind the production proxy), so each ConsoleClient is its own client
 * for the sign-in lock-out.
 */
export function useConsoleApp(env: Record<string, string> = {}): {
  readonly app: TestApp;
  readonly mock: LineMock;
} {
  const box = {} as { app: TestApp; mock: LineMock };
  beforeAll(async () => {
    box.mock = await startLineMock();
    box.app = await createTestApp({
      lineApiBaseUrl: box.mock.url,
      env: { CLIENT_IP_HEADER: 'x-forwarded-for', ...env },
    });
  });
  afterAll(async () => {
    await box.app?.dispose();
    await box.mock?.close();
  });
  return box;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token from the last HTML page. */
  csrf = '';
  lastHtml = '';

  /** This client's address (sent as x-forwarded-for). */
  readonly ip: string;

  constructor(
    private readonly app: Pick<TestApp, 'app'>,
    private readonly origin = 'http://localhost',
    ip?: string,
  ) {
    const n = nextClient++;
    this.ip = ip ?? `198.51.${(n >> 8) & 255}.${n & 255}`;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim())) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async read(res: Response): Promise<Response> {
    this.keep(res);
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      this.lastHtml = await res.clone().text();
      const m =
        /name="_csrf" value="([^"]*)"/.exec(this.lastHtml) ??
        /name="csrf-token" content="([^"]*)"/.exec(this.lastHtml);
      if (m?.[1]) this.csrf = m[1];
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.read(
      await this.app.app.request(`${this.origin}${path}`, {
        headers: { cookie: this.cookieHeader(), 'x-forwarded-for': this.ip, ...headers },
      }),
    );
  }

  /** A form post; `_csrf` is added from the last page unless `csrf: null`. */
  async post(
    path: string,
    fields: Record<string, string | string[]>,
    opts: { csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) {
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    }
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null && !('_csrf' in fields)) body.set('_csrf', token);
    return this.read(
      await this.app.app.request(`${this.origin}${path}`, {
        method: 'POST',
        headers: {
          cookie: this.cookieHeader(),
          'x-forwarded-for': this.ip,
          'content-type': 'application/x-www-form-urlencoded',
          origin: this.origin,
          ...opts.headers,
        },
        body,
      }),
    );
  }

  /** GET the login page, then post the credentials; returns the POST's response. */
  async login(email: string, password: string, totp?: string): Promise<Response> {
    await this.get('/console/login');
    return this.post('/console/login', { email, password, ...(totp ? { totp } : {}) });
  }
}

export const STAFF_PASSWORD = 'Tr0ub4dor&3-horse-staple';

export async function addStaff(
  app: Pick<TestApp, 'deps'>,
  email: string,
  role: StaffRole,
  password = STAFF_PASSWORD,
) {
  return createStaffAccount(app.deps, {
    email,
    role,
    password,
    actor: { id: null, name: 'test' },
  });
}

/**
 * A new account of `role` (password STAFF_PASSWORD) and a client signed in as it, through the
 * TOTP enrolment for the roles that need one (publisher, supervisor).
 */
export async function signedIn(
  app: Pick<TestApp, 'app' | 'deps'>,
  email: string,
  role: StaffRole,
): Promise<{ client: ConsoleClient; id: number }> {
  const { id } = await addStaff(app, email, role);
  const client = new ConsoleClient(app);
  if (needsTotp(role)) await loginWithEnrolment(client, email);
  else {
    const res = await client.login(email, STAFF_PASSWORD);
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  }
  return { client, id };
}

/** The current TOTP code for a secret (from the enrolment page's data-secret). */
export async function currentTotp(secret: string, nowMs = Date.now()): Promise<string> {
  return totpCode(secret, totpStep(nowMs));
}

/** Signs a supervisor/publisher in for the first time: password, TOTP enrolment; returns the secret. */
export async function loginWithEnrolment(
  client: ConsoleClient,
  email: string,
  password = STAFF_PASSWORD,
): Promise<string> {
  const res = await client.login(email, password);
  if (res.status !== 303 || res.headers.get('location') !== '/console/totp') {
    throw new Error(
      `expected enrolment redirect, got ${res.status} ${res.headers.get('location')}`,
    );
  }
  await client.get('/console/totp');
  const secret = /data-secret="([A-Z2-7]+)"/.exec(client.lastHtml)?.[1];
  if (!secret) throw new Error('no TOTP secret on the enrolment page');
  const done = await client.post('/console/totp', { code: await currentTotp(secret) });
  if (done.status !== 303) throw new Error(`enrolment failed: ${done.status}`);
  return secret;
}

let nextNationalId = 1_000_000;

/**
 * `n` LINE users (ids `userId(prefix, i)`); with a section, each linked to an insured person in
 * that section and province.
 */
export function seedUsers(
  app: Pick<TestApp, 'store'>,
  prefix: string,
  n: number,
  opts: {
    section?: number;
    province?: string;
    status?: 'active' | 'inactive';
    optOut?: boolean;
    language?: string;
  } = {},
): string[] {
  const db = app.store.sqlite;
  const ids = Array.from({ length: n }, (_, i) => userId(prefix, i));
  const now = Date.now();
  const user = db.prepare(
    `insert into line_users (user_id, status, news_opt_out, profile_language, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?)`,
  );
  const person = db.prepare(
    `insert into insured_persons (national_id, first_name_th, last_name_th, birth_date, section, province_code, laser_code_hash, updated_at)
     values (?, 'ทดสอบ', 'ระบบ', '1990-01-01', ?, ?, 'none', ?)`,
  );
  const link = db.prepare(
    'insert into account_links (user_id, person_id, linked_at) values (?, ?, ?)',
  );
  db.transaction(() => {
    for (const id of ids) {
      user.run(id, opts.status ?? 'active', opts.optOut ? 1 : 0, opts.language ?? null, now, now);
      if (opts.section !== undefined) {
        const nid = String(1_100_000_000_000 + nextNationalId++);
        const row = person.run(nid, opts.section, opts.province ?? null, now);
        link.run(id, Number(row.lastInsertRowid), now);
      }
    }
  })();
  return ids;
}
