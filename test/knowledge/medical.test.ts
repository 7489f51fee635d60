/**
 * Knowledge base, medical domain: every topic renders in all five languages on three days (with
 * the day's figures, no placeholder left, within LINE's limits), cites sources that have names,
 * and is chosen for the intents and entities that name it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../src/format.ts';
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import type { IntentName } from '../../src/intents.ts';
import { citedSources, type RenderContext, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { hospitalWindowOn, MEDICAL_TOPICS } from '../../src/knowledge/topics/medical.ts';
import type { Topic } from '../../src/knowledge/types.ts';
import { type Entities, extractEntities } from '../../src/nlu/entities.ts';
import { anyRuleOn } from '../../src/rules/index.ts';

const i18n = createI18n();
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01'] as const;
const noonInBangkok = (day: string) => Date.parse(`${day}T12:00:00+07:00`);
const ctx = (lang: Lang, day: string): RenderContext => ({
  t: i18n.t(lang),
  lang,
  now: noonInBangkok(day),
});
const topic = (id: string): Topic => {
  const found = MEDICAL_TOPICS.find((t) => t.id === id);
  if (!found) throw new Error(`no topic ${id}`);
  return found;
};
const rulesExist = (t: Topic, day: string) =>
  t.rules.every((key) => anyRuleOn(key, day) !== undefined);
const body = (id: string, lang: Lang, day: string) => topicText(ctx(lang, day), topic(id)).body;

const localeFile = (lang: Lang) =>
  JSON.parse(
    readFileSync(new URL(`../../locales/${lang}/knowledge/medical.json`, import.meta.url), 'utf8'),
  ) as {
    knowledge: Record<string, Record<string, string>>;
    sources: Record<string, string>;
  };
const rulesFile = JSON.parse(
  readFileSync(new URL('../../data/rules/medical.json', import.meta.url), 'utf8'),
) as { rules: Record<string, { cite?: string[]; confidence: string }[]> };

function strings(obj: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof obj === 'string') out.set(prefix, obj);
  else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) strings(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}
const placeholders = (s: string) =>
  [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('medical knowledge topics', () => {
  it('have unique ids, at most six next steps, and rules that exist', () => {
    const ids = MEDICAL_TOPICS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of MEDICAL_TOPICS) {
      expect(t.id).toMatch(/^[a-z0-9_]+$/);
      expect(t.next.length).toBeLessThanOrEqual(6);
      expect(rulesExist(t, '2026-12-04'), t.id).toBe(true);
    }
  });

  for (const t of MEDICAL_TOPICS) {
    for (const day of DAYS) {
      if (!rulesExist(t, day)) continue;
      for (const lang of LANGUAGES) {
        it(`${t.id} renders in ${lang} on ${day}`, () => {
          const r = topicText(ctx(lang, day), t);
          const all = [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
          expect(all).not.toContain('{{');
          expect(all).not.toMatch(/\bknowledge\.|\bsources\./);
          expect(r.title.length).toBeGreaterThan(0);
          expect(r.title.length).toBeLessThanOrEqual(80);
          expect(r.body.length).toBeLessThanOrEqual(900);
          expect(all.length).toBeLessThanOrEqual(5000);
        });
      }
    }
  }

  it('sickness pay follows the wage ceiling of the day', () => {
    expect(body('sickness_cash', 'en', '2025-03-01')).toContain('15,000');
    expect(body('sickness_cash', 'en', '2025-03-01')).toContain('7,500');
    for (const lang of LANGUAGES) {
      const b2026 = body('sickness_cash', lang, '2026-12-04');
      expect(b2026, lang).toContain('17,500');
      expect(b2026, lang).toContain('8,750');
      expect(b2026, lang).toContain('50%');
      const b2029 = body('sickness_cash', lang, '2029-06-01');
      expect(b2029, lang).toContain('20,000');
      expect(b2029, lang).toContain('10,000');
    }
    const en = body('sickness_cash', 'en', '2026-12-04');
    for (const n of ['90 days', '180 days', '365 days', '30 working days', '70%', '1506'])
      expect(en).toContain(n);
    // The ceiling changed on 1 Jan 2026: the answer says since when.
    expect(topicText(ctx('en', '2026-12-04'), topic('sickness_cash')).footer[0]).toContain('2026');
  });

  it('states the section 40 sickness figures of Royal Decree No. 5', () => {
    for (const lang of LANGUAGES) {
      const b = body('sickness_s40', lang, '2026-12-04');
      for (const n of ['300', '200', '90', '30']) expect(b, lang).toContain(n);
    }
    const en = body('sickness_s40', 'en', '2026-12-04');
    expect(en).toContain('300 THB a day');
    expect(en).toContain('up to 3 visits a year');
    expect(en).toContain(formatDate('en', '2026-01-01'));
    expect(body('sickness_s40', 'th', '2026-12-04')).toContain(formatDate('th', '2026-01-01'));
    // The decree's rule starts in 2026: no answer is made up before it.
    expect(rulesExist(topic('sickness_s40'), '2025-03-01')).toBe(false);
  });

  it('states the dental limit, the eligibility test and the emergency hours', () => {
    for (const lang of LANGUAGES) {
      expect(body('dental', lang, '2026-12-04'), lang).toContain('900');
      const elig = body('medical_eligibility', lang, '2026-12-04');
      for (const n of ['3', '15', '30', '6', '1506']) expect(elig, lang).toContain(n);
      expect(elig, lang).toContain('สปส. 1-03');
      expect(body('emergency', lang, '2026-12-04'), lang).toContain('72');
      const change = body('hospital_change', lang, '2026-12-04');
      expect(change, lang).toContain('สปส. 9-02');
      expect(change, lang).toContain('www.sso.go.th');
      expect(change, lang).toContain('SSO Connect');
    }
  });

  it('warns that the emergency details are not confirmed', () => {
    for (const lang of LANGUAGES) {
      expect(topicText(ctx(lang, '2026-12-04'), topic('emergency')).warning, lang).toBeDefined();
    }
    expect(body('emergency', 'en', '2026-12-04')).toContain('not confirmed');
    expect(body('emergency', 'th', '2026-12-04')).toContain('ยังไม่ได้ยืนยัน');
  });

  it('never says the gold card covers migrant workers', () => {
    const en = body('gold_card', 'en', '2026-12-04');
    expect(en).toContain('for Thai nationals');
    expect(en).toContain('does not cover migrant workers');
    expect(en).toContain('บัตรประกันสุขภาพ');
    expect(body('gold_card', 'th', '2026-12-04')).toContain('ไม่ครอบคลุมแรงงานข้ามชาติ');
    // The old glosses ("for everyone", "universal") that the translation review flagged.
    expect(body('gold_card', 'my', '2026-12-04')).not.toContain('အားလုံးအတွက်');
    expect(body('gold_card', 'km', '2026-12-04')).not.toContain('ទាំងអស់គ្នា');
    expect(body('gold_card', 'lo', '2026-12-04')).not.toContain('ຖ້ວນໜ້າ');
    for (const lang of ['my', 'km', 'lo'] as const) {
      const b = body('gold_card', lang, '2026-12-04');
      expect(b, lang).toContain('บัตรทอง');
      expect(b, lang).toContain('บัตรประกันสุขภาพ');
    }
  });

  it('shows the hospital-change window of recent years with its dates, and to check them', () => {
    expect(hospitalWindowOn('2026-12-04')).toEqual({
      from: '2026-12-16',
      to: '2027-03-31',
      open: false,
    });
    expect(hospitalWindowOn('2026-12-16')).toEqual({
      from: '2026-12-16',
      to: '2027-03-31',
      open: true,
    });
    expect(hospitalWindowOn('2027-02-10')).toEqual({
      from: '2026-12-16',
      to: '2027-03-31',
      open: true,
    });
    expect(hospitalWindowOn('2027-03-31')).toEqual({
      from: '2026-12-16',
      to: '2027-03-31',
      open: true,
    });
    expect(hospitalWindowOn('2027-04-01')).toEqual({
      from: '2027-12-16',
      to: '2028-03-31',
      open: false,
    });
    const en = body('hospital_change', 'en', '2026-12-04');
    expect(en).toContain('2026');
    expect(en).toContain('2027');
    expect(en).toContain('check the announced dates');
    expect(en).toContain('30 days');
    expect(body('hospital_change', 'th', '2026-12-04')).toContain('2570');
    expect(body('hospital_change', 'en', '2025-03-01')).toContain('probably open now');
  });

  it('cites named sources in every language, official ones first', () => {
    for (const t of MEDICAL_TOPICS) {
      for (const day of DAYS) {
        if (!rulesExist(t, day)) continue;
        const ids = citedSources(t, day);
        expect(ids.length, t.id).toBeGreaterThan(0);
        for (const lang of LANGUAGES) {
          for (const id of ids)
            expect(String(i18n.t(lang)(`sources.${id}`)), `${lang} ${id}`).not.toBe(
              `sources.${id}`,
            );
        }
      }
    }
    for (const [key, versions] of Object.entries(rulesFile.rules)) {
      for (const v of versions) {
        expect(v.cite?.length, key).toBeGreaterThan(0);
        for (const id of v.cite ?? []) {
          for (const lang of LANGUAGES) {
            expect(String(i18n.t(lang)(`sources.${id}`)), `${lang} ${key} ${id}`).not.toBe(
              `sources.${id}`,
            );
          }
        }
      }
    }
  });

  it('keeps the same keys and placeholders in every language, with no literal numbers', () => {
    const th = strings(localeFile('th'));
    for (const lang of LANGUAGES) {
      const file = strings(localeFile(lang));
      expect([...file.keys()].sort(), lang).toEqual([...th.keys()].sort());
      for (const [k, v] of file) {
        expect(placeholders(v), `${lang} ${k}`).toEqual(placeholders(th.get(k) ?? ''));
        expect(v.trim(), `${lang} ${k}`).not.toBe('');
        if (!k.startsWith('knowledge.')) continue;
        const text = v.replace(/\{\{[^}]*\}\}/g, '');
        // Only section numbers, option numbers, the Act's year and its section 57 may be literal.
        const digits = (text.match(/\d+/g) ?? []).filter(
          (d) => !['33', '39', '40', '1', '2', '3', '2533', '1990', '57'].includes(d),
        );
        expect(digits, `${lang} ${k}`).toEqual([]);
        // Thai, Burmese, Khmer and Lao digits are numbers too.
        expect(text, `${lang} ${k}`).not.toMatch(
          /[\u0e50-\u0e59\u1040-\u1049\u17e0-\u17e9\u0ed0-\u0ed9]/,
        );
      }
    }
  });

  it('writes Burmese in Unicode and Khmer with one subscript form', () => {
    for (const v of strings(localeFile('my')).values()) {
      expect(v).not.toMatch(/[\u1060-\u1097]/);
      expect(v).toBe(v.normalize('NFC'));
    }
    for (const v of strings(localeFile('km')).values()) {
      expect(v).not.toContain('\u17d2\u178f');
      expect(v).not.toContain('អ្នកធានារ៉ាប់រង');
    }
    for (const v of strings(localeFile('lo')).values()) expect(v).not.toContain('ຜູ້ສູງອາຍຸ');
  });

  describe('are chosen for what the question names', () => {
    const cases: [IntentName, Record<string, unknown>, string][] = [
      ['hospital_rights', {}, 'medical_eligibility'],
      ['hospital_rights', { section: 33 }, 'medical_eligibility'],
      ['hospital_rights', { topic: 'medical_eligibility' }, 'medical_eligibility'],
      ['benefit_info', { benefit: 'medical' }, 'medical_eligibility'],
      ['hospital_rights', { benefit: 'medical' }, 'medical_eligibility'],
      ['hospital_rights', { topic: 'hospital_change' }, 'hospital_change'],
      ['unknown', { topic: 'hospital_change', section: 39 }, 'hospital_change'],
      ['hospital_rights', { topic: 'emergency' }, 'emergency'],
      ['benefit_info', { topic: 'emergency' }, 'emergency'],
      ['benefit_info', { benefit: 'dental' }, 'dental'],
      ['hospital_rights', { benefit: 'dental', section: 33 }, 'dental'],
      ['benefit_info', { benefit: 'sickness' }, 'sickness_cash'],
      ['benefit_info', { benefit: 'sickness', section: 33 }, 'sickness_cash'],
      ['my_claims', { benefit: 'sickness', section: 39 }, 'sickness_cash'],
      ['benefit_info', { benefit: 'sickness', section: 40 }, 'sickness_s40'],
      ['section40_info', { benefit: 'sickness' }, 'sickness_s40'],
      ['section40_info', { benefit: 'medical' }, 'sickness_s40'],
      ['benefit_info', { benefit: 'medical', section: 40 }, 'sickness_s40'],
      ['hospital_rights', { section: 40 }, 'gold_card'],
      ['hospital_rights', { benefit: 'medical', section: 40 }, 'gold_card'],
      ['hospital_rights', { topic: 'gold_card' }, 'gold_card'],
      ['unknown', { topic: 'gold_card' }, 'gold_card'],
    ];
    for (const [intent, entities, id] of cases) {
      it(`${intent} ${JSON.stringify(entities)} → ${id}`, () => {
        expect(selectTopic(intent, entities as Entities)?.topic.id).toBe(id);
      });
    }
  });

  describe('are reached from the words people use (the NLU entities)', () => {
    const cases: [IntentName, string, string][] = [
      [
        'hospital_rights',
        'please change my social security hospital to a closer one',
        'hospital_change',
      ],
      ['hospital_rights', 'មន្ទីរពេទ្យឆ្ងាយណាស់ ប្ដូរបានទេ', 'hospital_change'],
      ['hospital_rights', 'ໂຮງໝໍໄກ ປ່ຽນໄດ້ບໍ', 'hospital_change'],
      // a percentage asked of sick pay is about sick pay, not about the contribution rate
      [
        'benefit_info',
        'sick note from the doctor, how many percent of my salary?',
        'sickness_cash',
      ],
      ['benefit_info', 'ពេទ្យឲ្យសម្រាក 5 ថ្ងៃ សន្តិសុខសង្គមជួយប៉ុន្មានភាគរយ', 'sickness_cash'],
      ['benefit_info', 'ລາພັກປ່ວຍ 3 ມື້ ປະກັນສັງຄົມຈ່າຍຈັກເປີເຊັນ', 'sickness_cash'],
    ];
    for (const [intent, text, id] of cases) {
      it(`${intent} "${text}" → ${id}`, () => {
        expect(selectTopic(intent, extractEntities(text))?.topic.id).toBe(id);
      });
    }
  });
});
