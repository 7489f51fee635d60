/**
 * GET/POST /link (SPEC §3.2): the account-link page. On success a fresh single-use nonce goes to
 * LINE's accountLink endpoint; the binding happens on the `accountLink` webhook event.
 * Failures never say which field was wrong; 5 failures per link token or per national ID within
 * 15 minutes answer 429.
 */
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { bangkokDate } from '../format.ts';
import type { Lang } from '../i18n.ts';
import { isValidNationalId } from '../nlu/index.ts';
import { renderLinkPage } from '../pages/link-page.ts';
import {
  countLinkFailures,
  createLinkNonce,
  getPersonByNationalId,
  recordLinkFailure,
  sha256Base64Url,
} from '../store/account-links.ts';
import { DUMMY_LASER_HASH, verifyLaserCode } from '../store/laser-code.ts';

export const LINK_FAILURE_LIMIT = 5;
export const LINK_FAILURE_WINDOW_MS = 15 * 60_000;
export const NONCE_TTL_MS = 10 * 60_000;
export const LINE_ACCOUNT_LINK_URL = 'https://access.line.me/dialog/bot/accountLink';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https://access.line.me; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  // Browsers only honour it over HTTPS (production), so a local http page is unaffected.
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

function pageLang(c: Context<AppEnv>, value: unknown): Lang {
  return c.get('deps').i18n.spoken(typeof value === 'string' ? value : undefined) ?? 'th';
}

const validToken = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9_-]{1,256}$/.test(v);

/** `YYYY-MM-DD`, also accepting a Buddhist-era year (≥ 2400), as typed on Thai documents. */
export function normaliseBirthDate(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  let year = Number(m[1]);
  if (year >= 2400) year -= 543;
  const iso = `${String(year).padStart(4, '0')}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

export const linkRoutes = new Hono<AppEnv>()
  .get('/link', (c) => {
    const lang = pageLang(c, c.req.query('lang'));
    const t = c.get('deps').i18n.t(lang);
    const linkToken = c.req.query('linkToken');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    if (!validToken(linkToken)) {
      return c.html(renderLinkPage({ lang, t, linkToken: '', error: 'invalidToken' }), 400);
    }
    return c.html(renderLinkPage({ lang, t, linkToken }));
  })
  .post('/link', async (c) => {
    const deps = c.get('deps');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const lang = pageLang(c, form.lang);
    const t = deps.i18n.t(lang);
    const linkToken = form.linkToken;
    if (!validToken(linkToken)) {
      return c.html(renderLinkPage({ lang, t, linkToken: '', error: 'invalidToken' }), 400);
    }
    const rawId = typeof form.nationalId === 'string' ? form.nationalId : '';
    const nationalId = rawId.replace(/[\s-]/g, '');
    const birthDate = normaliseBirthDate(typeof form.birthDate === 'string' ? form.birthDate : '');
    const laserCode = typeof form.laserCode === 'string' ? form.laserCode.slice(0, 32) : '';

    const now = deps.clock.now();
    // A mistyped ID (checksum) or an impossible date is named before any lookup: it says
    // nothing about the register. Only the final "does not match" stays vague.
    const today = bangkokDate(now);
    const formError = !isValidNationalId(nationalId)
      ? ('badId' as const)
      : birthDate === undefined || birthDate > today || birthDate < '1900-01-01'
        ? ('badDate' as const)
        : undefined;
    if (formError) {
      return c.html(
        renderLinkPage({
          lang,
          t,
          linkToken,
          error: formError,
          values: { nationalId: rawId.slice(0, 17), ...(birthDate ? { birthDate } : {}) },
        }),
        400,
      );
    }
    const since = now - LINK_FAILURE_WINDOW_MS;
    const tokenKey = `token:${await sha256Base64Url(linkToken)}`;
    // From here the ID is well-formed and the date possible.
    const idKey = `nid:${await sha256Base64Url(nationalId)}`;
    const locked = async () =>
      (await countLinkFailures(deps.store, tokenKey, since)) >= LINK_FAILURE_LIMIT ||
      (await countLinkFailures(deps.store, idKey, since)) >= LINK_FAILURE_LIMIT;

    if (await locked()) {
      deps.log.warn('account link locked out', { reason: 'too many failures' });
      return c.html(renderLinkPage({ lang, t, linkToken, error: 'tooMany' }), 429);
    }

    const person = await getPersonByNationalId(deps.store, nationalId);
    // Verify against a dummy hash when there is no such person, so timing does not tell.
    const laserOk = await verifyLaserCode(laserCode, person?.laserCodeHash ?? DUMMY_LASER_HASH);
    const ok = person !== undefined && person.birthDate === birthDate && laserOk;

    if (!person || !ok) {
      await recordLinkFailure(deps.store, [tokenKey, idKey], now);
      const tooMany = await locked();
      deps.log.info('account link verification failed', { lockedOut: tooMany });
      return c.html(
        renderLinkPage({
          lang,
          t,
          linkToken,
          error: tooMany ? 'tooMany' : 'mismatch',
          values: { nationalId: rawId.slice(0, 17), ...(birthDate ? { birthDate } : {}) },
        }),
        tooMany ? 429 : 200,
      );
    }

    const nonce = await createLinkNonce(deps.store, person.id, now, NONCE_TTL_MS);
    const target = new URL(LINE_ACCOUNT_LINK_URL);
    target.searchParams.set('linkToken', linkToken);
    target.searchParams.set('nonce', nonce);
    return c.redirect(target.toString(), 303);
  });
