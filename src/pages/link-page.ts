/**
 * The account-link page: Thai first, mobile first, no JavaScript (the CSP forbids it), every
 * field labelled. It asks which document the person holds, then that document's fields:
 *
 * | document          | fields                                                    |
 * |-------------------|-----------------------------------------------------------|
 * | Thai ID card      | nationalId, birthDate, laserCode (back of the card)       |
 * | pink card         | nationalId (13 digits starting 00), birthDate, linkCode   |
 * | passport + permit | passportNumber, country, birthDate, linkCode              |
 *
 * The link code is a one-time code from social security staff (src/store/account-links.ts).
 * Values are escaped by hono/html.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { escapeToBuffer } from 'hono/utils/html';
import { type Lang, SPOKEN, type Translate } from '../i18n.ts';
import { LINK_WINDOW_MS } from '../privacy/link-lockout.ts';
import { anyRuleHistory, HOTLINE } from '../rules/index.ts';
import { LINK_CODE_TTL_MS } from '../store/account-links.ts';

export type DocType = 'thai_id' | 'pink_card' | 'passport';
export const DOC_TYPES: readonly DocType[] = ['thai_id', 'pink_card', 'passport'];
/** Passport-issuing countries offered on the page (ISO 3166-1 alpha-3). */
export const PASSPORT_COUNTRIES = ['MMR', 'KHM', 'LAO', 'VNM'] as const;
export type PassportCountry = (typeof PASSPORT_COUNTRIES)[number];

export type LinkPageError =
  | 'mismatch'
  | 'tooMany'
  | 'invalidToken'
  | 'badId'
  | 'badDate'
  | 'badPassport'
  | 'pinkCardOnThaiForm'
  | 'notPinkCard';

export interface LinkPageModel {
  lang: Lang;
  t: Translate;
  linkToken: string;
  docType: DocType;
  error?: LinkPageError;
  /** With `tooMany`: the minutes until the person may try again (the Retry-After, rounded up). */
  retryAfterMinutes?: number;
  values?: { nationalId?: string; birthDate?: string; passportNumber?: string; country?: string };
}

/** The pink card number's first digits, as the rules data has it (`migrant.pink_card_number`). */
export const PINK_CARD_PREFIX: string =
  String(anyRuleHistory('migrant.pink_card_number').at(-1)?.value.prefix ?? '') || '00';
/** Days a link code works (shown to the person; src/store/account-links.ts issues it). */
export const LINK_CODE_TTL_DAYS = Math.round(LINK_CODE_TTL_MS / (24 * 3600_000));
/** Past this many minutes, the lock-out message counts in hours. */
const HOURS_FROM_MINUTES = 90;

/** The country a speaker of the page language most likely has a passport from (preselected). */
const LIKELY_COUNTRY: Partial<Record<Lang, PassportCountry>> = {
  my: 'MMR',
  km: 'KHM',
  lo: 'LAO',
};

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Noto Sans Thai","Sarabun",
"Noto Sans Myanmar","Padauk","Noto Sans Khmer","Khmer OS","Noto Sans Lao","Phetsarath OT",sans-serif;
background:#f3f6fb;color:#1b2430;font-size:17px;line-height:1.55}
main{max-width:28rem;margin:0 auto;padding:1rem 1rem 2.5rem}
header{background:#0b4ea2;color:#fff;padding:.25rem .5rem 1rem;text-align:center}
header h1{margin:.25rem 0 0;font-size:1.25rem}
.langs ul{list-style:none;margin:0 auto;padding:0;display:flex;flex-wrap:wrap;justify-content:center;max-width:28rem}
.langs a{display:flex;align-items:center;min-height:44px;min-width:44px;justify-content:center;padding:.25rem .6rem;
color:#fff;font-size:.95rem;border-radius:6px}
.langs a[aria-current]{font-weight:700;text-decoration:none;background:#08397a}
h2{font-size:1.1rem;margin:.25rem 0 .5rem}
.docs ul{list-style:none;margin:0 0 1.25rem;padding:0}
.docs li+li{margin-top:.5rem}
.doc{display:block;min-height:44px;padding:.7rem .9rem;background:#fff;color:#1b2430;text-decoration:none;
border:2px solid #9aa7b8;border-radius:10px}
.doc strong{display:block;color:#0b4ea2;text-decoration:underline}
.doc span{display:block;font-size:.9rem;color:#4a5563}
.doc[aria-current]{border:3px solid #0b4ea2;background:#e8f0fb}
.doc[aria-current] strong{text-decoration:none}
.doc[aria-current] strong::before{content:"\\2713\\00a0"}
form{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
form>p:first-of-type{margin-top:0}
label{display:block;font-weight:600;margin-top:1rem}
.hint{display:block;font-weight:400;color:#55606e;font-size:.9rem;margin-top:.15rem}
input,select,button{font:inherit}
input,select{width:100%;font-size:1.1rem;padding:.7rem;margin-top:.35rem;border:1px solid #6b7889;border-radius:8px;
background:#fff;color:#1b2430;min-height:48px}
input:focus,input:focus-within,select:focus{outline:3px solid #8fb5ea;border-color:#0b4ea2}
a:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.help{background:#fff8e1;border-left:4px solid #b7791f;padding:.6rem .75rem;border-radius:6px;margin-top:.6rem;
font-size:.95rem;color:#3d3420}
.help strong{display:block}
.help a{color:#0b4ea2}
button{width:100%;margin-top:1.5rem;padding:.9rem;font-size:1.1rem;font-weight:700;color:#fff;background:#0b4ea2;
border:0;border-radius:8px;min-height:48px}
button:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.error{background:#fdecea;color:#8a1c13;border-left:4px solid #c62828;padding:.75rem;border-radius:6px;margin:0 0 1rem}
.error a{display:flex;align-items:center;gap:.4rem;width:fit-content;min-height:44px;margin-top:.35rem;color:#0b4ea2;
font-weight:700}
.privacy{color:#55606e;font-size:.85rem;margin-top:1.25rem}`;

/** The page's own address for a language and a document (the link token kept). */
function pageHref(linkToken: string, lang: Lang, doc: DocType): string {
  return `/link?linkToken=${encodeURIComponent(linkToken)}&lang=${lang}&doc=${doc}`;
}

function escapeHtml(text: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** A translated text, escaped, with the hotline number made a `tel:` link. */
function withHotline(text: string): HtmlEscapedString {
  const escaped = escapeHtml(text);
  const number = escapeHtml(HOTLINE);
  const tel = HOTLINE.replace(/[^\d+]/g, '');
  return raw(
    tel ? escaped.split(number).join(`<a href="tel:${tel}">${number}</a>`) : escaped,
  ) as HtmlEscapedString;
}

function errorText(m: LinkPageModel): string {
  const { t } = m;
  switch (m.error) {
    case undefined:
      return '';
    case 'mismatch':
      return t('link.error');
    case 'tooMany': {
      const minutes = Math.max(1, m.retryAfterMinutes ?? Math.ceil(LINK_WINDOW_MS / 60_000));
      return minutes > HOURS_FROM_MINUTES
        ? t('link.tooManyHours', { hours: Math.ceil(minutes / 60) })
        : t('link.tooMany', { minutes });
    }
    case 'invalidToken':
      return t('link.invalidToken');
    case 'badId':
      return m.docType === 'pink_card' ? t('link.badPinkCard') : t('link.badId');
    case 'badDate':
      return t('link.badDate');
    case 'badPassport':
      return t('link.badPassport');
    case 'pinkCardOnThaiForm':
      return t('link.pinkCardOnThaiForm', { prefix: PINK_CARD_PREFIX });
    case 'notPinkCard':
      return t('link.notPinkCard', { prefix: PINK_CARD_PREFIX });
  }
}

/** For an error that means "wrong document chosen": the link to the right one. */
function errorFix(m: LinkPageModel) {
  const to: DocType | undefined =
    m.error === 'pinkCardOnThaiForm'
      ? 'pink_card'
      : m.error === 'notPinkCard'
        ? 'thai_id'
        : undefined;
  if (!to || !m.linkToken) return '';
  const label = to === 'pink_card' ? m.t('link.useThisPinkCard') : m.t('link.useThisThaiId');
  return html` <a href="${pageHref(m.linkToken, m.lang, to)}">${label}<span aria-hidden="true">→</span></a>`;
}

function languageSwitcher(m: LinkPageModel) {
  const { t } = m;
  return html`<nav class="langs" aria-label="${t('link.languageNav')}"><ul>${SPOKEN.map(
    (l) =>
      html`<li><a href="${pageHref(m.linkToken, l, m.docType)}" lang="${l}" hreflang="${l}"${
        l === m.lang ? raw(' aria-current="true"') : ''
      }>${t('services.language.name', { lng: l })}</a></li>`,
  )}</ul></nav>`;
}

function docChoices(m: LinkPageModel) {
  const { t } = m;
  const description: Record<DocType, string> = {
    thai_id: t('link.doc.thai_id.desc'),
    pink_card: t('link.doc.pink_card.desc', { prefix: PINK_CARD_PREFIX }),
    passport: t('link.doc.passport.desc'),
  };
  return html`<nav class="docs" aria-labelledby="doc-question">
<h2 id="doc-question">${t('link.docQuestion')}</h2>
<ul>${DOC_TYPES.map(
    (d) =>
      html`
<li><a class="doc" id="doc-${d}" href="${pageHref(m.linkToken, m.lang, d)}"${
        d === m.docType ? raw(' aria-current="page"') : ''
      }><strong>${t(`link.doc.${d}.name`)}</strong><span>${description[d]}</span></a></li>`,
  )}
</ul>
</nav>`;
}

/** One labelled field: label, hint (the field's description) and the control. */
function field(
  id: string,
  label: string,
  hint: string,
  control: HtmlEscapedString | Promise<HtmlEscapedString>,
) {
  return html`
<label for="${id}">${label}</label><span class="hint" id="${id}-hint">${hint}</span>
${control}`;
}

function birthDateField(m: LinkPageModel, hint: string) {
  return field(
    'birthDate',
    m.t('link.birthDate'),
    hint,
    html`<input id="birthDate" name="birthDate" type="date" autocomplete="bday" required aria-describedby="birthDate-hint" value="${m.values?.birthDate ?? ''}">`,
  );
}

function linkCodeField(m: LinkPageModel) {
  const { t } = m;
  return html`${field(
    'linkCode',
    t('link.linkCode'),
    t('link.linkCodeHint'),
    html`<input id="linkCode" name="linkCode" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="16" aria-describedby="linkCode-hint linkCode-help">`,
  )}
<div class="help" id="linkCode-help"><strong>${t('link.linkCodeNone')}</strong>${withHotline(
    t('link.linkCodeWhere', { hotline: HOTLINE }),
  )} ${t('link.linkCodeValid', { days: LINK_CODE_TTL_DAYS })}</div>`;
}

function fields(m: LinkPageModel) {
  const { t } = m;
  const v = m.values ?? {};
  switch (m.docType) {
    case 'thai_id':
      return html`${field(
        'nationalId',
        t('link.nationalId'),
        t('link.nationalIdHint'),
        html`<input id="nationalId" name="nationalId" inputmode="numeric" autocomplete="off" required maxlength="17" aria-describedby="nationalId-hint" value="${v.nationalId ?? ''}">`,
      )}${birthDateField(m, t('link.birthDateHint'))}${field(
        'laserCode',
        t('link.laserCode'),
        t('link.laserCodeHint'),
        html`<input id="laserCode" name="laserCode" autocomplete="off" autocapitalize="characters" required maxlength="16" aria-describedby="laserCode-hint">`,
      )}`;
    case 'pink_card':
      return html`${field(
        'nationalId',
        t('link.pinkCardNumber'),
        t('link.pinkCardNumberHint', { prefix: PINK_CARD_PREFIX }),
        html`<input id="nationalId" name="nationalId" inputmode="numeric" autocomplete="off" required maxlength="17" aria-describedby="nationalId-hint" value="${v.nationalId ?? ''}">`,
      )}${birthDateField(m, t('link.birthDateHintPinkCard'))}${linkCodeField(m)}`;
    case 'passport': {
      const chosen = v.country ?? LIKELY_COUNTRY[m.lang] ?? '';
      return html`${field(
        'passportNumber',
        t('link.passportNumber'),
        t('link.passportNumberHint'),
        html`<input id="passportNumber" name="passportNumber" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="20" aria-describedby="passportNumber-hint" value="${v.passportNumber ?? ''}">`,
      )}${field(
        'country',
        t('link.country'),
        t('link.countryHint'),
        html`<select id="country" name="country" required aria-describedby="country-hint">
<option value=""${chosen === '' ? raw(' selected') : ''}>${t('link.chooseCountry')}</option>${PASSPORT_COUNTRIES.map(
          (c) =>
            html`
<option value="${c}"${c === chosen ? raw(' selected') : ''}>${t(`link.countries.${c}`)}</option>`,
        )}
</select>`,
      )}${birthDateField(m, t('link.birthDateHintPassport'))}${linkCodeField(m)}`;
    }
  }
}

const INTRO: Record<DocType, string> = {
  thai_id: 'link.intro',
  pink_card: 'link.introPinkCard',
  passport: 'link.introPassport',
};

export function renderLinkPage(m: LinkPageModel): HtmlEscapedString | Promise<HtmlEscapedString> {
  const { t } = m;
  const message = errorText(m);
  const showForm = m.error !== 'tooMany' && m.error !== 'invalidToken';
  const privacy = m.docType === 'thai_id' ? t('link.privacy') : t('link.privacyLinkCode');
  return html`<!doctype html>
<html lang="${m.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${t('link.pageTitle')} · ${t('brand')}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>${languageSwitcher(m)}
<h1>${t('link.pageTitle')}</h1></header>
<main>
${message ? html`<p class="error" role="alert" id="form-error">${message}${errorFix(m)}</p>` : ''}
${
  showForm
    ? html`${docChoices(m)}
<form method="post" action="/link" novalidate aria-labelledby="form-title"${message ? html` aria-describedby="form-error"` : ''}>
<h2 id="form-title">${t(`link.doc.${m.docType}.name`)}</h2>
<p>${t(INTRO[m.docType])}</p>
<input type="hidden" name="linkToken" value="${m.linkToken}">
<input type="hidden" name="lang" value="${m.lang}">
<input type="hidden" name="docType" value="${m.docType}">${fields(m)}
<button type="submit">${t('link.submit')}</button>
<p class="privacy">${privacy}</p>
</form>`
    : ''
}
</main>
</body>
</html>`;
}
