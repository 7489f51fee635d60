/**
 * The account-link page (SPEC §3.2) in a real Chromium: Debian's /usr/bin/chromium driven by
 * playwright-core, against the app served on a real 127.0.0.1 port. Nothing leaves the machine:
 * every request that is not to 127.0.0.1 is aborted, and LINE's accountLink endpoint is answered
 * by a stub so the redirect target can be observed.
 *
 * Needs `apt-get install -y chromium` (scripts/ensure-chromium.sh); without it this file fails.
 *
 * Every document (Thai ID card, pink card, passport) and language path ends in the 303 to LINE,
 * and every form shown passes the same checks: each field labelled, text contrast (WCAG AA),
 * touch targets of 44 px, nothing wider than the phone, and a keyboard reaches everything in order.
 * Burmese, Khmer and Lao are drawn with the Noto fonts the project already has (node_modules,
 * via a fontconfig file given to Chromium), so the screenshots show the real script.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import enServices from '../../locales/en/services.json' with { type: 'json' };
import en from '../../locales/en/translation.json' with { type: 'json' };
import kmServices from '../../locales/km/services.json' with { type: 'json' };
import km from '../../locales/km/translation.json' with { type: 'json' };
import myServices from '../../locales/my/services.json' with { type: 'json' };
import my from '../../locales/my/translation.json' with { type: 'json' };
import thServices from '../../locales/th/services.json' with { type: 'json' };
import th from '../../locales/th/translation.json' with { type: 'json' };
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { LINE_ACCOUNT_LINK_URL } from '../../src/routes/link.ts';
import { issueLinkCode, recordLinkToken } from '../../src/store/account-links.ts';
import { accountLinks, identityDocuments, linkCodes } from '../../src/store/schema.ts';
import type { TestApp } from '../helpers/app.ts';
import type { LineMock } from '../helpers/line-mock.ts';
import { insertPerson, nationalIdFrom, type TestPerson } from '../helpers/people.ts';
import { checkAccessibility, launchChromium } from './a11y.ts';
import { type Guarded, openGuarded, PHONE, type ServedApp, serveTestApp } from './server.ts';

const SCREENSHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const LINE_ORIGIN = new URL(LINE_ACCOUNT_LINK_URL).origin;
const LINE_STUB_HTML = '<h1>LINE account link</h1>';

let mock: LineMock | undefined;
let app: TestApp | undefined;
let served: ServedApp | undefined;
let browser: Browser | undefined;
let origin = '';
let launched: Awaited<ReturnType<typeof launchChromium>> | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  launched = await launchChromium();
  browser = launched.browser;
  served = await serveTestApp();
  ({ app, mock, origin } = served);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  if (mock) expect(mock.violations).toEqual([]);
});

afterAll(async () => {
  await launched?.close();
  await served?.close();
});

async function openContext(options: BrowserContextOptions = PHONE): Promise<Guarded> {
  if (!browser) throw new Error('browser not launched');
  // Where a request may go: 127.0.0.1 (the app), LINE's accountLink endpoint (stubbed), nowhere else.
  const opened = await openGuarded(browser, options, (url) =>
    url.origin === LINE_ORIGIN ? { contentType: 'text/html', body: LINE_STUB_HTML } : undefined,
  );
  contexts.push(opened.context);
  await guardRedirects(opened.context, opened.page, opened.blocked);
  return opened;
}

/**
 * Playwright routes only the first URL of a redirect chain: the request that follows a redirect
 * (our 303 to LINE) is continued straight to the network. So redirect follow-ups are held here,
 * over the page's own DevTools session, with the same policy as the route above.
 */
async function guardRedirects(context: BrowserContext, page: Page, blocked: string[]) {
  const cdp = await context.newCDPSession(page);
  cdp.on('Fetch.requestPaused', (event) => {
    const { requestId } = event;
    const url = new URL(event.request.url);
    let answer: Promise<unknown>;
    if (event.redirectedRequestId === undefined || url.hostname === '127.0.0.1') {
      answer = cdp.send('Fetch.continueRequest', { requestId }); // page.route decides
    } else if (url.origin === LINE_ORIGIN) {
      answer = cdp.send('Fetch.fulfillRequest', {
        requestId,
        responseCode: 200,
        responseHeaders: [{ name: 'content-type', value: 'text/html; charset=utf-8' }],
        body: Buffer.from(LINE_STUB_HTML).toString('base64'),
      });
    } else {
      blocked.push(url.href);
      answer = cdp.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' });
    }
    answer.catch(() => {}); // the page may already be gone
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
}

const dashedId = (id: string) => id.replace(/^(\d)(\d{4})(\d{5})(\d{2})(\d)$/, '$1-$2-$3-$4-$5');
const newLinkToken = () => randomBytes(24).toString('base64url');

function freshPerson(): TestPerson {
  if (!app) throw new Error('app not started');
  return insertPerson(app.store);
}

/** A link token as the bot records it when it gets one from LINE (the page accepts no other). */
async function issuedLinkToken(userId = demoUserId(`page-${randomBytes(4).toString('hex')}`)) {
  if (!app) throw new Error('app not started');
  const linkToken = newLinkToken();
  await recordLinkToken(app.store, linkToken, userId, Date.now(), 10 * 60_000);
  return linkToken;
}

let migrantSerial = 0;

/** A migrant worker with a pink card (13 digits starting 00), no laser code, and a link code. */
async function pinkCardHolder(): Promise<TestPerson & { linkCode: string }> {
  if (!app) throw new Error('app not started');
  migrantSerial++;
  const person = insertPerson(app.store, {
    nationalId: nationalIdFrom(`0012${String(34500000 + migrantSerial).slice(-8)}`),
    laserCodeHash: 'none',
    birthDate: '1995-03-07',
  });
  const { code } = await issueLinkCode(app.store, person.id, 'test', Date.now());
  return { ...person, linkCode: code };
}

/** A migrant worker known by a passport (no Thai document at all), with a link code. */
async function passportHolder(
  country: string,
  number: string,
): Promise<TestPerson & { linkCode: string; passportNumber: string }> {
  const person = await pinkCardHolder();
  app!.store.syncDb
    .insert(identityDocuments)
    .values({ personId: person.id, type: 'passport', country, number, updatedAt: Date.now() })
    .run();
  return { ...person, passportNumber: number };
}

/** The bot's side: LINE's accountLink event with the nonce binds the user to the person. */
async function expectBound(userId: string, personId: number, nonce: string) {
  await app!.post([events.accountLink({ userId }, 'ok', nonce)]);
  await app!.settle();
  expect(app!.store.syncDb.select().from(accountLinks).all()).toContainEqual(
    expect.objectContaining({ userId, personId }),
  );
}

/** The five language links, each named in its own language. */
const LANGUAGE_NAMES = {
  th: thServices.services.language.name,
  en: enServices.services.language.name,
  my: myServices.services.language.name,
  km: kmServices.services.language.name,
} as const;

async function switchLanguage(page: Page, lang: keyof typeof LANGUAGE_NAMES) {
  const link = page.getByRole('link', { name: LANGUAGE_NAMES[lang], exact: true });
  expect(await link.getAttribute('lang')).toBe(lang);
  await Promise.all([page.waitForURL(new RegExp(`lang=${lang}`)), link.click()]);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

/** Taps a document choice (shown with its name) and lands on its form. */
async function chooseDocument(page: Page, doc: 'thai_id' | 'pink_card' | 'passport', name: string) {
  const link = page.locator(`#doc-${doc}`);
  expect(await link.locator('strong').textContent()).toContain(name);
  expect(await link.getAttribute('aria-current')).toBeNull();
  await Promise.all([page.waitForURL(new RegExp(`doc=${doc}`)), link.click()]);
  expect(await page.locator(`#doc-${doc}`).getAttribute('aria-current')).toBe('page');
  expect(await page.locator('a[aria-current="page"]').count()).toBe(1);
}

/** The chat half: "ผูกบัญชี" → the bot replies with PUBLIC_BASE_URL/link?linkToken=… */
async function linkUrlFromChat(userId: string): Promise<string> {
  if (!app || !mock) throw new Error('app not started');
  const before = mock.replies().length;
  await app.post([events.text({ userId }, 'ผูกบัญชี')]);
  await app.settle();
  const replies = mock.replies();
  expect(replies.length).toBe(before + 1);
  const all = JSON.stringify(replies.at(-1)?.body);
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`${escaped}/link\\?linkToken=[A-Za-z0-9_%-]+`).exec(all);
  expect(m, all).not.toBeNull();
  return m![0];
}

async function fillForm(page: Page, labels: typeof th.link, person: TestPerson, laserCode: string) {
  await page.getByLabel(labels.nationalId).fill(dashedId(person.nationalId));
  await page.getByLabel(labels.birthDate).fill(person.birthDate);
  await page.getByLabel(labels.laserCode).fill(laserCode);
}

async function submitAndExpectLine(page: Page, labels: typeof th.link, linkToken: string) {
  await Promise.all([
    page.waitForURL(`${LINE_ACCOUNT_LINK_URL}?**`),
    page.getByRole('button', { name: labels.submit, exact: true }).click(),
  ]);
  const landed = new URL(page.url());
  expect(`${landed.origin}${landed.pathname}`).toBe(LINE_ACCOUNT_LINK_URL);
  expect(landed.searchParams.get('linkToken')).toBe(linkToken);
  const nonce = landed.searchParams.get('nonce') ?? '';
  expect(nonce).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  expect(await page.locator('h1').textContent()).toBe('LINE account link');
  return nonce;
}

describe('account-link page in Chromium', () => {
  it('links from a phone in Thai: labelled fields, submit, 303 to LINE with a nonce', async () => {
    const userId = demoUserId('browser-linker');
    const person = freshPerson();
    const url = await linkUrlFromChat(userId);
    const linkToken = new URL(url).searchParams.get('linkToken')!;
    const { page, blocked, problems } = await openContext();

    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    expect(await page.title()).toContain(th.link.pageTitle);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(th.link.pageTitle);

    // The Thai ID card is the form shown first, with its three fields as before.
    expect(await page.locator('#doc-thai_id').getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('heading', { name: th.link.docQuestion }).count()).toBe(1);
    const fields = [
      [th.link.nationalId, 'nationalId'],
      [th.link.birthDate, 'birthDate'],
      [th.link.laserCode, 'laserCode'],
    ] as const;
    expect(await page.locator('input:not([type=hidden])').count()).toBe(fields.length);
    for (const [label, id] of fields) {
      const field = page.getByLabel(label);
      expect(await field.count(), label).toBe(1);
      expect(await field.getAttribute('id')).toBe(id);
    }
    await checkAccessibility(page, 'th/thai_id');

    await fillForm(page, th.link, person, person.laserCode);
    await page.screenshot({ path: `${SCREENSHOTS}link-page.png`, fullPage: true });
    const nonce = await submitAndExpectLine(page, th.link, linkToken);

    // The nonce the browser carried to LINE is one the bot accepts.
    await expectBound(userId, person.id, nonce);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the Thai mismatch alert on a wrong laser code, keeping the ID but not the code', async () => {
    const person = freshPerson();
    const linkToken = await issuedLinkToken();
    const { page, blocked, problems } = await openContext();
    await page.goto(`${origin}/link?linkToken=${linkToken}`);
    expect(await page.getByRole('alert').count()).toBe(0);

    await fillForm(page, th.link, person, 'ME0-0000000-00');
    await Promise.all([
      page.waitForURL(`${origin}/link`),
      page.getByRole('button', { name: th.link.submit, exact: true }).click(),
    ]);

    const alert = page.getByRole('alert');
    expect(await alert.count()).toBe(1);
    expect((await alert.textContent())?.trim()).toBe(th.link.error);
    expect(await alert.isVisible()).toBe(true);
    const now = new URL(page.url());
    expect(now.origin).toBe(origin);
    expect(now.pathname).toBe('/link');
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    expect(await page.getByLabel(th.link.nationalId).inputValue()).toBe(
      dashedId(person.nationalId),
    );
    expect(await page.getByLabel(th.link.birthDate).inputValue()).toBe(person.birthDate);
    expect(await page.getByLabel(th.link.laserCode).inputValue()).toBe('');
    await page.screenshot({ path: `${SCREENSHOTS}link-page-error.png`, fullPage: true });

    // Fixing the code on the same page still links (the hidden link token survived the round trip).
    await page.getByLabel(th.link.laserCode).fill(person.laserCode);
    await submitAndExpectLine(page, th.link, linkToken);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('works with JavaScript disabled', async () => {
    const person = freshPerson();
    const linkToken = await issuedLinkToken();
    const { page, blocked, problems } = await openContext({ ...PHONE, javaScriptEnabled: false });
    await page.goto(`${origin}/link?linkToken=${linkToken}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    await fillForm(page, th.link, person, person.laserCode);
    await submitAndExpectLine(page, th.link, linkToken);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has an English version with English labels, and the language links work both ways', async () => {
    const person = freshPerson();
    const linkToken = await issuedLinkToken();
    const { page, blocked, problems } = await openContext({ ...PHONE, locale: 'en-US' });
    await page.goto(`${origin}/link?linkToken=${linkToken}&lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en.link.pageTitle);
    for (const label of [en.link.nationalId, en.link.birthDate, en.link.laserCode]) {
      expect(await page.getByLabel(label).count(), label).toBe(1);
    }
    expect(await page.getByRole('button', { name: en.link.submit, exact: true }).count()).toBe(1);
    expect(await page.getByText(th.link.nationalId).count()).toBe(0);

    // Five languages, each named in itself; English → ไทย keeps the link token.
    const nav = page.getByRole('navigation', { name: en.link.languageNav });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      ...Object.values(LANGUAGE_NAMES),
      'ລາວ',
    ]);
    await switchLanguage(page, 'th');
    expect(new URL(page.url()).searchParams.get('linkToken')).toBe(linkToken);
    expect(await page.getByLabel(th.link.nationalId).count()).toBe(1);

    // ไทย → English, then a wrong submission answers in English and a right one links.
    await switchLanguage(page, 'en');
    await fillForm(page, en.link, person, 'XX0000000000');
    await Promise.all([
      page.waitForURL(`${origin}/link`),
      page.getByRole('button', { name: en.link.submit, exact: true }).click(),
    ]);
    expect((await page.getByRole('alert').textContent())?.trim()).toBe(en.link.error);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByLabel(en.link.laserCode).fill(person.laserCode);
    await submitAndExpectLine(page, en.link, linkToken);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('links a pink card in Burmese on a phone: language, document, link code, 303 to LINE', async () => {
    const userId = demoUserId('browser-pink-card-my');
    const person = await pinkCardHolder();
    const url = await linkUrlFromChat(userId);
    const linkToken = new URL(url).searchParams.get('linkToken')!;
    const { page, blocked, problems } = await openContext({ ...PHONE, locale: 'my-MM' });
    await page.goto(url);

    await switchLanguage(page, 'my');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(my.link.pageTitle);
    await chooseDocument(page, 'pink_card', my.link.doc.pink_card.name);
    expect(new URL(page.url()).searchParams.get('linkToken')).toBe(linkToken);

    // The pink card's fields, in Burmese; no laser code.
    const fields = [
      [my.link.pinkCardNumber, 'nationalId'],
      [my.link.birthDate, 'birthDate'],
      [my.link.linkCode, 'linkCode'],
    ] as const;
    expect(await page.locator('input:not([type=hidden]), select').count()).toBe(fields.length);
    for (const [label, id] of fields) {
      expect(await page.getByLabel(label, { exact: true }).getAttribute('id'), label).toBe(id);
    }
    expect(await page.getByLabel(my.link.laserCode).count()).toBe(0);
    // Where the code is asked for: where to get one, the hotline to call, how long it works.
    const help = page.locator('#linkCode-help');
    expect(await help.isVisible()).toBe(true);
    expect(await help.textContent()).toContain(my.link.linkCodeNone);
    expect(await help.getByRole('link').getAttribute('href')).toMatch(/^tel:\d+$/);
    expect(await page.getByLabel(my.link.linkCode).getAttribute('aria-describedby')).toContain(
      'linkCode-help',
    );
    await checkAccessibility(page, 'my/pink_card');

    await page.getByLabel(my.link.pinkCardNumber).fill(dashedId(person.nationalId));
    await page.getByLabel(my.link.birthDate, { exact: true }).fill(person.birthDate);
    await page.getByLabel(my.link.linkCode).fill(person.linkCode.toLowerCase());
    await page.screenshot({ path: `${SCREENSHOTS}link-page-pink-card-my.png`, fullPage: true });
    const nonce = await submitAndExpectLine(page, my.link, linkToken);
    await expectBound(userId, person.id, nonce);

    // The link code is single use.
    const codes = app!.store.syncDb.select().from(linkCodes).all();
    expect(codes.find((c) => c.personId === person.id)?.usedAt).not.toBeNull();
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('links a passport in Khmer on a phone, by keyboard, ending in the 303 to LINE', async () => {
    const userId = demoUserId('browser-passport-km');
    const person = await passportHolder('KHM', 'N01234567');
    const linkToken = await issuedLinkToken(userId);
    const { page, blocked, problems } = await openContext({ ...PHONE, locale: 'km-KH' });
    await page.goto(`${origin}/link?linkToken=${linkToken}`);

    await switchLanguage(page, 'km');
    await chooseDocument(page, 'passport', km.link.doc.passport.name);
    const fields = [
      [km.link.passportNumber, 'passportNumber'],
      [km.link.country, 'country'],
      [km.link.birthDate, 'birthDate'],
      [km.link.linkCode, 'linkCode'],
    ] as const;
    expect(await page.locator('input:not([type=hidden]), select').count()).toBe(fields.length);
    for (const [label, id] of fields) {
      expect(await page.getByLabel(label, { exact: true }).getAttribute('id'), label).toBe(id);
    }
    // The countries in Khmer; Cambodia already chosen for a Khmer reader.
    const country = page.getByLabel(km.link.country, { exact: true });
    expect(await country.locator('option').allTextContents()).toEqual([
      km.link.chooseCountry,
      ...Object.values(km.link.countries),
    ]);
    expect(await country.inputValue()).toBe('KHM');
    expect(await page.locator('#linkCode-help').textContent()).toContain(km.link.linkCodeNone);
    await checkAccessibility(page, 'km/passport');

    // Keyboard only, except the date (its typed order depends on the phone's locale).
    await page.getByLabel(km.link.passportNumber).focus();
    await page.keyboard.type('n0123 4567');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('country');
    await page.getByLabel(km.link.birthDate, { exact: true }).fill(person.birthDate);
    await page.getByLabel(km.link.linkCode).focus();
    await page.keyboard.type(person.linkCode);
    await page.screenshot({ path: `${SCREENSHOTS}link-page-passport-km.png`, fullPage: true });
    await Promise.all([
      page.waitForURL(`${LINE_ACCOUNT_LINK_URL}?**`),
      page.keyboard.press('Enter'),
    ]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('linkToken')).toBe(linkToken);
    await expectBound(userId, person.id, landed.searchParams.get('nonce') ?? '');
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('sends a pink card number typed on the Thai ID form to the pink card form', async () => {
    const person = await pinkCardHolder();
    const linkToken = await issuedLinkToken();
    const { page, blocked, problems } = await openContext();
    await page.goto(`${origin}/link?linkToken=${linkToken}`);
    await fillForm(page, th.link, person, 'ME0-0000000-00');
    await Promise.all([
      page.waitForURL(`${origin}/link`),
      page.getByRole('button', { name: th.link.submit, exact: true }).click(),
    ]);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain(
      th.link.pinkCardOnThaiForm.replace('{{prefix}}', '00'),
    );
    await checkAccessibility(page, 'th/thai_id with the pink card error');
    await page.screenshot({ path: `${SCREENSHOTS}link-page-pink-card-hint.png`, fullPage: true });

    await Promise.all([
      page.waitForURL(/doc=pink_card/),
      alert.getByRole('link', { name: th.link.useThisPinkCard }).click(),
    ]);
    expect(await page.locator('#doc-pink_card').getAttribute('aria-current')).toBe('page');
    await page.getByLabel(th.link.pinkCardNumber).fill(person.nationalId);
    await page.getByLabel(th.link.birthDate, { exact: true }).fill(person.birthDate);
    await page.getByLabel(th.link.linkCode).fill(person.linkCode);
    await submitAndExpectLine(page, th.link, linkToken);
    expect(blocked).toEqual([]);
    // The form error is answered with a 400, which Chromium logs; nothing else.
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });
});
