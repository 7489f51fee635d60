/**
 * A notification as a LINE message: the text from `notify.msg.*` in the user's language (the
 * params formatted for that language: Buddhist-era dates in Thai, amounts with the locale's
 * currency word), one line on how to stop, and a quick reply that opens the settings card.
 */
import type { messagingApi } from '@line/bot-sdk';
import { formatBaht, formatDate, formatPeriod } from '../format.ts';
import { clip } from '../handlers/context.ts';
import type { Lang, Translate } from '../i18n.ts';
import { LIMITS } from '../line/limits.ts';
import type { NotificationCategory } from '../store/schema.ts';
import { lastDayOf } from './dates.ts';

/** The postback of the settings card (src/handlers/notifications.ts). */
export const SETTINGS_POSTBACK = 'action=notifications';

type Params = Readonly<Record<string, unknown>>;

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/** The `notify.msg.*` key and its formatted values; undefined for a row it cannot render. */
export function messageParts(
  category: NotificationCategory,
  params: Params,
  lang: Lang,
  t: Translate,
): { key: string; values: Record<string, string> } | undefined {
  const date = (v: unknown) => formatDate(lang, str(v));
  const benefit = () => String(t(`claims.benefit.${str(params.benefit)}`));
  switch (category) {
    case 'claim_decided':
      return {
        key:
          params.status === 'rejected' ? 'notify.msg.claim_rejected' : 'notify.msg.claim_approved',
        values: { benefit: benefit(), claimId: str(params.claimId) },
      };
    case 'payment_made':
      return {
        key: 'notify.msg.payment_made',
        values: {
          benefit: benefit(),
          amount: formatBaht(t, num(params.amount)),
          date: date(params.date),
        },
      };
    case 'lapse_risk':
      return {
        key: 'notify.msg.lapse_risk',
        values: { months: str(params.months), deadline: date(params.deadline) },
      };
    case 'contribution_due':
      return {
        key: 'notify.msg.contribution_due',
        values: {
          section: str(params.section),
          amount: formatBaht(t, num(params.amount)),
          period: formatPeriod(lang, str(params.period)),
          deadline: date(params.deadline),
        },
      };
    case 'medical_inactive':
      return { key: 'notify.msg.medical_inactive', values: { date: date(params.date) } };
    case 'hospital_window':
      return {
        key: 'notify.msg.hospital_window',
        values: { from: date(params.from), to: date(params.to) },
      };
    case 'unemployment_report':
      return { key: 'notify.msg.unemployment_report', values: { date: date(params.date) } };
    default:
      return undefined;
  }
}

/** The push: one text message with the footer and the settings quick reply. */
export function notificationMessage(
  category: NotificationCategory,
  params: Params,
  lang: Lang,
  t: Translate,
): messagingApi.TextMessage | undefined {
  const parts = messageParts(category, params, lang, t);
  if (!parts) return undefined;
  const body = String(t(parts.key, parts.values));
  const footer = String(t('notify.msg.footer'));
  const label = clip(String(t('notify.settingsButton')), LIMITS.actionLabel);
  return {
    type: 'text',
    text: clip(`${body}\n\n${footer}`, LIMITS.textLength),
    quickReply: {
      items: [
        {
          type: 'action',
          action: { type: 'postback', label, data: SETTINGS_POSTBACK, displayText: label },
        },
      ],
    },
  };
}

/**
 * The last Bangkok day the message is still worth sending (a reminder after its deadline, or a
 * window announcement after it closed, is wrong); undefined = no such day (the sender applies
 * its own age limit to news of decisions and payments).
 */
export function lastUsefulDay(category: NotificationCategory, params: Params): string | undefined {
  switch (category) {
    case 'lapse_risk':
    case 'contribution_due':
      return str(params.deadline) || undefined;
    case 'medical_inactive':
      // The month whose contribution decides; from the next month on it is too late.
      return params.period ? lastDayOf(str(params.period)) : undefined;
    case 'unemployment_report':
      return str(params.date) || undefined;
    case 'hospital_window':
      return str(params.to) || undefined;
    default:
      return undefined;
  }
}
