import { describe, expect, it } from 'vitest';
import { normalise, words } from '../../src/nlu/index.ts';
import { dictionaryOf, icuWords, newRanges, segmentRanges } from '../../src/nlu/segment.ts';
import { defaultDictionary, NUMBER_TOKEN } from '../../src/nlu/tokenise.ts';

function cut(dictWords: string[], text: string): string[] {
  const r = segmentRanges(dictionaryOf(dictWords), text, newRanges(2));
  return Array.from({ length: r.n }, (_, i) => text.slice(r.start[i], r.end[i]));
}

describe('dictionary segmentation', () => {
  it('prefers the fewest words that cover the text', () => {
    expect(cut(['ประกัน', 'สังคม', 'ประกันสังคม', 'เงิน'], 'เงินประกันสังคม')).toEqual([
      'เงิน',
      'ประกันสังคม',
    ]);
  });

  it('groups what no word covers into one word per gap', () => {
    expect(cut(['เงิน', 'สมทบ'], 'เงินกลางสมทบ')).toEqual(['เงิน', 'กลาง', 'สมทบ']);
    expect(cut([], 'สวัสดี')).toEqual(['สวัสดี']);
  });

  it('never cuts inside a syllable', () => {
    // "ที" must not match the start of "ที่", nor "จันท" leave "ร์" on its own
    expect(cut(['ที', 'นี่'], 'ที่นี่')).toEqual(['ที่', 'นี่']);
    expect(cut(['จันท'], 'จันทร์')).toEqual(['จันทร์']);
    expect(cut(['ခ'], 'ခ်')).toEqual(['ခ်']);
    expect(cut(['ក'], 'ក្ដ')).toEqual(['ក្ដ']);
  });

  it('splits at spaces, punctuation and script changes; keeps numbers and Latin words whole', () => {
    expect(cut(['ครบ', 'เดือน'], 'ครบ180เดือน, line app!')).toEqual([
      'ครบ',
      '180',
      'เดือน',
      'line',
      'app',
    ]);
    expect(cut([], 'ค่าจ้าง 25,000 บาท 1.5 หมื่น')).toEqual(['ค่าจ้าง', '25,000', 'บาท', '1.5', 'หมื่น']);
    expect(cut([], `เลข ${NUMBER_TOKEN} 😀 ok`)).toEqual(['เลข', NUMBER_TOKEN, 'ok']);
  });

  it('builds its dictionary from Intl.Segmenter words, without single letters or digits', () => {
    const ws = icuWords(['เงินสมทบเข้ายัง', 'ครบ180เดือน ก.พ.'], 'th');
    expect(ws.has('เงิน')).toBe(true);
    expect(ws.has('เดือน')).toBe(true);
    expect(ws.has('180')).toBe(false);
    expect(ws.has('ก')).toBe(false);
  });

  it('cuts the bundled languages into several words', () => {
    expect(defaultDictionary().size).toBeGreaterThan(1000);
    expect(words(normalise('เงินสมทบเดือนล่าสุดเข้ายัง'), 'th')).toEqual([
      'เงิน',
      'สมทบ',
      'เดือน',
      'ล่าสุด',
      'เข้า',
      'ยัง',
    ]);
    expect(words('ຂ້ອຍຢາກຮູ້', 'lo').length).toBeGreaterThan(1);
    expect(words('ខ្ញុំចង់ដឹង', 'km').length).toBeGreaterThan(1);
    expect(words('ကျွန်တော်သိချင်တယ်', 'my').length).toBeGreaterThan(1);
  });
});
