/**
 * Province names typed in Burmese, Khmer and Lao (locales/<lang>/places.json), Zawgyi input, and
 * the Bangkok area words, through the same findProvince / extractEntities the bot uses.
 */

import { describe, expect, it } from 'vitest';
import km from '../../locales/km/places.json' with { type: 'json' };
import lo from '../../locales/lo/places.json' with { type: 'json' };
import my from '../../locales/my/places.json' with { type: 'json' };
import { extractEntities, findProvince, provinceByCode } from '../../src/nlu/index.ts';

const code = (text: string): string | undefined => findProvince(text)?.code;

const PLACES = { my, km, lo } as const;

describe('place names in Burmese, Khmer and Lao', () => {
  it('finds every listed name, alone and in a sentence, as its own province', () => {
    const office = { my: 'လူမှုဖူလုံရေးရုံး ဘယ်မှာလဲ', km: 'ការិយាល័យនៅណា', lo: 'ຫ້ອງການຢູ່ໃສ' };
    for (const [lang, places] of Object.entries(PLACES) as [keyof typeof PLACES, typeof my][]) {
      for (const [c, names] of Object.entries(places.provinces)) {
        expect(provinceByCode(c), `${lang} ${c}`).toBeDefined();
        for (const name of names) {
          expect(code(name), `${lang} ${name}`).toBe(c);
          expect(code(`${name} ${office[lang]}`), `${lang} ${name}`).toBe(c);
        }
      }
    }
  });

  it("knows the provinces named in the review's examples", () => {
    expect(code('ការិយាល័យ នៅ ជលបុរី')).toBe('20');
    expect(code('រ៉ាយ៉ុង ការិយាល័យ នៅណា')).toBe('21');
    expect(code('ការិយាល័យ សាមុតប្រាកាន')).toBe('11');
    expect(code('ចន្ទបុរី មានការិយាល័យទេ')).toBe('22');
    expect(code('ការិយាល័យ ត្រាត')).toBe('23');
    expect(code('ការិយាល័យ សាកែវ លេខទូរស័ព្ទ')).toBe('27');
    expect(code('ຫ້ອງການຢູ່ ອຸດອນ')).toBe('41');
    expect(code('ຫ້ອງການ ຂອນແກ່ນ ຢູ່ໃສ')).toBe('40');
    expect(code('ສະມຸດປາການ ສຳນັກງານປະກັນສັງຄົມ')).toBe('11');
    expect(code('ໜອງຄາຍ ມີຫ້ອງການບໍ')).toBe('43');
    expect(code('ອຸບົນ ສຳນັກງານ ຢູ່ບ່ອນໃດ')).toBe('34');
    expect(code('ນະຄອນພະນົມ ສຳນັກງານປະກັນສັງຄົມ ເບີໂທ')).toBe('48');
    expect(code('ຫ້ອງການ ຊົນບຸລີ ຢູ່ບ່ອນໃດ')).toBe('20');
  });

  it('knows Bangkok in every script', () => {
    for (const name of ['បាងកក', 'ក្រុងទេព', 'ບາງກອກ', 'ກຸງເທບ', 'ဘန်ကောက်', 'กรุงเทพ', 'bangkok']) {
      expect(code(name), name).toBe('10');
    }
    // Pathumwan is in Bangkok, not Pathum Thani
    expect(code('ປະທຸມວັນ')).toBe('10');
    expect(code('ປະທຸມທານີ')).toBe('13');
  });

  it('matches spelling variants that normalise alike', () => {
    expect(code('ຫນອງຄາຍ')).toBe('43'); // ຫ+ນ for ໜ
    expect(code('ខ្ញុំនៅ ជលបុរី')).toBe('20');
    expect(code('ခ်င္းမိုင္ ရုံး ဘယ္မွာလဲ')).toBe('50'); // Zawgyi
    expect(code('မဲေဆာက္ ရုံး')).toBe('63'); // Zawgyi Mae Sot
  });

  it('reads Bangkok and the area number together', () => {
    expect(extractEntities('ការិយាល័យបាងកក តំបន់ 5')).toMatchObject({
      province: { code: '10' },
      areaNo: 5,
    });
    expect(extractEntities('ບາງກອກ ເຂດ ໓ ຢູ່ໃສ')).toMatchObject({
      province: { code: '10' },
      areaNo: 3,
    });
    expect(extractEntities('ဘန်ကောက် ဧရိယာ 7 ရုံး')).toMatchObject({
      province: { code: '10' },
      areaNo: 7,
    });
    expect(extractEntities('ក្រុងទេព តំបន់ទី 12')).toMatchObject({ areaNo: 12 });
  });

  it('does not find places in everyday Burmese, Khmer and Lao', () => {
    for (const text of [
      'ထည့်ဝင်ငွေ ဘယ်လောက် ဖြတ်လဲ',
      'ខ្ញុំចង់ដឹងពីប្រាក់សោធន',
      'ເງິນສົມທົບຂອງຂ້ອຍມີເທົ່າໃດ',
      'ຕາກແດດ', // "to dry in the sun" (Tak is only found by Mae Sot)
      'ໄປເລີຍ',
      'ຕາດ ກວາງຊີ',
    ]) {
      expect(code(text), text).toBeUndefined();
    }
  });
});
