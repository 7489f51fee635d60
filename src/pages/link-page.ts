/**
 * The account-link page: Thai first, mobile first, no JavaScript, every field labelled.
 * Values are escaped by hono/html.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang, Translate } from '../i18n.ts';

export interface LinkPageModel {
  lang: Lang;
  t: Translate;
  linkToken: string;
  error?: 'mismatch' | 'tooMany' | 'invalidToken' | 'badId' | 'badDate';
  values?: { nationalId?: string; birthDate?: string };
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Noto Sans Thai","Sarabun",sans-serif;
background:#f3f6fb;color:#1b2430;font-size:17px;line-height:1.55}
main{max-width:28rem;margin:0 auto;padding:1.25rem 1rem 2.5rem}
header{background:#0b4ea2;color:#fff;padding:1rem;text-align:center}
header h1{margin:0;font-size:1.25rem;padding:0 4.5rem}
.lang{position:absolute;right:.5rem;top:.5rem;color:#fff;font-size:.95rem;padding:.6rem .75rem;min-height:44px}
header{position:relative}
form{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
label{display:block;font-weight:600;margin-top:1rem}
.hint{display:block;font-weight:400;color:#55606e;font-size:.9rem;margin-top:.15rem}
input,button{font:inherit}
input{width:100%;font-size:1.1rem;padding:.7rem;margin-top:.35rem;border:1px solid #9aa7b8;border-radius:8px}
input:focus{outline:3px solid #8fb5ea;border-color:#0b4ea2}
button{width:100%;margin-top:1.5rem;padding:.9rem;font-size:1.1rem;font-weight:700;color:#fff;background:#0b4ea2;
border:0;border-radius:8px}
.error{background:#fdecea;color:#8a1c13;border-left:4px solid #c62828;padding:.75rem;border-radius:6px;margin-bottom:1rem}
.privacy{color:#55606e;font-size:.85rem;margin-top:1.25rem}`;

export function renderLinkPage(m: LinkPageModel): HtmlEscapedString | Promise<HtmlEscapedString> {
  const { t } = m;
  const other: Lang = m.lang === 'th' ? 'en' : 'th';
  const errorText =
    m.error === 'mismatch'
      ? t('link.error')
      : m.error === 'tooMany'
        ? t('link.tooMany')
        : m.error === 'invalidToken'
          ? t('link.invalidToken')
          : m.error === 'badId'
            ? t('link.badId')
            : m.error === 'badDate'
              ? t('link.badDate')
              : '';
  const showForm = m.error !== 'tooMany' && m.error !== 'invalidToken';
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
<header><a class="lang" href="/link?linkToken=${encodeURIComponent(m.linkToken)}&amp;lang=${other}" lang="${other}">${t('link.switchLanguage')}</a>
<h1>${t('link.pageTitle')}</h1></header>
<main>
${errorText ? html`<p class="error" role="alert" id="form-error">${errorText}</p>` : ''}
${
  showForm
    ? html`<p>${t('link.intro')}</p>
<form method="post" action="/link" novalidate${errorText ? html` aria-describedby="form-error"` : ''}>
<input type="hidden" name="linkToken" value="${m.linkToken}">
<input type="hidden" name="lang" value="${m.lang}">
<label for="nationalId">${t('link.nationalId')}</label><span class="hint" id="nationalId-hint">${t('link.nationalIdHint')}</span>
<input id="nationalId" name="nationalId" inputmode="numeric" autocomplete="off" required maxlength="17" aria-describedby="nationalId-hint" value="${m.values?.nationalId ?? ''}">
<label for="birthDate">${t('link.birthDate')}</label><span class="hint" id="birthDate-hint">${t('link.birthDateHint')}</span>
<input id="birthDate" name="birthDate" type="date" autocomplete="bday" required aria-describedby="birthDate-hint" value="${m.values?.birthDate ?? ''}">
<label for="laserCode">${t('link.laserCode')}</label><span class="hint" id="laserCode-hint">${t('link.laserCodeHint')}</span>
<input id="laserCode" name="laserCode" autocomplete="off" autocapitalize="characters" required maxlength="16" aria-describedby="laserCode-hint">
<button type="submit">${t('link.submit')}</button>
<p class="privacy">${t('link.privacy')}</p>
</form>`
    : ''
}
</main>
</body>
</html>`;
}
