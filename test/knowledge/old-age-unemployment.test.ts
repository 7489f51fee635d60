/**
 * Knowledge topics K4 (old age, unemployment): every topic renders in every language on three
 * days with today's figures, its strings exist in all five languages with the same placeholders
 * and no literal figures, and the NLU's entities select it.
 */
import { describe, expect, it } from 'vitest';
import en from '../../locales/en/knowledge/old-age-unemployment.json' with { type: 'json' };
import km from '../../locales/km/knowledge/old-age-unemployment.json' with { type: 'json' };
import lo from '../../locales/lo/knowledge/old-age-unemployment.json' with { type: 'json' };
import my from '../../locales/my/knowledge/old-age-unemployment.json' with { type: 'json' };
import th from '../../locales/th/knowledge/old-age-unemployment.json' with { type: 'json' };
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import type { IntentName } from '../../src/intents.ts';
import { citedSources, isUnconfirmed, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { OLD_AGE_UNEMPLOYMENT_TOPICS } from '../../src/knowledge/topics/old-age-unemployment.ts';
import { type Entities, extractEntities } from '../../src/nlu/entities.ts';

const FILES: Record<Lang, { knowledge: Record<string, Record<string, string>> }> = {
  th,
  en,
  my,
  km,
  lo,
};
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01'] as const;
type Day = (typeof DAYS)[number];
const i18n = createI18n();
const noon = (day: string) => Date.parse(`${day}T05:00:00Z`); // 12:00 in Bangkok
const topic = (id: string) => {
  const t = OLD_AGE_UNEMPLOYMENT_TOPICS.find((x) => x.id === id);
  if (!t) throw new Error(`no topic ${id}`);
  return t;
};

/** Figures each topic must state on each day (the same digits in every language). */
const KEY_NUMBERS: Record<string, Partial<Record<Day | 'all', string[]>>> = {
  unemployment_overview: {
    all: ['unemploy.doe.go.th', '180', '90'],
    '2025-03-01': ['15,000', '50%', '7,500', '30%', '4,500'],
    '2026-12-04': ['17,500', '60%', '10,500', '5,250', '50%'],
    '2029-06-01': ['20,000', '60%', '12,000', '6,000'],
  },
  unemployment_laid_off: {
    all: ['unemploy.doe.go.th', '180'],
    '2025-03-01': ['50%', '15,000', '7,500', '45,000'],
    '2026-12-04': ['60%', '50%', '17,500', '10,500', '63,000'],
    '2029-06-01': ['60%', '20,000', '12,000', '72,000'],
  },
  unemployment_resigned: {
    all: ['30%', '90', '180', 'unemploy.doe.go.th'],
    '2025-03-01': ['15,000', '4,500', '13,500'],
    '2026-12-04': ['17,500', '5,250', '15,750'],
    '2029-06-01': ['20,000', '6,000', '18,000'],
  },
  unemployment_misconduct: { all: ['7', '1506', 'unemploy.doe.go.th'] },
  unemployment_force_majeure: {
    all: ['50%', '180', '1506'],
    '2025-03-01': ['7,500'],
    '2026-12-04': ['8,750', '60%'],
    '2029-06-01': ['10,000', '60%'],
  },
  unemployment_register: { all: ['unemploy.doe.go.th', '1506'] },
  unemployment_report: { all: ['unemploy.doe.go.th', '1506'] },
  unemployment_s39_s40: { all: ['unemploy.doe.go.th'] },
  old_age_overview: {
    all: ['55', '180', '20%', '1.5%', '60', '3%'],
    '2025-03-01': ['15,000'],
    '2026-12-04': ['15,000', '17,500'],
    '2029-06-01': ['17,500', '20,000'],
  },
  old_age_pension: {
    all: ['55', '180', '20%', '1.5%', '4,125', '27.5%', '240'],
    '2025-03-01': ['15,000'],
    '2026-12-04': ['15,000', '17,500'],
    '2029-06-01': ['17,500', '20,000'],
  },
  old_age_lump_sum: { all: ['55', '180', '12', '3%'] },
  old_age_go_home: { all: ['55', '1506'] },
};

describe('old-age and unemployment topics render', () => {
  it('every topic has expectations', () => {
    expect(Object.keys(KEY_NUMBERS).sort()).toEqual(
      OLD_AGE_UNEMPLOYMENT_TOPICS.map((t) => t.id).sort(),
    );
  });

  for (const t of OLD_AGE_UNEMPLOYMENT_TOPICS) {
    for (const day of DAYS) {
      for (const lang of LANGUAGES) {
        it(`${t.id} on ${day} in ${lang}`, () => {
          const r = topicText({ t: i18n.t(lang), lang, now: noon(day) }, t);
          const all = [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
          expect(all).not.toContain('{{');
          expect(r.title).not.toBe(`knowledge.${t.id}.title`);
          expect(r.body.length).toBeLessThanOrEqual(900);
          expect(r.body.length + r.title.length).toBeLessThanOrEqual(5000);
          for (const n of [
            ...(KEY_NUMBERS[t.id]?.all ?? []),
            ...(KEY_NUMBERS[t.id]?.[day] ?? []),
          ]) {
            expect(r.body, `${n} in ${t.id}/${lang}/${day}`).toContain(n);
          }
        });
      }
    }
  }

  it('warns where a figure is not confirmed, and only there', () => {
    const day = '2026-12-04';
    const warned = OLD_AGE_UNEMPLOYMENT_TOPICS.filter((t) => isUnconfirmed(t, day)).map(
      (t) => t.id,
    );
    expect(warned.sort()).toEqual([
      'old_age_go_home',
      'unemployment_force_majeure',
      'unemployment_overview',
    ]);
  });

  it('dates the laid-off rate and the pension ceiling', () => {
    const th = (id: string, day: string) =>
      topicText({ t: i18n.t('th'), lang: 'th', now: noon(day) }, topic(id));
    const en = (id: string, day: string) =>
      topicText({ t: i18n.t('en'), lang: 'en', now: noon(day) }, topic(id));
    expect(en('unemployment_laid_off', '2026-12-04').body).toContain('since 28 Jun 2025; was 50%');
    expect(th('unemployment_laid_off', '2026-12-04').body).toContain('28 มิ.ย. 2568');
    expect(en('unemployment_laid_off', '2025-03-01').body).not.toContain('since');
    const pension = en('old_age_pension', '2026-12-04');
    expect(pension.body).toContain('15,000 THB before 1 Jan 2026, 17,500 THB from 1 Jan 2026');
    expect(pension.body).toContain('before 1 Jan 2031');
    expect(pension.footer[0]).toContain('since 1 Jan 2026');
    expect(en('old_age_pension', '2025-03-01').body).toContain('ceiling of 15,000 THB');
    expect(en('old_age_pension', '2029-06-01').body).toContain('before 1 Jan 2034');
  });

  it('never promises the lump sum before the minimum age', () => {
    for (const lang of LANGUAGES) {
      const r = topicText(
        { t: i18n.t(lang), lang, now: noon('2026-12-04') },
        topic('old_age_lump_sum'),
      );
      // The age is stated on the condition and on both lump-sum lines.
      expect(r.body.split('55').length - 1, lang).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('old-age and unemployment strings', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
  const ALLOWED_DIGITS = new Set(['33', '39', '40', '1', '2', '3', '2533', '1990', '57']);

  for (const lang of LANGUAGES) {
    it(`${lang} has every key, the same placeholders as en, and no literal figures`, () => {
      const file = FILES[lang].knowledge;
      for (const [id, entries] of Object.entries(
        en.knowledge as Record<string, Record<string, string>>,
      )) {
        for (const [key, enText] of Object.entries(entries)) {
          const text = file[id]?.[key];
          expect(text, `${lang} ${id}.${key}`).toBeTypeOf('string');
          expect(placeholders(text!), `${lang} ${id}.${key}`).toEqual(placeholders(enText));
          const digits = text!.replace(/\{\{\w+\}\}/g, '').match(/\d+/g) ?? [];
          for (const d of digits)
            expect(ALLOWED_DIGITS.has(d), `${lang} ${id}.${key}: ${d}`).toBe(true);
        }
      }
      expect(Object.keys(file).sort()).toEqual(Object.keys(en.knowledge).sort());
    });
  }

  it('uses the agreed script and terms', () => {
    const all = (lang: Lang) => JSON.stringify(FILES[lang]);
    // Burmese: Unicode, not Zawgyi (Zawgyi misuses U+1060–U+1097).
    expect(all('my')).not.toMatch(/[\u1060-\u1097]/);
    // Khmer: insured person is not "insurer"; subscript ្ដ, not ្ត.
    expect(all('km')).not.toContain('អ្នកធានារ៉ាប់រង');
    expect(all('km')).not.toContain('\u17D2\u178F');
    // Lao: old age is ຊະລາພາບ, never ຜູ້ສູງອາຍຸ (the elderly allowance).
    expect(all('lo')).not.toContain('ຜູ້ສູງອາຍຸ');
    expect(all('lo')).toContain('ຊະລາພາບ');
    // Lao: ຳ precomposed, never ໍ + າ.
    expect(all('lo')).not.toContain('\u0ECD\u0EB2');
  });

  it('names every cited source in every language', () => {
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      for (const topic of OLD_AGE_UNEMPLOYMENT_TOPICS) {
        for (const day of DAYS) {
          for (const id of citedSources(topic, day)) {
            expect(String(t(`sources.${id}`)), `${lang} ${id}`).not.toBe(`sources.${id}`);
          }
        }
      }
    }
  });
});

describe('old-age and unemployment topic selection', () => {
  const cases: [IntentName, Entities, string][] = [
    ['unemployment_benefit', {}, 'unemployment_overview'],
    ['unemployment_benefit', { section: 33 }, 'unemployment_overview'],
    ['benefit_info', { benefit: 'unemployment' }, 'unemployment_overview'],
    ['unemployment_benefit', { section: 39 }, 'unemployment_s39_s40'],
    ['benefit_info', { benefit: 'unemployment', section: 40 }, 'unemployment_s39_s40'],
    ['unemployment_benefit', { cause: 'laid_off', section: 39 }, 'unemployment_s39_s40'],
    ['unemployment_benefit', { cause: 'laid_off' }, 'unemployment_laid_off'],
    ['benefit_info', { benefit: 'unemployment', cause: 'laid_off' }, 'unemployment_laid_off'],
    ['unemployment_benefit', { cause: 'resigned' }, 'unemployment_resigned'],
    ['unemployment_benefit', { cause: 'contract_ended', section: 33 }, 'unemployment_resigned'],
    ['unemployment_benefit', { cause: 'misconduct' }, 'unemployment_misconduct'],
    ['unknown', { benefit: 'unemployment', cause: 'force_majeure' }, 'unemployment_force_majeure'],
    ['unemployment_benefit', { topic: 'unemployment_register' }, 'unemployment_register'],
    ['unknown', { topic: 'unemployment_register', cause: 'laid_off' }, 'unemployment_register'],
    ['unemployment_benefit', { topic: 'unemployment_report' }, 'unemployment_report'],
    ['benefit_info', { benefit: 'old_age' }, 'old_age_overview'],
    ['contribution_balance', { benefit: 'old_age' }, 'old_age_overview'],
    ['contribution_balance', { topic: 'pension' }, 'old_age_pension'],
    ['benefit_info', { topic: 'pension', benefit: 'old_age', section: 39 }, 'old_age_pension'],
    ['benefit_info', { topic: 'lump_sum', benefit: 'old_age' }, 'old_age_lump_sum'],
    ['unknown', { topic: 'lump_sum' }, 'old_age_lump_sum'],
    ['contribution_balance', { topic: 'go_home' }, 'old_age_go_home'],
    ['unknown', { topic: 'go_home', benefit: 'old_age' }, 'old_age_go_home'],
  ];
  for (const [intent, entities, id] of cases) {
    it(`${intent} ${JSON.stringify(entities)} → ${id}`, () => {
      const choice = selectTopic(intent, entities);
      expect(choice?.topic.id).toBe(id);
    });
  }

  it('is reached from the words people use (the NLU entities)', () => {
    const words: [IntentName, string, string][] = [
      // a percentage of the pension is the pension formula, not the contribution rate
      ['contribution_balance', 'บำนาญได้กี่เปอร์เซ็นต์ของค่าจ้างเฉลี่ย', 'old_age_pension'],
      ['contribution_balance', 'how much of my 5% is old age savings?', 'old_age_overview'],
      ['contribution_balance', 'ប្រាក់អត់ការងារ ត្រូវការភាគទានប៉ុន្មានខែ', 'unemployment_overview'],
    ];
    for (const [intent, text, id] of words) {
      expect(selectTopic(intent, extractEntities(text))?.topic.id, text).toBe(id);
    }
  });

  it('is not the default answer for contribution_balance', () => {
    const choice = selectTopic('contribution_balance', {});
    expect(OLD_AGE_UNEMPLOYMENT_TOPICS.map((t) => t.id)).not.toContain(choice?.topic.id);
  });

  it('offers at most six next steps, with the calculators and "see mine" first', () => {
    for (const t of OLD_AGE_UNEMPLOYMENT_TOPICS) expect(t.next.length).toBeLessThanOrEqual(6);
    expect(topic('unemployment_overview').next.slice(0, 2)).toEqual([
      'calc_unemployment',
      'link_account',
    ]);
    expect(topic('old_age_overview').next.slice(0, 2)).toEqual(['calc_pension', 'link_account']);
    expect(topic('unemployment_overview').personal).toBe('unemployment_benefit');
    expect(topic('old_age_pension').personal).toBe('contribution_balance');
  });
});
