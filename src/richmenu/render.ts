/**
 * Draws the rich-menu images from the definition: an SVG (flat colours, icons drawn as shapes,
 * labels as text) rasterised to PNG by resvg with the Noto fonts from npm packages (OFL; see
 * assets/richmenu/FONTS.md). No system fonts and no clock: the same definition and package
 * versions give byte-identical PNGs. Operator tooling only (dev dependencies): the bot and
 * `richmenu deploy` use the committed PNGs.
 */
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import type { Lang } from '../i18n.ts';
import {
  type BuiltMenu,
  type BuiltTile,
  type IconName,
  RICH_MENU_HEIGHT,
  RICH_MENU_WIDTH,
  TAB_BAR_HEIGHT,
} from './definition.ts';
import { createTextShaper, type Family, type TextShaper, type Weight } from './text.ts';

/** The language's own script first; the others catch mixed text (the language tile). */
const FONT_ORDER: Record<Lang, readonly Family[]> = {
  th: ['thai', 'myanmar', 'khmer', 'lao'],
  en: ['thai', 'myanmar', 'khmer', 'lao'],
  my: ['myanmar', 'thai', 'khmer', 'lao'],
  km: ['khmer', 'thai', 'myanmar', 'lao'],
  lo: ['lao', 'thai', 'myanmar', 'khmer'],
};

const COLORS = {
  background: '#e9eff7',
  tabBar: '#0a3d7a',
  tabInactiveText: '#b9cbe6',
  tabActive: '#ffffff',
  tabActiveText: '#0a3d7a',
  accent: '#f2b705',
  card: '#ffffff',
  cardBorder: '#c9d6e8',
  title: '#12233d',
  hint: '#52607a',
} as const;

const TITLE_SIZE = 76;
const HINT_SIZE = 46;
const TAB_SIZE = 88;
const MIN_SIZE = 30;

export interface Renderer {
  svg(menu: BuiltMenu): string;
  png(menu: BuiltMenu): Uint8Array;
}

/** Loads resvg, HarfBuzz and the fonts once; a clear error if the dev dependencies are missing. */
export async function createRenderer(): Promise<Renderer> {
  let Resvg: typeof ResvgClass;
  let shaper: TextShaper;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
    shaper = await createTextShaper();
  } catch (err) {
    throw new Error(
      `the rich-menu renderer needs the dev dependencies (@resvg/resvg-js, harfbuzzjs, @expo-google-fonts/*; npm install): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  const svg = (menu: BuiltMenu): string => menuSvg(menu, textDrawer(shaper, menu.lang));
  return {
    svg,
    png(menu) {
      // Text is already paths: resvg needs no font at all.
      const resvg = new Resvg(svg(menu), {
        font: { loadSystemFonts: false },
        fitTo: { mode: 'original' },
        background: COLORS.background,
      });
      return new Uint8Array(resvg.render().asPng());
    },
  };
}

/** Draws one line of text centred on `cx`, shrunk until it fits `max` px. */
type DrawText = (
  text: string,
  cx: number,
  baseline: number,
  size: number,
  weight: Weight,
  fill: string,
  max: number,
) => string;

function textDrawer(shaper: TextShaper, lang: Lang): DrawText {
  const order = FONT_ORDER[lang];
  return (text, cx, baseline, size, weight, fill, max) => {
    let s = size;
    let shaped = shaper.shape(text, s, weight, order);
    while (shaped.width > max && s > MIN_SIZE) {
      s -= 2;
      shaped = shaper.shape(text, s, weight, order);
    }
    return shaped.svg(cx - shaped.width / 2, baseline, fill);
  };
}

function menuSvg(menu: BuiltMenu, text: DrawText): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${RICH_MENU_WIDTH}" height="${RICH_MENU_HEIGHT}" viewBox="0 0 ${RICH_MENU_WIDTH} ${RICH_MENU_HEIGHT}">`,
    `<rect width="${RICH_MENU_WIDTH}" height="${RICH_MENU_HEIGHT}" fill="${COLORS.background}"/>`,
    `<rect width="${RICH_MENU_WIDTH}" height="${TAB_BAR_HEIGHT}" fill="${COLORS.tabBar}"/>`,
  ];
  for (const tab of menu.tabs) {
    const { x, width } = tab.bounds;
    const cx = x + width / 2;
    if (tab.active) {
      parts.push(
        `<rect x="${x + 24}" y="28" width="${width - 48}" height="${TAB_BAR_HEIGHT - 28}" rx="40" fill="${COLORS.tabActive}"/>`,
        `<rect x="${x + 24}" y="${TAB_BAR_HEIGHT - 40}" width="${width - 48}" height="40" fill="${COLORS.background}"/>`,
        `<rect x="${cx - 180}" y="${TAB_BAR_HEIGHT - 54}" width="360" height="14" rx="7" fill="${COLORS.accent}"/>`,
      );
    }
    parts.push(
      text(
        tab.label,
        cx,
        TAB_BAR_HEIGHT / 2 + TAB_SIZE * 0.36 + (tab.active ? 4 : 0),
        TAB_SIZE,
        700,
        tab.active ? COLORS.tabActiveText : COLORS.tabInactiveText,
        width - 260,
      ),
    );
    if (!tab.active) {
      // A chevron towards the other tab hints that it is tappable.
      const left = x === 0;
      const ax = left ? x + 110 : x + width - 110;
      const d = left
        ? `M${ax} ${TAB_BAR_HEIGHT / 2 - 30} l-30 30 l30 30`
        : `M${ax} ${TAB_BAR_HEIGHT / 2 - 30} l30 30 l-30 30`;
      parts.push(
        `<path d="${d}" fill="none" stroke="${COLORS.tabInactiveText}" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>`,
      );
    }
  }
  for (const tile of menu.tiles) parts.push(tileSvg(tile, text));
  parts.push('</svg>');
  return parts.join('\n');
}

function tileSvg(tile: BuiltTile, text: DrawText): string {
  const { x, y, width, height } = tile.bounds;
  const m = 22;
  const cx = x + width / 2;
  const maxText = width - 2 * m - 70;
  const iconY = y + 250;
  return [
    `<rect x="${x + m}" y="${y + m}" width="${width - 2 * m}" height="${height - 2 * m}" rx="44" fill="${COLORS.card}" stroke="${COLORS.cardBorder}" stroke-width="4"/>`,
    `<circle cx="${cx}" cy="${iconY}" r="140" fill="${tile.color}"/>`,
    `<g transform="translate(${cx} ${iconY})">${icon(tile.icon, tile.color, text)}</g>`,
    text(tile.title, cx, y + 510, TITLE_SIZE, 700, COLORS.title, maxText),
    text(tile.hint, cx, y + 600, HINT_SIZE, 500, COLORS.hint, maxText),
  ].join('\n');
}

/** Simple white pictograms on the tile's disc, drawn around (0, 0) within ±90. */
function icon(name: IconName, color: string, text: DrawText): string {
  const W = '#ffffff';
  const line = (d: string, w = 16) =>
    `<path d="${d}" fill="none" stroke="${W}" stroke-width="${w}" stroke-linecap="round" stroke-linejoin="round"/>`;
  switch (name) {
    case 'coins':
      return [0, 1, 2, 3]
        .map(
          (i) =>
            `<rect x="${-72 + (i % 2) * 10}" y="${50 - i * 38}" width="144" height="30" rx="15" fill="${W}"/>`,
        )
        .join('');
    case 'hospital':
      return `<rect x="-80" y="-80" width="160" height="160" rx="28" fill="${W}"/><rect x="-18" y="-56" width="36" height="112" rx="6" fill="${color}"/><rect x="-56" y="-18" width="112" height="36" rx="6" fill="${color}"/>`;
    case 'briefcase':
      return `${line('M-32 -40 v-22 a10 10 0 0 1 10 -10 h44 a10 10 0 0 1 10 10 v22', 14)}<rect x="-88" y="-42" width="176" height="118" rx="18" fill="${W}"/><rect x="-88" y="4" width="176" height="10" fill="${color}"/><rect x="-14" y="-6" width="28" height="30" rx="6" fill="${color}"/>`;
    case 'link':
      return `<g transform="rotate(-45)"><rect x="-92" y="-28" width="104" height="56" rx="28" fill="none" stroke="${W}" stroke-width="18"/><rect x="-12" y="-28" width="104" height="56" rx="28" fill="none" stroke="${W}" stroke-width="18"/></g>`;
    case 'unlink':
      return `<g transform="rotate(-45)"><rect x="-104" y="-28" width="84" height="56" rx="28" fill="none" stroke="${W}" stroke-width="18"/><rect x="20" y="-28" width="84" height="56" rx="28" fill="none" stroke="${W}" stroke-width="18"/></g>${line('M-14 -70 l8 24 M14 70 l-8 -24 M-70 -14 l24 8 M70 14 l-24 -8', 10)}`;
    case 'help':
      return `${line('M-40 -38 a40 40 0 1 1 56 36 c-12 6 -16 14 -16 28 v8', 22)}<circle cx="0" cy="74" r="15" fill="${W}"/>`;
    case 'pin':
      return `<path d="M0 95 C0 95 -74 26 -74 -18 A74 74 0 0 1 74 -18 C74 26 0 95 0 95 Z" fill="${W}"/><circle cx="0" cy="-18" r="30" fill="${color}"/>`;
    case 'news':
      return `<rect x="-72" y="-88" width="144" height="176" rx="14" fill="${W}"/><rect x="-48" y="-62" width="96" height="36" rx="6" fill="${color}"/>${[
        0, 1, 2,
      ]
        .map(
          (i) =>
            `<rect x="-48" y="${-8 + i * 30}" width="${i === 2 ? 60 : 96}" height="12" rx="6" fill="${color}"/>`,
        )
        .join('')}`;
    case 'forty':
      return `<rect x="-92" y="-70" width="184" height="140" rx="24" fill="${W}"/>${text('40', 0, 40, 110, 700, color, 170)}`;
    case 'card':
      return `<rect x="-92" y="-60" width="184" height="120" rx="16" fill="${W}"/><rect x="-92" y="-34" width="184" height="26" fill="${color}"/><rect x="-64" y="20" width="56" height="18" rx="6" fill="${color}"/>`;
    case 'headset':
      return `${line('M-66 20 v-22 a66 66 0 0 1 132 0 v22', 18)}<rect x="-86" y="4" width="40" height="72" rx="16" fill="${W}"/><rect x="46" y="4" width="40" height="72" rx="16" fill="${W}"/>${line('M66 76 q0 24 -40 24 h-16', 12)}`;
    case 'globe':
      return `<circle cx="0" cy="0" r="80" fill="none" stroke="${W}" stroke-width="14"/><ellipse cx="0" cy="0" rx="34" ry="80" fill="none" stroke="${W}" stroke-width="12"/>${line('M-80 0 h160 M-66 -42 h132 M-66 42 h132', 10)}`;
  }
}
