/**
 * The committed rich-menu PNGs: one per menu and language, PNG, 2500×1686, ≤ 1 MB; rendering is
 * reproducible (twice → same bytes, and the same bytes as committed).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS_DIR, imagePath } from '../../src/cli/richmenu.ts';
import { createI18n } from '../../src/i18n.ts';
import { findRichMenuImageViolations, imageSize } from '../../src/line/limits.ts';
import { buildAllMenus, buildMenu } from '../../src/richmenu/definition.ts';
import { createRenderer } from '../../src/richmenu/render.ts';

const i18n = createI18n();
const menus = buildAllMenus(i18n);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('committed rich-menu images', () => {
  it.each(menus.map((m) => [imagePath('', m), m]))('%s', (_name, menu) => {
    const png = new Uint8Array(readFileSync(imagePath(DEFAULT_ASSETS_DIR, menu)));
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    const view = new DataView(png.buffer, png.byteOffset);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([2500, 1686]);
    expect(imageSize(png)).toEqual({ type: 'image/png', width: 2500, height: 1686 });
    expect(png.byteLength).toBeLessThanOrEqual(1024 * 1024);
    expect(findRichMenuImageViolations(png, { width: 2500, height: 1686 })).toEqual([]);
  });

  it('images differ per language and per tab', () => {
    const hashes = menus.map((m) => sha(readFileSync(imagePath(DEFAULT_ASSETS_DIR, m))));
    expect(new Set(hashes).size).toBe(menus.length);
  });

  it('a wrong size or a non-image is refused', () => {
    const png = new Uint8Array(readFileSync(imagePath(DEFAULT_ASSETS_DIR, menus[0]!)));
    expect(findRichMenuImageViolations(png, { width: 2500, height: 843 })).toHaveLength(1);
    expect(findRichMenuImageViolations(new Uint8Array(100), { width: 2500, height: 1686 })).toEqual(
      ['image is neither PNG nor JPEG'],
    );
  });
});

describe('rendering', () => {
  it('is reproducible and matches the committed PNGs (re-render if this fails)', async () => {
    const renderer = await createRenderer();
    for (const [key, lang] of [
      ['my-services', 'th'],
      ['general', 'my'],
    ] as const) {
      const menu = buildMenu(i18n, key, lang);
      const a = renderer.png(menu);
      const b = (await createRenderer()).png(menu);
      expect(sha(a)).toBe(sha(b));
      expect(sha(a), 'run `npm run cli -- richmenu render` and commit the PNGs').toBe(
        sha(readFileSync(imagePath(DEFAULT_ASSETS_DIR, menu))),
      );
    }
  });

  it('draws the labels as shaped text (every tile title appears as glyph paths)', async () => {
    const renderer = await createRenderer();
    const svg = renderer.svg(buildMenu(i18n, 'general', 'th'));
    expect(svg).not.toMatch(/<text/);
    // 2 tab labels + 6 titles + 6 hints + the "40" icon, each a group of glyph paths.
    expect(svg.match(/<g fill=/g)?.length).toBe(15);
  });
});
