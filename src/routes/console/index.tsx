/** @jsxImportSource hono/jsx */
/**
 * /console: the operator console (C15; SPEC §3.2). Sign-in with personal accounts, sessions in
 * a signed HttpOnly SameSite=Strict cookie (Secure in production; `__Host-` prefixed there)
 * backed by a revocable row, a CSRF token on every state-changing request (403 without), a TOTP
 * second factor for publishers and supervisors, and the pages, each in its own module.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../app.ts';
import { CONSOLE_CSS, CONSOLE_JS } from '../../console/assets.ts';
import { hashPassword, login, needsTotp, nextExpiry, passwordProblem } from '../../console/auth.ts';
import {
  checkCsrfToken,
  csrfToken,
  decryptTotpSecret,
  encryptTotpSecret,
  hashSessionId,
  randomId,
  signSessionCookie,
  verifySessionCookie,
} from '../../console/keys.ts';
import { Csrf, Layout } from '../../console/layout.tsx';
import { newTotpSecret, otpauthUri, verifyTotp } from '../../console/totp.ts';
import { Field } from '../../console/ui.tsx';
import { formatDate } from '../../format.ts';
import { normalisePassword, verifySecret } from '../../store/laser-code.ts';
import {
  countLiveSessions,
  countStaff,
  deleteSession,
  deleteSessionsOf,
  findSession,
  insertSession,
  markSessionMfaDone,
  touchSession,
  updateStaff,
} from '../../store/staff.ts';
import { clientAddress } from '../link.ts';
import { auditStaff, type ConsoleEnv, consoleT, field, form, renderPage } from './context.tsx';
import { dashboardRoutes } from './dashboard.tsx';
import { inboxRoutes } from './inbox.tsx';
import { newsRoutes } from './news.tsx';
import { richmenuRoutes } from './richmenu.tsx';
import { staffRoutes } from './staff.tsx';
import { unansweredRoutes } from './unanswered.tsx';

/** The console's own CSP: its stylesheet and script only, images from anywhere https. */
const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  // Not `no-referrer` (the rest of the app): with it Chromium sends `Origin: null` on a form
  // post, which the cross-site check must refuse. `same-origin` sends nothing to other sites.
  'Referrer-Policy': 'same-origin',
};

const LANG_COOKIE = 'sso_console_lang';
/** Before sign-in: the id the login form's CSRF token is bound to. */
const PRE_COOKIE = 'sso_console_pre';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function production(c: Context<ConsoleEnv>): boolean {
  return c.get('deps').config.nodeEnv === 'production';
}

/** `__Host-` needs Secure, which needs https: production only. */
export function sessionCookieName(isProduction: boolean): string {
  return isProduction ? '__Host-sso_console' : 'sso_console';
}

function cookieOptions(c: Context<ConsoleEnv>) {
  return {
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: production(c),
    path: '/',
  };
}

export const consoleRoutes = new Hono<ConsoleEnv>();

consoleRoutes.use('*', async (c, next) => {
  await next();
  for (const [k, v] of Object.entries(CONSOLE_HEADERS)) c.res.headers.set(k, v);
});

// Language: ?lang= switches and is remembered; else the account's, else Thai.
consoleRoutes.use('*', async (c, next) => {
  const asked = c.req.query('lang');
  if (asked === 'th' || asked === 'en') {
    setCookie(c, LANG_COOKIE, asked, { ...cookieOptions(c), httpOnly: false, maxAge: 31536000 });
    c.set('consoleLang', asked);
  } else {
    const saved = getCookie(c, LANG_COOKIE);
    c.set('consoleLang', saved === 'en' ? 'en' : 'th');
  }
  await next();
});

consoleRoutes.get('/assets/console.css', (c) =>
  c.body(CONSOLE_CSS, 200, {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
  }),
);
consoleRoutes.get('/assets/console.js', (c) =>
  c.body(CONSOLE_JS, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
  }),
);

/**
 * A cross-site request is refused whatever it carries: browsers send Origin on every POST (and
 * Sec-Fetch-Site); either naming another site means a forged form.
 */
function crossSite(c: Context<ConsoleEnv>): boolean {
  // Sec-Fetch-Site is set by the browser itself and cannot be forged by a page: trust it.
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (!origin) return false;
  // An opaque origin (a sandboxed frame, a data: page) is never this console.
  if (origin === 'null') return true;
  const host = c.req.header('host');
  try {
    return new URL(origin).host !== (host ?? new URL(c.req.url).host);
  } catch {
    return true;
  }
}

function csrfFailure(c: Context<ConsoleEnv>) {
  const t = consoleT(c);
  c.get('deps').log.warn('console: request without a valid CSRF token', {
    path: c.req.path,
    method: c.req.method,
  });
  return c.html(
    `<!doctype html>${(
      (
        <Layout t={t} lang={c.get('consoleLang')} title={t('console.errors.title')}>
          <h1>{t('console.errors.title')}</h1>
          <div class="flash error" role="alert">
            {t('console.errors.csrf')}
          </div>
          <p>
            <a href="/console">{t('console.common.back')}</a>
          </p>
        </Layout>
      )
    ).toString()}`,
    403,
  );
}

/** A TOTP code's input: six digits, perhaps typed as "123 456". */
const CODE_INPUT = {
  type: 'text',
  inputmode: 'numeric',
  autocomplete: 'one-time-code',
  maxlength: 7,
} as const;

// ---- sign in / out --------------------------------------------------------------------------

async function loginPage(
  c: Context<ConsoleEnv>,
  opts: { status?: number; error?: string; email?: string; info?: string } = {},
) {
  const t = consoleT(c);
  let pre = getCookie(c, PRE_COOKIE);
  if (!pre || !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
    pre = randomId();
    setCookie(c, PRE_COOKIE, pre, cookieOptions(c));
  }
  const token = await csrfToken(c.get('deps').config.sessionSecret, `pre:${pre}`);
  const firstRun = (await countStaff(c.get('deps').store)) === 0;
  const flash = opts.error
    ? { kind: 'error' as const, text: opts.error }
    : opts.info
      ? { kind: 'info' as const, text: opts.info }
      : undefined;
  return c.html(
    `<!doctype html>${(
      (
        <Layout t={t} lang={c.get('consoleLang')} title={t('console.login.title')} flash={flash}>
          <h1>{t('console.login.title')}</h1>
          {firstRun ? <p class="flash info">{t('console.login.firstRun')}</p> : null}
          <form method="post" action="/console/login" class="stack">
            <Csrf token={token} />
            <Field
              id="email"
              label={t('console.login.email')}
              type="email"
              autocomplete="username"
              required
              value={opts.email ?? ''}
            />
            <Field
              id="password"
              label={t('console.login.password')}
              type="password"
              autocomplete="current-password"
              required
            />
            <Field
              id="totp"
              label={t('console.login.totp')}
              hint={t('console.login.totpHint')}
              {...CODE_INPUT}
              pattern="[0-9 ]{6,7}"
            />
            <div class="actions">
              <button type="submit">{t('console.login.submit')}</button>
            </div>
          </form>
        </Layout>
      )
    ).toString()}`,
    (opts.status ?? 200) as 200,
  );
}

consoleRoutes.get('/login', async (c) => {
  const t = consoleT(c);
  const reason = c.req.query('reason');
  return loginPage(c, {
    info:
      reason === 'signed-out'
        ? t('console.login.signedOut')
        : reason === 'expired'
          ? t('console.login.expired')
          : undefined,
  });
});

consoleRoutes.post('/login', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  if (crossSite(c)) return csrfFailure(c);
  const body = await form(c);
  // A browser posts the form with the token bound to its pre-login cookie. A client without
  // that cookie and without any cross-site sign (a script, the SPEC's own tests) may sign in
  // with the three fields alone: login CSRF needs a victim's browser, which always shows both.
  const pre = getCookie(c, PRE_COOKIE);
  const token = field(body, '_csrf');
  if (pre || token) {
    if (!pre || !(await checkCsrfToken(deps.config.sessionSecret, `pre:${pre}`, token))) {
      return csrfFailure(c);
    }
  }
  const email = field(body, 'email').slice(0, 254);
  const password = typeof body.password === 'string' ? body.password : '';
  const result = await login(deps, {
    email,
    password,
    totp: field(body, 'totp'),
    client: clientAddress(c as unknown as Context<AppEnv>),
  });
  if (!result.ok) {
    if (result.reason === 'locked') {
      c.header('Retry-After', String(result.retryAfterSeconds));
      return loginPage(c, {
        status: 429,
        email,
        error: t('console.login.locked', { minutes: Math.ceil(result.retryAfterSeconds / 60) }),
      });
    }
    return loginPage(c, { status: 401, email, error: t('console.login.invalid') });
  }
  deleteCookie(c, PRE_COOKIE, { path: '/' });
  setCookie(
    c,
    sessionCookieName(production(c)),
    await signSessionCookie(deps.config.sessionSecret, result.sessionId),
    cookieOptions(c),
  );
  if (!c.req.query('lang') && (result.account.lang === 'en' || result.account.lang === 'th')) {
    setCookie(c, LANG_COOKIE, result.account.lang, {
      ...cookieOptions(c),
      httpOnly: false,
      maxAge: 31536000,
    });
  }
  return c.redirect(result.mfaDone ? '/console' : '/console/totp', 303);
});

// ---- the session ----------------------------------------------------------------------------

const session: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const deps = c.get('deps');
  const now = deps.clock.now();
  const cookie = getCookie(c, sessionCookieName(production(c)));
  const id = await verifySessionCookie(deps.config.sessionSecret, cookie);
  const idHash = id ? await hashSessionId(id) : undefined;
  const found = idHash ? await findSession(deps.store, idHash, now) : undefined;
  const valid =
    found &&
    found.account.disabledAt === null &&
    found.session.createdAt >= found.account.sessionsValidAfter &&
    found.session.createdAt + 12 * 3600_000 > now;
  if (!valid || !id || !idHash) {
    if (SAFE_METHODS.has(c.req.method)) {
      return c.redirect(cookie ? '/console/login?reason=expired' : '/console/login', 303);
    }
    // A post without a live session: the token cannot be valid either.
    return csrfFailure(c);
  }
  // Sliding idle expiry, written at most once a minute.
  if (now - found.session.lastSeenAt > 60_000) {
    await touchSession(deps.store, idHash, now, nextExpiry(found.session.createdAt, now));
  }
  c.set('staff', {
    account: found.account,
    sessionIdHash: idHash,
    sessionCreatedAt: found.session.createdAt,
    mfaDone: found.session.mfaDone,
    csrf: await csrfToken(deps.config.sessionSecret, `session:${id}`),
  });
  if (!SAFE_METHODS.has(c.req.method)) {
    if (crossSite(c)) return csrfFailure(c);
    const type = c.req.header('content-type') ?? '';
    let token = c.req.header('x-csrf-token');
    if (
      !token &&
      (type.startsWith('application/x-www-form-urlencoded') ||
        type.startsWith('multipart/form-data'))
    ) {
      token = field(await form(c), '_csrf');
    }
    if (!(await checkCsrfToken(deps.config.sessionSecret, `session:${id}`, token))) {
      return csrfFailure(c);
    }
  }
  // A role that needs a second factor sees only the enrolment page until it is done.
  const path = c.req.path.replace(/\/+$/, '');
  if (!found.session.mfaDone && path !== '/console/totp' && path !== '/console/logout') {
    return c.redirect('/console/totp', 303);
  }
  await next();
};

consoleRoutes.use('*', session);

consoleRoutes.post('/logout', async (c) => {
  const deps = c.get('deps');
  const staff = c.get('staff');
  await deleteSession(deps.store, staff.sessionIdHash);
  await auditStaff(c, 'logout');
  deleteCookie(c, sessionCookieName(production(c)), { path: '/', secure: production(c) });
  return c.redirect('/console/login?reason=signed-out', 303);
});

// ---- TOTP enrolment -------------------------------------------------------------------------

/**
 * The secret is created on the first visit and stored encrypted but not enabled; the code
 * typed from the app turns it on (and satisfies this session's second factor).
 */
consoleRoutes.get('/totp', async (c) => totpPage(c));

async function totpPage(c: Context<ConsoleEnv>, error?: string) {
  const deps = c.get('deps');
  const t = consoleT(c);
  const { account } = c.get('staff');
  if (account.totpEnabledAt !== null) return c.redirect('/console/account', 303);
  let secret = account.totpSecret
    ? await decryptTotpSecret(deps.config.sessionSecret, account.id, account.totpSecret)
    : undefined;
  if (!secret) {
    secret = newTotpSecret();
    await updateStaff(
      deps.store,
      account.id,
      { totpSecret: await encryptTotpSecret(deps.config.sessionSecret, account.id, secret) },
      deps.clock.now(),
    );
  }
  const grouped = secret.replace(/(.{4})/g, '$1 ').trim();
  return renderPage(c, {
    title: t('console.totp.title'),
    current: 'account',
    status: error ? 400 : 200,
    flash: error ? { kind: 'error', text: error } : undefined,
    body: (
      <section>
        <h1>{t('console.totp.title')}</h1>
        {needsTotp(account.role) ? (
          <p>{t('console.totp.why', { role: t(`console.roles.${account.role}`) })}</p>
        ) : null}
        <ol>
          <li>
            <p>{t('console.totp.step1')}</p>
            <p>
              {t('console.totp.key')}:{' '}
              <code id="totp-secret" data-secret={secret}>
                {grouped}
              </code>
            </p>
            <p>
              <a href={otpauthUri(secret, account.email)}>{t('console.totp.link')}</a>
            </p>
          </li>
          <li>
            <form method="post" action="/console/totp" class="stack">
              <Csrf token={c.get('staff').csrf} />
              <Field id="code" label={t('console.totp.step2')} {...CODE_INPUT} required />
              <div class="actions">
                <button type="submit">{t('console.totp.submit')}</button>
              </div>
            </form>
          </li>
        </ol>
      </section>
    ),
  });
}

consoleRoutes.post('/totp', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const staff = c.get('staff');
  const { account } = staff;
  if (account.totpEnabledAt !== null || !account.totpSecret)
    return c.redirect('/console/totp', 303);
  const secret = await decryptTotpSecret(deps.config.sessionSecret, account.id, account.totpSecret);
  const now = deps.clock.now();
  const step = secret
    ? await verifyTotp(secret, field(await form(c), 'code'), now, account.totpLastStep)
    : undefined;
  if (step === undefined) return totpPage(c, t('console.totp.wrong'));
  await updateStaff(deps.store, account.id, { totpEnabledAt: now, totpLastStep: step }, now);
  await markSessionMfaDone(deps.store, staff.sessionIdHash);
  await auditStaff(c, 'totp.enable', `staff:${account.id}`);
  return c.redirect('/console/account?ok=totp.done', 303);
});

// ---- my account -----------------------------------------------------------------------------

consoleRoutes.get('/account', async (c) => {
  const deps = c.get('deps');
  const t = consoleT(c);
  const staff = c.get('staff');
  const { account } = staff;
  const lang = c.get('consoleLang');
  const sessions = await countLiveSessions(deps.store, account.id, deps.clock.now());
  return renderPage(c, {
    title: t('console.account.title'),
    current: 'account',
    body: (
      <section>
        <h1>{t('console.account.title')}</h1>
        <dl>
          <dt>{t('console.account.email')}</dt>
          <dd>{account.email}</dd>
          <dt>{t('console.account.role')}</dt>
          <dd>{t(`console.roles.${account.role}`)}</dd>
        </dl>
        <p>
          {account.totpEnabledAt !== null
            ? t('console.account.totpOn', {
                date: formatDate(
                  lang,
                  new Date(account.totpEnabledAt + 7 * 3600_000).toISOString(),
                ),
              })
            : t('console.account.totpOff')}{' '}
          {account.totpEnabledAt === null ? (
            <a href="/console/totp">{t('console.account.totpSetup')}</a>
          ) : null}
        </p>
        <p>{t('console.account.sessions', { count: sessions })}</p>
        <form method="post" action="/console/account/sign-out-everywhere">
          <Csrf token={staff.csrf} />
          <button type="submit" class="secondary">
            {t('console.account.signOutEverywhere')}
          </button>
        </form>
        <h2>{t('console.account.changePassword')}</h2>
        <form method="post" action="/console/account/password" class="stack">
          <Csrf token={staff.csrf} />
          <Field
            id="current"
            label={t('console.account.currentPassword')}
            type="password"
            autocomplete="current-password"
            required
          />
          <Field
            id="next"
            label={t('console.account.newPassword')}
            type="password"
            autocomplete="new-password"
            minlength={12}
            required
          />
          <div class="actions">
            <button type="submit">{t('console.account.changePassword')}</button>
          </div>
        </form>
      </section>
    ),
  });
});

consoleRoutes.post('/account/sign-out-everywhere', async (c) => {
  const deps = c.get('deps');
  const { account } = c.get('staff');
  const now = deps.clock.now();
  const ended = await deleteSessionsOf(deps.store, account.id);
  await updateStaff(deps.store, account.id, { sessionsValidAfter: now + 1 }, now);
  await auditStaff(c, 'sessions.revoke_all', `staff:${account.id}`, { sessions: ended });
  deleteCookie(c, sessionCookieName(production(c)), { path: '/', secure: production(c) });
  return c.redirect('/console/login?reason=signed-out', 303);
});

consoleRoutes.post('/account/password', async (c) => {
  const deps = c.get('deps');
  const staff = c.get('staff');
  const { account } = staff;
  const body = await form(c);
  const current = typeof body.current === 'string' ? body.current : '';
  const next = typeof body.next === 'string' ? body.next : '';
  const { ok } = await verifySecret(current, account.passwordHash, normalisePassword);
  if (!ok) return c.redirect('/console/account?error=account.wrongPassword', 303);
  const problem = passwordProblem(next, account.email);
  if (problem) return c.redirect(`/console/account?error=${problem.slice('console.'.length)}`, 303);
  const now = deps.clock.now();
  await updateStaff(
    deps.store,
    account.id,
    { passwordHash: await hashPassword(next), sessionsValidAfter: now },
    now,
  );
  // Every session ends; this browser gets a new one at once.
  await deleteSessionsOf(deps.store, account.id);
  const id = randomId();
  await insertSession(deps.store, {
    idHash: await hashSessionId(id),
    staffId: account.id,
    now,
    expiresAt: nextExpiry(now, now),
    mfaDone: true,
  });
  setCookie(
    c,
    sessionCookieName(production(c)),
    await signSessionCookie(deps.config.sessionSecret, id),
    cookieOptions(c),
  );
  await auditStaff(c, 'password.change', `staff:${account.id}`);
  return c.redirect('/console/account?ok=account.passwordChanged', 303);
});

// ---- the pages ------------------------------------------------------------------------------

consoleRoutes.route('/', dashboardRoutes);
consoleRoutes.route('/news', newsRoutes);
consoleRoutes.route('/inbox', inboxRoutes);
consoleRoutes.route('/unanswered', unansweredRoutes);
consoleRoutes.route('/richmenu', richmenuRoutes);
consoleRoutes.route('/', staffRoutes);
