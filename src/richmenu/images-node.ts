/**
 * The Node runtime's rich-menu images: the PNGs `npm run cli -- richmenu render` drew into
 * assets/richmenu/ (the same files `richmenu deploy` uploads), for the console (src/deps.ts).
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_ASSETS_DIR, imagePath } from '../cli/richmenu.ts';
import type { RichMenuImages } from '../deps.ts';

export function nodeRichMenuImages(dir: string = DEFAULT_ASSETS_DIR): RichMenuImages {
  return {
    async read(lang, key) {
      try {
        return new Uint8Array(await readFile(imagePath(dir, { lang, key })));
      } catch {
        return undefined;
      }
    },
  };
}
