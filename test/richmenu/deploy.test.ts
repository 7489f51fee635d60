/**
 * `richmenu deploy | list | remove` against the LINE mock (real HTTP, OpenAPI-validated): menus,
 * images, aliases and the default; a second deploy creates and uploads nothing; a changed
 * definition replaces only its menu and deletes the stale one; remove leaves nothing of ours.
 */

import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ASSETS_DIR, imagePath, run } from '../../src/cli/richmenu.ts';
import { createI18n } from '../../src/i18n.ts';
import { createRichMenuApi } from '../../src/line/client.ts';
import { buildAllMenus } from '../../src/richmenu/definition.ts';
import { deployRichMenus, type MenuWithImage } from '../../src/richmenu/deploy.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock;
const saved = { ...process.env };
let stdout: string[] = [];

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
  process.env.LINE_API_BASE_URL = mock.url;
  process.env.LINE_DATA_API_BASE_URL = mock.url;
  process.env.LINE_CHANNEL_ACCESS_TOKEN = 'dev-access-token';
  process.env.LINE_CHANNEL_SECRET = 'test-channel-secret';
  process.env.AUDIT_PSEUDONYM_KEY = 'test-audit-pseudonym-key';
  process.env.SESSION_SECRET = 'test-session-secret-of-at-least-32-chars';
  process.env.NODE_ENV = 'test';
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  expect(mock.violations).toEqual([]);
});

const ops = (from = 0) => mock.requests.slice(from).map((r) => r.operationId ?? r.path);
const count = (list: string[], op: string) => list.filter((o) => o === op).length;

function api() {
  return createRichMenuApi({
    channelAccessToken: 'dev-access-token',
    apiBaseUrl: mock.url,
    dataApiBaseUrl: mock.url,
  });
}

describe('richmenu deploy', () => {
  it('creates 10 menus with images, 10 aliases and the Thai default; twice changes nothing', async () => {
    expect(await run(['deploy'])).toBe(0);
    const first = ops();
    expect(count(first, 'createRichMenu')).toBe(10);
    expect(count(first, 'setRichMenuImage')).toBe(10);
    expect(count(first, 'createRichMenuAlias')).toBe(10);
    expect(count(first, 'setDefaultRichMenu')).toBe(1);
    expect(mock.violations).toEqual([]);
    // Images went to the data API with the PNG content type.
    const upload = mock.requests.find((r) => r.operationId === 'setRichMenuImage')!;
    expect(upload.headers['content-type']).toBe('image/png');
    expect(Buffer.isBuffer(upload.body)).toBe(true);

    const line = api();
    const menus = await line.list();
    const aliases = await line.listAliases();
    expect(menus).toHaveLength(10);
    for (const m of menus)
      expect(m.name).toMatch(/^sso-(my-services|general)-(th|en|my|km|lo)@[0-9a-f]{12}$/);
    expect(aliases.map((a) => a.richMenuAliasId).sort()).toEqual(
      ['th', 'en', 'my', 'km', 'lo']
        .flatMap((l) => [`sso-general-${l}`, `sso-my-services-${l}`])
        .sort(),
    );
    const def = await line.getDefault();
    expect(menus.find((m) => m.richMenuId === def)?.name).toMatch(/^sso-my-services-th@/);
    const thai = aliases.find((a) => a.richMenuAliasId === 'sso-my-services-th')!;
    expect(thai.richMenuId).toBe(def);

    // Second run: reads only.
    const mark = mock.requests.length;
    expect(await run(['deploy'])).toBe(0);
    const second = ops(mark);
    expect(second.sort()).toEqual(
      ['getDefaultRichMenuId', 'getRichMenuAliasList', 'getRichMenuList'].sort(),
    );
    expect(stdout.join('')).toMatch(/0 created, 10 unchanged/);
    expect(await line.list()).toEqual(menus);
  });

  it('replaces only a changed menu, moves its alias and deletes the stale one', async () => {
    const i18n = createI18n();
    const items: MenuWithImage[] = buildAllMenus(i18n, ['th']).map((menu) => ({
      menu,
      image: new Uint8Array(readFileSync(imagePath(DEFAULT_ASSETS_DIR, menu))),
    }));
    const line = api();
    await deployRichMenus(line, items, 'sso-my-services-th');
    const before = await line.listAliases();
    const general = before.find((a) => a.richMenuAliasId === 'sso-general-th')!;

    const changed = items.map((it) =>
      it.menu.key === 'general'
        ? { ...it, menu: { ...it.menu, request: { ...it.menu.request, chatBarText: 'เมนูใหม่' } } }
        : it,
    );
    const mark = mock.requests.length;
    const report = await deployRichMenus(line, changed, 'sso-my-services-th');
    expect(report.created).toHaveLength(1);
    expect(report.unchanged).toHaveLength(1);
    expect(report.aliasesUpdated).toEqual(['sso-general-th']);
    expect(report.defaultSet).toBeNull();
    expect(report.deleted).toHaveLength(1);
    const o = ops(mark);
    expect(count(o, 'createRichMenu')).toBe(1);
    expect(count(o, 'updateRichMenuAlias')).toBe(1);
    expect(count(o, 'deleteRichMenu')).toBe(1);
    const menus = await line.list();
    expect(menus).toHaveLength(2);
    expect(menus.map((m) => m.richMenuId)).not.toContain(general.richMenuId);
  });

  it('--lang th deploys Thai only; --default must be deployed', async () => {
    expect(await run(['deploy', '--lang', 'th'])).toBe(0);
    expect(count(ops(), 'createRichMenu')).toBe(2);
    expect(await run(['deploy', '--lang', 'en', '--default', 'th'])).toBe(2);
    expect(await run(['deploy', '--lang', 'xx'])).toBe(2);
  });
});

describe('richmenu list and remove', () => {
  it('lists menus and aliases, then removes ours and unsets the default', async () => {
    // A menu that is not ours survives remove.
    const line = api();
    const foreignRequest = { ...buildAllMenus(createI18n(), ['en'])[0]!.request, name: 'campaign' };
    const foreign = await line.create(foreignRequest);

    expect(await run(['deploy', '--lang', 'th,en'])).toBe(0);
    stdout = [];
    expect(await run(['list'])).toBe(0);
    const listed = stdout.join('');
    expect(listed).toMatch(/rich menus \(5\)/);
    expect(listed).toMatch(/sso-my-services-th@[0-9a-f]{12}.*\[default\]/);
    expect(listed).toMatch(/aliases \(4\)/);

    expect(await run(['remove'])).toBe(0);
    expect(await line.listAliases()).toEqual([]);
    expect(await line.getDefault()).toBeNull();
    expect((await line.list()).map((m) => m.richMenuId)).toEqual([foreign]);
    expect(count(ops(), 'cancelDefaultRichMenu')).toBe(1);
  });
});
