import { describe, expect, it } from 'vitest';
import en from '../../locales/en/intents.json' with { type: 'json' };
import { detectLang } from '../../src/nlu/index.ts';
import { detectReplyLang, laoInThaiMarkers } from '../../src/nlu/lang.ts';
import { detectRomanised } from '../../src/nlu/romanised.ts';

const ENGLISH: string[] = Object.values(en.intents).flatMap((i) => i.examples ?? []);

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

describe('detectReplyLang', () => {
  const reply = (text: string) => {
    const r = detectReplyLang(text);
    return r && `${r.lang}${r.confident ? '' : '?'}`;
  };

  it('is confident with enough letters of one script', () => {
    expect(reply('เงินสมทบเข้ายัง')).toBe('th');
    expect(reply('where is the office')).toBe('en');
    expect(reply('ປະກັນສັງຄົມຢູ່ໃສ')).toBe('lo');
    expect(reply('ការិយាល័យសន្តិសុខសង្គមនៅឯណា')).toBe('km');
    expect(reply('လူမှုဖူလုံရေးရုံး ဘယ်မှာလဲ')).toBe('my');
    expect(reply('ေဆး႐ုံ ဘယ္မွာလဲ')).toBe('my');
  });

  it('is not confident with too few letters or words', () => {
    expect(reply('hello')).toBe('en?'); // one word
    expect(reply('ok')).toBe('en?');
    expect(reply('ดี')).toBe('th?');
    expect(reply('ບໍ')).toBe('lo?');
    expect(reply('1506')).toBeUndefined();
    expect(reply('😀')).toBeUndefined();
  });

  it('answers in Burmese, Khmer or Lao even with Thai or English words mixed in', () => {
    expect(reply('รายงานตัว ရက် ဘယ်တော့လဲ')).toBe('my');
    expect(reply('ការិយាល័យ ประกันสังคม ជិតបំផុតនៅណា')).toBe('km');
    expect(reply('សុំលេខ hotline')).toBe('km');
    expect(reply('ຈ່າຍ ม.39 ຢູ່ 7-Eleven ໄດ້ບໍ')).toBe('lo');
    // but a stray letter of another script does not decide
    expect(reply('please tell me about ស')).toBe('en');
  });

  it('keeps Thai with English words Thai, and English with a Thai word unsure', () => {
    expect(reply('unlink บัญชีให้หน่อย')).toBe('th');
    expect(reply('verify ตัวตนยังไงคะ')).toBe('th');
    expect(reply('news sso ล่าสุด')).toBe('en?');
  });

  it('answers Lao typed in Thai letters in Lao, while detectLang stays Thai', () => {
    expect(detectReplyLang('ข่อยอยากเบิ่งเงินสมทบแหน่')).toEqual({
      lang: 'lo',
      confident: true,
      script: 'th',
    });
    expect(detectLang('ข่อยอยากเบิ่งเงินสมทบแหน่')).toBe('th');
    expect(reply('เงินสมทบจักเดือนแล้ว ได้บ่')).toBe('lo');
    expect(reply('ข่อยลาออกแล้ว สิได้เงินว่างงานจักบาท')).toBe('lo');
    // one such word: Lao or Isan Thai, so not sure
    expect(reply('สบายดีบ่')).toBe('th?');
    // Thai words that contain those letters are not Lao
    expect(laoInThaiMarkers('ตำแหน่งงานว่าง')).toBe(0);
    expect(laoInThaiMarkers('ไส้กรอก ไผ่ บ่อย บ่าย')).toBe(0);
    expect(reply('อยากรู้ตำแหน่งสำนักงานประกันสังคม บ่ายนี้เปิดไหม')).toBe('th');
  });

  it('flags romanised Burmese, Khmer and Lao', () => {
    expect(detectReplyLang('a lote htwet yin ngway ya lar')).toEqual({
      lang: 'en',
      confident: false,
      script: 'en',
      romanised: 'my',
    });
    expect(detectReplyLang('kjom jong deng pi mun ti pet')?.romanised).toBe('km');
    expect(detectReplyLang('ngern som thob khoy')?.romanised).toBe('lo');
  });
});

describe('detectRomanised', () => {
  it("recognises the review's examples and other chat romanisations", () => {
    expect(detectRomanised('a lote htwet yin ngway ya lar')).toBe('my');
    expect(detectRomanised('sso yone bal mhar lal')).toBe('my');
    expect(detectRomanised('kjom jong deng pi mun ti pet')).toBe('km');
    expect(detectRomanised('knhom chong dak luy sangkum')).toBe('km');
    expect(detectRomanised('ngern som thob khoy')).toBe('lo');
    expect(detectRomanised('khoy yak hu wa ngern pakan sangkhom jak baht')).toBe('lo');
  });

  it('finds nothing in English', () => {
    expect(ENGLISH.length).toBeGreaterThanOrEqual(200);
    const found = ENGLISH.filter((t) => detectRomanised(t));
    expect(found).toEqual([]);
    for (const t of ['hello', 'where is the sso office in bangkok', 'I am from Myanmar', 'ok']) {
      expect(detectRomanised(t), t).toBeUndefined();
      expect(detectReplyLang(t)?.romanised, t).toBeUndefined();
    }
  });

  it('needs two words of the list', () => {
    expect(detectRomanised('khoy')).toBeUndefined();
    expect(detectRomanised('')).toBeUndefined();
    expect(detectRomanised('เงิน khoy')).toBeUndefined();
  });
});
