/**
 * Knowledge topics of the benefits domain (overview, maternity, child allowance, invalidity,
 * death grants, a pensioner's death): each renders in every language on the dates its rules
 * cover, with the figures of the rules in force that day, and is chosen for its entities.
 */
import { describe, expect, it } from 'vitest';
import { createI18n, LANGUAGES } from '../../src/i18n.ts';
import type { IntentName } from '../../src/intents.ts';
import { renderTopic, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { BENEFITS_TOPICS } from '../../src/knowledge/topics/benefits.ts';
import type { Topic } from '../../src/knowledge/types.ts';
import { findLimitViolations } from '../../src/line/limits.ts';
import { type Entities, extractEntities } from '../../src/nlu/entities.ts';
import { anyRuleOn } from '../../src/rules/index.ts';

const i18n = createI18n();
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01'] as const;
type Day = (typeof DAYS)[number];
/** 10:00 in Bangkok on `day`. */
const at = (day: string) => Date.parse(`${day}T03:00:00Z`);

const topic = (id: string): Topic => {
  const t = BENEFITS_TOPICS.find((x) => x.id === id);
  if (!t) throw new Error(`no topic ${id}`);
  return t;
};

/** The entity types are being extended by the NLU; the test only needs the values. */
const ent = (e: Record<string, unknown>) => e as unknown as Entities;

/** The figures each answer must state on each day (formatted as the renderer formats them). */
const KEY_NUMBERS: Record<string, (day: Day) => string[]> = {
  benefits_overview: () => ['15,000', '50,000', '800', '70', '100', '300'],
  maternity_grant: () => ['15,000', '1,500', '5', '15', '50%', '90', '98', '1506'],
  child_allowance: () => ['800', '1,000', '6', '12', '36', '300', '7', '1506'],
  invalidity: (day) => ['3', '15', '50%', '70%', day < '2029-01-01' ? '17,500' : '20,000', '3,000'],
  death_grants: (day) =>
    day < '2026-01-01'
      ? ['50,000', '36', '119', '120', '15,000', '30,000', '90,000', '70%']
      : day < '2029-01-01'
        ? ['50,000', '36', '119', '120', '17,500', '35,000', '105,000', '70%']
        : ['50,000', '36', '119', '120', '20,000', '40,000', '120,000', '70%'],
  pensioner_death: () => ['60', '10', '1506'],
};

describe('benefits topics', () => {
  it('are the six family and life topics, each with its key figures listed here', () => {
    expect(BENEFITS_TOPICS.map((t) => t.id).sort()).toEqual(Object.keys(KEY_NUMBERS).sort());
  });

  for (const t of BENEFITS_TOPICS) {
    for (const day of DAYS) {
      const covered = t.rules.every((r) => anyRuleOn(r, day));
      it.runIf(covered)(`${t.id} renders on ${day} in every language with its figures`, () => {
        for (const lang of LANGUAGES) {
          const r = topicText({ t: i18n.t(lang), lang, now: at(day) }, t);
          const all = [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
          expect(all, `${t.id} ${lang} ${day}`).not.toMatch(
            /\{\{|undefined|NaN|knowledge\.|sources\./,
          );
          for (const n of KEY_NUMBERS[t.id]!(day)) {
            // The whole number: not part of a longer one (17,500 does not count as 500).
            expect(r.body, `${t.id} ${lang} ${day}: ${n}`).toMatch(
              new RegExp(`(?<!\\d|\\d,)${n}(?!\\d|,\\d)`),
            );
          }
          expect(r.body.length, `${t.id} ${lang} ${day}`).toBeLessThanOrEqual(900);
          expect(r.title.length, `${t.id} ${lang}`).toBeLessThanOrEqual(80);
          const message = renderTopic({ t: i18n.t(lang), lang, now: at(day) }, t, {
            seeMine: true,
          });
          expect(findLimitViolations([message]), `${t.id} ${lang} ${day}`).toEqual([]);
        }
      });
    }
  }

  it('cover the section 40 amounts only where the Royal Decree No. 5 data exists (from 2026)', () => {
    expect(anyRuleOn('s40.benefits', '2025-03-01')).toBeUndefined();
    for (const id of ['benefits_overview', 'maternity_grant', 'death_grants', 'pensioner_death']) {
      expect(
        topic(id).rules.every((r) => anyRuleOn(r, '2025-03-01')),
        id,
      ).toBe(true);
    }
  });

  it('give the survivor-grant example at the wage ceiling in force, labelled as an example', () => {
    const t = topic('death_grants');
    const th = topicText({ t: i18n.t('th'), lang: 'th', now: at('2026-12-04') }, t);
    expect(th.body).toContain('ตัวอย่าง');
    expect(th.body).toContain('17,500 บาท จะได้ 35,000 บาท หรือ 105,000 บาท');
    const en = topicText({ t: i18n.t('en'), lang: 'en', now: at('2026-12-04') }, t);
    expect(en.body).toContain('Example');
    // The section 40 funeral grant is one overall maximum, never a per-option amount.
    expect(en.body).toMatch(/up to 50,000 THB in all/);
    expect(en.body).toMatch(/each option is not confirmed/);
  });

  it('say plainly what is not confirmed, with the automatic warning where it applies', () => {
    const day = at('2026-12-04');
    const en = (id: string) => topicText({ t: i18n.t('en'), lang: 'en', now: day }, topic(id));
    expect(en('maternity_grant').body).toMatch(/98 days .*not confirmed/);
    expect(en('maternity_grant').warning).toBeDefined();
    expect(en('child_allowance').body).toMatch(/1,000 THB; no official source/);
    expect(en('child_allowance').warning).toBeDefined();
    expect(en('invalidity').body).toMatch(/70% .*not confirmed/);
    expect(en('invalidity').warning).toBeDefined();
    expect(en('pensioner_death').body).toMatch(/not confirmed/);
    expect(en('pensioner_death').warning).toBeDefined();
    const th = topicText({ t: i18n.t('th'), lang: 'th', now: day }, topic('pensioner_death'));
    expect(th.body).toContain('ยังไม่ได้รับการยืนยัน');
    expect(th.footer.join('\n')).toContain('พระราชบัญญัติประกันสังคม');
  });

  it('cite the Workmen’s Compensation Act by name in every language', () => {
    for (const lang of LANGUAGES) {
      const r = topicText({ t: i18n.t(lang), lang, now: at('2026-12-04') }, topic('death_grants'));
      expect(r.footer.join('\n'), lang).toContain(
        lang === 'en' ? "Workmen's Compensation Act" : 'เงินทดแทน',
      );
    }
  });

  const CHOICES: [IntentName, Record<string, unknown>, string][] = [
    ['benefit_info', {}, 'benefits_overview'],
    ['benefit_info', { benefit: 'maternity' }, 'maternity_grant'],
    ['unknown', { benefit: 'maternity' }, 'maternity_grant'],
    ['hospital_rights', { benefit: 'maternity' }, 'maternity_grant'],
    ['benefit_info', { benefit: 'maternity', section: 39 }, 'maternity_grant'],
    ['benefit_info', { benefit: 'child_allowance' }, 'child_allowance'],
    ['section40_info', { benefit: 'child_allowance', section: 40 }, 'child_allowance'],
    ['benefit_info', { benefit: 'invalidity' }, 'invalidity'],
    ['my_claims', { benefit: 'invalidity', section: 33 }, 'invalidity'],
    ['benefit_info', { benefit: 'death' }, 'death_grants'],
    ['benefit_info', { benefit: 'funeral' }, 'death_grants'],
    ['unknown', { benefit: 'survivor' }, 'death_grants'],
    ['section40_info', { benefit: 'funeral', section: 40 }, 'death_grants'],
    ['benefit_info', { topic: 'pension', benefit: 'death' }, 'pensioner_death'],
    ['contribution_balance', { topic: 'pension', benefit: 'survivor' }, 'pensioner_death'],
  ];
  for (const [intent, entities, id] of CHOICES) {
    it(`choose ${id} for ${intent} ${JSON.stringify(entities)}`, () => {
      const choice = selectTopic(intent, ent(entities));
      expect(choice?.topic.id).toBe(id);
      expect(choice?.specific).toBe(Object.keys(entities).some((k) => k !== 'section'));
    });
  }

  it('are reached from the words people use (the NLU entities)', () => {
    // "how many months of contributions" under a contribution intent: the benefit named decides
    const words: [IntentName, string, string][] = [
      ['contribution_balance', 'ពិការភាព ត្រូវមានភាគទានប៉ុន្មានខែ', 'invalidity'],
      [
        'contribution_balance',
        'I became disabled, how many months must I have paid?',
        'invalidity',
      ],
    ];
    for (const [intent, text, id] of words) {
      expect(selectTopic(intent, extractEntities(text))?.topic.id, text).toBe(id);
    }
  });
});
