/**
 * `notifications` (C14): the settings card, consent, per-category and all on/off, and "stop".
 *
 * - The card (Flex): one row per category (NOTIFICATION_CATEGORIES, most valuable first) with
 *   its name, what it tells and when, its state and a toggle; "all on" / "all off" below. A
 *   category meant for other sections (lapse_risk is for section 39) is shown with a note.
 * - Everything is off until turned on. The first time a category is turned on, the consent text
 *   (what is sent, that it comes on LINE, how to stop, that it can be turned off any time) is
 *   shown with a confirm button; only the confirmation stores it, with the date and a record of
 *   the wording shown (src/store/notification-prefs.ts). The confirm button carries the
 *   language and a hash of that wording, so a wording changed in between is shown again
 *   instead of being recorded as agreed.
 * - Only a linked user in a 1:1 chat turns anything on (the categories are about their own
 *   record; the router already answers groups and rooms); an unlinked user gets what it is and
 *   the link offer.
 * - A lone "stop" (หยุด, stop, ရပ်, ឈប់, ຢຸດ, with fillers: the NLU's `notify: 'stop'`) turns
 *   every notification off AND stops news pushes: someone who types only "stop" wants the
 *   messages to stop, whichever they are. The answer says both are off and how to get each
 *   back. "stop notifications" turns notifications off only; "stop news" is the news intent.
 *
 * Postbacks: `action=notifications` (card), `&cat=<category>&on=1|0`, `&all=on|off`, and the
 * confirmation `…&on=1&consent=1&lang=<lang>&h=<hash>` (or `&all=on&consent=1…`). Text: the
 * NLU's `notify` (on / off / stop), `notifyCategory` and `notifyScope` entities.
 */
import type { messagingApi } from '@line/bot-sdk';
import { flexMessage, renderFlex } from '../flex/render.ts';
import type { Translate } from '../i18n.ts';
import type { Message } from '../line/limits.ts';
import { newsToggle } from '../news/card.ts';
import type { Entities } from '../nlu/entities.ts';
import { anyRuleHistory, anyRuleOn, findRuleOn, ruleHistory } from '../rules/index.ts';
import { getLinkedPerson, type InsuredPersonRow } from '../store/account-links.ts';
import { pseudonym, writeAudit } from '../store/audit.ts';
import { setNewsOptOut } from '../store/news.ts';
import {
  consentRecord,
  getNotificationPrefs,
  hasCurrentConsent,
  isNotificationCategory,
  type NotificationPref,
  sha256Hex,
  turnNotificationsOff,
  turnNotificationsOn,
} from '../store/notification-prefs.ts';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '../store/schema.ts';
import { linkPrompt } from './account.ts';
import {
  type Ctx,
  choiceQuickReplies,
  type IntentHandler,
  type IntentMatch,
  privateOnlyMessage,
  type QuickChoice,
  text,
  withQuickReplies,
} from './context.ts';

/** Hex characters of the wording's hash carried by the confirm button. */
const HASH_CHARS = 16;

/** What the user asked for. */
type Request =
  | { readonly kind: 'card' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'off'; readonly categories: 'all' | NotificationCategory }
  | {
      readonly kind: 'on';
      readonly categories: 'all' | NotificationCategory;
      /** The confirmation of the consent text shown: its language and hash. */
      readonly consent?: { readonly lang: string | undefined; readonly hash: string };
    };

/** The request in a postback's parameters or in the NLU's entities of a typed text. */
export function notificationRequest(match: Pick<IntentMatch, 'entities' | 'params'>): Request {
  const p = match.params;
  if (p) {
    const which = p.all === 'on' || p.all === 'off' ? 'all' : p.cat;
    const on = p.all ? p.all === 'on' : p.on === '1' ? true : p.on === '0' ? false : undefined;
    if ((which !== 'all' && !isNotificationCategory(which)) || on === undefined) {
      return { kind: 'card' };
    }
    if (!on) return { kind: 'off', categories: which };
    if (p.consent === '1' && p.h) {
      return { kind: 'on', categories: which, consent: { lang: p.lang, hash: p.h } };
    }
    return { kind: 'on', categories: which };
  }
  const e = match.entities as Entities;
  if (e.notify === 'stop') return { kind: 'stop' };
  if (e.notifyScope === 'some' || (e.notify !== 'on' && e.notify !== 'off')) {
    return { kind: 'card' };
  }
  if (e.notifyScope === 'all') return { kind: e.notify, categories: 'all' };
  if (e.notifyCategory) return { kind: e.notify, categories: e.notifyCategory };
  // "stop notifications" turns them all off; "turn on notifications" shows what there is to
  // choose from (turning everything on is a choice made on the card).
  return e.notify === 'off' ? { kind: 'off', categories: 'all' } : { kind: 'card' };
}

export const notifications: IntentHandler = async (ctx, match) => {
  if (!ctx.isPrivate || !ctx.userId) return [privateOnlyMessage(ctx)];
  const request = notificationRequest(match);
  switch (request.kind) {
    case 'stop':
      return stopEverything(ctx, ctx.userId);
    case 'off':
      return turnOff(ctx, ctx.userId, request.categories);
    case 'on':
      return turnOn(ctx, ctx.userId, request);
    default:
      return showCard(ctx, ctx.userId);
  }
};

// ------------------------------------------------------------------------------ requests

/** A lone "stop": every notification and the news off; say so and how to get each back. */
async function stopEverything(ctx: Ctx, userId: string): Promise<Message[]> {
  await turnNotificationsOff(ctx.deps.store, userId, ctx.now);
  await setNewsOptOut(ctx.deps.store, userId, true, ctx.now);
  return [
    {
      ...text(String(ctx.t('notify.stopped'))),
      quickReply: { items: [...settingsItems(ctx), newsToggle(ctx.t, true)] },
    },
  ];
}

async function turnOff(
  ctx: Ctx,
  userId: string,
  which: 'all' | NotificationCategory,
): Promise<Message[]> {
  if (which === 'all') {
    await turnNotificationsOff(ctx.deps.store, userId, ctx.now);
    return withQuickReplies(
      [text(String(ctx.t('notify.allTurnedOff')))],
      choiceQuickReplies(ctx.t, [settingsChoice(ctx.t), 'my_claims', 'news', 'greeting_help']),
    );
  }
  await turnNotificationsOff(ctx.deps.store, userId, ctx.now, [which]);
  const done = text(String(ctx.t('notify.turnedOff', { name: categoryName(ctx.t, which) })));
  return showCard(ctx, userId, done);
}

async function turnOn(
  ctx: Ctx,
  userId: string,
  request: Extract<Request, { kind: 'on' }>,
): Promise<Message[]> {
  const { store } = ctx.deps;
  // Only the linked person's own record can be notified about.
  const person = await linkedPerson(ctx, userId);
  if (!person) return unlinkedAnswer(ctx);
  const categories: NotificationCategory[] =
    request.categories === 'all' ? [...NOTIFICATION_CATEGORIES] : [request.categories];
  const done = () =>
    text(
      request.categories === 'all'
        ? String(ctx.t('notify.allTurnedOn'))
        : String(ctx.t('notify.turnedOn', { name: categoryName(ctx.t, request.categories) })),
    );

  if (request.consent) {
    // The wording the user saw, in the language it was shown in: recorded only if unchanged.
    const lang = ctx.deps.i18n.spoken(request.consent.lang) ?? ctx.lang;
    const wording = consentWording(ctx.deps.i18n.t(lang), categories, ctx.now);
    const hash = await sha256Hex(wording);
    if (hash.slice(0, HASH_CHARS) !== request.consent.hash) {
      return [text(String(ctx.t('notify.consent.changed'))), await consentCard(ctx, categories)];
    }
    const record = await consentRecord(lang, wording);
    await turnNotificationsOn(store, userId, categories, ctx.now, { at: ctx.now, text: record });
    return showCard(ctx, userId, done(), person);
  }

  const prefs = await getNotificationPrefs(store, userId);
  const agreed = prefs.filter((p) => categories.includes(p.category) && hasCurrentConsent(p));
  if (agreed.length < categories.length) {
    // Never agreed to (or agreed to an older consent text): ask first, store nothing yet.
    return [await consentCard(ctx, categories)];
  }
  await turnNotificationsOn(store, userId, categories, ctx.now);
  return showCard(ctx, userId, done(), person);
}

// ------------------------------------------------------------------------------ the card

const HEADER = {
  type: 'box',
  layout: 'vertical',
  backgroundColor: '#0B4EA2',
  paddingAll: '16px',
  contents: [
    { type: 'text', text: '{{title}}', weight: 'bold', size: 'lg', color: '#FFFFFF', wrap: true },
    { type: 'text', text: '{{subtitle}}', size: 'xs', color: '#DDE8F7', wrap: true },
  ],
};

/**
 * The settings card (rendered by src/flex/render.ts like the templates in flex-templates/; it
 * could live there as notify-settings.json).
 */
const SETTINGS_TEMPLATE = {
  type: 'bubble',
  size: 'giga',
  header: HEADER,
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'lg',
    contents: [
      {
        $each: 'rows',
        $template: {
          type: 'box',
          layout: 'horizontal',
          spacing: 'md',
          contents: [
            {
              type: 'box',
              layout: 'vertical',
              flex: 5,
              spacing: 'xs',
              contents: [
                {
                  type: 'text',
                  text: '{{item.name}}',
                  size: 'sm',
                  weight: 'bold',
                  color: '#1B2430',
                  wrap: true,
                },
                { type: 'text', text: '{{item.state}}', size: 'xs', color: '{{item.stateColor}}' },
                {
                  type: 'text',
                  text: '{{item.desc}}',
                  size: 'xs',
                  color: '#55606E',
                  wrap: true,
                },
                {
                  $if: 'item.note',
                  type: 'text',
                  text: '{{item.note}}',
                  size: 'xs',
                  color: '#8A5A00',
                  wrap: true,
                },
              ],
            },
            {
              type: 'button',
              flex: 2,
              height: 'sm',
              gravity: 'center',
              style: '{{item.style}}',
              action: {
                type: 'postback',
                label: '{{item.button}}',
                data: '{{item.data}}',
                displayText: '{{item.display}}',
              },
            },
          ],
        },
      },
      { type: 'separator', margin: 'lg' },
      { type: 'text', text: '{{howToStop}}', size: 'xxs', color: '#55606E', wrap: true },
    ],
  },
  footer: {
    type: 'box',
    layout: 'horizontal',
    spacing: 'sm',
    contents: [
      {
        $each: 'buttons',
        $template: {
          type: 'button',
          style: 'secondary',
          height: 'sm',
          action: {
            type: 'postback',
            label: '{{item.label}}',
            data: '{{item.data}}',
            displayText: '{{item.label}}',
          },
        },
      },
    ],
  },
};

/** The consent text and its confirm / not-now buttons. */
const CONSENT_TEMPLATE = {
  type: 'bubble',
  size: 'mega',
  header: HEADER,
  body: {
    type: 'box',
    layout: 'vertical',
    contents: [{ type: 'text', text: '{{wording}}', size: 'sm', color: '#1B2430', wrap: true }],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      {
        type: 'button',
        style: 'primary',
        height: 'sm',
        action: {
          type: 'postback',
          label: '{{confirm}}',
          data: '{{confirmData}}',
          displayText: '{{confirm}}',
        },
      },
      {
        type: 'button',
        style: 'secondary',
        height: 'sm',
        action: {
          type: 'postback',
          label: '{{cancel}}',
          data: 'action=notifications',
          displayText: '{{cancel}}',
        },
      },
    ],
  },
};

async function showCard(
  ctx: Ctx,
  userId: string,
  lead?: messagingApi.TextMessage,
  known?: InsuredPersonRow,
): Promise<Message[]> {
  const person = known ?? (await linkedPerson(ctx, userId));
  if (!person) return unlinkedAnswer(ctx, lead);
  const prefs = await getNotificationPrefs(ctx.deps.store, userId);
  const card = withQuickReplies(
    [settingsCard(ctx, prefs, person.section)],
    choiceQuickReplies(ctx.t, ['my_claims', 'news', 'greeting_help']),
  );
  return lead ? [lead, ...card] : card;
}

/** The settings card for these prefs; `section` of the linked person (for the section notes). */
export function settingsCard(
  ctx: Pick<Ctx, 't' | 'now'>,
  prefs: readonly NotificationPref[],
  section: number,
): messagingApi.FlexMessage {
  const { t } = ctx;
  const on = prefs.filter((p) => p.enabled).length;
  const rows = prefs.map((p) => {
    const name = categoryName(t, p.category);
    const sections = sectionsFor(p.category, ctx.now);
    const note =
      sections && !sections.includes(section)
        ? String(t('notify.notFor', { sections: sections.join('/'), section }))
        : '';
    return {
      name,
      desc: categoryDesc(t, p.category, ctx.now),
      note,
      state: String(t(p.enabled ? 'notify.stateOn' : 'notify.stateOff')),
      stateColor: p.enabled ? '#1E7B34' : '#8A94A3',
      button: String(t(p.enabled ? 'notify.turnOff' : 'notify.turnOn')),
      display: String(t(p.enabled ? 'notify.turnOffText' : 'notify.turnOnText', { name })),
      style: p.enabled ? 'secondary' : 'primary',
      data: `action=notifications&cat=${p.category}&on=${p.enabled ? 0 : 1}`,
    };
  });
  const buttons = [
    ...(on < prefs.length
      ? [{ label: String(t('notify.allOn')), data: 'action=notifications&all=on' }]
      : []),
    ...(on > 0
      ? [{ label: String(t('notify.allOff')), data: 'action=notifications&all=off' }]
      : []),
  ];
  const bubble = renderFlex(
    SETTINGS_TEMPLATE,
    {
      title: String(t('notify.title')),
      subtitle: String(t('notify.subtitle', { on, total: prefs.length })),
      rows,
      howToStop: String(t('notify.howToStop')),
      buttons,
    },
    t,
  );
  return flexMessage(String(t('notify.alt')), bubble);
}

// ------------------------------------------------------------------------------ consent

/**
 * The consent text for turning `categories` on: exactly what is shown, hashed and recorded. It
 * depends only on the language, the categories and the dated rules in their descriptions.
 */
export function consentWording(
  t: Translate,
  categories: readonly NotificationCategory[],
  now: number,
): string {
  const what = categories
    .map((c) => `• ${categoryName(t, c)}: ${categoryDesc(t, c, now)}`)
    .join('\n');
  return String(t('notify.consent.text', { what }));
}

async function consentCard(
  ctx: Ctx,
  categories: readonly NotificationCategory[],
): Promise<messagingApi.FlexMessage> {
  const wording = consentWording(ctx.t, categories, ctx.now);
  const hash = (await sha256Hex(wording)).slice(0, HASH_CHARS);
  const which =
    categories.length === NOTIFICATION_CATEGORIES.length ? 'all=on' : `cat=${categories[0]}&on=1`;
  const bubble = renderFlex(
    CONSENT_TEMPLATE,
    {
      title: String(ctx.t('notify.consent.title')),
      subtitle:
        categories.length === 1
          ? categoryName(ctx.t, categories[0]!)
          : String(ctx.t('notify.title')),
      wording,
      confirm: String(ctx.t('notify.consent.confirm')),
      cancel: String(ctx.t('notify.consent.cancel')),
      confirmData: `action=notifications&${which}&consent=1&lang=${ctx.lang}&h=${hash}`,
    },
    ctx.t,
  );
  return flexMessage(String(ctx.t('notify.consent.alt')), bubble);
}

// ------------------------------------------------------------------------------ unlinked

/** What notifications are, and the link offer (nothing can be turned on before linking). */
async function unlinkedAnswer(ctx: Ctx, lead?: messagingApi.TextMessage): Promise<Message[]> {
  const list = NOTIFICATION_CATEGORIES.map(
    (c) => `• ${categoryName(ctx.t, c)}: ${categoryDesc(ctx.t, c, ctx.now)}`,
  ).join('\n');
  const messages = await linkPrompt(ctx, String(ctx.t('notify.unlinked', { list })));
  return lead ? [lead, ...messages].slice(0, 5) : messages;
}

/** The linked person (their section decides which notes the card shows), audited. */
async function linkedPerson(ctx: Ctx, userId: string): Promise<InsuredPersonRow | undefined> {
  const person = await getLinkedPerson(ctx.deps.store, userId);
  if (!person) return undefined;
  await writeAudit(ctx.deps.store, {
    at: ctx.now,
    actor: await pseudonym(ctx.deps.config.auditPseudonymKey, userId),
    personId: person.id,
    action: 'read_notification_settings',
    purpose: 'notification settings: which categories apply to the section',
  });
  return person;
}

// ------------------------------------------------------------------------------ categories

function categoryName(t: Translate, category: NotificationCategory): string {
  return String(t(`notify.category.${category}.name`));
}

/** One line of what the category tells and when, with its numbers from the dated rules. */
function categoryDesc(t: Translate, category: NotificationCategory, now: number): string {
  const day = new Date(now);
  const medical =
    findRuleOn('medical.eligibility', day) ?? ruleHistory('medical.eligibility').at(-1)!;
  const lapse = anyRuleOn('s39.lapse', day) ?? anyRuleHistory('s39.lapse').at(-1);
  return String(
    t(`notify.category.${category}.desc`, {
      months: String(lapse?.value.max_consecutive_unpaid_months ?? ''),
      required: medical.value.required_months,
      window: medical.value.window_months,
    }),
  );
}

/**
 * The sections a category is about, when it is not about everyone: lapse risk is section 39's;
 * contributions are due from those who pay their own (39, 40); medical rights and the hospital
 * change are for the sections with an SSO hospital, the unemployment report for those who can
 * claim unemployment benefit (both from the dated rules).
 */
function sectionsFor(category: NotificationCategory, now: number): readonly number[] | undefined {
  const day = new Date(now);
  switch (category) {
    case 'lapse_risk':
      return [39];
    case 'contribution_due':
      return [39, 40];
    case 'medical_inactive':
    case 'hospital_window':
      return (findRuleOn('medical.eligibility', day) ?? ruleHistory('medical.eligibility').at(-1)!)
        .value.sections;
    case 'unemployment_report':
      return (
        findRuleOn('unemployment.eligibility', day) ??
        ruleHistory('unemployment.eligibility').at(-1)!
      ).value.sections;
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------ quick replies

function settingsChoice(t: Translate): QuickChoice {
  return { label: String(t('notify.settingsButton')), data: 'action=notifications' };
}

function settingsItems(ctx: Ctx): messagingApi.QuickReplyItem[] {
  return choiceQuickReplies(ctx.t, [settingsChoice(ctx.t)]).items ?? [];
}

/** For other modules (pushes, other answers): the quick reply that opens the settings card. */
export function notificationSettingsItem(t: Translate): messagingApi.QuickReplyItem {
  return choiceQuickReplies(t, [settingsChoice(t)]).items![0]!;
}
