import { describe, expect, it } from 'vitest';
import { detectLang } from '../../src/nlu/index.ts';

describe('detectLang', () => {
  it('detects each script', () => {
    expect(detectLang('เงินสมทบเข้ายัง')).toBe('th');
    expect(detectLang('where is the office')).toBe('en');
    expect(detectLang('ປະກັນສັງຄົມຢູ່ໃສ')).toBe('lo');
    expect(detectLang('ការិយាល័យសន្តិសុខសង្គមនៅឯណា')).toBe('km');
    expect(detectLang('လူမှုဖူလုံရေးရုံး ဘယ်မှာလဲ')).toBe('my');
  });

  it('uses the majority of letters; Thai wins ties with Latin', () => {
    expect(detectLang('เช็ค sso ยังไง')).toBe('th');
    expect(detectLang('ab กข')).toBe('th');
    expect(detectLang('how to pay at เซเว่น please')).toBe('en');
    expect(detectLang('Café ok')).toBe('en');
  });

  it('returns undefined when there are no letters', () => {
    expect(detectLang('')).toBeUndefined();
    expect(detectLang('1506')).toBeUndefined();
    expect(detectLang('๑๕๐๖ 😀 ?!')).toBeUndefined();
  });
});
