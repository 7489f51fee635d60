import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../src/privacy/mask.ts';

describe('maskPersonalData', () => {
  it.each([
    ['เลขบัตร 3100600123450 ค่ะ', 'เลขบัตร [ID] ค่ะ'],
    ['id 3-1006-00123-45-0', 'id [ID]'],
    ['id 3 1006 00123 45 0', 'id [ID]'],
    ['id 3.1006.00123.45.0', 'id [ID]'],
    ['id 3_1006_00123_45_0', 'id [ID]'],
    ['เลข ๓๑๐๐๖๐๐๑๒๓๔๕๐', 'เลข [ID]'],
    ['เลข ３１００６００１２３４５０', 'เลข [ID]'],
    ['หลังบัตร ME0123456789', 'หลังบัตร [LASER]'],
    ['laser ME0-1234567-89', 'laser [LASER]'],
    ['เกิด 15/03/2513', 'เกิด [DATE]'],
    ['born 1970-03-15', 'born [DATE]'],
    ['เกิด 15 มี.ค. 2513', 'เกิด [DATE]'],
    ['เกิดวันที่ 15 มีนาคม พ.ศ. 2513', 'เกิดวันที่ [DATE]'],
    ['born 15 March 1970', 'born [DATE]'],
    ['โทร 081-234-5678', 'โทร [PHONE]'],
    ['call +66 81 234 5678', 'call [PHONE]'],
    ['tel 0812345678', 'tel [PHONE]'],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('keeps wages, the hotline, sections and years', () => {
    const s = 'เงินเดือน 15000 บาท โทร 1506 มาตรา 33 ปี 2569 จ่าย 875';
    expect(maskPersonalData(s)).toBe(s);
  });
});

describe('staff-flag notes', () => {
  it('mask IDs in any form, laser codes, birth dates and phones, keeping the usual ID mask', async () => {
    const { maskNote } = await import('../../src/store/staff-flags.ts');
    const note = maskNote(
      'ขอคุยกับเจ้าหน้าที่ 3100600123450 / ๑๑๐๑๗๐๐๑๙๒๓๓๑ หลังบัตร ME0-1234567-89 เกิด 15/03/2513 โทร 081 234 5678',
    );
    expect(note).toContain('3-1006-xxxxx-xx-0');
    expect(note).toContain('[ID]');
    expect(note).toContain('[LASER]');
    expect(note).toContain('[DATE]');
    expect(note).toContain('[PHONE]');
    expect(note).not.toMatch(/๑๑๐๑|1234567|2513|5678/);
  });
});
