import { describe, expect, it } from 'vitest';
import { normalise, tokenise, words } from '../../src/nlu/index.ts';
import {
  featureHash,
  hashFeatures,
  NUMBER_TOKEN,
  newFeatureBuffer,
} from '../../src/nlu/tokenise.ts';

describe('tokenise', () => {
  it('segments Thai words and drops particles', () => {
    const ws = words(normalise('เงินสมทบเดือนล่าสุดเข้ายังครับ'), 'th');
    expect(ws).toContain('เงิน');
    expect(ws).toContain('สมทบ');
    expect(ws).toContain('ล่าสุด');
    expect(ws).not.toContain('ครับ');
  });

  it('splits Latin text on non-letters', () => {
    expect(words('where is the sso-office?', 'en')).toEqual(['where', 'is', 'sso', 'office']);
  });

  it('segments Lao, Khmer and Myanmar', () => {
    expect(words('ຂ້ອຍຢາກຮູ້', 'lo').length).toBeGreaterThan(1);
    expect(words('ខ្ញុំចង់ដឹង', 'km').length).toBeGreaterThan(1);
    expect(words('ကျွန်တော်သိချင်တယ်', 'my').length).toBeGreaterThan(1);
  });

  it('emits words, word pairs and character n-grams', () => {
    const th = tokenise('เงินสมทบ เข้ายัง', 'th');
    expect(th).toContain('w:สมทบ');
    expect(th).toContain('b:เงิน_สมทบ');
    // n-grams ignore spaces, so they do not depend on segmentation
    expect(th).toContain('g:สม');
    expect(th).toContain('g:ทบเ');
    const en = tokenise('pay now', 'en');
    expect(en).toContain('w:pay');
    expect(en).toContain('b:pay_now');
    expect(en).toContain('g:<pa');
    expect(en).toContain('g:<pay>');
  });

  it('never lets a long number (ID, phone) into the features', () => {
    const feats = tokenise(normalise('เลขบัตร 1-2345-67890-12-1 ผูกบัญชี'), 'th');
    expect(feats.some((f) => /\d{3}/.test(f))).toBe(false);
    expect(feats).toContain(`w:${NUMBER_TOKEN}`);
  });

  it('uses only the first part of a huge text', () => {
    const feats = tokenise('ประกันสังคม '.repeat(500), 'th');
    expect(feats.length).toBeLessThan(1500);
  });

  it('hashFeatures produces exactly the hashes of tokenise()', () => {
    const buf = newFeatureBuffer();
    for (const [text, lang] of [
      ['เงินสมทบเดือนล่าสุด เข้ายัง', 'th'],
      ['how do i pay my contribution', 'en'],
      ['ຂ້ອຍຢາກຮູ້', 'lo'],
      ['ខ្ញុំចង់ដឹង 😀 𝐀𝐁𝐂', 'km'],
      ['ကျွန်တော် 25,000 ထက်', 'my'],
      ['เลขบัตร 1-2345-67890-12-1 ผูกบัญชีหน่อย', 'th'],
      ['hello 😀 wörld 𝐀𝐁𝐂 the a', 'en'],
    ] as const) {
      const expected = tokenise(text, lang)
        .map(featureHash)
        .sort((a, b) => a - b);
      hashFeatures(text, lang, buf);
      const got = Array.from(buf.hash.subarray(0, buf.n)).sort((a, b) => a - b);
      expect(got).toEqual(expected);
    }
  });
});
