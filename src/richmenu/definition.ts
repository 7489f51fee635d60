/**
 * The rich menu (C8): two tabs, "My services" and "General info", switched by rich-menu aliases
 * (`richmenuswitch`), one pair per language. Each menu is 2500×1686: a tab bar on top (the active
 * tab drawn selected; the other tab's area switches to the other alias) and a 3×2 grid of tiles.
 * Every tile is a postback `action=<intent>` that the dispatcher routes like the typed intent.
 *
 * This file is the single source of the layout: `render.ts` draws the PNGs from it and
 * `deploy.ts` sends it to LINE, so an area and its picture can never drift apart.
 */
import { type I18n, LANGUAGES, type Lang } from '../i18n.ts';
import type { IntentName } from '../intents.ts';
import type { RichMenuRequest } from '../line/limits.ts';

export const MENU_KEYS = ['my-services', 'general'] as const;
export type MenuKey = (typeof MENU_KEYS)[number];

export const RICH_MENU_WIDTH = 2500;
export const RICH_MENU_HEIGHT = 1686;
export const TAB_BAR_HEIGHT = 300;
export const GRID_COLUMNS = 3;
export const GRID_ROWS = 2;

/** Every rich menu and alias this project owns starts with this (deploy/remove touch no other). */
export const RICH_MENU_PREFIX = 'sso-';

/** Postback action of a tab tap (sent by LINE with a `richmenuswitch`): answered with silence. */
export const TAB_ACTION = 'richmenu_tab';

export type IconName =
  | 'coins'
  | 'hospital'
  | 'briefcase'
  | 'link'
  | 'unlink'
  | 'help'
  | 'pin'
  | 'news'
  | 'forty'
  | 'card'
  | 'headset'
  | 'globe';

export interface TileSpec {
  readonly intent: IntentName;
  /** Postback data, `action=<intent>[&…]`. */
  readonly data: string;
  readonly icon: IconName;
  /** Icon disc colour. */
  readonly color: string;
}

export const TILES: Readonly<Record<MenuKey, readonly TileSpec[]>> = {
  'my-services': [
    {
      intent: 'contribution_balance',
      data: 'action=contribution_balance',
      icon: 'coins',
      color: '#0b5cad',
    },
    {
      intent: 'hospital_rights',
      data: 'action=hospital_rights',
      icon: 'hospital',
      color: '#c62f3b',
    },
    {
      intent: 'unemployment_benefit',
      data: 'action=unemployment_benefit',
      icon: 'briefcase',
      color: '#8a5a00',
    },
    { intent: 'link_account', data: 'action=link_account', icon: 'link', color: '#1b8a4b' },
    { intent: 'unlink_account', data: 'action=unlink_account', icon: 'unlink', color: '#6b7280' },
    { intent: 'greeting_help', data: 'action=greeting_help', icon: 'help', color: '#6a3fb5' },
  ],
  general: [
    {
      intent: 'office_location',
      data: 'action=office_location&near=1',
      icon: 'pin',
      color: '#c62f3b',
    },
    { intent: 'news', data: 'action=news', icon: 'news', color: '#0b5cad' },
    { intent: 'section40_info', data: 'action=section40_info', icon: 'forty', color: '#1b8a4b' },
    { intent: 'pay_contribution', data: 'action=pay_contribution', icon: 'card', color: '#8a5a00' },
    { intent: 'talk_to_staff', data: 'action=talk_to_staff', icon: 'headset', color: '#0e7c86' },
    { intent: 'change_language', data: 'action=change_language', icon: 'globe', color: '#6a3fb5' },
  ],
};

export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface BuiltTab {
  readonly key: MenuKey;
  readonly label: string;
  readonly active: boolean;
  readonly bounds: Bounds;
}

export interface BuiltTile extends TileSpec {
  readonly title: string;
  readonly hint: string;
  readonly bounds: Bounds;
}

/** One menu of one language: what LINE gets (`request`) and what the renderer draws. */
export interface BuiltMenu {
  readonly key: MenuKey;
  readonly lang: Lang;
  readonly aliasId: string;
  /** `request.name` is the base name; deploy appends `@<content hash>`. */
  readonly request: RichMenuRequest;
  readonly tabs: readonly BuiltTab[];
  readonly tiles: readonly BuiltTile[];
}

/** `sso-my-services-th`, `sso-general-en`… (`^[a-z0-9_-]{1,32}$`). */
export function richMenuAliasId(key: MenuKey, lang: Lang): string {
  return `${RICH_MENU_PREFIX}${key}-${lang}`;
}

/** Splits `total` into `parts` integer lengths that add up exactly (the last ones get the rest). */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i >= parts - extra ? 1 : 0));
}

function cells(): Bounds[] {
  const widths = split(RICH_MENU_WIDTH, GRID_COLUMNS);
  const heights = split(RICH_MENU_HEIGHT - TAB_BAR_HEIGHT, GRID_ROWS);
  const out: Bounds[] = [];
  let y = TAB_BAR_HEIGHT;
  for (const height of heights) {
    let x = 0;
    for (const width of widths) {
      out.push({ x, y, width, height });
      x += width;
    }
    y += height;
  }
  return out;
}

function tabBounds(): Bounds[] {
  const [left = 0, right = 0] = split(RICH_MENU_WIDTH, 2);
  return [
    { x: 0, y: 0, width: left, height: TAB_BAR_HEIGHT },
    { x: left, y: 0, width: right, height: TAB_BAR_HEIGHT },
  ];
}

const TAB_LABEL_KEY: Record<MenuKey, string> = {
  'my-services': 'richmenu.tabs.myServices',
  general: 'richmenu.tabs.general',
};

export function buildMenu(i18n: I18n, key: MenuKey, lang: Lang): BuiltMenu {
  // `anyLang`: the menu of a language is in that language even before its chat strings are.
  const t = i18n.anyLang(lang);
  const tabs: BuiltTab[] = MENU_KEYS.map((k, i) => ({
    key: k,
    label: t(TAB_LABEL_KEY[k]),
    active: k === key,
    bounds: tabBounds()[i]!,
  }));
  const grid = cells();
  const tiles: BuiltTile[] = TILES[key].map((spec, i) => ({
    ...spec,
    title: t(`richmenu.tiles.${spec.intent}.title`),
    hint: t(`richmenu.tiles.${spec.intent}.hint`),
    bounds: grid[i]!,
  }));
  const request: RichMenuRequest = {
    size: { width: RICH_MENU_WIDTH, height: RICH_MENU_HEIGHT },
    selected: key === 'my-services',
    name: richMenuAliasId(key, lang),
    chatBarText: t('richmenu.chatBar'),
    areas: [
      // Both tabs switch (tapping the active one is a no-op); LINE also posts `data` back.
      ...tabs.map((tab) => ({
        bounds: { ...tab.bounds },
        action: {
          type: 'richmenuswitch' as const,
          label: tab.label,
          richMenuAliasId: richMenuAliasId(tab.key, lang),
          data: `action=${TAB_ACTION}&tab=${tab.key}`,
        },
      })),
      ...tiles.map((tile) => ({
        bounds: { ...tile.bounds },
        action: {
          type: 'postback' as const,
          label: tile.title,
          data: tile.data,
          displayText: tile.title,
        },
      })),
    ],
  };
  return { key, lang, aliasId: richMenuAliasId(key, lang), request, tabs, tiles };
}

/** Every menu of every language (10: 2 tabs × 5 languages). */
export function buildAllMenus(i18n: I18n, langs: readonly Lang[] = LANGUAGES): BuiltMenu[] {
  return langs.flatMap((lang) => MENU_KEYS.map((key) => buildMenu(i18n, key, lang)));
}
