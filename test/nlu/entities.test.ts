import { describe, expect, it } from 'vitest';
import {
  BENEFIT_ENTITIES,
  buildLexicon,
  CAUSE_ENTITIES,
  ENTITY_TERM_FILES,
  splitTerms,
  splitValued,
  TOPIC_ENTITIES,
} from '../../src/nlu/entities.ts';
import {
  extractEntities,
  extractEntitiesNormalised,
  findProvince,
  isValidNationalId,
  maskNationalId,
  normalise,
  PROVINCES,
} from '../../src/nlu/index.ts';
import {
  HOTLINE,
  MEDICAL_REQUIRED_MONTHS,
  MEDICAL_WINDOW_MONTHS,
  ruleHistory,
} from '../../src/rules/index.ts';

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

// ------------------------------------------------------------------------------------------------
// Typed entities from locales/<lang>/entities.json (cause, wage, months, age, benefit, topic,
// near me, news, personal, calc), in all five languages.

const ent = (text: string) => extractEntities(text);

describe('entity term lists (locales/<lang>/entities.json)', () => {
  const langs = Object.keys(ENTITY_TERM_FILES) as (keyof typeof ENTITY_TERM_FILES)[];

  it('exist for the five languages, each with terms for every cause, benefit and topic', () => {
    expect(langs.sort()).toEqual(['en', 'km', 'lo', 'my', 'th']);
    for (const lang of langs) {
      const file = ENTITY_TERM_FILES[lang];
      for (const c of CAUSE_ENTITIES)
        expect(splitTerms(file.cause?.[c]), `${lang} ${c}`).not.toEqual([]);
      for (const b of BENEFIT_ENTITIES) {
        expect(splitTerms(file.benefit?.[b]), `${lang} ${b}`).not.toEqual([]);
      }
      for (const t of TOPIC_ENTITIES)
        expect(splitTerms(file.topic?.[t]), `${lang} ${t}`).not.toEqual([]);
      for (const list of [
        file.nearMe,
        file.news?.stop,
        file.news?.start,
        file.personal,
        file.calc,
      ]) {
        expect(splitTerms(list), lang).not.toEqual([]);
      }
      expect(splitValued(file.number?.words).length, lang).toBeGreaterThanOrEqual(9);
      expect(splitValued(file.number?.multipliers).map(([v]) => v)).toContain(1000);
    }
  });

  it('survive normalisation, and use only the placeholders filled from data/rules', () => {
    for (const lang of langs) {
      const all = JSON.stringify(ENTITY_TERM_FILES[lang]);
      for (const m of all.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
        expect(['hotline', 'maxContribution', 'required', 'window'], `${lang} ${m[0]}`).toContain(
          m[1],
        );
      }
      const file = ENTITY_TERM_FILES[lang];
      const lists = [
        ...Object.values(file.cause ?? {}),
        ...Object.values(file.benefit ?? {}),
        ...Object.values(file.topic ?? {}),
        file.nearMe,
        file.personal,
        file.calc,
      ];
      for (const list of lists) {
        for (const term of splitTerms(list))
          expect(normalise(term), `${lang} "${term}"`).not.toBe('');
      }
    }
    expect(() => buildLexicon(ENTITY_TERM_FILES)).not.toThrow();
    expect(() => buildLexicon({ th: { nearMe: '{{nope}}' } })).toThrow(/unknown placeholder/);
  });

  it('are Unicode Burmese (no Zawgyi-only code points)', () => {
    expect(JSON.stringify(ENTITY_TERM_FILES.my)).not.toMatch(/[\u1060-\u1097]/);
  });
});

describe('wage (THB a month) from digits and number words', () => {
  it.each([
    // Thai
    ['เงินเดือน 15000', 15_000],
    ['ค่าจ้าง 15,000 บาท', 15_000],
    ['เงินเดือนหมื่นห้า', 15_000],
    ['1.5 หมื่น', 15_000],
    ['หนึ่งหมื่นห้าพันบาท', 15_000],
    ['สองหมื่นห้า', 25_000],
    ['หมื่นนึง', 10_000],
    ['เงินเดือนหมื่นครึ่ง', 15_000],
    ['ได้ 1หมื่น5 ต่อเดือน', 15_000],
    ['เงินเดือน 2.5 แสน', 250_000],
    // English
    ['salary 15k', 15_000],
    ['my wage is 17.5k', 17_500],
    ['25,000 baht a month', 25_000],
    ['fifteen thousand baht', 15_000],
    ['twenty five thousand', 25_000],
    // Burmese
    ['လစာ တစ်သောင်းခွဲ ဆို ဆိုရှယ် ဘယ်လောက် ဖြတ်လဲ', 15_000],
    ['လစာ ၁၅၀၀၀ ဘတ်', 15_000],
    ['နှစ်သောင်း', 20_000],
    ['၁သောင်း၅ထောင်', 15_000],
    ['တစ်သောင်းငါးထောင်', 15_000],
    // Khmer
    ['ប្រាក់ខែ 1ម៉ឺន5ពាន់ បង់ភាគទានប៉ុន្មាន', 15_000],
    ['ប្រាក់ខែ ១៥០០០ បាត', 15_000],
    ['មួយម៉ឺនកន្លះ', 15_000],
    ['ពីរម៉ឺន', 20_000],
    ['ម្ភៃពាន់', 20_000],
    // Lao
    ['ເງິນເດືອນ 15 ພັນ ຕ້ອງຈ່າຍເທົ່າໃດ', 15_000],
    ['ສິບຫ້າພັນ', 15_000],
    ['ໜຶ່ງໝື່ນຫ້າພັນ', 15_000],
    ['ສອງໝື່ນ', 20_000],
  ])('%s → %d', (text, wage) => {
    expect(ent(text).wage).toBe(wage);
  });

  it.each([
    'ปี 2568',
    'เงินสมทบ พ.ศ.2568',
    'โทร 1506',
    'เบอร์ 081 234 5678',
    'โทร 0812345678',
    'เลขหลังบัตร ME0123456789',
    'เลขบัตร 1234567890121',
    'กุมภาพันธ์ 2568',
    'วันที่ 10/12/2567',
    'ทำไมหัก 875',
    'ม.33 จ่ายเท่าไหร่',
    'ว่างงาน 5 เดือน',
    'อายุ 50',
    'ตกงาน 3 เดือน',
    'ลูก 2 คน',
    'ทองพันชั่ง',
    'someone called my phone',
    '7-11',
  ])('no wage in "%s"', (text) => {
    expect(ent(text).wage).toBeUndefined();
  });

  it('prefers a number said to be a wage or in baht, keeps a year a year', () => {
    expect(ent('ปี 2568 เงินเดือน 18000')).toMatchObject({ year: 2025, wage: 18_000 });
    expect(ent('ได้ 2000 บาท').wage).toBe(2_000);
    expect(ent('ค่าจ้าง 2568').wage).toBe(2_568);
    expect(ent('เบอร์ 0891234567 เงินเดือน 20000').wage).toBe(20_000);
  });
});

describe('months of contributions and age', () => {
  it.each([
    ['ส่งมา 240 เดือน', 240],
    ['ส่งมา 20 ปี', 240],
    ['paid for 15 years', 180],
    ['240 months', 240],
    ['1 ปี 6 เดือน', 18],
    ['ห้าปี', 60],
    ['สิบปี', 120],
    ['ten years', 120],
    ['အလုပ်လုပ်တာ ၂၀ နှစ်', 240],
    ['ထည့်ဝင်ငွေ 180 လ', 180],
    ['ငါးနှစ်', 60],
    ['បង់ 15 ឆ្នាំ', 180],
    ['240 ខែ', 240],
    ['ສົ່ງມາ 20 ປີ', 240],
    ['ສາມເດືອນ', 3],
    ['อายุงาน 10 ปี', 120],
  ])('%s → %d months', (text, months) => {
    expect(ent(text).months).toBe(months);
  });

  it.each([
    ['อายุ 50', 50],
    ['อายุ 50 ปี ส่งมา 15 ปี', 50],
    ['age 55', 55],
    ['I am 50 years old', 50],
    ['အသက် 50 နှစ်', 50],
    ['អាយុ ៥០ ឆ្នាំ', 50],
    ['ອາຍຸ 50 ປີ', 50],
  ])('%s → age %d', (text, age) => {
    expect(ent(text).age).toBe(age);
  });

  it('keeps age, months and wage apart in one message', () => {
    expect(ent('อายุ 50 ปี ส่งมา 15 ปี เงินเดือน 15000')).toMatchObject({
      age: 50,
      months: 180,
      wage: 15_000,
    });
    expect(ent('หมื่น 6 เดือน')).toMatchObject({ wage: 10_000, months: 6 });
    expect(ent('อายุงาน 10 ปี').age).toBeUndefined();
    expect(ent('ผม 40 ปี').section).toBeUndefined();
    // not counts: a section number, "how many" (ဘယ်နှစ်), an age in months
    expect(ent('ข่าวสารมาตรา๓๓ เดือนนี้')).toEqual({ section: 33 });
    expect(ent('ပုဒ်မ 40 လ').months).toBeUndefined();
    expect(ent('ဆိုရှယ်ကြေး ဘယ်နှစ်လ ဖြတ်ပြီးပြီလဲ').months).toBeUndefined();
    expect(ent('ลูกอายุ 6 เดือน')).not.toHaveProperty('months');
  });
});

describe('cause of leaving the job', () => {
  it.each([
    ['ลาออกเอง ได้เงินว่างงานไหม', 'resigned'],
    ['ถูกเลิกจ้าง', 'laid_off'],
    ['โดนเลย์ออฟ', 'laid_off'],
    ['หมดสัญญาจ้าง', 'contract_ended'],
    ['ถูกไล่ออกเพราะทุจริต', 'misconduct'],
    ['โรงงานปิดเพราะเหตุสุดวิสัย', 'force_majeure'],
    ['I resigned last month', 'resigned'],
    ['I was laid off', 'laid_off'],
    ['my contract ended', 'contract_ended'],
    ['fired for gross misconduct', 'misconduct'],
    ['ကိုယ်တိုင် အလုပ်ထွက်ရင် ဘယ်လောက်ရမလဲ', 'resigned'],
    ['အလုပ်ထုတ်ခံရတယ်', 'laid_off'],
    ['စာချုပ်ကုန်သွားပြီ', 'contract_ended'],
    ['ខ្ញុំលាឈប់ខ្លួនឯង បានប៉ុន្មាន', 'resigned'],
    ['ត្រូវថៅកែបណ្ដេញចេញ', 'laid_off'],
    ['អស់កុងត្រាហើយ', 'contract_ended'],
    ['ລາອອກເອງ ໄດ້ເທົ່າໃດ', 'resigned'],
    ['ຖືກໄລ່ອອກ', 'laid_off'],
    ['ໝົດສັນຍາແລ້ວ', 'contract_ended'],
    ['my boss laid me off', 'laid_off'],
  ])('%s → %s', (text, cause) => {
    expect(ent(text).cause).toBe(cause);
  });

  it('is absent when no cause is said', () => {
    expect(ent('ตกงาน เงินเดือน 25000').cause).toBeUndefined();
    expect(ent('unemployment benefit').cause).toBeUndefined();
  });
});

describe('benefit', () => {
  it.each([
    ['ลาป่วยได้เงินไหม', 'sickness'],
    ['คลอดบุตรได้เท่าไหร่', 'maternity'],
    ['เงินสงเคราะห์บุตร', 'child_allowance'],
    ['ทุพพลภาพ', 'invalidity'],
    ['ผู้ประกันตนเสียชีวิต', 'death'],
    ['ค่าทำศพ', 'funeral'],
    ['ทายาทได้อะไร', 'survivor'],
    ['เงินชราภาพ', 'old_age'],
    ['ตกงาน', 'unemployment'],
    ['ค่ารักษา', 'medical'],
    ['ทำฟันเบิกได้ไหม', 'dental'],
    ['maternity benefit', 'maternity'],
    ['dentist', 'dental'],
    ['funeral grant', 'funeral'],
    ['မီးဖွားစရိတ် ဘယ်လောက် ရလဲ', 'maternity'],
    ['သွားကိုက်နေတယ်', 'dental'],
    ['အလုပ်လက်မဲ့ ငွေ', 'unemployment'],
    ['ប្រាក់បុណ្យសព', 'funeral'],
    ['ដកធ្មេញ', 'dental'],
    ['ពិការភាព', 'invalidity'],
    ['ເງິນຊະລາພາບ', 'old_age'],
    ['ຖອນແຂ້ວ', 'dental'],
    ['ທາຍາດໄດ້ເງິນ', 'survivor'],
    ['off sick since monday', 'sickness'],
    ["doctor's orders: rest at home", 'sickness'],
    ['ពេទ្យឲ្យសម្រាក 3 ថ្ងៃ', 'sickness'],
    ['ໝໍໃຫ້ພັກ 2 ມື້', 'sickness'],
  ])('%s → %s', (text, benefit) => {
    expect(ent(text).benefit).toBe(benefit);
  });

  it('prefers the longest term', () => {
    // "เงินสงเคราะห์กรณีเสียชีวิต" (survivor) contains "เสียชีวิต" (death)
    expect(ent('เงินสงเคราะห์กรณีเสียชีวิต').benefit).toBe('survivor');
    expect(ent('ឈឺធ្មេញ').benefit).toBe('dental');
  });

  it('does not read leaving a job as the unemployment benefit', () => {
    // "ออกจากงาน" (left the job) is asked about section 39, old age and medical care as well
    expect(ent('ออกจากงานแล้วสมัครมาตรา 39 ได้ไหม').benefit).toBeUndefined();
    expect(ent('ออกจากงานแล้วได้เงินว่างงานไหม').benefit).toBe('unemployment');
  });
});

describe('topic', () => {
  it.each([
    ['หักกี่เปอร์เซ็นต์', 'contribution_rate'],
    ['how much is deducted from my salary', 'contribution_rate'],
    ['ဆိုရှယ် ဘယ်လောက် ဖြတ်လဲ', 'contribution_rate'],
    ['เพดานค่าจ้างเท่าไหร่', 'wage_ceiling'],
    ['maximum contribution', 'wage_ceiling'],
    ['ส่งช้าเสียค่าปรับไหม', 'payment_deadline'],
    ['what is the deadline', 'payment_deadline'],
    ['ຈ່າຍຊ້າ ມີຄ່າປັບບໍ', 'payment_deadline'],
    ['จ่ายที่เซเว่นได้ไหม', 'payment_channels'],
    ['can i pay at 7-11', 'payment_channels'],
    ['ม.39 คืออะไร', 'sections'],
    ['which section am i', 'sections'],
    ['ပုဒ်မ 39 ဆိုတာ ဘာလဲ', 'sections'],
    ['สมัครยังไง', 'join'],
    ['how do i apply', 'join'],
    ['ย้ายจาก ม.33 เป็น ม.39', 'switch_section'],
    ['ลืมส่ง ม.39 สองเดือน', 's39_lapse'],
    ['i stopped paying section 39', 's39_lapse'],
    ['อายุเกินสมัครได้ไหม', 'age_limit'],
    ['เข้างานใหม่ใช้สิทธิได้เมื่อไหร่', 'medical_eligibility'],
    ['new employee can i see a doctor', 'medical_eligibility'],
    ['อยากเปลี่ยนโรงพยาบาล', 'hospital_change'],
    ['change hospital', 'hospital_change'],
    ['ဆေးရုံ ပြောင်းချင်တယ်', 'hospital_change'],
    ['ប្ដូរមន្ទីរពេទ្យ', 'hospital_change'],
    ['ประสบอุบัติเหตุ', 'emergency'],
    ['บัตรทองใช้ได้ไหม', 'gold_card'],
    ['บำนาญได้เท่าไหร่', 'pension'],
    ['บำเหน็จชราภาพ', 'lump_sum'],
    ['မြန်မာပြည် ပြန်ရင် ဖူလုံရေး ပိုက်ဆံ ပြန်ထုတ်လို့ရလား', 'go_home'],
    ['ញុំទៅស្រុកវិញ ដកលុយសង្គមបានអត់', 'go_home'],
    ['ກັບບ້ານແລ້ວ ຖອນເງິນປະກັນສັງຄົມໄດ້ບໍ', 'go_home'],
    ['leaving thailand can i get my money', 'go_home'],
    ['ขึ้นทะเบียนว่างงานที่ไหน', 'unemployment_register'],
    ['ลืมรายงานตัว', 'unemployment_report'],
    ['SSO Connect ใช้ยังไง', 'sso_connect'],
    ['สมัคร e-self service', 'e_self_service'],
    ['ยื่น e-claim', 'e_claim'],
    ['จ่ายออนไลน์', 'e_payment'],
    ['นายจ้างยื่นแบบ สปส.1-10', 'employer_filing'],
    ['นโยบายใหม่ประกันสังคม', 'policy_2024'],
    ['เบอร์โทรประกันสังคม', 'hotline'],
    ['កាតសន្តិសុខសង្គមបាត់', 'lost_card'],
    ['ບັດປະກັນສັງຄົມເສຍ', 'lost_card'],
    ['lost my card', 'lost_card'],
    ['ເຖົ້າແກ່ບໍ່ສົ່ງເງິນປະກັນໃຫ້ ຈະເຮັດແນວໃດ', 'employer_not_paying'],
    ['นายจ้างหักเงินแต่ไม่ส่ง', 'employer_not_paying'],
    ['သူဌေးက ဆိုရှယ်ကြေး ဖြတ်ပြီး မသွင်းဘူး', 'employer_not_paying'],
    ['ใช้บัตรชมพูได้ไหม', 'which_card'],
    ['ပန်းရောင်ကတ် နံပါတ် ထည့်ရမလား', 'which_card'],
    ['ភ្ជាប់ជាមួយកាតពណ៌ផ្កាឈូក', 'which_card'],
    ['ເຊື່ອມກັບບັດສີບົວ', 'which_card'],
    ['ประกันสังคมหักจากค่าจ้างเท่าไร', 'contribution_rate'],
    ['what percent do i pay', 'contribution_rate'],
    ['ក្រុមហ៊ុនកាត់សន្តិសុខសង្គម 5 ភាគរយ មែនទេ', 'contribution_rate'],
    ['the lowest wage used for contributions', 'wage_ceiling'],
    ['change my social security hospital please', 'hospital_change'],
    ['មន្ទីរពេទ្យឆ្ងាយ ប្ដូរបានទេ', 'hospital_change'],
    ['ໂຮງໝໍໄກຫຼາຍ', 'hospital_change'],
    ['can i keep paying after i resign', 'switch_section'],
    ['หักเงินแต่ไม่ได้นำส่ง', 'employer_not_paying'],
    ['they take it from my salary but keep it', 'employer_not_paying'],
    ['ប្រាក់សន្តិសុខសង្គម គេមិនបង់ឲ្យខ្ញុំ', 'employer_not_paying'],
    ['និយោជកកាត់ប្រាក់ខែ ហើយមិនបង់អោយសន្តិសុខសង្គម', 'employer_not_paying'],
    ['ນາຍຈ້າງຫັກເງິນ ແຕ່ບໍ່ສົ່ງເງິນສົມທົບໃຫ້ຂ້ອຍ', 'employer_not_paying'],
    ['သူဌေး လစာဖြတ်ပေမဲ့ မသွင်းပေးဘူး', 'employer_not_paying'],
    ['កាតខ្ញុំបាត់', 'lost_card'],
  ])('%s → %s', (text, topic) => {
    expect(ent(text).topic).toBe(topic);
  });

  it('leaves a percentage alone to the benefit it is about', () => {
    // "how many percent" is asked of sickness, unemployment and pension pay too: only the
    // words for paying or deducting make it the contribution rate
    for (const text of [
      'sick pay, what percent?',
      'ຫວ່າງງານໄດ້ຈັກເປີເຊັນ',
      'ឈឺ បានប៉ុន្មានភាគរយ',
      'ဆေးခွင့် ဘယ်နှစ် ရာခိုင်နှုန်း ရလဲ',
    ]) {
      expect(ent(text).topic, text).toBeUndefined();
    }
    expect(ent('บำนาญได้กี่เปอร์เซ็นต์ของเงินเดือน').topic).toBe('pension');
    expect(ent('ຫວ່າງງານໄດ້ຈັກເປີເຊັນ').benefit).toBe('unemployment');
    expect(ent('ឈឺ បានប៉ុន្មានភាគរយ').benefit).toBe('sickness');
    // "can I change the language" is no hospital change
    expect(ent('អាចប្ដូរភាសាបានទេ').topic).toBeUndefined();
    expect(ent('ປ່ຽນພາສາໄດ້ບໍ').topic).toBeUndefined();
  });

  it('takes the dated figures from data/rules', () => {
    for (const r of ruleHistory('s33.wage_ceiling')) {
      expect(ent(`ทำไมหัก ${r.value.max_contribution_thb}`).topic).toBe('wage_ceiling');
    }
    expect(ent(`โทร ${HOTLINE}`).topic).toBe('hotline');
    expect(ent(`${MEDICAL_REQUIRED_MONTHS} of ${MEDICAL_WINDOW_MONTHS} months`).topic).toBe(
      'medical_eligibility',
    );
  });

  it('exports the topic list', () => {
    expect(TOPIC_ENTITIES).toHaveLength(28);
    expect(new Set(TOPIC_ENTITIES).size).toBe(28);
  });
});

describe('near me, news, personal, calculate', () => {
  it.each([
    'สำนักงานประกันสังคมใกล้ฉัน',
    'โรงพยาบาลแถวนี้',
    'hospital near me',
    'nearest office',
    'ဆေးရုံ အနီးဆုံး ဘယ်မှာလဲ',
    'မန်ရက်ဆေးရုံ နီးနီး',
    'មន្ទីរពេទ្យជិតខ្ញុំ',
    'ក្បែរនេះ',
    'ໂຮງໝໍໃກ້ຂ້ອຍ',
    'ແຖວນີ້',
  ])('near me: %s', (text) => {
    expect(ent(text).nearMe).toBe(true);
  });

  it('no "near me" without the words', () => {
    expect(ent('โรงพยาบาลตามสิทธิ').nearMe).toBeUndefined();
    expect(ent('เตือนด้วยถ้าสิทธิรักษาใกล้หมด').nearMe).toBeUndefined();
    expect(ent('my hospital').nearMe).toBeUndefined();
    expect(ent('មន្ទីរពេទ្យរបស់ខ្ញុំ').nearMe).toBeUndefined();
  });

  it('news: stop wins, and "เปิด" is not "ปิด"', () => {
    expect(ent('หยุดรับข่าว').news).toBe('stop');
    expect(ent('รับข่าว').news).toBe('start');
    expect(ent('เปิดรับข่าว').news).toBe('start');
    expect(ent('ปิดรับข่าว').news).toBe('stop');
    expect(ent('ចាប់ផ្ដើមទទួលព័ត៌មាន').news).toBe('start');
    expect(ent('ចាប់ផ្តើមទទួលព័ត៌មាន').news).toBe('start');
    expect(ent('ข่าวล่าสุด').news).toBeUndefined();
  });

  it.each([
    'เงินสมทบของฉัน',
    'เงินสมทบเดือนล่าสุดเข้ายัง',
    'my contributions',
    'ကျွန်ုပ်၏ ဆေးကုသခွင့်',
    'ကျွန်တော့် ဆေးရုံ ဘယ်ဆေးရုံလဲ',
    'សិទ្ធិព្យាបាលរបស់ខ្ញុំ',
    'ສິດປິ່ນປົວຂອງຂ້ອຍ',
  ])('personal: %s', (text) => {
    expect(ent(text).personal).toBe(true);
  });

  it('not personal when the question is general', () => {
    expect(ent('มาตรา 40 คืออะไร').personal).toBeUndefined();
    expect(ent('what is section 40').personal).toBeUndefined();
  });

  it.each(['คำนวณเงินสมทบ', 'calculate my pension', 'ထည့်ဝင်ငွေ တွက်ပေးပါ', 'គណនាភាគទាន', 'ຄິດໄລ່ເງິນສົມທົບ'])(
    'calc: %s',
    (text) => {
      expect(ent(text).calc).toBe(true);
    },
  );
});

describe('section and area in Burmese, Khmer and Lao', () => {
  it('reads the section', () => {
    expect(ent('ပုဒ်မ 40 ဆိုတာ ဘာလဲ').section).toBe(40);
    expect(ent('ပုဒ်မ ၃၉ ငွေ ဘယ်လို ပေးသွင်းရလဲ').section).toBe(39);
    expect(ent('មាត្រា 39 បង់យ៉ាងម៉េច').section).toBe(39);
    expect(ent('ມາດຕາ 33').section).toBe(33);
  });

  it('reads the Bangkok area', () => {
    expect(ent('ការិយាល័យបាងកក តំបន់ 5').areaNo).toBe(5);
    expect(ent('ເຂດ 7').areaNo).toBe(7);
    expect(ent('ဧရိယာ 12').areaNo).toBe(12);
  });
});

describe('edges and speed', () => {
  it('matches whole words and whole syllables only', () => {
    expect(ent('phone someone').wage).toBeUndefined();
    expect(ent('สามีเสียชีวิต')).toEqual({ benefit: 'death' });
    expect(ent('deadline').benefit).toBeUndefined();
    expect(ent('will it be ok').benefit).toBeUndefined();
    expect(ent('average wage').age).toBeUndefined();
  });

  it('runs well under 10 µs per typical utterance', () => {
    const texts = [
      'เงินสมทบเดือนล่าสุดเข้ายัง',
      'ตกงาน เงินเดือน 25000 ลาออก',
      'ประกันสังคมเชียงใหม่อยู่ไหน',
      'how much unemployment benefit if my salary is 25000',
      'အလုပ်လက်မဲ့ 25000',
      'ប្រាក់ខែ 1ម៉ឺន5ពាន់ បង់ភាគទានប៉ុន្មាន',
      'ໂຮງໝໍໃກ້ຂ້ອຍ',
      'หยุดรับข่าว',
    ].map(normalise);
    for (let i = 0; i < 500; i++) for (const t of texts) extractEntitiesNormalised(t);
    const rounds = 3000;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) for (const t of texts) extractEntitiesNormalised(t);
    const us = ((performance.now() - start) * 1000) / (rounds * texts.length);
    // ~3 µs on a laptop; the bound leaves room for a loaded CI machine
    expect(us).toBeLessThan(25);
  });
});
