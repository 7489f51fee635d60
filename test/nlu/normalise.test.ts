import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/nlu/index.ts';

describe('normalise', () => {
  it('applies NFC and lower-cases', () => {
    expect(normalise('Cafe\u0301')).toBe('café');
    expect(normalise('HELLO World')).toBe('hello world');
  });

  it('removes zero-width and control characters', () => {
    expect(normalise('เงิน\u200bสม\u200cทบ\u200d\ufeff\u2060')).toBe('เงินสมทบ');
    expect(normalise('a\u0007b\u0000c')).toBe('abc');
    expect(normalise('a\tb\nc\r\nd')).toBe('a b c d');
  });

  it('converts Thai, Lao, Khmer and Myanmar digits', () => {
    expect(normalise('๐๑๒๓๔๕๖๗๘๙')).toBe('0123456789');
    expect(normalise('໐໑໒໓໔໕໖໗໘໙')).toBe('0123456789');
    expect(normalise('០១២៣៤៥៦៧៨៩')).toBe('0123456789');
    expect(normalise('၀၁၂၃၄၅၆၇၈၉')).toBe('0123456789');
  });

  it('collapses whitespace', () => {
    expect(normalise('  เงิน   สมทบ \t  เข้ายัง  ')).toBe('เงิน สมทบ เข้ายัง');
    expect(normalise('   \n ')).toBe('');
    expect(normalise('')).toBe('');
    // any whitespace, alone or in a run, at an end or inside: one space, none at the ends
    expect(normalise('เงิน\u00a0สมทบ\u3000เข้า\u2009ยัง\u200a')).toBe('เงิน สมทบ เข้า ยัง');
    expect(normalise('a b')).toBe('a b');
    expect(normalise(' a')).toBe('a');
  });

  it('collapses characters stretched 3+ times', () => {
    expect(normalise('ดีค่าาาาา')).toBe('ดี');
    expect(normalise('เงินสมทบบบบบ')).toBe('เงินสมทบ');
    expect(normalise('helloooo')).toBe('hello');
    expect(normalise('hello')).toBe('hello');
    expect(normalise('ช่วยด้วยยยยย!!!!')).toBe('ช่วยด้วย!');
    expect(normalise('555555')).toBe('55');
    // numbers are not touched
    expect(normalise('เงินเดือน 15000 บาท')).toBe('เงินเดือน 15000 บาท');
    expect(normalise('1555')).toBe('1555');
  });

  it('repairs Thai mark typing', () => {
    expect(normalise('ที่่')).toBe('ที่');
    expect(normalise('เเพง')).toBe('แพง');
    expect(normalise('ก้ี')).toBe('กี้');
  });

  it('unifies section spellings', () => {
    for (const v of [
      'ม.33',
      'ม33',
      'ม 33',
      'ม. 33',
      'มาตรา33',
      'มาตรา 33',
      'section 33',
      'Sec 33',
      's33',
      'SEC.33',
      'ม.๓๓',
    ]) {
      expect(normalise(v), v).toBe('มาตรา 33');
    }
    expect(normalise('ผู้ประกันตน ม.39 จ่ายยังไง')).toBe('ผู้ประกันตน มาตรา 39 จ่ายยังไง');
    expect(normalise('สมัครม40ออนไลน์')).toBe('สมัคร มาตรา 40 online');
    expect(normalise('section40 info')).toBe('มาตรา 40 info');
    // not a section: "I am 40", "ผม 40 ปี"
    expect(normalise('ผม 40 ปี')).toBe('ผม 40 ปี');
    expect(normalise('ผม40ปี')).toBe('ผม40ปี');
    expect(normalise("i'm 40")).toBe("i'm 40");
    expect(normalise('ม.400')).toBe('ม.400');
  });

  it('unifies hospital spellings', () => {
    for (const v of [
      'รพ',
      'รพ.',
      'โรงบาล',
      'โรงพบาบาล',
      'โรงพยบาล',
      'โรงพาบาล',
      'โรงพยาบาน',
      'hospital',
      'Hospitals',
    ]) {
      expect(normalise(v), v).toBe('โรงพยาบาล');
    }
    expect(normalise('เปลี่ยนรพ.ได้ไหม')).toBe('เปลี่ยนโรงพยาบาลได้ไหม');
    // "รพ" inside other words is left alone
    expect(normalise('ห้างสรรพสินค้า')).toBe('ห้างสรรพสินค้า');
    expect(normalise('รพี')).toBe('รพี');
  });

  it('unifies SSO and Bangkok abbreviations', () => {
    for (const v of ['สปส', 'สปส.', 'sso', 'SSO', 'ปกส', 'ประกันสังคม', 'social security']) {
      expect(normalise(v), v).toBe('ประกันสังคม');
    }
    for (const v of ['กทม', 'กทม.', 'กรุงเทพฯ', 'กรุงเทพมหานคร', 'bkk', 'BKK']) {
      expect(normalise(v), v).toBe('กรุงเทพ');
    }
    expect(normalise('สปส.กทม.พื้นที่ 5')).toBe('ประกันสังคมกรุงเทพพื้นที่ 5');
  });

  it('strips polite particles at the end of a phrase only', () => {
    expect(normalise('เงินสมทบเข้ายังครับ')).toBe('เงินสมทบเข้ายัง');
    expect(normalise('ขอบคุณนะคะ')).toBe('ขอบคุณ');
    expect(normalise('ขอบคุณนะครับ')).toBe('ขอบคุณ');
    expect(normalise('ว่างงานได้กี่บาทคะ')).toBe('ว่างงานได้กี่บาท');
    expect(normalise('สวัสดีค่ะ มีเรื่องถาม')).toBe('สวัสดี มีเรื่องถาม');
    expect(normalise('ไปไหนจ้า')).toBe('ไปไหน');
    expect(normalise('ได้เลยคับ')).toBe('ได้เลย');
    expect(normalise('โอเคค้าบ')).toBe('ok');
    expect(normalise('จริงเหรอฮะ')).toBe('จริงเหรอ');
    expect(normalise('ครับบบบ')).toBe('');
    // words that contain particle letters stay whole
    expect(normalise('ขอคุยกับเจ้าหน้าที่')).toBe('ขอคุยกับเจ้าหน้าที่');
    expect(normalise('เจ้า')).toBe('เจ้า');
    expect(normalise('คะแนน')).toBe('คะแนน');
    expect(normalise('ห้างสรรพสินค้า')).toBe('ห้างสรรพสินค้า');
    expect(normalise('ขอบคุณค่า')).toBe('ขอบคุณ');
    expect(normalise('มูลค่า')).toBe('มูลค่า');
  });

  it('unifies common variants and loanwords', () => {
    expect(normalise('ยังงัย')).toBe('ยังไง');
    expect(normalise('เท่าไร')).toBe('เท่าไหร่');
    expect(normalise('ได้มั้ย')).toBe('ได้ไหม');
    expect(normalise('เช็ก')).toBe('เช็ค');
    expect(normalise('จ่ายที่ 7-11')).toBe('จ่ายที่ เซเว่น');
    expect(normalise('จ่ายที่เซเว่นอีเลฟเว่น')).toBe('จ่ายที่เซเว่น');
    expect(normalise('โดน lay off')).toBe('โดน layoff');
    expect(normalise('ล็อกอินไม่ได้')).toBe('login ไม่ได้');
    expect(normalise('this bot is not helpful')).toBe('this bot is useless');
    expect(normalise('บอทไม่ช่วยอะไรเลย')).toBe('บอทไร้ประโยชน์');
  });

  it('writes Khmer subscript ្ដ as ្ត and ញុំ as ខ្ញុំ', () => {
    // the two subscripts look the same; the UI writes ចាប់ផ្ដើម, people type both
    expect(normalise('ចាប់ផ្ដើម')).toBe(normalise('ចាប់ផ្តើម'));
    expect(normalise('សួស្ដី')).toBe('សួស្តី');
    expect(normalise('សេចក្ដីប្រកាស')).toBe('សេចក្តីប្រកាស');
    expect(normalise('ញុំទៅស្រុកវិញ')).toBe('ខ្ញុំទៅស្រុកវិញ');
    expect(normalise('ខ្ញុំទៅស្រុកវិញ')).toBe('ខ្ញុំទៅស្រុកវិញ');
    // ំ typed before ុ
    expect(normalise('ខ្ញំុ')).toBe('ខ្ញុំ');
    expect(normalise('ញំុ')).toBe('ខ្ញុំ');
  });

  it('gives Lao and Thai look-alike spellings one encoding', () => {
    expect(normalise('ບໍານານ')).toBe('ບຳນານ');
    expect(normalise('ຫນອງຄາຍ')).toBe('ໜອງຄາຍ');
    expect(normalise('ຫມໍ')).toBe('ໝໍ');
    expect(normalise('ຫລາຍ')).toBe('ຫຼາຍ');
    expect(normalise('ຫຼາຍ')).toBe('ຫຼາຍ');
    expect(normalise('ทํางาน')).toBe('ทำงาน');
  });

  it('writes the Burmese, Khmer and Lao words for a Bangkok area before a number as "area"', () => {
    expect(normalise('ការិយាល័យបាងកក តំបន់ 5')).toBe('ការិយាល័យបាងកក area 5');
    expect(normalise('តំបន់ទី៥')).toBe('area 5');
    expect(normalise('ບາງກອກ ເຂດ 3')).toBe('ບາງກອກ area 3');
    expect(normalise('ເຂດທີ 12 ຢູ່ໃສ')).toBe('area 12 ຢູ່ໃສ');
    expect(normalise('ဘန်ကောက် ဧရိယာ ၇ ရုံး')).toBe('ဘန်ကောက် area 7 ရုံး');
    // without a number the word stays
    expect(normalise('ເຂດນີ້')).toBe('ເຂດນີ້');
    expect(normalise('ເຂດ 2024')).toBe('ເຂດ 2024');
  });

  it('is deterministic and idempotent', () => {
    const samples = [
      'เงินสมทบเดือนล่าสุดเข้ายังครับ',
      'จ่าย ม.40 ที่ 7-11 ได้มั้ยคะ',
      'สปส.กทม.พื้นที่๕ไปยังไงงงง',
      'Where is the SSO office in BKK??',
      'ลิ้งบัญชีไลน์ด้วยค่าาา',
      'เลขบัตร ๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑',
      'ေဆး႐ုံ ဘယ္မွာလဲ',
      'ញុំចង់ដឹងពីប្រាក់សោធន ក្រុងទេព តំបន់ទី 3',
      'ຫ້ອງການ ຫນອງຄາຍ ເຂດ 2',
      'ข่อยอยากเบิ่งเงินสมทบแหน่',
    ];
    for (const s of samples) {
      const once = normalise(s);
      expect(normalise(s)).toBe(once);
      expect(normalise(once), s).toBe(once);
    }
  });

  it('keeps ID digits intact', () => {
    expect(normalise('1-5555-67890-12-1')).toBe('1-5555-67890-12-1');
    expect(normalise('๑๒๓๔๕๖๗๘๙๐๑๒๑')).toBe('1234567890121');
  });
});
