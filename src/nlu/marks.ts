/**
 * Myanmar and Khmer dependent signs (vowel signs, tone and other marks, medials, coeng): they
 * belong to the letter before them, so no syllable begins and no term ends just before one.
 * Shared by the entity scan (src/nlu/entities.ts) and the segmenter (src/nlu/segment.ts); each
 * adds its own Thai and Lao rules.
 */
export function isMyanmarKhmerSign(c: number): boolean {
  if (c >= 0x102b && c <= 0x103e) return true; // Myanmar vowels, signs, medials
  if (c >= 0x17b4 && c <= 0x17d3) return true; // Khmer vowels, signs, coeng
  return (
    c === 0x17dd ||
    (c >= 0x1056 && c <= 0x1059) ||
    (c >= 0x105e && c <= 0x1060) ||
    (c >= 0x1062 && c <= 0x1064) ||
    (c >= 0x1067 && c <= 0x106d) ||
    (c >= 0x1071 && c <= 0x1074) ||
    (c >= 0x1082 && c <= 0x108d) ||
    c === 0x108f ||
    (c >= 0x109a && c <= 0x109d)
  );
}
