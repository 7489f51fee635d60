/**
 * Packing of Unicode text into printable ASCII, for data bundled into the Worker.
 *
 * Why: the Worker's bundler (esbuild, through wrangler) writes every non-ASCII character of a
 * string as a `\uXXXX` escape: six bytes for each Thai, Lao, Khmer or Burmese letter, which
 * gzip then compresses worse than the text itself. A packed text spends one byte on most
 * characters instead, so the upload is smaller than even plain UTF-8 would be.
 *
 * How: the text's characters (code points), most frequent first, are the `key`; character i of
 * the key is written as CODES[i] for i < DIRECT, else as the escape code (the last one) followed
 * by the code of i − DIRECT (so any number of distinct characters fits, the rare ones in two or
 * more bytes).
 * CODES is printable ASCII without the quote, the backslash and `$`, so a packed text needs no
 * escape in a JS string literal. Lossless: unpack(pack(s)) === s for every string.
 */

/**
 * Printable ASCII but `'` and `\` (which a string literal would escape) and `$` (so no `${`,
 * which linters take for a misplaced template): each character of a packed text is one of these.
 */
const CODES =
  ' !"#%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~';
/** Characters of the key written as a single code. */
const DIRECT = CODES.length - 1;
/** The last code: "the character's index is DIRECT more than what follows". */
const ESCAPE_INDEX = DIRECT;

/** Code index of each ASCII character (−1: not a code). */
const INDEX = (() => {
  const a = new Int8Array(128).fill(-1);
  for (let i = 0; i < CODES.length; i++) a[CODES.charCodeAt(i)] = i;
  return a;
})();

export interface Packed {
  /** The text's distinct characters, most frequent first. */
  key: string;
  /** The text, packed: printable ASCII only. */
  text: string;
}

/** A UTF-16 surrogate without its other half (it would not survive as a key character). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Packs `s` (deterministic: ties in frequency go by code point). */
export function pack(s: string): Packed {
  if (LONE_SURROGATE.test(s)) throw new Error('pack: the text has a lone surrogate');
  const freq = new Map<string, number>();
  for (const ch of s) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  const chars = [...freq.keys()].sort(
    (a, b) => freq.get(b)! - freq.get(a)! || a.codePointAt(0)! - b.codePointAt(0)!,
  );
  const codeOf = new Map<string, string>();
  chars.forEach((ch, i) => {
    let code = '';
    let k = i;
    while (k >= DIRECT) {
      code += CODES[ESCAPE_INDEX];
      k -= DIRECT;
    }
    codeOf.set(ch, code + CODES[k]);
  });
  const out: string[] = [];
  for (const ch of s) out.push(codeOf.get(ch)!);
  return { key: chars.join(''), text: out.join('') };
}

/** The text `pack()` was given. Throws on a character that is not a code or past the key. */
export function unpack(p: Packed): string {
  // each key character as one or two UTF-16 units, written into one buffer (no string per char)
  const chars = Array.from(p.key);
  const hi = new Uint16Array(chars.length);
  const lo = new Int32Array(chars.length).fill(-1);
  chars.forEach((ch, i) => {
    hi[i] = ch.charCodeAt(0);
    if (ch.length > 1) lo[i] = ch.charCodeAt(1);
  });
  const t = p.text;
  const units = new Uint16Array(t.length * 2);
  let n = 0;
  let base = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const k = c < 128 ? INDEX[c]! : -1;
    if (k < 0) throw new Error(`unpack: not a code at ${i}`);
    if (k === ESCAPE_INDEX) {
      base += DIRECT;
      continue;
    }
    const j = base + k;
    if (j >= chars.length) throw new Error(`unpack: no character ${j} in the key`);
    units[n++] = hi[j]!;
    if (lo[j]! >= 0) units[n++] = lo[j]!;
    base = 0;
  }
  if (base !== 0) throw new Error('unpack: the text ends in an escape');
  let out = '';
  for (let i = 0; i < n; i += CHUNK)
    out += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + CHUNK)) as never);
  return out;
}

/** Units per String.fromCharCode call (well under any engine's argument limit). */
const CHUNK = 8192;
