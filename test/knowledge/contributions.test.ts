/**
 * Knowledge topics on contributions and the three sections: every topic renders in every
 * language on several dates with the figures of that day (the 2026 and 2029 ceilings, section 39's
 * fixed amount, the section 40 options), the section 39 lapse rule as corrected, and the NLU's
 * entities pick the right topic.
 */
import { describe, expect, it } from 'vitest';
import rules from '../../data/rules/contributions.json' with { type: 'json' };
import en from '../../locales/en/knowledge/contributions.json' with { type: 'json' };
import km from '../../locales/km/knowledge/contributions.json' with { type: 'json' };
import lo from '../../locales/lo/knowledge/contributions.json' with { type: 'json' };
import my from '../../locales/my/knowledge/contributions.json' with { type: 'json' };
import th from '../../locales/th/knowledge/contributions.json' with { type: 'json' };
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import { renderTopic, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { CONTRIBUTIONS_TOPICS } from '../../src/knowledge/topics/contributions.ts';
import type { Topic } from '../../src/knowledge/types.ts';
import { findLimitViolations } from '../../src/line/limits.ts';
import { anyRuleOn } from '../../src/rules/index.ts';

const i18n = createI18n();
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01'] as const;
const at = (day: string) => Date.parse(`${day}T03:00:00Z`);
const FILES: Record<Lang, unknown> = { th, en, my, km, lo };

function topic(id: string): Topic {
  const t = CONTRIBUTIONS_TOPICS.find((x) => x.id === id);
  if (!t) throw new Error(`no topic ${id}`);
  return t;
}

function text(id: string, lang: Lang, day: string): string {
  const r = topicText({ t: i18n.t(lang), lang, now: at(day) }, topic(id));
  return [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
}

function body(id: string, lang: Lang, day: string): string {
  return topicText({ t: i18n.t(lang), lang, now: at(day) }, topic(id)).body;
}

/** Every string of a locale file, by dotted key. */
function strings(node: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) strings(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

// The entities the NLU gives (src/nlu/entities.ts; typed loosely until `topic` lands there).
type Ents = Parameters<typeof selectTopic>[1];
const ents = (e: Record<string, unknown>) => e as Ents;
const pick = (intent: Parameters<typeof selectTopic>[0], e: Record<string, unknown> = {}) =>
  selectTopic(intent, ents(e))?.topic.id;

describe('contributions knowledge: rendering', () => {
  it('renders every topic on every date its rules cover, in every language, within limits', () => {
    let rendered = 0;
    for (const t of CONTRIBUTIONS_TOPICS) {
      for (const day of DAYS) {
        if (t.rules.some((r) => !anyRuleOn(r, day))) continue;
        for (const lang of LANGUAGES) {
          const all = text(t.id, lang, day);
          expect(all, `${t.id} ${lang} ${day}`).not.toMatch(
            /\{\{|\}\}|undefined|NaN|knowledge\.|sources\./,
          );
          expect(body(t.id, lang, day).length, `${t.id} ${lang} ${day}`).toBeLessThanOrEqual(1000);
          const message = renderTopic({ t: i18n.t(lang), lang, now: at(day) }, t, {
            seeMine: true,
          });
          expect(findLimitViolations([message]), `${t.id} ${lang}`).toEqual([]);
          rendered++;
        }
      }
    }
    expect(rendered).toBe(CONTRIBUTIONS_TOPICS.length * DAYS.length * LANGUAGES.length);
  });

  it('keeps the Thai and English bodies within about 900 characters', () => {
    for (const t of CONTRIBUTIONS_TOPICS) {
      for (const lang of ['th', 'en'] as const) {
        expect(body(t.id, lang, '2026-12-04').length, `${t.id} ${lang}`).toBeLessThanOrEqual(900);
      }
    }
  });

  it('says what share of the contribution goes to old-age savings', () => {
    const share = anyRuleOn('old_age.contribution_share', '2026-12-04')?.value;
    expect(share?.employee_percent).toBe(3);
    for (const lang of LANGUAGES) {
      expect(body('contribution_rate_s33', lang, '2026-12-04'), lang).toMatch(/(?<![\d.])3%/);
    }
  });

  it('states the ceiling of the day and the scheduled ones', () => {
    for (const lang of LANGUAGES) {
      const y2025 = body('contribution_rate_s33', lang, '2025-03-01');
      expect(y2025, lang).toContain('15,000');
      expect(y2025, lang).toContain('750');
      expect(y2025, lang).toContain('17,500');
      expect(y2025, lang).toContain('1,650');
      const y2026 = body('contribution_rate_s33', lang, '2026-12-04');
      expect(y2026, lang).toContain('17,500');
      expect(y2026, lang).toContain('875');
      expect(y2026, lang).toContain('20,000');
      // every scheduled rise, not only the next one (2032: 23,000, at most 1,150)
      expect(y2026, lang).toContain('23,000');
      expect(y2026, lang).toContain('1,150');
      expect(y2026, lang).not.toContain('15,000');
      const y2029 = body('contribution_rate_s33', lang, '2029-06-01');
      expect(y2029, lang).toContain('20,000');
      expect(y2029, lang).toContain('1,000');
      expect(y2029, lang).toContain('23,000');
      expect(y2029, lang).not.toContain('17,500');
      // After the last scheduled change there is no "next" to state.
      const y2032 = body('contribution_rate_s33', lang, '2032-06-01');
      expect(y2032, lang).toContain('23,000');
      expect(y2032, lang).toContain('1,150');
    }
    expect(text('contribution_rate_s33', 'en', '2026-12-04')).toContain(
      'in force since 1 Jan 2026',
    );
    expect(text('contribution_rate_s33', 'th', '2026-12-04')).toContain('1 ม.ค. 2569');
    expect(body('contribution_rate_s33', 'en', '2026-12-04')).toContain('5%');
    expect(body('contribution_rate_s33', 'en', '2026-12-04')).toContain(
      '2.75% of the wage is the figure usually quoted, but it is not confirmed',
    );
  });

  it('gives section 39 its own fixed cost, never the section 40 table', () => {
    for (const day of DAYS) {
      for (const lang of LANGUAGES) {
        const b = body('section39_cost_benefits', lang, day);
        expect(b, `${lang} ${day}`).toContain('432');
        expect(b).toContain('4,800');
        expect(b).toContain('9%');
        expect(b).not.toMatch(/\b(70|100|300) (THB|บาท)/);
      }
    }
    // From 2026 the amount is not confirmed (the ceiling changed): said in words and as a warning.
    expect(body('section39_cost_benefits', 'en', '2025-03-01')).not.toContain('not confirmed');
    expect(body('section39_cost_benefits', 'en', '2026-12-04')).toContain('not confirmed');
    expect(
      topicText(
        { t: i18n.t('en'), lang: 'en', now: at('2026-12-04') },
        topic('section39_cost_benefits'),
      ).warning,
    ).toBeDefined();
    const en2026 = body('section39_cost_benefits', 'en', '2026-12-04');
    expect(en2026).toContain(
      'covers 6 cases: sickness, maternity, disability, death, child allowance and old age',
    );
    expect(en2026).toContain('does not pay unemployment');
  });

  it('states the corrected section 39 lapse rule and never asks a lapsed member to pay up', () => {
    for (const lang of LANGUAGES) {
      const b = body('s39_coverage_lapse', lang, '2026-12-04');
      for (const n of ['3', '9', '12', '55', '1506', '@ssothai'])
        expect(b, `${lang} ${n}`).toContain(n);
    }
    const b = body('s39_coverage_lapse', 'en', '2026-12-04');
    expect(b).toContain('3 months in a row');
    expect(b).toContain('fewer than 9 months within 12 months');
    expect(b).toContain('paying the missed months later does not bring it back');
    expect(b).toContain('section 33');
    expect(b).toContain('section 40');
    expect(b).not.toMatch(/pay (up|back|the missed)/i);
    expect(text('s39_coverage_lapse', 'th', '2026-12-04')).toContain('คำถามที่พบบ่อย');
  });

  it('describes section 40: ages, the three options with the government share, and the start-date conflict', () => {
    for (const day of DAYS) {
      for (const lang of LANGUAGES) {
        const b = body('section40_join', lang, day);
        for (const n of ['15', '65', '70', '100', '300', '30', '50', '150', '1506'])
          expect(b, `${lang} ${day} ${n}`).toContain(n);
      }
    }
    const b = body('section40_join', 'en', '2026-12-04');
    expect(b).toContain(
      'Option 3: you pay 300 THB, the government 150 THB; covers income when sick, disability, death, old-age lump sum, old-age pension and child allowance',
    );
    expect(b).toContain('apply since 1 Jan 2026 (Royal Gazette, 31 Dec 2025)');
    expect(b).toContain('October 2025');
    expect(body('section40_join', 'th', '2026-12-04')).toContain('ตุลาคม 2568');
    expect(body('section40_join', 'en', '2025-03-01')).toContain('will apply from 1 Jan 2026');
    expect(text('section40_join', 'en', '2026-12-04')).toMatch(/not confirmed/);
  });

  it('gives deadlines: section 33 from the SSO, section 39 and 40 not confirmed', () => {
    const b = body('contribution_deadlines', 'en', '2026-12-04');
    expect(b).toContain('by day 15 of the following month');
    expect(b).toContain('by day 15 of each month, but this is not confirmed');
    expect(b).toContain('up to 12 months ahead');
    const r = topicText(
      { t: i18n.t('th'), lang: 'th', now: at('2026-12-04') },
      topic('contribution_deadlines'),
    );
    expect(r.warning).toContain('1506');
  });

  it('lists payment channels, marking the unconfirmed ones', () => {
    for (const lang of LANGUAGES) {
      const b = body('contribution_payment_channels', lang, '2026-12-04');
      expect(b).toContain('www.sso.go.th');
      expect(b).toContain('7-Eleven');
      expect(b).toContain('e-payment');
    }
    expect(body('contribution_payment_channels', 'en', '2026-12-04')).toContain(
      'not confirmed by an official source: bank counters and shop counters (Counter Service / 7-Eleven)',
    );
  });

  it('explains the sections and how to join or switch', () => {
    const s = body('insurance_sections', 'en', '2026-12-04');
    expect(s).toContain('aged 15–60');
    expect(s).toContain('1 or more employees');
    expect(s).toContain('at least 12 months');
    expect(s).toContain('within 6 months');
    expect(s).toContain('aged 15–65');
    const j = body('join_switch_section', 'en', '2026-12-04');
    expect(j).toContain('within 6 months of leaving (Social Security Act, section 39)');
    expect(j).toContain('432 THB a month');
    expect(j).toContain('from 70 THB a month');
  });
});

describe('contributions knowledge: strings and data', () => {
  it('has every string in all five languages, with the same placeholders as Thai', () => {
    const thStrings = strings(th);
    for (const lang of LANGUAGES) {
      const mine = strings(FILES[lang]);
      expect([...mine.keys()].sort(), lang).toEqual([...thStrings.keys()].sort());
      for (const [key, value] of thStrings) {
        const ph = (s: string) => (s.match(/\{\{[^}]+\}\}/g) ?? []).sort();
        expect(ph(mine.get(key)!), `${lang} ${key}`).toEqual(ph(value));
      }
    }
  });

  it('writes no figure into the strings (only section and option numbers)', () => {
    const allowed = new Set(['33', '39', '40', '1', '2', '3', '57', '2533', '1990']);
    for (const lang of LANGUAGES) {
      for (const [key, value] of strings(FILES[lang])) {
        if (key.startsWith('sources.')) continue;
        const bare = value.replace(/\{\{[^}]*\}\}/g, '');
        for (const n of bare.match(/\p{Nd}+(?:[.,]\p{Nd}+)*/gu) ?? []) {
          expect(allowed.has(n), `${lang} ${key}: ${n}`).toBe(true);
        }
      }
    }
  });

  it('keeps Khmer on one subscript form and Lao old age as ຊະລາພາບ', () => {
    const kmText = JSON.stringify(km);
    expect(kmText).not.toContain('\u17d2\u178f'); // ្ត
    expect(kmText).not.toContain('អ្នកធានារ៉ាប់រង');
    const loText = JSON.stringify(lo);
    expect(loText).not.toContain('ຜູ້ສູງອາຍຸ');
    expect(loText).not.toContain('ພະລາຊະກຳນົດ');
    expect(loText).not.toContain('\u0ecd\u0eb2');
    // Burmese in Unicode: none of the code points Zawgyi misuses for stacked forms.
    expect(JSON.stringify(my)).not.toMatch(/[\u1060-\u1097]/);
  });

  it('dates, grades and cites every rule it adds', () => {
    for (const [key, versions] of Object.entries(rules.rules)) {
      for (const v of versions as { confidence: string; cite: string[]; source: string[] }[]) {
        expect(['H', 'M', 'L'], key).toContain(v.confidence);
        expect(v.cite.length, key).toBeGreaterThan(0);
        expect(v.source.length, key).toBeGreaterThan(0);
        if (v.confidence === 'L' && key !== 's40.benefits_start')
          expect(v.cite, key).toEqual(['unconfirmed']);
      }
    }
  });
});

describe('contributions knowledge: which topic answers', () => {
  it('answers the intents alone with the general topics', () => {
    expect(pick('contribution_balance')).toBe('contribution_rate_s33');
    expect(pick('pay_contribution')).toBe('contribution_payment_channels');
    expect(selectTopic('pay_contribution', ents({}))?.specific).toBe(false);
  });

  it('lets a named section choose the section answer', () => {
    expect(pick('pay_contribution', { section: 39 })).toBe('section39_cost_benefits');
    expect(pick('contribution_balance', { section: 39 })).toBe('section39_cost_benefits');
    expect(pick('pay_contribution', { section: 40 })).toBe('section40_join');
    expect(pick('contribution_balance', { section: 40 })).toBe('section40_join');
    expect(pick('pay_contribution', { section: 33 })).toBe('contribution_rate_s33');
    expect(pick('contribution_balance', { section: 33 })).toBe('contribution_rate_s33');
  });

  it('follows the topic entity', () => {
    expect(pick('contribution_balance', { topic: 'contribution_rate' })).toBe(
      'contribution_rate_s33',
    );
    expect(pick('pay_contribution', { topic: 'contribution_rate' })).toBe('contribution_rate_s33');
    expect(pick('benefit_info', { topic: 'wage_ceiling' })).toBe('contribution_rate_s33');
    expect(pick('contribution_balance', { topic: 'contribution_rate', section: 39 })).toBe(
      'section39_cost_benefits',
    );
    expect(pick('contribution_balance', { topic: 'contribution_rate', section: 40 })).toBe(
      'section40_join',
    );
    expect(pick('pay_contribution', { topic: 'payment_deadline' })).toBe('contribution_deadlines');
    expect(pick('unknown', { topic: 'payment_deadline', section: 40 })).toBe(
      'contribution_deadlines',
    );
    expect(pick('benefit_info', { topic: 'payment_channels' })).toBe(
      'contribution_payment_channels',
    );
    // "e-payment" is the services domain's e_payment topic, never the payment-channel answer.
    expect(pick('pay_contribution', { topic: 'e_payment' })).toBe('e_payment');
    expect(CONTRIBUTIONS_TOPICS.some((t) => t.match.topic?.includes('e_payment'))).toBe(false);
    expect(pick('benefit_info', { topic: 'sections' })).toBe('insurance_sections');
    expect(pick('benefit_info', { topic: 'sections', section: 33 })).toBe('insurance_sections');
    expect(pick('benefit_info', { topic: 'sections', section: 39 })).toBe(
      'section39_cost_benefits',
    );
    expect(pick('section40_info', { topic: 'sections', section: 40 })).toBe('section40_join');
    expect(pick('benefit_info', { topic: 'age_limit' })).toBe('insurance_sections');
    expect(pick('section40_info', { topic: 'age_limit', section: 40 })).toBe('section40_join');
    expect(pick('benefit_info', { topic: 'join' })).toBe('join_switch_section');
    expect(pick('benefit_info', { topic: 'join', section: 39 })).toBe('section39_cost_benefits');
    expect(pick('section40_info', { topic: 'join', section: 40 })).toBe('section40_join');
    expect(pick('benefit_info', { topic: 'switch_section' })).toBe('join_switch_section');
    expect(pick('benefit_info', { topic: 's39_lapse' })).toBe('s39_coverage_lapse');
    expect(pick('pay_contribution', { topic: 's39_lapse', section: 39 })).toBe(
      's39_coverage_lapse',
    );
    const lapse = selectTopic('pay_contribution', ents({ topic: 's39_lapse', section: 39 }));
    expect(lapse?.specific).toBe(true);
  });

  it('leaves a bare "section 40" question to the section40_info comparison table', () => {
    const mine = CONTRIBUTIONS_TOPICS.map((t) => t.id);
    expect(mine).not.toContain(pick('section40_info', { section: 40 }));
    expect(mine).not.toContain(pick('section40_info'));
  });

  it('offers at most six next steps and the personal answer where a linked user has figures', () => {
    for (const t of CONTRIBUTIONS_TOPICS) expect(t.next.length, t.id).toBeLessThanOrEqual(6);
    expect(topic('contribution_rate_s33').personal).toBe('contribution_balance');
    expect(topic('contribution_rate_s33').next[0]).toBe('calc_contribution');
  });
});
