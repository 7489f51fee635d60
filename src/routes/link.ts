/**
 * GET/POST /link (SPEC §3.2): the account-link page. It accepts only a link token the bot
 * obtained from LINE for a LINE user (stored hashed, 10 minutes, single use); on success a fresh
 * single-use nonce, bound to that LINE user, goes to LINE's accountLink endpoint; the binding
 * happens on the `accountLink` webhook event (src/handlers/account.ts).
 *
 * Documents: a Thai ID card (13-digit ID + laser code), or, for migrant workers, a pink card
 * (13 digits starting 00) or a passport, each with a one-time link code from SSO staff
 * (docs/security.md). Birth date always. A mistyped number or an impossible date is named
 * before any lookup; only the final "does not match" stays vague. Failures are budgeted per
 * token, LINE user, client and document (src/privacy/link-lockout.ts); 429 says Retry-After.
 */
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { bangkokDate } from '../format.ts';
import type { Lang } from '../i18n.ts';
import { createLogLimiter } from '../log.ts';
import { isValidNationalId } from '../nlu/index.ts';
import {
  DOC_TYPES,
  type DocType,
  type LinkPageModel,
  PASSPORT_COUNTRIES,
  PINK_CARD_PREFIX,
  renderLinkPage,
} from '../pages/link-page.ts';
import { attemptKeys, type LockoutRule } from '../privacy/link-lockout.ts';
import {
  createLinkNonce,
  findLinkToken,
  findPersonForDocument,
  linkFailureStats,
  recordLinkFailure,
} from '../store/account-links.ts';
import type { BatchQuery } from '../store/db.ts';
import { verifySecret } from '../store/laser-code.ts';
import { insuredPersons, linkCodes } from '../store/schema.ts';

export const NONCE_TTL_MS = 10 * 60_000;
const lockedOutLog = createLogLimiter({ max: 10, windowMs: 60_000 });
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

function docType(value: unknown): DocType {
  return DOC_TYPES.includes(value as DocType) ? (value as DocType) : 'thai_id';
}

const wellFormedToken = (v: unknown): v is string =>
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

/** Upper case, without spaces or dashes; 6–12 letters and digits (ICAO 9303 allows up to 9 + check). */
export function normalisePassportNumber(value: string): string | undefined {
  const n = value.replace(/[\s\-\u2010-\u2015]/g, '').toUpperCase();
  return /^[A-Z0-9]{6,12}$/.test(n) ? n : undefined;
}

/**
 * The client address for the attempt budget: the header the trusted proxy sets
 * (`CLIENT_IP_HEADER`; of a list, the last entry, the one the proxy added), else the socket
 * address the entry file gives, else `unknown` (one shared budget).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const header = c.get('deps').config.clientIpHeader;
  if (header) {
    const value = c.req.header(header);
    const last = value?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return c.get('socketAddress') ?? 'unknown';
}

function secured(c: Context<AppEnv>): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
}

/** The seconds until every broken budget is whole again (at least 1). */
async function retryAfterSeconds(
  c: Context<AppEnv>,
  rules: readonly LockoutRule[],
  now: number,
): Promise<number | undefined> {
  const store = c.get('deps').store;
  let until = 0;
  for (const r of rules) {
    const stats = await linkFailureStats(store, r.match, now - r.windowMs);
    const value = r.measure === 'count' ? stats.count : stats.distinct;
    if (value >= r.max && stats.oldest !== undefined) {
      until = Math.max(until, stats.oldest + r.windowMs);
    }
  }
  return until === 0 ? undefined : Math.max(1, Math.ceil((until - now) / 1000));
}

export const linkRoutes = new Hono<AppEnv>()
  .get('/link', async (c) => {
    const deps = c.get('deps');
    const lang = pageLang(c, c.req.query('lang'));
    const t = deps.i18n.t(lang);
    const linkToken = c.req.query('linkToken');
    const doc = docType(c.req.query('doc'));
    secured(c);
    if (
      !wellFormedToken(linkToken) ||
      !(await findLinkToken(deps.store, linkToken, deps.clock.now()))
    ) {
      return c.html(
        renderLinkPage({ lang, t, linkToken: '', docType: doc, error: 'invalidToken' }),
        400,
      );
    }
    return c.html(renderLinkPage({ lang, t, linkToken, docType: doc }));
  })
  .post('/link', async (c) => {
    const deps = c.get('deps');
    secured(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const lang = pageLang(c, form.lang);
    const t = deps.i18n.t(lang);
    const doc = docType(form.docType);
    const now = deps.clock.now();
    const linkToken = form.linkToken;
    const token = wellFormedToken(linkToken)
      ? await findLinkToken(deps.store, linkToken, now)
      : undefined;
    if (!token || typeof linkToken !== 'string') {
      deps.log.info('link page: unknown, used or expired link token');
      return c.html(
        renderLinkPage({ lang, t, linkToken: '', docType: doc, error: 'invalidToken' }),
        400,
      );
    }
    const field = (name: string, max: number) =>
      typeof form[name] === 'string' ? (form[name] as string).slice(0, max) : '';
    const rawId = field('nationalId', 40);
    const nationalId = rawId.replace(/[\s-]/g, '');
    const passportNumber = normalisePassportNumber(field('passportNumber', 40));
    const country = PASSPORT_COUNTRIES.find((x) => x === field('country', 8));
    const birthDate = normaliseBirthDate(field('birthDate', 16));
    const secret = doc === 'thai_id' ? field('laserCode', 32) : field('linkCode', 32);
    const values: LinkPageModel['values'] = {
      nationalId: rawId.slice(0, 17),
      ...(birthDate ? { birthDate } : {}),
      ...(doc === 'passport'
        ? { passportNumber: field('passportNumber', 20), country: country ?? '' }
        : {}),
    };
    const page = (model: Partial<LinkPageModel>, status: 200 | 400 | 429) =>
      c.html(renderLinkPage({ lang, t, linkToken, docType: doc, values, ...model }), status);

    // Form errors first: they say nothing about the register and count no failure.
    const today = bangkokDate(now);
    const formError =
      doc === 'passport'
        ? passportNumber === undefined || country === undefined
          ? ('badPassport' as const)
          : undefined
        : !isValidNationalId(nationalId)
          ? ('badId' as const)
          : doc === 'thai_id' && nationalId.startsWith(PINK_CARD_PREFIX)
            ? ('pinkCardOnThaiForm' as const)
            : doc === 'pink_card' && !nationalId.startsWith(PINK_CARD_PREFIX)
              ? ('notPinkCard' as const)
              : undefined;
    const dateError =
      birthDate === undefined || birthDate > today || birthDate < '1900-01-01'
        ? ('badDate' as const)
        : undefined;
    if (formError ?? dateError) return page({ error: formError ?? dateError }, 400);

    const document =
      doc === 'passport' ? `passport:${country}:${passportNumber}` : `nid:${nationalId}`;
    const keys = await attemptKeys(deps.config.auditPseudonymKey, {
      tokenHash: token.tokenHash,
      userId: token.userId,
      client: clientAddress(c),
      document,
    });
    const lockedOut = async () => {
      const seconds = await retryAfterSeconds(c, keys.rules, now);
      if (seconds === undefined) return undefined;
      c.header('Retry-After', String(seconds));
      return page({ error: 'tooMany', retryAfterMinutes: Math.ceil(seconds / 60) }, 429);
    };
    const early = await lockedOut();
    if (early) {
      // Outsiders can cause this line at will: at most a few a minute, then a count.
      lockedOutLog.warn(deps.log, now, 'account link locked out', { reason: 'too many failures' });
      return early;
    }

    const candidate = await findPersonForDocument(
      deps.store,
      doc === 'passport'
        ? { type: 'passport', country: country ?? '', number: passportNumber ?? '' }
        : { type: doc, nationalId },
      now,
    );
    // One verification at the full cost whatever was found (or not), so timing does not tell.
    const check = await verifySecret(secret, candidate?.secretHash);
    const ok = candidate !== undefined && candidate.person.birthDate === birthDate && check.ok;
    if (!candidate || !ok) {
      await recordLinkFailure(deps.store, keys.record, now);
      const late = await lockedOut();
      deps.log.info('account link verification failed', { lockedOut: late !== undefined });
      return late ?? page({ error: 'mismatch' }, 200);
    }

    const extra: BatchQuery[] = [];
    if (candidate.linkCodeId !== undefined) {
      // A link code is single use.
      extra.push(
        deps.store.db
          .update(linkCodes)
          .set({ usedAt: now })
          .where(eq(linkCodes.id, candidate.linkCodeId)),
      );
    } else if (check.rehash) {
      // A laser-code hash from before today's cost is upgraded on the first good verification.
      extra.push(
        deps.store.db
          .update(insuredPersons)
          .set({ laserCodeHash: check.rehash })
          .where(eq(insuredPersons.id, candidate.person.id)),
      );
    }
    const nonce = await createLinkNonce(
      deps.store,
      token,
      candidate.person.id,
      now,
      NONCE_TTL_MS,
      extra,
    );
    const target = new URL(LINE_ACCOUNT_LINK_URL);
    target.searchParams.set('linkToken', linkToken);
    target.searchParams.set('nonce', nonce);
    return c.redirect(target.toString(), 303);
  });
