/**
 * Who may try linking how often (SPEC §3.2; issue 14 item 3). Failures are counted per link
 * token, per LINE user (the token's owner), per client address, and per document (a national
 * ID, a pink card or a passport) seen from one LINE user or one client, so that someone who
 * knows another person's ID number exhausts their own budget long before the owner is affected:
 *
 * | budget                                   | failures | window |
 * |------------------------------------------|----------|--------|
 * | one link token                           | 5        | 15 min |
 * | one LINE user (all their link tokens)    | 5        | 15 min |
 * | one client address                       | 10       | 15 min |
 * | one document from one client             | 5        | 15 min |
 * | one document from one LINE user          | 5        | 15 min |
 * | one document from 5 different LINE users | 5 users  | 15 min |
 * | one document, from anyone                | 20       | 24 h   |
 *
 * The owner (their own LINE account, their own phone) is locked out only by a distributed
 * attack: five LINE accounts (each needs a phone number) within 15 minutes, or twenty guesses a
 * day. Either way the guesses stay far too few for the laser code or link code (2^43+).
 * Every lookup key is an HMAC under a secret that is not in the database (src/privacy/keyed-hash.ts).
 */
import { keyedHash } from './keyed-hash.ts';

const MIN = 60_000;
export const LINK_WINDOW_MS = 15 * MIN;
export const LINK_DAY_MS = 24 * 60 * MIN;

export interface LockoutRule {
  readonly name: string;
  /** A key (counted) or a prefix (counted, or its distinct keys counted). */
  readonly match: { readonly key: string } | { readonly prefix: string };
  readonly measure: 'count' | 'distinct';
  readonly max: number;
  readonly windowMs: number;
}

export interface AttemptSubject {
  readonly tokenHash: string;
  readonly userId: string;
  readonly client: string;
  /** The document as typed after normalisation, e.g. `nid:3101…` or `passport:MMR:MA123…`. */
  readonly document: string;
}

export interface AttemptKeys {
  /** Keys recorded for one failure. */
  readonly record: readonly string[];
  /** Budgets checked before a lookup and after a failure. */
  readonly rules: readonly LockoutRule[];
}

export async function attemptKeys(secret: string, s: AttemptSubject): Promise<AttemptKeys> {
  const [user, client, doc] = await Promise.all([
    keyedHash(secret, 'link-attempt-user', s.userId),
    keyedHash(secret, 'link-attempt-client', s.client),
    keyedHash(secret, 'link-attempt-document', s.document),
  ]);
  const keys = {
    token: `t:${s.tokenHash}`,
    user: `u:${user}`,
    client: `c:${client}`,
    docClient: `d:${doc}:c:${client}`,
    docUser: `d:${doc}:u:${user}`,
  };
  return {
    record: [keys.token, keys.user, keys.client, keys.docClient, keys.docUser],
    rules: [
      rule('token', { key: keys.token }, 'count', 5, LINK_WINDOW_MS),
      rule('user', { key: keys.user }, 'count', 5, LINK_WINDOW_MS),
      rule('client', { key: keys.client }, 'count', 10, LINK_WINDOW_MS),
      rule('document+client', { key: keys.docClient }, 'count', 5, LINK_WINDOW_MS),
      rule('document+user', { key: keys.docUser }, 'count', 5, LINK_WINDOW_MS),
      rule('document users', { prefix: `d:${doc}:u:` }, 'distinct', 5, LINK_WINDOW_MS),
      rule('document per day', { prefix: `d:${doc}:u:` }, 'count', 20, LINK_DAY_MS),
    ],
  };
}

function rule(
  name: string,
  match: LockoutRule['match'],
  measure: LockoutRule['measure'],
  max: number,
  windowMs: number,
): LockoutRule {
  return { name, match, measure, max, windowMs };
}
