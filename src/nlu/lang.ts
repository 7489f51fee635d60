/**
 * Script-based language detection. Counts letters (and combining marks) per script and returns
 * the majority; Thai wins ties. Digits, punctuation, emoji and spaces do not count.
 */
export const LANGS = ['th', 'en', 'my', 'km', 'lo'] as const;
export type Lang = (typeof LANGS)[number];

const LANG_SET: ReadonlySet<string> = new Set(LANGS);

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && LANG_SET.has(value);
}

/** Only the first this-many characters are inspected. */
const MAX_SCAN = 400;

/** Returns the language of `text` from its script, or undefined when it has no letters. */
export function detectLang(text: string): Lang | undefined {
  let th = 0;
  let lo = 0;
  let km = 0;
  let my = 0;
  let en = 0;
  const n = Math.min(text.length, MAX_SCAN);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) en++;
    } else if (c >= 0x0e00 && c <= 0x0e7f) {
      if (c < 0x0e50 || c > 0x0e59) th++;
    } else if (c >= 0x0e80 && c <= 0x0eff) {
      if (c < 0x0ed0 || c > 0x0ed9) lo++;
    } else if ((c >= 0x1780 && c <= 0x17ff) || (c >= 0x19e0 && c <= 0x19ff)) {
      if (c < 0x17e0 || c > 0x17e9) km++;
    } else if ((c >= 0x1000 && c <= 0x109f) || (c >= 0xaa60 && c <= 0xaa7f)) {
      if ((c < 0x1040 || c > 0x1049) && (c < 0x1090 || c > 0x1099)) my++;
    } else if (
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
      (c >= 0x1e00 && c <= 0x1eff)
    ) {
      en++;
    }
  }
  const max = Math.max(th, lo, km, my, en);
  if (max === 0) return undefined;
  if (th === max) return 'th';
  if (en === max) return 'en';
  if (my === max) return 'my';
  if (km === max) return 'km';
  return 'lo';
}
