/**
 * One-time link codes for insured persons whose document has no laser code (pink card,
 * passport): SSO staff check the document in person (or the hotline checks identity) and issue a
 * code through the admin API (`POST /admin/link-codes`) or the CLI (`npm run cli -- link-code`).
 * Both go through here, so both are audited the same way.
 */
import { maskNationalId } from './nlu/index.ts';
import { findPersonForDocument, issueLinkCode, type LinkDocument } from './store/account-links.ts';
import { writeAudit } from './store/audit.ts';
import type { Store } from './store/db.ts';

export type LinkCodeTarget =
  | { readonly nationalId: string }
  | { readonly passport: { readonly country: string; readonly number: string } };

export interface IssuedLinkCode {
  /** Shown once; stored only hashed. */
  readonly code: string;
  readonly expiresAt: number;
  readonly personId: number;
  readonly maskedNationalId: string;
}

export async function issueLinkCodeFor(
  store: Store,
  target: LinkCodeTarget,
  issuedBy: string,
  now: number,
): Promise<IssuedLinkCode | undefined> {
  const doc: LinkDocument =
    'nationalId' in target
      ? { type: 'pink_card', nationalId: target.nationalId }
      : { type: 'passport', country: target.passport.country, number: target.passport.number };
  const found = await findPersonForDocument(store, doc, now);
  if (!found) return undefined;
  const { code, expiresAt } = await issueLinkCode(store, found.person.id, issuedBy, now);
  await writeAudit(store, {
    at: now,
    actor: `staff:${issuedBy}`,
    personId: found.person.id,
    action: 'issue_link_code',
    purpose: 'one-time link code for a document without a laser code',
  });
  return {
    code,
    expiresAt,
    personId: found.person.id,
    maskedNationalId: maskNationalId(found.person.nationalId),
  };
}
