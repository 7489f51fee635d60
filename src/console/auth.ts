/**
 * Operator-console sign-in policy (C15; SPEC §3.2 `POST /console/login`): personal accounts with
 * roles, passwords at PBKDF2-SHA-256 600,000 iterations (OWASP's 2023+ figure; the same constant
 * work as laser codes, so an unknown e-mail costs the same as a wrong password), a TOTP second
 * factor for publishers and supervisors, lock-out after 5 failures per account or per client in
 * 15 minutes, sessions that end after 30 idle minutes or 12 hours, and "sign out everywhere".
 */
import type { Deps } from '../deps.ts';
import { keyedHash } from '../privacy/keyed-hash.ts';
import { linkFailureStats, recordLinkFailure } from '../store/account-links.ts';
import { hashSecret, normalisePassword, verifySecret } from '../store/laser-code.ts';
import { STAFF_ROLES, type StaffRole } from '../store/schema.ts';
import {
  claimTotpStep,
  findStaffByEmail,
  insertSession,
  insertStaff,
  normaliseEmail,
  type StaffAccountRow,
  updateStaff,
  writeStaffAudit,
} from '../store/staff.ts';
import { decryptTotpSecret, hashSessionId, randomId } from './keys.ts';
import { verifyTotp } from './totp.ts';

const MIN = 60_000;
export const SESSION_IDLE_MS = 30 * MIN;
export const SESSION_MAX_MS = 12 * 60 * MIN;
export const LOGIN_WINDOW_MS = 15 * MIN;
export const LOGIN_MAX_FAILURES = 5;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const RANK: Record<StaffRole, number> = { viewer: 0, editor: 1, publisher: 2, supervisor: 3 };

/** True when `role` may do what `needed` may (roles are ordered: each includes the ones below). */
export function roleAtLeast(role: StaffRole, needed: StaffRole): boolean {
  return RANK[role] >= RANK[needed];
}

export function isStaffRole(value: unknown): value is StaffRole {
  return STAFF_ROLES.includes(value as StaffRole);
}

/** Publishers and supervisors can reach millions of people: they need a second factor. */
export function needsTotp(role: StaffRole): boolean {
  return roleAtLeast(role, 'publisher');
}

export function isEmail(value: string): boolean {
  return /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/.test(value.trim());
}

/** Why a password is refused, as a locale key; undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  const p = normalisePassword(password);
  if ([...p].length < PASSWORD_MIN_LENGTH) return 'console.password.tooShort';
  if ([...p].length > PASSWORD_MAX_LENGTH) return 'console.password.tooLong';
  const local = normaliseEmail(email).split('@')[0] ?? '';
  if (local.length >= 4 && p.toLowerCase().includes(local)) return 'console.password.hasEmail';
  if (new Set(p).size < 5) return 'console.password.tooSimple';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hashSecret(password, normalisePassword);
}

/** A readable generated password: 4 groups of 5 from an unambiguous alphabet (≈ 98 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

export class StaffAccountError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/** Creates an account (CLI `staff add`, the supervisor's staff page). */
export async function createStaffAccount(
  deps: Pick<Deps, 'store' | 'clock'>,
  input: {
    email: string;
    role: StaffRole;
    password: string;
    displayName?: string;
    lang?: string;
    actor: { id: number | null; name: string };
  },
): Promise<StaffAccountRow> {
  const email = normaliseEmail(input.email);
  if (!isEmail(email)) throw new StaffAccountError('console.account.badEmail');
  const problem = passwordProblem(input.password, email);
  if (problem) throw new StaffAccountError(problem);
  if (await findStaffByEmail(deps.store, email)) {
    throw new StaffAccountError('console.account.exists');
  }
  const now = deps.clock.now();
  const account = await insertStaff(deps.store, {
    email,
    displayName: input.displayName?.trim() || email.split('@')[0]!,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    lang: input.lang === 'en' ? 'en' : 'th',
    now,
  });
  await writeStaffAudit(deps.store, {
    at: now,
    actor: input.actor,
    action: 'staff.create',
    target: `staff:${account.id}`,
    detail: { email, role: input.role },
  });
  return account;
}

export type LoginResult =
  | { ok: true; account: StaffAccountRow; sessionId: string; mfaDone: boolean; expiresAt: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

async function failureKeys(secret: string, email: string, client: string) {
  const [account, address] = await Promise.all([
    keyedHash(secret, 'console-login-account', normaliseEmail(email)),
    keyedHash(secret, 'console-login-client', client),
  ]);
  return [`console:a:${account}`, `console:c:${address}`];
}

/** Seconds until the oldest failure in a full window leaves it; 0 when not locked. */
async function lockedFor(deps: Pick<Deps, 'store' | 'clock'>, keys: string[]): Promise<number> {
  const now = deps.clock.now();
  let wait = 0;
  for (const key of keys) {
    const stats = await linkFailureStats(deps.store, { key }, now - LOGIN_WINDOW_MS);
    if (stats.count >= LOGIN_MAX_FAILURES && stats.oldest !== undefined) {
      wait = Math.max(wait, Math.ceil((stats.oldest + LOGIN_WINDOW_MS - now) / 1000));
    }
  }
  return wait;
}

/**
 * Checks e-mail, password and (once enrolled) the TOTP code. Every failure is counted against
 * the account and the client; the answer never says which part was wrong. On success a session
 * is stored (its id hashed) and returned for the cookie.
 */
export async function login(
  deps: Pick<Deps, 'store' | 'clock' | 'config'>,
  input: { email: string; password: string; totp?: string; client: string },
): Promise<LoginResult> {
  const secret = deps.config.sessionSecret;
  const keys = await failureKeys(secret, input.email, input.client);
  const before = await lockedFor(deps, keys);
  if (before > 0) return { ok: false, reason: 'locked', retryAfterSeconds: before };

  const account = isEmail(input.email)
    ? await findStaffByEmail(deps.store, input.email)
    : undefined;
  const password = input.password.slice(0, PASSWORD_MAX_LENGTH * 4);
  const { ok: passwordOk, rehash } = await verifySecret(
    password,
    account?.passwordHash,
    normalisePassword,
  );
  let ok = passwordOk && account !== undefined && account.disabledAt === null;
  const now = deps.clock.now();
  if (ok && account?.totpEnabledAt != null && account.totpSecret) {
    const plain = await decryptTotpSecret(secret, account.id, account.totpSecret);
    const step = plain
      ? await verifyTotp(plain, input.totp ?? '', now, account.totpLastStep)
      : undefined;
    ok = step !== undefined && (await claimTotpStep(deps.store, account.id, step, now));
  }
  if (!ok || !account) {
    await recordLinkFailure(deps.store, keys, now);
    if (account) {
      await writeStaffAudit(deps.store, {
        at: now,
        actor: { id: account.id, name: account.email },
        action: 'login.failed',
      });
    }
    const after = await lockedFor(deps, keys);
    return after > 0
      ? { ok: false, reason: 'locked', retryAfterSeconds: after }
      : { ok: false, reason: 'invalid' };
  }
  if (rehash) await updateStaff(deps.store, account.id, { passwordHash: rehash }, now);
  const sessionId = randomId();
  const mfaDone = account.totpEnabledAt !== null || !needsTotp(account.role);
  const expiresAt = now + SESSION_IDLE_MS;
  await insertSession(deps.store, {
    idHash: await hashSessionId(sessionId),
    staffId: account.id,
    now,
    expiresAt,
    mfaDone,
  });
  await writeStaffAudit(deps.store, {
    at: now,
    actor: { id: account.id, name: account.email },
    action: 'login',
    detail: mfaDone ? null : { totpEnrolment: 'required' },
  });
  return { ok: true, account, sessionId, mfaDone, expiresAt };
}

/** The next expiry of a session seen now: idle timeout, capped at the absolute lifetime. */
export function nextExpiry(createdAt: number, now: number): number {
  return Math.min(now + SESSION_IDLE_MS, createdAt + SESSION_MAX_MS);
}
