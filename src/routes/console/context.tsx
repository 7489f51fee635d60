/** @jsxImportSource hono/jsx */
/**
 * What every console page module shares: the environment type (the signed-in staff member on
 * the context), rendering inside the layout, role checks, reading forms, and the staff audit.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../../app.ts';
import { roleAtLeast } from '../../console/auth.ts';
import { Layout, type NavKey, type PageFrame } from '../../console/layout.tsx';
import type { Translate } from '../../i18n.ts';
import type { StaffRole } from '../../store/schema.ts';
import { type StaffAccountRow, writeStaffAudit } from '../../store/staff.ts';

export interface SignedIn {
  readonly account: StaffAccountRow;
  /** SHA-256 of the session id (the row's key). */
  readonly sessionIdHash: string;
  readonly sessionCreatedAt: number;
  /** False while a publisher or supervisor has not enrolled TOTP: only /totp and logout. */
  readonly mfaDone: boolean;
  /** This session's CSRF token (forms: `_csrf`; fetch: `x-csrf-token`). */
  readonly csrf: string;
}

export type ConsoleEnv = {
  Variables: AppEnv['Variables'] & {
    staff: SignedIn;
    consoleLang: 'th' | 'en';
  };
};

export type ConsoleContext = Context<ConsoleEnv>;

export function consoleT(c: ConsoleContext): Translate {
  const lang = c.get('consoleLang') ?? 'th';
  return c.get('deps').i18n.t(lang);
}

/** The page, inside the layout, as a 200 (or `status`) HTML response. */
export function renderPage(
  c: ConsoleContext,
  page: {
    title: string;
    current?: NavKey;
    flash?: PageFrame['flash'];
    scripts?: readonly string[];
    status?: number;
    body: Child;
  },
): Response | Promise<Response> {
  const staff = c.get('staff');
  const frame: PageFrame = {
    t: consoleT(c),
    lang: c.get('consoleLang') ?? 'th',
    staff: staff
      ? { name: staff.account.displayName, email: staff.account.email, role: staff.account.role }
      : undefined,
    csrf: staff?.csrf,
    current: page.current,
    title: page.title,
    flash: page.flash ?? flashFrom(c),
    scripts: page.scripts,
  };
  return c.html(
    `<!doctype html>${(<Layout {...frame}>{page.body}</Layout>).toString()}`,
    (page.status ?? 200) as 200,
  );
}

/** Flash messages travel in the redirect's query (`?ok=key`, `?error=key`): locale keys only. */
function flashFrom(c: ConsoleContext): PageFrame['flash'] {
  const t = consoleT(c);
  const ok = c.req.query('ok');
  const error = c.req.query('error');
  const key = (v: string | undefined) => v !== undefined && /^[a-zA-Z0-9_.]{1,80}$/.test(v);
  if (key(error)) return { kind: 'error', text: t(`console.${error}`) };
  if (key(ok)) return { kind: 'ok', text: t(`console.${ok}`) };
  return undefined;
}

/** 403 page unless the signed-in role is at least `role`. */
export function requireRole(role: StaffRole): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!roleAtLeast(c.get('staff').account.role, role)) return forbidden(c);
    await next();
  };
}

export function can(c: ConsoleContext, role: StaffRole): boolean {
  return roleAtLeast(c.get('staff').account.role, role);
}

export function forbidden(c: ConsoleContext): Response | Promise<Response> {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.errors.title'),
    status: 403,
    flash: { kind: 'error', text: t('console.errors.forbidden') },
    body: (
      <>
        <h1>{t('console.errors.title')}</h1>
        <p>{t('console.errors.forbidden')}</p>
      </>
    ),
  });
}

/** One form field as a trimmed string ('' when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** Every value of a repeated field (checkboxes, multi-selects). */
export function fields(form: Record<string, unknown>, name: string): string[] {
  const v = form[name] ?? form[`${name}[]`];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The parsed form body (parsed once; the CSRF check reads it first). */
export async function form(c: ConsoleContext): Promise<Record<string, unknown>> {
  return (await c.req.parseBody({ all: true })) as Record<string, unknown>;
}

/** Writes one entry of the staff audit trail for the signed-in account. */
export async function auditStaff(
  c: ConsoleContext,
  action: string,
  target?: string | null,
  detail?: Record<string, unknown> | null,
): Promise<void> {
  const deps = c.get('deps');
  const account = c.get('staff').account;
  await writeStaffAudit(deps.store, {
    at: deps.clock.now(),
    actor: { id: account.id, name: account.email },
    action,
    target: target ?? null,
    detail: detail ?? null,
  });
}
