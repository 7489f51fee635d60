/**
 * The rich-menu definition against LINE's rules (SPEC §4), and every area against the app: each
 * tile's postback reaches a real intent handler and gets a reply; a tab switch gets none.
 */
import { describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { parsePostback } from '../../src/dispatcher.ts';
import { intentHandlers } from '../../src/handlers/index.ts';
import { createI18n, LANGUAGES } from '../../src/i18n.ts';
import { INTENT_NAMES } from '../../src/intents.ts';
import {
  findRichMenuViolations,
  LIMITS,
  RICH_MENU_LIMITS,
  type RichMenuRequest,
} from '../../src/line/limits.ts';
import { buildAllMenus, MENU_KEYS, TAB_ACTION } from '../../src/richmenu/definition.ts';
import { useAppAndMock } from '../helpers/app.ts';

const menus = buildAllMenus(createI18n());

/** The SDK types every field as optional; our menus fill them all. */
interface StrictMenu {
  size: { width: number; height: number };
  chatBarText: string;
  areas: {
    bounds: { x: number; y: number; width: number; height: number };
    action: {
      type: string;
      data?: string;
      label?: string;
      displayText?: string;
      richMenuAliasId?: string;
    };
  }[];
}
const strict = (r: unknown) => r as StrictMenu;

describe('rich menu definition', () => {
  it('has two menus per language with distinct aliases', () => {
    expect(menus).toHaveLength(LANGUAGES.length * MENU_KEYS.length);
    const aliases = menus.map((m) => m.aliasId);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const a of aliases) expect(a).toMatch(/^[a-z0-9_-]{1,32}$/);
  });

  for (const menu of menus) {
    describe(`${menu.aliasId}`, () => {
      const r = strict(menu.request);
      it('is within LINE limits: size, ratio, areas, bounds, no overlap, chatBarText', () => {
        expect(findRichMenuViolations(menu.request)).toEqual([]);
        expect(r.size).toEqual({ width: 2500, height: 1686 });
        expect(2500 / 1686).toBeGreaterThanOrEqual(RICH_MENU_LIMITS.minRatio);
        expect(r.areas.length).toBe(8);
        expect(r.areas.length).toBeLessThanOrEqual(20);
        expect(r.chatBarText.length).toBeGreaterThan(0);
        expect(r.chatBarText.length).toBeLessThanOrEqual(14);
        // The areas tile the whole image exactly: in bounds, no overlap, no gap.
        let covered = 0;
        for (const a of r.areas) {
          const b = a.bounds;
          expect(b.x + b.width).toBeLessThanOrEqual(2500);
          expect(b.y + b.height).toBeLessThanOrEqual(1686);
          covered += b.width * b.height;
        }
        expect(covered).toBe(2500 * 1686);
      });

      it('has the tab bar: this tab selected, both tabs switch by alias', () => {
        const tabs = r.areas.filter((a) => a.action.type === 'richmenuswitch');
        expect(tabs).toHaveLength(2);
        expect(menu.tabs.filter((t) => t.active).map((t) => t.key)).toEqual([menu.key]);
        const targets = tabs.map((a) => a.action.richMenuAliasId);
        expect(targets).toEqual(MENU_KEYS.map((k) => `sso-${k}-${menu.lang}`));
        for (const a of tabs) {
          expect(a.action.data).toMatch(/^action=richmenu_tab&tab=/);
          expect(a.bounds.y).toBe(0);
        }
      });

      it('has six postback tiles routed to intent handlers, labels within limits', () => {
        const tiles = r.areas.filter((a) => a.action.type === 'postback');
        expect(tiles).toHaveLength(6);
        for (const a of tiles) {
          const p = a.action as Required<StrictMenu['areas'][number]['action']>;
          expect(p.data.length).toBeLessThanOrEqual(LIMITS.postbackData);
          expect(p.label.length).toBeGreaterThan(0);
          expect(p.label.length).toBeLessThanOrEqual(LIMITS.actionLabel);
          expect(p.displayText.length).toBeGreaterThan(0);
          const action = new URLSearchParams(p.data).get('action');
          expect(INTENT_NAMES).toContain(action);
          const match = parsePostback(p.data);
          expect(match.intent).toBe(action);
          expect(match.confidence).toBe(1);
          expect(typeof intentHandlers[match.intent]).toBe('function');
        }
      });
    });
  }

  it('translates labels: each language has its own tab names, Thai is Thai', () => {
    const th = menus.find((m) => m.aliasId === 'sso-my-services-th')!;
    const en = menus.find((m) => m.aliasId === 'sso-my-services-en')!;
    expect(th.tabs.map((t) => t.label)).toEqual(['บริการของฉัน', 'ข้อมูลทั่วไป']);
    expect(th.request.chatBarText).toBe('เมนู');
    expect(en.request.chatBarText).toBe('Menu');
    const labels = new Set(menus.map((m) => m.tabs[0]!.label));
    expect(labels.size).toBe(LANGUAGES.length);
    // The "offices near me" tile asks for a location.
    const general = menus.find((m) => m.aliasId === 'sso-general-th')!;
    expect(general.tiles.map((t) => t.data)).toContain('action=office_location&near=1');
  });

  it('flags what LINE would refuse', () => {
    const r = strict(structuredClone(menus[0]!.request));
    r.chatBarText = 'x'.repeat(15);
    r.areas[0]!.bounds.width = 3000;
    r.areas.push(...Array.from({ length: 13 }, () => structuredClone(r.areas[2]!)));
    const v = findRichMenuViolations(r as RichMenuRequest).join('\n');
    expect(v).toMatch(/chatBarText/);
    expect(v).toMatch(/areas\[0\]\.bounds/);
    expect(v).toMatch(/21 areas > 20/);
    expect(v).toMatch(/overlaps/);
  });
});

describe('rich menu postbacks through the app', () => {
  const env = useAppAndMock();

  const thai = menus.filter((m) => m.lang === 'th');
  const tiles = thai.flatMap((m) => m.tiles);
  it.each(tiles.map((t) => [t.data, t]))('%s gets a reply', async (_data, tile) => {
    const userId = demoUserId(`richmenu-${tile.intent}`);
    const before = env.mock.replies().length;
    await env.app.post([events.postback({ userId }, tile.data)]);
    await env.app.settle();
    expect(env.mock.replies().length).toBe(before + 1);
    expect(env.mock.violations).toEqual([]);
  });

  it('a tab switch postback is answered with silence', async () => {
    const userId = demoUserId('richmenu-tab');
    const before = env.mock.requests.length;
    const res = await env.app.post([
      events.postback({ userId }, `action=${TAB_ACTION}&tab=general`),
    ]);
    expect(res.status).toBe(200);
    await env.app.settle();
    const after = env.mock.requests.slice(before).map((r) => r.path);
    expect(after.filter((p) => p.includes('/message/'))).toEqual([]);
    expect(env.mock.violations).toEqual([]);
  });
});
