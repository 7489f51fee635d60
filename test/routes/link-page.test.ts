/**
 * The account-link page as HTML (src/pages/link-page.ts): every document in every language has
 * its own fields, each bound to a label; the three document choices and the five languages are
 * plain links (no JavaScript) that keep the link token; the link-code help names the hotline;
 * the errors that mean "wrong document" link to the right one. Plus GET /link over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import {
  DOC_TYPES,
  type DocType,
  LINK_CODE_TTL_DAYS,
  type LinkPageModel,
  PASSPORT_COUNTRIES,
  PINK_CARD_PREFIX,
  renderLinkPage,
} from '../../src/pages/link-page.ts';
import { HOTLINE } from '../../src/rules/index.ts';
import { LINK_CODE_TTL_MS, recordLinkToken } from '../../src/store/account-links.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const i18n = createI18n();
const TOKEN = 'tok_ABC-123';

/** As hono/html escapes text and attribute values. */
const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.replace(/^<\w+/, '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
    out[m[1]!] = m[2] ?? '';
  }
  return out;
}

/** The visible form controls, in page order. */
function controls(html: string): Record<string, string>[] {
  return [...html.matchAll(/<(input|select)\b[^>]*>/g)]
    .map((m): Record<string, string> => ({ tag: m[1]!, ...attrs(m[0]) }))
    .filter((c) => c.type !== 'hidden');
}

function hidden(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<input type="hidden"[^>]*>/g)].map((m) => {
      const a = attrs(m[0]);
      return [a.name!, a.value!];
    }),
  );
}

function labels(html: string): Map<string, string> {
  return new Map(
    [...html.matchAll(/<label for="([^"]+)">([^<]*)<\/label>/g)].map((m) => [m[1]!, m[2]!]),
  );
}

function links(html: string): Record<string, string>[] {
  return [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)].map(
    (m): Record<string, string> => ({
      ...attrs(`<a${m[1]}>`),
      text: m[2]!,
    }),
  );
}

const query = (href: string) => new URL(href.replace(/&amp;/g, '&'), 'https://x').searchParams;

async function render(model: Partial<LinkPageModel> & { lang: Lang; docType: DocType }) {
  return String(await renderLinkPage({ t: i18n.t(model.lang), linkToken: TOKEN, ...model }));
}

/** The fields each document asks for: [id (= name), label key]. */
const FIELDS: Record<DocType, [string, string][]> = {
  thai_id: [
    ['nationalId', 'link.nationalId'],
    ['birthDate', 'link.birthDate'],
    ['laserCode', 'link.laserCode'],
  ],
  pink_card: [
    ['nationalId', 'link.pinkCardNumber'],
    ['birthDate', 'link.birthDate'],
    ['linkCode', 'link.linkCode'],
  ],
  passport: [
    ['passportNumber', 'link.passportNumber'],
    ['country', 'link.country'],
    ['birthDate', 'link.birthDate'],
    ['linkCode', 'link.linkCode'],
  ],
};

describe('link page rendering', () => {
  for (const lang of LANGUAGES) {
    for (const doc of DOC_TYPES) {
      it(`${lang} / ${doc}: the document's fields, bound labels, choices, languages, help`, async () => {
        const t = i18n.t(lang);
        const html = await render({ lang, docType: doc });
        expect(html).toMatch(new RegExp(`<html lang="${lang}">`));
        expect(html).not.toMatch(/<script|\son[a-z]+="/i);

        // The right fields, in order, each with the name the route reads and a bound label.
        const found = controls(html);
        expect(found.map((c) => c.id)).toEqual(FIELDS[doc].map(([id]) => id));
        expect(found.map((c) => c.name)).toEqual(FIELDS[doc].map(([id]) => id));
        const bound = labels(html);
        expect([...bound.keys()]).toEqual(FIELDS[doc].map(([id]) => id));
        for (const [id, key] of FIELDS[doc]) {
          expect(bound.get(id), `${id} label`).toBe(esc(t(key)));
          const control = found.find((c) => c.id === id)!;
          // Its hint is its description, and exists.
          expect(control['aria-describedby']?.split(' ')).toContain(`${id}-hint`);
          for (const ref of control['aria-describedby']!.split(' ')) {
            expect(html, ref).toContain(`id="${ref}"`);
          }
        }
        // Field labels are distinct (each finds one field).
        expect(new Set(bound.values()).size).toBe(bound.size);
        expect(hidden(html)).toEqual({ linkToken: TOKEN, lang, docType: doc });
        expect(html).toContain(`<button type="submit">${esc(t('link.submit'))}</button>`);

        // The three documents, as links that keep the token and language; the chosen one current.
        const all = links(html);
        const choices = all.filter((a) => a.class === 'doc');
        expect(choices.map((a) => query(a.href!).get('doc'))).toEqual([...DOC_TYPES]);
        for (const a of choices) {
          const q = query(a.href!);
          expect(q.get('linkToken')).toBe(TOKEN);
          expect(q.get('lang')).toBe(lang);
          expect('aria-current' in a).toBe(q.get('doc') === doc);
          expect(a.text).toContain(esc(t(`link.doc.${q.get('doc')}.name`)));
        }
        expect(html).toContain(esc(t('link.docQuestion')));

        // Five languages, each named in itself, keeping the token and the document.
        const langLinks = all.filter((a) => a.hreflang !== undefined);
        expect(langLinks.map((a) => a.lang)).toEqual([...LANGUAGES]);
        for (const a of langLinks) {
          const q = query(a.href!);
          expect(q.get('lang')).toBe(a.lang);
          expect(q.get('doc')).toBe(doc);
          expect(q.get('linkToken')).toBe(TOKEN);
          expect(a.text).toBe(esc(i18n.t(a.lang as Lang)('services.language.name')));
          expect('aria-current' in a).toBe(a.lang === lang);
        }

        // The link-code help, where the code is asked for: where to get it, the hotline, validity.
        const help = /<div class="help" id="linkCode-help">([\s\S]*?)<\/div>/.exec(html)?.[1];
        if (doc === 'thai_id') {
          expect(help).toBeUndefined();
          expect(html).toContain(esc(t('link.privacy')));
        } else {
          expect(help).toBeDefined();
          expect(html.indexOf('id="linkCode-help"')).toBeGreaterThan(html.indexOf('id="linkCode"'));
          expect(help).toContain(`<a href="tel:${HOTLINE}">${HOTLINE}</a>`);
          expect(help!.replace(/<[^>]+>/g, '')).toContain(
            esc(t('link.linkCodeWhere', { hotline: HOTLINE })),
          );
          expect(help).toContain(esc(t('link.linkCodeValid', { days: LINK_CODE_TTL_DAYS })));
          expect(html).toContain(esc(t('link.privacyLinkCode')));
        }
      });
    }
  }

  it('says the values that come from data and code, not literals', () => {
    expect(PINK_CARD_PREFIX).toBe('00');
    expect(LINK_CODE_TTL_DAYS * 24 * 3600_000).toBe(LINK_CODE_TTL_MS);
    const th = i18n.t('th');
    expect(th('link.linkCodeValid', { days: LINK_CODE_TTL_DAYS })).toContain('30 วัน');
  });

  it('offers the four passport countries named in the page language, keeping a choice', async () => {
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const html = await render({
        lang,
        docType: 'passport',
        values: { passportNumber: 'mb<123>', country: 'KHM' },
      });
      const options = [...html.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)];
      expect(options.map((o) => o[1])).toEqual(['', ...PASSPORT_COUNTRIES]);
      expect(options.slice(1).map((o) => o[3])).toEqual(
        PASSPORT_COUNTRIES.map((c) => esc(t(`link.countries.${c}`))),
      );
      expect(options.filter((o) => o[2]).map((o) => o[1])).toEqual(['KHM']);
      expect(html).toContain('value="mb&lt;123&gt;"');
    }
    // With nothing chosen yet, the country of the page language is preselected (none for th/en).
    const selected = async (lang: Lang) =>
      /<option value="([^"]*)" selected>/.exec(await render({ lang, docType: 'passport' }))?.[1];
    expect(await selected('my')).toBe('MMR');
    expect(await selected('km')).toBe('KHM');
    expect(await selected('lo')).toBe('LAO');
    expect(await selected('th')).toBe('');
    expect(await selected('en')).toBe('');
  });

  it('keeps the Thai ID form as it was: ids, names, hints and the prefilled values', async () => {
    const html = await render({
      lang: 'th',
      docType: 'thai_id',
      values: { nationalId: '1-1017-00192-33-1', birthDate: '1990-01-31' },
    });
    expect(html).toContain('<label for="nationalId">');
    expect(html).toContain('id="nationalId-hint"');
    expect(html).toContain('id="laserCode-hint"');
    expect(html).toContain('value="1-1017-00192-33-1"');
    expect(html).toContain('value="1990-01-31"');
    // The laser code is never echoed back.
    expect(/<input id="laserCode"[^>]*value=/.test(html)).toBe(false);
  });

  it('names each error in the page language; "wrong document" errors link to the right one', async () => {
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const alertOf = async (m: Partial<LinkPageModel> & { docType: DocType }) =>
        /<p class="error" role="alert" id="form-error">([\s\S]*?)<\/p>/.exec(
          await render({ lang, ...m }),
        )?.[1];

      const onThai = await alertOf({ docType: 'thai_id', error: 'pinkCardOnThaiForm' });
      expect(onThai).toContain(esc(t('link.pinkCardOnThaiForm', { prefix: PINK_CARD_PREFIX })));
      const fix = links(onThai!)[0]!;
      expect(query(fix.href!).get('doc')).toBe('pink_card');
      expect(query(fix.href!).get('lang')).toBe(lang);
      expect(query(fix.href!).get('linkToken')).toBe(TOKEN);
      expect(fix.text).toContain(esc(t('link.useThisPinkCard')));

      const notPink = await alertOf({ docType: 'pink_card', error: 'notPinkCard' });
      expect(notPink).toContain(esc(t('link.notPinkCard', { prefix: PINK_CARD_PREFIX })));
      expect(query(links(notPink!)[0]!.href!).get('doc')).toBe('thai_id');

      expect(await alertOf({ docType: 'pink_card', error: 'badId' })).toBe(
        esc(t('link.badPinkCard')),
      );
      expect(await alertOf({ docType: 'thai_id', error: 'badId' })).toBe(esc(t('link.badId')));
      expect(await alertOf({ docType: 'passport', error: 'badPassport' })).toBe(
        esc(t('link.badPassport')),
      );
      expect(await alertOf({ docType: 'passport', error: 'mismatch' })).toBe(esc(t('link.error')));
      expect(await alertOf({ docType: 'thai_id', error: 'badDate' })).toBe(esc(t('link.badDate')));
    }
  });

  it('counts the lock-out in minutes, or in hours past 90 minutes, and hides the form', async () => {
    const th = await render({
      lang: 'th',
      docType: 'thai_id',
      error: 'tooMany',
      retryAfterMinutes: 15,
    });
    expect(th).toContain('กรุณารอ 15 นาทีแล้วเริ่มใหม่');
    expect(th).not.toContain('<form');
    expect(th).not.toContain('class="doc"');
    const en90 = await render({
      lang: 'en',
      docType: 'pink_card',
      error: 'tooMany',
      retryAfterMinutes: 90,
    });
    expect(en90).toContain('wait 90 minutes');
    const en = await render({
      lang: 'en',
      docType: 'pink_card',
      error: 'tooMany',
      retryAfterMinutes: 1380,
    });
    expect(en).toContain('wait 23 hours');
    const lo = await render({
      lang: 'lo',
      docType: 'passport',
      error: 'tooMany',
      retryAfterMinutes: 91,
    });
    expect(lo).toContain(esc(i18n.t('lo')('link.tooManyHours', { hours: 2 })));
  });

  it('on an unusable link shows only the message and the language links', async () => {
    const html = await render({
      lang: 'my',
      docType: 'thai_id',
      linkToken: '',
      error: 'invalidToken',
    });
    expect(html).toContain(esc(i18n.t('my')('link.invalidToken')));
    expect(html).not.toContain('<form');
    expect(html).not.toContain('class="doc"');
    expect(links(html).filter((a) => a.hreflang !== undefined)).toHaveLength(LANGUAGES.length);
  });
});

describe('GET /link', () => {
  let mock: LineMock;
  let app: TestApp;
  beforeAll(async () => {
    mock = await startLineMock();
    app = await createTestApp({ lineApiBaseUrl: mock.url });
  });
  afterAll(async () => {
    await app.dispose();
    await mock.close();
  });

  it('answers 400 with the invalid-link message for a token the bot did not issue', async () => {
    for (const [path, lang] of [
      ['/link?linkToken=not-one-of-ours&doc=pink_card&lang=km', 'km'],
      ['/link?doc=passport', 'th'],
      ['/link?linkToken=%3Cscript%3E&lang=lo', 'lo'],
    ] as const) {
      const res = await app.app.request(path);
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(html).toContain(esc(i18n.t(lang)('link.invalidToken')));
      expect(html).not.toContain('<form');
    }
  });

  it('renders the chosen document in the chosen language for an issued token', async () => {
    const token = 'issued-token-for-page-test';
    await recordLinkToken(app.store, token, 'Upagetest', Date.now(), 10 * 60_000);
    const res = await app.app.request(`/link?linkToken=${token}&lang=km&doc=passport`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<html lang="km">');
    expect(controls(html).map((c) => c.id)).toEqual(FIELDS.passport.map(([id]) => id));
    expect(hidden(html)).toEqual({ linkToken: token, lang: 'km', docType: 'passport' });
    // An unknown document falls back to the Thai ID card.
    const plain = await (await app.app.request(`/link?linkToken=${token}&doc=other`)).text();
    expect(controls(plain).map((c) => c.id)).toEqual(FIELDS.thai_id.map(([id]) => id));
  });
});
