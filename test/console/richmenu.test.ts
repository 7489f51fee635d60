/**
 * The console's rich-menu page: the preview of every language, what LINE serves (default and
 * aliases, read from the LINE mock), and the deploy — publishers only, confirmed, audited, the
 * same idempotent deploy as the CLI — over HTTP with SQLite and the OpenAPI-validating mock.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS_DIR, imagePath } from '../../src/cli/richmenu.ts';
import { createRichMenuApi } from '../../src/line/client.ts';
import type { RichMenuImages } from '../../src/routes/console/richmenu.tsx';
import { listStaffAudit } from '../../src/store/staff.ts';
import { type ConsoleClient, signedIn, useConsoleApp } from './helpers.ts';

const env = useConsoleApp();

/** What the Node entry provides: the PNGs `richmenu render` wrote (as the CLI deploy reads them). */
const nodeImages: RichMenuImages = {
  async read(lang, key) {
    try {
      return new Uint8Array(await readFile(imagePath(DEFAULT_ASSETS_DIR, { lang, key })));
    } catch {
      return undefined;
    }
  },
};

type WithImages = { richMenuImages?: RichMenuImages };
let viewer: ConsoleClient;
let publisher: ConsoleClient;

beforeAll(async () => {
  const deps = env.app.deps as unknown as WithImages;
  deps.richMenuImages ??= nodeImages;
  viewer = (await signedIn(env.app, 'rm-viewer@sso.go.th', 'viewer')).client;
  publisher = (await signedIn(env.app, 'rm-pub@sso.go.th', 'publisher')).client;
  env.mock.reset();
});

const ops = () => env.mock.requests.map((r) => r.operationId ?? r.path);
const count = (op: string) => ops().filter((o) => o === op).length;

function line() {
  return createRichMenuApi({
    channelAccessToken: 'dev-access-token',
    apiBaseUrl: env.mock.url,
    dataApiBaseUrl: env.mock.url,
  });
}

describe('console rich menu', () => {
  it('shows a viewer the preview and that nothing is live yet, without a deploy button', async () => {
    const res = await viewer.get('/console/richmenu');
    expect(res.status).toBe(200);
    const html = viewer.lastHtml;
    expect(html).toContain('data-live-default="none"');
    expect(html).toContain('ยังไม่ได้ตั้งเมนูเริ่มต้น');
    // Thai preview: both tabs, drawn over the PNG, named with their labels.
    expect(html).toMatch(/<figure data-menu="sso-my-services-th">/);
    expect(html).toMatch(/<figure data-menu="sso-general-th">/);
    expect(html).toContain('<image href="/console/richmenu/image/th/my-services.png"');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="rm-th-general-title"/);
    expect(html).toMatch(/<title id="rm-th-general-title">[^<]*สำนักงานใกล้ฉัน/);
    expect(html).toContain('ผู้เผยแพร่และหัวหน้างานเท่านั้นที่ติดตั้งเมนูได้');
    expect(html).not.toContain('action="/console/richmenu/deploy"');
    // Another language on request.
    await viewer.get('/console/richmenu?menu=my');
    expect(viewer.lastHtml).toMatch(/<figure data-menu="sso-general-my">/);
    expect(viewer.lastHtml).not.toMatch(/<figure data-menu="sso-general-th">/);
  });

  it('serves the rendered PNGs on Node', async () => {
    const png = await viewer.get('/console/richmenu/image/th/general.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await viewer.get('/console/richmenu/image/xx/general.png')).status).toBe(404);
    expect((await viewer.get('/console/richmenu/image/th/secret.png')).status).toBe(404);
  });

  it('refuses a viewer the deploy (403): LINE receives nothing', async () => {
    await viewer.get('/console/richmenu');
    const res = await viewer.post('/console/richmenu/deploy', { confirm: 'yes' });
    expect(res.status).toBe(403);
    expect(count('createRichMenu')).toBe(0);
  });

  it('lets a publisher deploy after confirming: create, upload, aliases, default; audited', async () => {
    await publisher.get('/console/richmenu');
    expect(publisher.lastHtml).toContain('action="/console/richmenu/deploy"');
    expect(publisher.lastHtml).toMatch(
      /<input type="checkbox" name="confirm" value="yes" required/,
    );
    const unconfirmed = await publisher.post('/console/richmenu/deploy', {});
    expect(unconfirmed.headers.get('location')).toBe(
      '/console/richmenu?error=richmenu.deploy.notConfirmed',
    );
    expect(count('createRichMenu')).toBe(0);

    const res = await publisher.post('/console/richmenu/deploy', { confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/richmenu?ok=richmenu.deploy.done');
    expect(count('createRichMenu')).toBe(10);
    expect(count('setRichMenuImage')).toBe(10);
    expect(count('createRichMenuAlias')).toBe(10);
    expect(count('setDefaultRichMenu')).toBe(1);
    expect(env.mock.violations).toEqual([]);
    const trail = await listStaffAudit(env.app.store, { action: 'richmenu.deploy' });
    expect(trail[0]?.actor).toBe('rm-pub@sso.go.th');
    expect(JSON.parse(trail[0]!.detail!)).toMatchObject({ created: 10, aliases: 10 });
  });

  it('shows the live default and aliases from LINE after the deploy, all up to date', async () => {
    const defaultId = await line().getDefault();
    expect(defaultId).toBeTruthy();
    await viewer.get('/console/richmenu');
    const html = viewer.lastHtml;
    expect(html).toContain(`data-live-default="${defaultId}"`);
    expect(html).toContain(`เมนูเริ่มต้นของทุกคน: sso-my-services-th (${defaultId})`);
    const row = /<tr data-alias="sso-my-services-th">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(row).toContain(defaultId);
    expect(row).toContain('เมนูเริ่มต้น');
    expect(row).toMatch(/sso-my-services-th@[0-9a-f]{12}/);
    expect(html.match(/ตรงกับรุ่นล่าสุด/g)).toHaveLength(10);
  });

  it('deploys idempotently: a second deploy creates and uploads nothing', async () => {
    const before = env.mock.requests.length;
    await publisher.get('/console/richmenu');
    await publisher.post('/console/richmenu/deploy', { confirm: 'yes' });
    const after = env.mock.requests.slice(before).map((r) => r.operationId);
    expect(after).not.toContain('createRichMenu');
    expect(after).not.toContain('setRichMenuImage');
  });

  it('says "unknown" when LINE cannot be reached, and still serves the page', async () => {
    env.mock.setResponder((req) =>
      req.path.includes('/richmenu') ? { status: 500, body: {} } : undefined,
    );
    try {
      const res = await viewer.get('/console/richmenu');
      expect(res.status).toBe(200);
      expect(viewer.lastHtml).toContain('data-live="unknown"');
    } finally {
      env.mock.setResponder(null);
    }
  });

  it('without the images (as on a Worker): the definition is drawn and the deploy is disabled with the reason', async () => {
    const deps = env.app.deps as unknown as WithImages;
    const saved = deps.richMenuImages;
    delete deps.richMenuImages;
    try {
      await publisher.get('/console/richmenu');
      const html = publisher.lastHtml;
      expect(html).toContain('data-images="none"');
      expect(html).not.toContain('<image href=');
      // The definition, drawn: the tab labels and tile titles as SVG text.
      expect(html).toMatch(/<text[^>]*>บริการของฉัน<\/text>/);
      expect(html).toMatch(/<text[^>]*>เงินสมทบของฉัน<\/text>/);
      expect(html).toContain('data-deploy="disabled"');
      expect(html).toMatch(
        /<button type="submit" disabled=""[^>]*aria-describedby="deploy-reason"/,
      );
      const res = await publisher.post('/console/richmenu/deploy', { confirm: 'yes' });
      expect(res.headers.get('location')).toBe(
        '/console/richmenu?error=richmenu.deploy.unavailable',
      );
      expect((await publisher.get('/console/richmenu/image/th/general.png')).status).toBe(404);
    } finally {
      deps.richMenuImages = saved;
    }
  });
});
