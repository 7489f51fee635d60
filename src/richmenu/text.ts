/**
 * Text to SVG paths with HarfBuzz (harfbuzzjs, WASM): the reference shaper, right for Thai,
 * Burmese, Khmer and Lao (resvg's own shaper gives Burmese ာ/ါ no advance). Each code point
 * takes the first font, in the language's order, that has it; marks stay with their base.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Font } from 'harfbuzzjs';

const require = createRequire(import.meta.url);

export type Weight = 500 | 700;

export const FAMILIES = {
  thai: 'noto-sans-thai/{w}/NotoSansThai_{w}.ttf',
  myanmar: 'noto-sans-myanmar/{w}/NotoSansMyanmar_{w}.ttf',
  khmer: 'noto-sans-khmer/{w}/NotoSansKhmer_{w}.ttf',
  lao: 'noto-sans-lao/{w}/NotoSansLao_{w}.ttf',
} as const;
export type Family = keyof typeof FAMILIES;

const WEIGHT_DIR: Record<Weight, string> = { 500: '500Medium', 700: '700Bold' };

/** The @expo-google-fonts TrueType files used (for FONTS.md and the tests). */
export function fontFile(family: Family, weight: Weight): string {
  return `@expo-google-fonts/${FAMILIES[family].replaceAll('{w}', WEIGHT_DIR[weight])}`;
}

export interface ShapedText {
  /** Advance width in px. */
  readonly width: number;
  /** SVG elements (paths) with the pen starting at (x, y) on the baseline. */
  svg(x: number, y: number, fill: string): string;
}

export interface TextShaper {
  shape(text: string, size: number, weight: Weight, order: readonly Family[]): ShapedText;
}

interface LoadedFont {
  font: Font;
  upem: number;
  paths: Map<number, string>;
}

export async function createTextShaper(): Promise<TextShaper> {
  const hb = await import('harfbuzzjs');
  const fonts = new Map<string, LoadedFont>();
  const load = (family: Family, weight: Weight): LoadedFont => {
    const key = `${family}/${weight}`;
    let f = fonts.get(key);
    if (!f) {
      const bytes = new Uint8Array(readFileSync(require.resolve(fontFile(family, weight))));
      const face = new hb.Face(new hb.Blob(bytes), 0);
      f = { font: new hb.Font(face), upem: face.upem, paths: new Map() };
      fonts.set(key, f);
    }
    return f;
  };
  const has = (f: LoadedFont, cp: number) => (f.font.nominalGlyph(cp) ?? 0) !== 0;

  return {
    shape(text, size, weight, order) {
      const loaded = order.map((fam) => load(fam, weight));
      // Runs of code points that share a font.
      const runs: { f: LoadedFont; text: string }[] = [];
      for (const ch of text.normalize('NFC')) {
        const cp = ch.codePointAt(0) ?? 0;
        const prev = runs.at(-1);
        const isMark = /\p{M}/u.test(ch);
        let f: LoadedFont;
        if (prev && (isMark || (/\s/u.test(ch) && has(prev.f, cp)))) f = prev.f;
        else f = loaded.find((l) => has(l, cp)) ?? loaded[0]!;
        if (prev && prev.f === f) prev.text += ch;
        else runs.push({ f, text: ch });
      }
      const glyphs: { f: LoadedFont; g: number; x: number; y: number }[] = [];
      let pen = 0;
      for (const run of runs) {
        const buf = new hb.Buffer();
        buf.addText(run.text);
        buf.guessSegmentProperties();
        hb.shape(run.f.font, buf);
        const scale = size / run.f.upem;
        for (const gp of buf.getGlyphInfosAndPositions()) {
          glyphs.push({
            f: run.f,
            g: gp.codepoint,
            x: pen + (gp.xOffset ?? 0) * scale,
            y: -(gp.yOffset ?? 0) * scale,
          });
          pen += (gp.xAdvance ?? 0) * scale;
        }
      }
      return {
        width: pen,
        svg(x, y, fill) {
          const out: string[] = [];
          for (const { f, g, x: gx, y: gy } of glyphs) {
            let d = f.paths.get(g);
            if (d === undefined) {
              d = f.font.glyphToPath(g);
              f.paths.set(g, d);
            }
            if (!d) continue;
            const s = round(size / f.upem, 6);
            out.push(
              `<path transform="translate(${round(x + gx, 2)} ${round(y + gy, 2)}) scale(${s} ${-s})" d="${d}"/>`,
            );
          }
          return `<g fill="${fill}">${out.join('')}</g>`;
        },
      };
    },
  };
}

function round(n: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(n * k) / k;
}
