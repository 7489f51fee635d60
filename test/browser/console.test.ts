/**
 * The operator console (issue 17, SPEC §3.2 /console) in a real Chromium: Debian's
 * /usr/bin/chromium driven by playwright-core, against the Node app served on a real 127.0.0.1
 * port, talking to the LINE mock (every request it gets is checked against LINE's OpenAPI).
 * Nothing leaves the machine: every request that is not to 127.0.0.1 is aborted, except the one
 * news image URL the tests type, which is answered here with a local PNG.
 *
 * The flows of the "done when": sign-in with TOTP enrolment and then with a code;
 * compose a news item with its live LINE preview and the audience count, push it to a segment
 * and watch the progress bar reach 100 %; answer a flagged chat and see the push in the mock;
 * a viewer cannot publish; a form post without its CSRF token gets 403. And every page, at a
 * phone's and a desktop's width, is screenshotted (test/browser/__screenshots__/console-*) and
 * passes the shared accessibility checks (./a11y.ts).
 *
 * Needs `apt-get install -y chromium` (scripts/ensure-chromium.sh); without it this file fails.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import core from '../../locales/th/console/core.json' with { type: 'json' };
import inboxJson from '../../locales/th/console/inbox.json' with { type: 'json' };
import newsJson from '../../locales/th/console/news.json' with { type: 'json' };
import richmenuJson from '../../locales/th/console/richmenu.json' with { type: 'json' };
import { totpCode, totpStep } from '../../src/console/totp.ts';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { startPushWorker } from '../../src/news/push-jobs.ts';
import { createNews } from '../../src/store/news.ts';
import { recordUnanswered } from '../../src/store/unanswered.ts';
import { addStaff, STAFF_PASSWORD, seedUsers } from '../console/helpers.ts';
import type { TestApp } from '../helpers/app.ts';
import type { LineMock } from '../helpers/line-mock.ts';
import { acceptedMulticasts } from '../news/helpers.ts';
import { accessibilityProblems, checkAccessibility, launchChromium } from './a11y.ts';
import { type Guarded, openGuarded, PHONE, type ServedApp, serveTestApp } from './server.ts';

const SCREENSHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/console/', import.meta.url));
const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  locale: 'th-TH',
};
const WIDTHS = { phone: PHONE, desktop: DESKTOP } as const;
type Width = keyof typeof WIDTHS;

/** The image URL typed into the news form; the browser gets a local PNG for it. */
const NEWS_IMAGE = 'https://www.sso.go.th/img/console-browser-test.png';
const NEWS_IMAGE_PNG = readFileSync(
  fileURLToPath(new URL('../../assets/richmenu/th/general.png', import.meta.url)),
);

const t = {
  ...core,
  inbox: inboxJson.inbox,
  news: newsJson.news,
  richmenu: richmenuJson.richmenu,
};
/** A locale string with its {{placeholders}} filled. */
const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));

let mock: LineMock;
let app: TestApp;
let served: ServedApp | undefined;
let browser: Browser;
let closeBrowser: (() => Promise<void>) | undefined;
let origin = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  served = await serveTestApp();
  ({ app, mock, origin } = served);
  ({ browser, close: closeBrowser } = await launchChromium());
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(DOCS, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  expect(mock.violations).toEqual([]);
});

afterAll(async () => {
  await closeBrowser?.();
  await served?.close();
});

type State = Awaited<ReturnType<BrowserContext['storageState']>>;

async function open(width: Width = 'phone', storageState?: State): Promise<Guarded> {
  const opened = await openGuarded(
    browser,
    { ...WIDTHS[width], ...(storageState ? { storageState } : {}) },
    (url) =>
      url.href === NEWS_IMAGE ? { contentType: 'image/png', body: NEWS_IMAGE_PNG } : undefined,
  );
  contexts.push(opened.context);
  // A data-confirm question is answered yes, as staff would.
  opened.page.on('dialog', (d) => void d.accept());
  return opened;
}

/** The page's accessibility checks at its width, then a full-page screenshot. */
async function capture(page: Page, name: string, width: Width): Promise<string> {
  await checkAccessibility(page, `${name} (${width})`, { phone: width === 'phone' });
  const path = `${SCREENSHOTS}console-${name}-${width}.png`;
  await page.screenshot({ path, fullPage: true });
  // What a closed <details> holds passes too, once opened.
  const closed = page.locator('details:not([open])');
  if ((await closed.count()) > 0) {
    await closed.evaluateAll((ds) => {
      for (const d of ds) (d as HTMLDetailsElement).open = true;
    });
    await checkAccessibility(page, `${name} (${width}, details open)`, {
      phone: width === 'phone',
    });
  }
  return path;
}

async function go(page: Page, path: string, status = 200) {
  const res = await page.goto(`${origin}${path}`);
  expect(res?.status(), path).toBe(status);
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Submits with `name` and waits for the page it lands on. */
async function submit(page: Page, name: string, landing: RegExp) {
  await Promise.all([page.waitForURL(landing), button(page, name).click()]);
}

/** The login form, typed in: e-mail, password and (when given) the 6-digit code. */
async function typeLogin(page: Page, email: string, code?: string) {
  await go(page, '/console/login');
  await page.getByLabel(t.login.email, { exact: true }).fill(email);
  await page.getByLabel(t.login.password, { exact: true }).fill(STAFF_PASSWORD);
  if (code) await page.getByLabel(t.login.totp).fill(code);
}

/** The TOTP enrolment page: reads the setup key, types the current code; returns the key. */
async function enrol(page: Page): Promise<{ secret: string; step: number }> {
  const secret = (await page.locator('#totp-secret').getAttribute('data-secret')) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  const step = totpStep(Date.now());
  await page.getByLabel(t.totp.step2, { exact: true }).fill(await totpCode(secret, step));
  await submit(page, t.totp.submit, /\/console\/account\?ok=totp\.done$/);
  return { secret, step };
}

/** Signs in through the form (enrolling TOTP when the role needs it); the session's cookies. */
async function signIn(email: string): Promise<State> {
  const { context, page, blocked, problems } = await open();
  await typeLogin(page, email);
  await Promise.all([page.waitForURL(/\/console(\/totp)?$/), button(page, t.login.submit).click()]);
  if (new URL(page.url()).pathname === '/console/totp') await enrol(page);
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  return context.storageState();
}

const sessions = new Map<string, State>();
/** One signed-in session per account (created on first use) for the flows that need one. */
async function sessionOf(email: string, role: Parameters<typeof addStaff>[2]): Promise<State> {
  let state = sessions.get(email);
  if (!state) {
    await addStaff(app, email, role);
    state = await signIn(email);
    sessions.set(email, state);
  }
  return state;
}

const count = (table: string) =>
  (app.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

const SUPERVISOR = 'browser-supervisor@sso.go.th';
let supervisor: State | undefined;

describe('the shared accessibility checks', () => {
  it('find each kind of problem on a page made of them', async () => {
    const { page } = await open('phone');
    await page.setContent(`<!doctype html><html lang="th">
      <head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
      <h2>Starts at h2</h2><h4>Skips h3</h4>
      <input id="x" type="text">
      <label for="nothing">Names nothing</label>
      <p style="color:#999">Grey on white</p>
      <button style="font-size:10px;padding:0">b</button>
      <div style="width:600px">Wider than the phone</div>
      <table><tr><td>No header cell</td></tr></table>
      <svg width="10" height="10"><rect width="10" height="10"/></svg>
      <svg role="img" width="10" height="10"></svg>
      <img src="data:,">
      <a href="#a" style="outline:none">No outline</a>
      <div tabindex="0">Tabbable, not a control</div>
    </body></html>`);
    const found = await accessibilityProblems(page);
    expect(found.labels).toEqual([
      'unlabelled: <input id="x" type="text">',
      'label "Names nothing" names no field',
    ]);
    expect(found.contrast).toEqual(['P "Grey on white" 2.85']);
    expect(found.targets).toEqual([
      '<input id="x" type="text">',
      expect.stringContaining('<button'),
    ]);
    expect(found.overflow).toEqual(['page is 608 px wide on a 390 px screen']);
    expect(found.keyboard).toEqual([
      expect.stringMatching(/^no focus outline on a\[#a\]/),
      expect.stringMatching(/^focus on something not in the page order: div/),
    ]);
    expect(found.headings).toEqual([
      'first heading is H2 "Starts at h2"',
      'H4 "Skips h3" after h2',
    ]);
    expect(found.tables).toEqual([expect.stringContaining('table without <th>')]);
    expect(found.graphics).toEqual([
      expect.stringContaining('svg neither role=img nor aria-hidden'),
      expect.stringContaining('svg role=img without a name'),
      expect.stringContaining('img without alt'),
    ]);
  });
});

describe('operator console in Chromium', () => {
  it('signs a supervisor in: password, TOTP enrolment, the dashboard; then e-mail, password and code', async () => {
    await addStaff(app, SUPERVISOR, 'supervisor');
    const { context, page, blocked, problems } = await open('phone');

    // Not signed in: the console sends the browser to the login form.
    await go(page, '/console');
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.login.title);
    const login = await capture(page, 'login', 'phone');
    copyFileSync(login, `${DOCS}login-phone.png`);
    {
      const desktop = await open('desktop');
      await go(desktop.page, '/console/login');
      await capture(desktop.page, 'login', 'desktop');
    }

    // Password only: a supervisor must set up the second factor before anything else.
    await typeLogin(page, SUPERVISOR);
    await submit(page, t.login.submit, /\/console\/totp$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.totp.title);
    await capture(page, 'totp', 'phone');
    {
      // The same session on a desktop sees the same (not yet enabled) key.
      const desktop = await open('desktop', await context.storageState());
      await go(desktop.page, '/console/totp');
      expect(await desktop.page.locator('#totp-secret').getAttribute('data-secret')).toBe(
        await page.locator('#totp-secret').getAttribute('data-secret'),
      );
      await capture(desktop.page, 'totp', 'desktop');
    }
    const { secret, step } = await enrol(page);
    expect(await page.getByRole('status').textContent()).toBe(t.totp.done);
    await Promise.all([
      page.waitForURL(`${origin}/console`),
      page.getByRole('navigation').getByRole('link', { name: t.nav.dashboard }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.nav.dashboard);
    // A supervisor's menu has every page.
    expect(
      await page.getByRole('navigation', { name: t.app.menu }).getByRole('link').allTextContents(),
    ).toEqual([
      t.nav.dashboard,
      t.nav.news,
      t.nav.inbox,
      t.nav.unanswered,
      t.nav.richmenu,
      t.nav.staff,
      t.nav.audit,
      t.nav.account,
    ]);

    // A fresh browser: e-mail, password and the code from the app (a later step than the one
    // used to enrol: a code is accepted once).
    const fresh = await open('phone');
    await typeLogin(
      fresh.page,
      SUPERVISOR,
      await totpCode(secret, Math.max(step + 1, totpStep(Date.now()))),
    );
    await submit(fresh.page, t.login.submit, new RegExp(`^${origin}/console$`));
    expect(await fresh.page.getByRole('heading', { level: 1 }).textContent()).toBe(t.nav.dashboard);
    expect(await fresh.page.locator('header .who').textContent()).toContain(t.roles.supervisor);
    supervisor = await fresh.context.storageState();

    for (const o of [blocked, problems, fresh.blocked, fresh.problems]) expect(o).toEqual([]);
  });

  it('answers a flagged chat from the inbox: the reply reaches LINE as one push with a retry key', async () => {
    const editor = await sessionOf('browser-editor@sso.go.th', 'editor');
    const user = demoUserId('browser-inbox');
    // The user asks for a person (talk_to_staff): the chat is flagged.
    expect((await app.post([events.text({ userId: user }, 'ขอคุยกับเจ้าหน้าที่ค่ะ')])).status).toBe(200);
    await app.settle();
    const flag = app.store.sqlite
      .prepare("select id from staff_flags where user_id = ? and status = 'open'")
      .get(user) as { id: number } | undefined;
    expect(flag).toBeDefined();
    mock.reset();

    const { page, blocked, problems } = await open('phone', editor);
    await go(page, '/console/inbox');
    const chat = fill(t.inbox.chatLabel, { id: flag!.id });
    await Promise.all([
      page.waitForURL(`${origin}/console/inbox/${flag!.id}`),
      page.getByRole('link', { name: chat, exact: true }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(chat);
    const reply = 'สวัสดีค่ะ เจ้าหน้าที่ สปส. รับเรื่องแล้ว จะโทรกลับภายในวันนี้ค่ะ';
    await page
      .getByRole('textbox', { name: fill(t.inbox.reply.label, { max: '5,000' }) })
      .fill(reply);
    await submit(page, t.inbox.reply.submit, /\?ok=inbox\.reply\.sent$/);
    expect(await page.getByRole('status').textContent()).toBe(t.inbox.reply.sent);
    expect(await page.locator('table').last().textContent()).toContain(reply);

    const pushes = mock.pushes();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.body).toEqual({ to: user, messages: [{ type: 'text', text: reply }] });
    expect(pushes[0]!.headers['x-line-retry-key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('composes a news item with its live preview, counts the segment, pushes it and watches the progress reach 100 %', async () => {
    const publisher = await sessionOf('browser-publisher@sso.go.th', 'publisher');
    // The segment (section 39 in Chiang Mai, code 50): 5 people, among others it must not reach.
    const segment = seedUsers(app, 'in39', 5, { section: 39, province: '50' });
    seedUsers(app, 'bk39', 2, { section: 39, province: '10' });
    seedUsers(app, 'cm33', 3, { section: 33, province: '50' });
    seedUsers(app, 'stop', 2, { section: 39, province: '50', optOut: true });
    seedUsers(app, 'anon', 4);
    mock.reset();

    const { page, blocked, problems } = await open('phone', publisher);
    await go(page, '/console/news');
    await Promise.all([
      page.waitForURL(`${origin}/console/news/new`),
      page.getByRole('link', { name: t.news.compose, exact: true }).click(),
    ]);

    // The LINE preview follows the typing (news.js posts the form; the server draws the card).
    const preview = page.locator('#news-preview');
    const title = 'ขยายเวลายื่นสิทธิประโยชน์ มาตรา 39 เชียงใหม่';
    expect(await preview.textContent()).not.toContain(title);
    await page.getByLabel(t.news.form.title, { exact: true }).pressSequentially(title.slice(0, 12));
    await preview.locator('.line-bubble', { hasText: title.slice(0, 12) }).waitFor();
    await page.getByLabel(t.news.form.title, { exact: true }).fill(title);
    await page
      .getByLabel(t.news.form.summary, { exact: true })
      .fill('ผู้ประกันตนมาตรา 39 ในเชียงใหม่ยื่นได้ถึงสิ้นเดือนนี้');
    await page
      .getByLabel(t.news.form.body, { exact: true })
      .fill('รายละเอียด: ยื่นได้ที่สำนักงานประกันสังคมจังหวัดเชียงใหม่ทุกแห่ง ในวันและเวลาราชการ');
    await page.getByLabel(t.news.form.imageUrl, { exact: true }).fill(NEWS_IMAGE);
    await page.getByLabel(fill(t.news.form.section, { n: 39 }), { exact: true }).check();
    await page.getByLabel(t.news.form.provinces, { exact: true }).selectOption('50');
    const bubble = preview.locator('.line-bubble', { hasText: title });
    await bubble.locator(`img[src="${NEWS_IMAGE}"]`).waitFor();
    await page.waitForFunction(
      () => (document.querySelector('#news-preview img') as HTMLImageElement | null)?.naturalWidth,
    );
    expect(await bubble.textContent()).toContain('ยื่นได้ถึงสิ้นเดือนนี้');

    await submit(page, t.news.form.publish, /\/console\/news\/\d+\?ok=news\.published$/);
    const newsId = Number(/news\/(\d+)/.exec(page.url())![1]);
    expect(await page.getByRole('status').textContent()).toBe(t.news.published);

    // Send: the audience of the item's segment, counted live as the choices change.
    await Promise.all([
      page.waitForURL(`${origin}/console/news/${newsId}/send`),
      page.getByRole('link', { name: t.news.send.link, exact: true }).click(),
    ]);
    await checkAccessibility(page, 'news send (phone)');
    const audience = page.locator('#audience-count');
    const people = (n: number) => fill(t.news.send.audience, { count: n });
    expect(await audience.textContent()).toBe(people(5));
    const provinces = page.getByLabel(t.news.form.provinces, { exact: true });
    await provinces.selectOption('10');
    await page.waitForFunction(
      (text) => document.getElementById('audience-count')?.textContent === text,
      people(2),
    );
    await provinces.selectOption('50');
    await page.waitForFunction(
      (text) => document.getElementById('audience-count')?.textContent === text,
      people(5),
    );

    // Review, then confirm: the question names the number of people.
    await submit(page, t.news.send.review, new RegExp(`/console/news/${newsId}/send$`));
    expect(await page.locator('#confirm-question').textContent()).toBe(
      fill(t.news.send.question, { count: 5 }),
    );
    await checkAccessibility(page, 'news confirm (phone)');
    await submit(page, t.news.send.confirm, /\/console\/news\/jobs\/\d+\?ok=news\.send\.created$/);
    const jobId = Number(/jobs\/(\d+)/.exec(page.url())![1]);
    const bar = page.locator('#job-bar');
    expect(await bar.getAttribute('value')).toBe('0');

    // The Node app's push worker runs the job; the page polls until the bar is full.
    const worker = startPushWorker(app.deps, 200);
    try {
      await page.waitForFunction(
        () => {
          const p = document.getElementById('job-bar') as HTMLProgressElement | null;
          return p !== null && p.max === 5 && p.value === 5;
        },
        undefined,
        { timeout: 20_000 },
      );
    } finally {
      await worker.stop();
    }
    expect(await page.locator('#job-progress-text').textContent()).toBe(
      fill(t.news.job.sent, { sent: 5, total: 5, percent: 100 }),
    );
    expect(await page.locator('#job-status').textContent()).toBe(t.news.job.statuses.done);
    expect(
      app.store.sqlite
        .prepare('select status, sent_recipients as sent from push_jobs where id = ?')
        .get(jobId),
    ).toEqual({ status: 'done', sent: 5 });

    // LINE got multicasts to exactly the segment, each person once.
    const to = acceptedMulticasts(mock).flatMap((r) => (r.body as { to: string[] }).to);
    expect([...to].sort()).toEqual([...segment].sort());
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows a viewer no publish or send controls, and refuses a forged post with their own CSRF token (403)', async () => {
    const viewer = await sessionOf('browser-viewer@sso.go.th', 'viewer');
    const item = await createNews(
      app.store,
      {
        title: 'ข่าวที่ผู้ดูอ่านได้อย่างเดียว',
        summary: 'สรุป',
        body: 'เนื้อหา',
        publishedDate: '2026-05-01',
        targetSections: [39],
        status: 'published',
      },
      Date.now(),
    );
    const { page, blocked, problems } = await open('phone', viewer);

    await go(page, '/console/news');
    expect(await page.getByRole('link', { name: t.news.compose }).count()).toBe(0);
    await go(page, `/console/news/${item.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.news.form.viewTitle);
    for (const name of [
      t.news.form.publish,
      t.news.form.save,
      t.news.form.saveDraft,
      t.news.send.review,
      t.news.send.confirm,
    ]) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole('link', { name: t.news.send.link }).count()).toBe(0);
    // The form is there to read, every field disabled.
    const fields = page.locator('form input:not([type=hidden]), form textarea, form select');
    expect(await fields.count()).toBeGreaterThan(5);
    expect(await fields.evaluateAll((els) => els.every((e) => e.matches(':disabled')))).toBe(true);
    // The send page itself is refused.
    await go(page, `/console/news/${item.id}/send`, 403);
    expect(await page.getByRole('alert').textContent()).toBe(t.errors.forbidden);
    // No rich-menu deploy either: the reason instead of the button.
    await go(page, '/console/richmenu');
    expect(await button(page, t.richmenu.deploy.submit).count()).toBe(0);
    expect(await page.getByText(t.richmenu.deploy.needsPublisher).count()).toBe(1);

    // Forged posts from the viewer's own page, with the viewer's own CSRF token.
    const jobs = count('push_jobs');
    mock.reset();
    const statuses = await page.evaluate(
      async ({ id }) => {
        const post = (url: string, body: Record<string, string>) =>
          fetch(url, {
            method: 'POST',
            headers: {
              'x-csrf-token': (window as unknown as { consoleCsrf: string }).consoleCsrf,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: new URLSearchParams(body),
          }).then((r) => r.status);
        return [
          await post(`/console/news/${id}/send`, {
            kind: 'multicast',
            sections: '39',
            linked: 'any',
            when: 'now',
            step: 'confirm',
          }),
          await post('/console/news', {
            title: 'ข่าวปลอม',
            body: 'ปลอม',
            publishedDate: '2026-05-01',
            languages: 'th',
            action: 'publish',
          }),
          await post('/console/richmenu/deploy', { confirm: 'yes' }),
        ];
      },
      { id: item.id },
    );
    expect(statuses).toEqual([403, 403, 403]);
    expect(mock.requests).toEqual([]);
    expect(count('push_jobs')).toBe(jobs);
    expect(
      app.store.sqlite
        .prepare("select count(*) as n from news_items where title = 'ข่าวปลอม'")
        .get(),
    ).toEqual({ n: 0 });
    expect(blocked).toEqual([]);
    const refused =
      'console: Failed to load resource: the server responded with a status of 403 (Forbidden)';
    expect(problems).toEqual([refused, refused, refused, refused]);
  });

  it('answers a form post without its CSRF token with 403, and nothing happens', async () => {
    const viewer = await sessionOf('browser-viewer@sso.go.th', 'viewer');
    const { page, blocked, problems } = await open('phone', viewer);
    await go(page, '/console/account');
    const sessionsBefore = count('staff_sessions');
    // "Sign out everywhere", posted without the hidden _csrf field.
    const form = page.locator('form[action="/console/account/sign-out-everywhere"]');
    await form.evaluate((f) => f.querySelector('input[name=_csrf]')?.remove());
    expect(await form.locator('input[name=_csrf]').count()).toBe(0);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/account/sign-out-everywhere')),
      button(page, t.account.signOutEverywhere).click(),
    ]);
    expect(res.status()).toBe(403);
    expect(res.request().headers().origin).toBe(origin);
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toBe(t.errors.csrf);
    // Still signed in, every session still there.
    expect(count('staff_sessions')).toBe(sessionsBefore);
    await go(page, '/console/account');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.account.title);

    // The login form too: its token is bound to the browser's pre-login cookie.
    const fresh = await open('phone');
    await typeLogin(fresh.page, 'browser-viewer@sso.go.th');
    await fresh.page.locator('input[name=_csrf]').evaluate((i) => i.remove());
    const [login] = await Promise.all([
      fresh.page.waitForResponse(
        (r) => r.url().endsWith('/console/login') && r.request().method() === 'POST',
      ),
      button(fresh.page, t.login.submit).click(),
    ]);
    expect(login.status()).toBe(403);
    await fresh.page.waitForLoadState();
    expect(await fresh.page.getByRole('alert').textContent()).toBe(t.errors.csrf);
    expect(await fresh.context.cookies()).not.toContainEqual(
      expect.objectContaining({ name: 'sso_console' }),
    );
    const refused =
      'console: Failed to load resource: the server responded with a status of 403 (Forbidden)';
    expect(problems).toEqual([refused]);
    expect(fresh.problems).toEqual([refused]);
    expect([...blocked, ...fresh.blocked]).toEqual([]);
  });

  it('screenshots every page at phone and desktop widths, each passing the accessibility checks', async () => {
    expect(supervisor, 'the sign-in test gives the supervisor session').toBeDefined();
    // Something on every page: questions the bot could not answer, a few conversations.
    const now = Date.now();
    for (const [i, text] of [
      'บัตรประกันสังคมหายทำยังไง',
      'บัตรประกันสังคมหาย ต้องทำอย่างไร',
      'นายจ้างไม่ยอมส่งเงินสมทบ',
      'how do i replace my lost sso card',
    ].entries()) {
      await recordUnanswered(app.store, {
        at: now - (i + 1) * 3600_000,
        lang: /[a-z]/.test(text) ? 'en' : 'th',
        text,
        alternatives: i < 2 ? ['benefit_info'] : [],
        confidence: 0.2,
      });
    }
    for (const text of ['ว่างงานได้เงินเท่าไหร่', 'ประกันสังคมเชียงใหม่อยู่ที่ไหน', 'hello']) {
      await app.post([events.text({ userId: demoUserId('browser-dashboard') }, text)]);
    }
    await app.settle();
    const flag = app.store.sqlite.prepare('select max(id) as id from staff_flags').get() as {
      id: number | null;
    };
    const job = app.store.sqlite.prepare('select max(id) as id from push_jobs').get() as {
      id: number | null;
    };
    expect(flag.id, 'the inbox test flags a chat').not.toBeNull();
    expect(job.id, 'the news test creates a push job').not.toBeNull();

    const pages: [name: string, path: string][] = [
      ['dashboard', '/console'],
      ['news', '/console/news'],
      ['news-compose', '/console/news/new'],
      ['news-job', `/console/news/jobs/${job.id}`],
      ['inbox', '/console/inbox'],
      ['inbox-chat', `/console/inbox/${flag.id}`],
      ['unanswered', '/console/unanswered'],
      ['richmenu', '/console/richmenu'],
      ['staff', '/console/staff'],
      ['audit', '/console/audit'],
      ['account', '/console/account'],
    ];
    for (const width of ['phone', 'desktop'] as const) {
      const { page, blocked, problems } = await open(width, supervisor);
      for (const [name, path] of pages) {
        await go(page, path);
        if (name === 'news-compose') await composeForScreenshot(page);
        const shot = await capture(page, name, width);
        if (name === 'dashboard' && width === 'desktop') {
          copyFileSync(shot, `${DOCS}dashboard-desktop.png`);
        }
      }
      expect(blocked).toEqual([]);
      expect(problems).toEqual([]);
    }
  });
});

/** A news item typed in (not saved), its preview drawn. */
async function composeForScreenshot(page: Page) {
  const title = 'ประกันสังคมเพิ่มเงินสงเคราะห์บุตรเป็น 1,000 บาท';
  await page.getByLabel(t.news.form.title, { exact: true }).fill(title);
  await page
    .getByLabel(t.news.form.summary, { exact: true })
    .fill('ผู้ประกันตนมาตรา 33 และ 39 ได้รับเงินสงเคราะห์บุตรเพิ่มตั้งแต่เดือนหน้า');
  await page.getByLabel(t.news.form.body, { exact: true }).fill('รายละเอียดทั้งหมดของข่าว');
  await page.getByLabel(t.news.form.imageUrl, { exact: true }).fill(NEWS_IMAGE);
  await page.locator('#news-preview .line-bubble', { hasText: title }).waitFor();
  await page.waitForFunction(
    () => (document.querySelector('#news-preview img') as HTMLImageElement | null)?.naturalWidth,
  );
}
