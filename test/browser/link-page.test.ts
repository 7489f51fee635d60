/**
 * The account-link page (SPEC §3.2) in a real Chromium: Debian's /usr/bin/chromium driven by
 * playwright-core, against the app served on a real 127.0.0.1 port. Nothing leaves the machine:
 * every request that is not to 127.0.0.1 is aborted, and LINE's accountLink endpoint is answered
 * by a stub so the redirect target can be observed.
 *
 * Needs `apt-get install -y chromium` (scripts/ensure-chromium.sh); without it this file fails.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import en from '../../locales/en/translation.json' with { type: 'json' };
import th from '../../locales/th/translation.json' with { type: 'json' };
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { LINE_ACCOUNT_LINK_URL } from '../../src/routes/link.ts';
import { accountLinks } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson, type TestPerson } from '../helpers/people.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const LINE_ORIGIN = new URL(LINE_ACCOUNT_LINK_URL).origin;
const LINE_STUB_HTML = '<h1>LINE account link</h1>';
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'th-TH',
};

let mock: LineMock | undefined;
let app: TestApp | undefined;
let server: Server | undefined;
let browser: Browser | undefined;
let origin = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser tests need Debian's chromium: ` +
        'run `apt-get install -y chromium` as root (or scripts/ensure-chromium.sh). ' +
        'Never download a browser through npm/playwright.',
    );
  }
  mock = await startLineMock();
  // The port is only known once listening, and PUBLIC_BASE_URL must name it before the app is
  // built, so the server forwards to app.app.fetch once the app exists.
  const s = serve({
    fetch: (req, env) => {
      if (!app) return new Response('app not ready', { status: 503 });
      return app.app.fetch(req, env);
    },
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  server = s;
  if (!s.listening) await new Promise<void>((resolve) => s.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  app = await createTestApp({ lineApiBaseUrl: mock.url, env: { PUBLIC_BASE_URL: origin } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  if (mock) expect(mock.violations).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    const s = server;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
  await app?.dispose();
  await mock?.close();
});

interface Opened {
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (and were aborted). */
  blocked: string[];
  /** Uncaught page errors and console errors (CSP violations show up here). */
  problems: string[];
}

async function openContext(options: BrowserContextOptions = PHONE): Promise<Opened> {
  if (!browser) throw new Error('browser not launched');
  const context = await browser.newContext(options);
  contexts.push(context);
  const blocked: string[] = [];
  const problems: string[] = [];
  // Where a request may go: 127.0.0.1 (the app), LINE's accountLink endpoint (stubbed), nowhere else.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    if (url.origin === LINE_ORIGIN) {
      return route.fulfill({ status: 200, contentType: 'text/html', body: LINE_STUB_HTML });
    }
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await guardRedirects(context, page, blocked);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return { page, blocked, problems };
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

    // Every visible input has a <label>, and each Thai label text finds exactly one field.
    const unlabelled = await page
      .locator('input:not([type=hidden])')
      .evaluateAll((inputs) =>
        (inputs as HTMLInputElement[]).filter((i) => !i.labels?.length).map((i) => i.outerHTML),
      );
    expect(unlabelled).toEqual([]);
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

    // Nothing overflows the phone's width.
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      widest: Math.max(
        ...[...document.querySelectorAll('form, input, button')].map(
          (e) => e.getBoundingClientRect().right,
        ),
      ),
    }));
    expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
    expect(overflow.widest).toBeLessThanOrEqual(390);

    await fillForm(page, th.link, person, person.laserCode);
    await page.screenshot({ path: `${SCREENSHOTS}link-page.png`, fullPage: true });
    const nonce = await submitAndExpectLine(page, th.link, linkToken);

    // The nonce the browser carried to LINE is one the bot accepts.
    await app!.post([events.accountLink({ userId }, 'ok', nonce)]);
    await app!.settle();
    expect(app!.store.syncDb.select().from(accountLinks).all()).toContainEqual(
      expect.objectContaining({ userId, personId: person.id }),
    );
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the Thai mismatch alert on a wrong laser code, keeping the ID but not the code', async () => {
    const person = freshPerson();
    const linkToken = newLinkToken();
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
    const linkToken = newLinkToken();
    const { page, blocked, problems } = await openContext({ ...PHONE, javaScriptEnabled: false });
    await page.goto(`${origin}/link?linkToken=${linkToken}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    await fillForm(page, th.link, person, person.laserCode);
    await submitAndExpectLine(page, th.link, linkToken);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has an English version with English labels, and the language switch works both ways', async () => {
    const person = freshPerson();
    const linkToken = newLinkToken();
    const { page, blocked, problems } = await openContext({ ...PHONE, locale: 'en-US' });
    await page.goto(`${origin}/link?linkToken=${linkToken}&lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en.link.pageTitle);
    for (const label of [en.link.nationalId, en.link.birthDate, en.link.laserCode]) {
      expect(await page.getByLabel(label).count(), label).toBe(1);
    }
    expect(await page.getByRole('button', { name: en.link.submit, exact: true }).count()).toBe(1);
    expect(await page.getByText(th.link.nationalId).count()).toBe(0);

    // English → ไทย
    const toThai = page.getByRole('link', { name: en.link.switchLanguage, exact: true });
    expect(await toThai.getAttribute('lang')).toBe('th');
    await Promise.all([page.waitForURL(/lang=th/), toThai.click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    expect(new URL(page.url()).searchParams.get('linkToken')).toBe(linkToken);
    expect(await page.getByLabel(th.link.nationalId).count()).toBe(1);

    // ไทย → English, then a wrong submission answers in English and a right one links.
    const toEnglish = page.getByRole('link', { name: th.link.switchLanguage, exact: true });
    await Promise.all([page.waitForURL(/lang=en/), toEnglish.click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
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
});
