/** src/pack.ts: text packed into printable ASCII for the generated modules, and back. */
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../src/pack.ts';

describe('pack', () => {
  const samples = [
    '',
    'a',
    'เงินสมทบของฉันเท่าไหร่\nhello',
    'quotes \' " ` $ { } and \\ backslash',
    'emoji 😀👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'ကျွန်ုပ် ខ្ញុំ ຂ້ອຍ \u0000\u0001\t',
    // more distinct characters than one or two code bytes hold
    Array.from({ length: 400 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(''),
  ];

  it('gives back the text it was given', () => {
    for (const s of samples) expect(unpack(pack(s))).toBe(s);
  });

  it('writes printable ASCII only, without a quote, a backslash or a dollar sign', () => {
    for (const s of samples) expect(pack(s).text).toMatch(/^[ -#%&(-[\]-~]*$/);
  });

  it('spends one byte on each of the 91 most frequent characters', () => {
    const s = Array.from({ length: 91 }, (_, i) => String.fromCharCode(0x0e01 + i))
      .join('')
      .repeat(3);
    expect(pack(s).text).toHaveLength(s.length);
  });

  it('refuses a lone surrogate, which its key could not keep apart', () => {
    expect(() => pack('a\ud83d b')).toThrow(/lone surrogate/);
  });

  it('rejects what it did not write', () => {
    expect(() => unpack({ key: 'ab', text: 'é' })).toThrow();
    expect(() => unpack({ key: 'ab', text: '#' })).toThrow();
    expect(() => unpack({ key: 'ab', text: '~' })).toThrow();
  });
});
