import { describe, expect, it } from 'vitest';
import {
  extractEntities,
  findProvince,
  isValidNationalId,
  maskNationalId,
  PROVINCES,
} from '../../src/nlu/index.ts';

const code = (text: string): string | undefined => findProvince(text)?.code;

describe('provinces', () => {
  it('has all 77 provinces', () => {
    expect(PROVINCES).toHaveLength(77);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(77);
  });

  it('finds every province by its Thai and English name', () => {
    for (const p of PROVINCES) {
      expect(code(`ประกันสังคมจังหวัด${p.name_th}อยู่ไหน`), p.name_th).toBe(p.code);
      expect(code(`sso office in ${p.name_en} please`), p.name_en).toBe(p.code);
      expect(code(p.name_en.toUpperCase().replace(/ /g, '')), p.name_en).toBe(p.code);
    }
  });

  it('knows common short forms and towns', () => {
    expect(code('ประกันสังคมโคราช')).toBe('30');
    expect(code('สปส ชม. อยู่ไหน')).toBe('50');
    expect(code('เชียงใหม่')).toBe('50');
    expect(code('bkk')).toBe('10');
    expect(code('กทม.')).toBe('10');
    expect(code('กรุงเทพฯ')).toBe('10');
    expect(code('อยุธยา')).toBe('14');
    expect(code('หาดใหญ่')).toBe('90');
    expect(code('พัทยา')).toBe('20');
    expect(code('ภูเก็ต')).toBe('83');
    expect(code('ขอนแก่น')).toBe('40');
    expect(code('อุบล')).toBe('34');
    expect(code('อุดร')).toBe('41');
    expect(code('สุราษฎร์')).toBe('84');
    expect(code('นครศรีฯ')).toBe('80');
    expect(code('ชลบุรี')).toBe('20');
    expect(code('ระยอง')).toBe('21');
    expect(code('Korat')).toBe('30');
    expect(code('chiang mai')).toBe('50');
    expect(code('ChiangMai')).toBe('50');
    expect(code('Hat Yai')).toBe('90');
  });

  it('does not confuse everyday words with province names', () => {
    expect(code('ไม่ได้เลย')).toBeUndefined();
    expect(code('ตากผ้า')).toBeUndefined();
    expect(code('เผยแพร่ข่าว')).toBeUndefined();
    expect(code('เปิด 24 ชม.')).toBeUndefined();
    expect(code('a strange trade')).toBeUndefined();
    expect(code('ประกันสังคมจังหวัดเลย')).toBe('42');
    expect(code('จ.ตาก')).toBe('63');
    expect(code('ปทุมวัน')).toBe('10');
  });
});

describe('national ID', () => {
  it('validates the checksum', () => {
    expect(isValidNationalId('1234567890121')).toBe(true);
    expect(isValidNationalId('1-2345-67890-12-1')).toBe(true);
    expect(isValidNationalId('1 2345 67890 12 1')).toBe(true);
    expect(isValidNationalId('1234567890122')).toBe(false);
    expect(isValidNationalId('123456789012')).toBe(false);
    expect(isValidNationalId('12345678901211')).toBe(false);
    expect(isValidNationalId('1234567890a21')).toBe(false);
  });

  it('masks as 1-2345-xxxxx-xx-1', () => {
    expect(maskNationalId('1234567890121')).toBe('1-2345-xxxxx-xx-1');
    expect(maskNationalId('1-2345-67890-12-1')).toBe('1-2345-xxxxx-xx-1');
    expect(maskNationalId('12')).toBe('x-xxxx-xxxxx-xx-x');
  });

  it('is extracted only when valid, with or without separators, also in Thai digits', () => {
    expect(extractEntities('เลขบัตร 1-2345-67890-12-1 ค่ะ').nationalId).toBe('1234567890121');
    expect(extractEntities('id 1234567890121').nationalId).toBe('1234567890121');
    expect(extractEntities('๑๒๓๔๕๖๗๘๙๐๑๒๑').nationalId).toBe('1234567890121');
    expect(extractEntities('เลขบัตร 1234567890122').nationalId).toBeUndefined();
    expect(extractEntities('โทร 0812345678').nationalId).toBeUndefined();
  });
});

describe('other entities', () => {
  it('reads the Bangkok area number', () => {
    expect(extractEntities('ประกันสังคมพื้นที่ 5 ไปยังไง').areaNo).toBe(5);
    expect(extractEntities('สปส.กทม.เขตพื้นที่12').areaNo).toBe(12);
    expect(extractEntities('sso area 3 opening hours').areaNo).toBe(3);
    expect(extractEntities('พื้นที่ ๗').areaNo).toBe(7);
    expect(extractEntities('พื้นที่ 13').areaNo).toBeUndefined();
    expect(extractEntities('ว่างงาน 5 เดือน').areaNo).toBeUndefined();
  });

  it('reads the section', () => {
    expect(extractEntities('ม.40 จ่ายเท่าไหร่').section).toBe(40);
    expect(extractEntities('สมทบ ม33').section).toBe(33);
    expect(extractEntities('section 39 payment').section).toBe(39);
    expect(extractEntities('ผม 40 ปี').section).toBeUndefined();
  });

  it('reads Thai months with Buddhist-era years', () => {
    expect(extractEntities('เงินสมทบเดือนมกราคม 2568')).toMatchObject({ month: 1, year: 2025 });
    expect(extractEntities('สมทบ ม.ค. 68 เข้ายัง')).toMatchObject({ month: 1, year: 2025 });
    expect(extractEntities('ธ.ค.67')).toMatchObject({ month: 12, year: 2024 });
    expect(extractEntities('เดือนกุมภา')).toMatchObject({ month: 2 });
    expect(extractEntities('กรกฎาคม พ.ศ. 2567')).toMatchObject({ month: 7, year: 2024 });
    expect(extractEntities('สิงหาคม')).toMatchObject({ month: 8 });
    expect(extractEntities('ปี 2566')).toMatchObject({ year: 2023 });
    expect(extractEntities('ปี 68')).toMatchObject({ year: 2025 });
  });

  it('reads English months and years', () => {
    expect(extractEntities('contributions for March 2025')).toMatchObject({ month: 3, year: 2025 });
    expect(extractEntities('jan 2024 missing')).toMatchObject({ month: 1, year: 2024 });
    expect(extractEntities('did september go through')).toMatchObject({ month: 9 });
    expect(extractEntities('paid in 2023')).toMatchObject({ year: 2023 });
    expect(extractEntities('may 2025')).toMatchObject({ month: 5, year: 2025 });
    expect(extractEntities('may i ask something').month).toBeUndefined();
  });

  it('does not read amounts or IDs as years', () => {
    expect(extractEntities('ได้ 2000 บาท').year).toBeUndefined();
    expect(extractEntities('1234567890121').year).toBeUndefined();
  });

  it('omits absent keys', () => {
    expect(extractEntities('สวัสดี')).toEqual({});
  });

  it('returns the province object', () => {
    expect(extractEntities('ประกันสังคมโคราชเปิดกี่โมง').province).toEqual({
      code: '30',
      name_th: 'นครราชสีมา',
      name_en: 'Nakhon Ratchasima',
    });
  });
});
