/** Linking and unlinking a LINE user to an insured person (C9). */
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import { LineApiError } from '../line/client.ts';
import type { AccountLinkEvent } from '../line/events.ts';
import type { Message } from '../line/limits.ts';
import { stableRetryKey } from '../line/retry-key.ts';
import { maskNationalId } from '../nlu/index.ts';
import { HOTLINE } from '../rules/index.ts';
import {
  bindAccountReplacing,
  consumeLinkNonce,
  getLinkedPerson,
  type InsuredPersonRow,
  recordLinkToken,
  unlinkAndErase,
} from '../store/account-links.ts';
import { pseudonym, writeAudit } from '../store/audit.ts';
import { getLineUser } from '../store/line-users.ts';
import { getPersonById } from '../store/persons.ts';

/** LINE's link token is valid 10 minutes; the page accepts it as long (SPEC §4). */
export const LINK_TOKEN_TTL_MS = 10 * 60_000;

import {
  type Ctx,
  type IntentHandler,
  MAIN_INTENTS,
  quickReplies,
  text,
  withQuickReplies,
} from './context.ts';

export function displayName(
  p: Pick<InsuredPersonRow, 'firstNameTh' | 'firstNameEn'>,
  lang: string,
): string {
  return lang === 'th' ? p.firstNameTh : (p.firstNameEn ?? p.firstNameTh);
}

/** The "please verify first" answer with a fresh link button (the link token lives 10 minutes). */
export async function linkPrompt(ctx: Ctx, lead?: string): Promise<Message[]> {
  if (!ctx.userId) return [text(String(ctx.t('link.failed')))];
  let linkToken: string;
  try {
    linkToken = await ctx.deps.line.issueLinkToken(ctx.userId);
  } catch (err) {
    // LINE down or rate limiting: still answer (the reply may well get through once LINE
    // recovers) instead of failing the event and leaving the user with no answer at all.
    if (!(err instanceof LineApiError)) throw err;
    ctx.deps.log.warn('link token could not be issued; answering without the link button', {
      error: err.message,
      lineRequestId: err.requestId ?? undefined,
    });
    const failed = text(String(ctx.t('link.failed')));
    return withQuickReplies(
      lead ? [text(lead), failed] : [failed],
      quickReplies(ctx.t, MAIN_INTENTS),
    );
  }
  // The page accepts only tokens the bot obtained, for this LINE user (SPEC §3.2).
  await recordLinkToken(ctx.deps.store, linkToken, ctx.userId, ctx.now, LINK_TOKEN_TTL_MS);
  const url = new URL('/link', ctx.deps.config.publicBaseUrl);
  url.searchParams.set('linkToken', linkToken);
  url.searchParams.set('lang', ctx.lang);
  const bubble = renderFlex(templates.linkAccount, { url: url.toString() }, ctx.t);
  const messages: Message[] = [];
  if (lead) messages.push(text(lead));
  messages.push(flexMessage(String(ctx.t('link.askTitle')), bubble));
  return messages;
}

export const linkAccount: IntentHandler = async (ctx) => {
  const person = ctx.userId ? await getLinkedPerson(ctx.deps.store, ctx.userId) : undefined;
  if (person && ctx.userId) {
    // The reply shows a name and a masked ID: a personal read like any other.
    await writeAudit(ctx.deps.store, {
      at: ctx.now,
      actor: await pseudonym(ctx.deps.config.auditPseudonymKey, ctx.userId),
      personId: person.id,
      action: 'read_link_status',
      purpose: 'user asked to link: told they are linked already',
    });
    const name = displayName(person, ctx.lang);
    return withQuickReplies(
      [
        text(
          String(ctx.t('link.already', { name, nationalId: maskNationalId(person.nationalId) })),
        ),
      ],
      quickReplies(ctx.t, MAIN_INTENTS),
    );
  }
  return linkPrompt(ctx);
};

/** Unlink asks once, then unlinks and erases on `action=unlink_account&confirm=yes`. */
export const unlinkAccount: IntentHandler = async (ctx, match) => {
  if (!ctx.userId) return [text(String(ctx.t('link.notLinked')))];
  const confirm = match.params?.confirm;
  if (confirm === 'no')
    return withQuickReplies([text(String(ctx.t('link.kept')))], quickReplies(ctx.t, MAIN_INTENTS));
  const person = await getLinkedPerson(ctx.deps.store, ctx.userId);
  if (confirm !== 'yes') {
    if (!person) return [text(String(ctx.t('link.notLinked')))];
    return [
      {
        type: 'text',
        text: String(ctx.t('link.unlinkConfirm')),
        quickReply: {
          items: [
            {
              type: 'action',
              action: {
                type: 'postback',
                label: String(ctx.t('link.unlinkYes')).slice(0, 20),
                data: 'action=unlink_account&confirm=yes',
                displayText: String(ctx.t('link.unlinkYes')),
              },
            },
            {
              type: 'action',
              action: {
                type: 'postback',
                label: String(ctx.t('link.unlinkNo')).slice(0, 20),
                data: 'action=unlink_account&confirm=no',
                displayText: String(ctx.t('link.unlinkNo')),
              },
            },
          ],
        },
      },
    ];
  }
  // Reply in the language of this conversation before the stored choice is erased.
  const done = String(ctx.t('link.unlinked'));
  const actor = await pseudonym(ctx.deps.config.auditPseudonymKey, ctx.userId);
  await unlinkAndErase(ctx.deps.store, ctx.userId, ctx.now, actor);
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor,
    personId: person?.id ?? null,
    action: 'unlink_account',
    purpose: 'user request: unlink and erase',
  });
  return [text(done)];
};

/**
 * The `accountLink` webhook event: bind on `ok` with a valid unused nonce made for this very LINE
 * user, never otherwise. One person, one LINE account: linking a second account moves the link,
 * and the account it leaves is told at once (a push), so someone whose details were used by
 * another person finds out.
 */
export async function onAccountLink(ctx: Ctx, event: AccountLinkEvent): Promise<Message[]> {
  if (!ctx.userId) return [];
  if (event.link.result !== 'ok') {
    return [text(String(ctx.t('link.failed')))];
  }
  const nonce = await consumeLinkNonce(ctx.deps.store, event.link.nonce, ctx.userId, ctx.now);
  const person = nonce.ok ? await getPersonById(ctx.deps.store, nonce.personId) : undefined;
  if (!person) {
    ctx.deps.log.warn(
      nonce.ok || nonce.reason === 'unknown'
        ? 'accountLink with an unknown, used or expired nonce: nothing bound'
        : 'accountLink from another LINE user than the nonce was made for: nothing bound',
    );
    return [text(String(ctx.t('link.failed')))];
  }
  const replaced = await bindAccountReplacing(ctx.deps.store, ctx.userId, person.id, ctx.now);
  const actor = await pseudonym(ctx.deps.config.auditPseudonymKey, ctx.userId);
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor,
    personId: person.id,
    action: 'link_account',
    purpose: 'account link completed by the insured person',
  });
  for (const previous of replaced) await tellReplacedAccount(ctx, previous, person.id);
  const name = displayName(person, ctx.lang);
  return withQuickReplies(
    [text(String(ctx.t('link.linked', { name, nationalId: maskNationalId(person.nationalId) })))],
    quickReplies(ctx.t, [
      'contribution_balance',
      'hospital_rights',
      'unemployment_benefit',
      'greeting_help',
    ]),
  );
}

/** A push to the LINE account a link moved away from, in its language; best effort. */
async function tellReplacedAccount(ctx: Ctx, userId: string, personId: number): Promise<void> {
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor: await pseudonym(ctx.deps.config.auditPseudonymKey, userId),
    personId,
    action: 'link_replaced',
    purpose: 'the person linked another LINE account; this one was unlinked and told',
  });
  const row = await getLineUser(ctx.deps.store, userId);
  const lang =
    ctx.deps.i18n.spoken(row?.chosenLanguage ?? row?.profileLanguage ?? undefined) ?? 'th';
  const t = ctx.deps.i18n.t(lang);
  try {
    await ctx.deps.line.push(
      userId,
      [text(String(t('link.movedAway', { hotline: HOTLINE })))],
      await stableRetryKey(`link-moved:${userId}:${personId}:${ctx.now}`),
    );
  } catch (err) {
    if (!(err instanceof LineApiError)) throw err;
    ctx.deps.log.warn('could not tell the previous LINE account that the link moved', {
      error: err.message,
    });
  }
}
