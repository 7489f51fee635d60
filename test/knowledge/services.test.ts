/**
 * Knowledge topics of the services domain (SSO Connect, E-Self Service, e-Claim, e-payment,
 * employers' filing, the fiscal-year 2024 policies, the hotline and offices, and migrant workers'
 * questions): each renders in every language on the dates its rules cover, with the figures, form
 * codes and dates of the rules in force that day, says what is not confirmed, and is chosen for
 * its entities.
 */
import { describe, expect, it } from 'vitest';
import en from '../../locales/en/knowledge/services.json' with { type: 'json' };
import km from '../../locales/km/knowledge/services.json' with { type: 'json' };
import lo from '../../locales/lo/knowledge/services.json' with { type: 'json' };
import my from '../../locales/my/knowledge/services.json' with { type: 'json' };
import th from '../../locales/th/knowledge/services.json' with { type: 'json' };
import { formatDate } from '../../src/format.ts';
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import type { IntentName } from '../../src/intents.ts';
import { changedSince, citedSources, renderTopic, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { TOPICS } from '../../src/knowledge/topics/index.ts';
import { SERVICES_TOPICS } from '../../src/knowledge/topics/services.ts';
import type { Topic } from '../../src/knowledge/types.ts';
import { findLimitViolations } from '../../src/line/limits.ts';
import type { Entities } from '../../src/nlu/entities.ts';
import { anyRuleOn } from '../../src/rules/index.ts';

const i18n = createI18n();
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01'] as const;
type Day = (typeof DAYS)[number];
/** 10:00 in Bangkok on `day`. */
const at = (day: string) => Date.parse(`${day}T03:00:00Z`);
const FILES: Record<Lang, unknown> = { th, en, my, km, lo };

const topic = (id: string): Topic => {
  const t = SERVICES_TOPICS.find((x) => x.id === id);
  if (!t) throw new Error(`no topic ${id}`);
  return t;
};
const render = (id: string, lang: Lang, day: string) =>
  topicText({ t: i18n.t(lang), lang, now: at(day) }, topic(id));

/** The entity types are being extended by the NLU; the test only needs the values. */
const ent = (e: Record<string, unknown>) => e as unknown as Entities;

/** Every string of a locale file, by dotted key. */
function strings(node: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) strings(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What each answer must state on each day, formatted as the renderer formats it: figures, form
 * codes, websites and dates from the rules (a date depends on the language).
 */
const KEY_FACTS: Record<string, (day: Day, lang: Lang) => string[]> = {
  sso_connect: (_d, lang) => ['SSO Connect', '@ssothai', '1506', formatDate(lang, '2022-06-18')],
  e_self_service: (_d, lang) => [
    'E-Self Service',
    'www.sso.go.th',
    'SSO Connect',
    '1506',
    formatDate(lang, '2022-06-18'),
  ],
  e_claim: (_d, lang) => [
    'e-Claim',
    'Best e-Service',
    'unemploy.doe.go.th',
    'www.sso.go.th',
    '1506',
    formatDate(lang, '2023-10-06'),
    formatDate(lang, '2023-10-01'),
    formatDate(lang, '2024-09-30'),
  ],
  e_payment: (_d, lang) => [
    'e-payment',
    'สปส. 1-10',
    '15',
    'www.sso.go.th',
    '1506',
    formatDate(lang, '2022-06-18'),
  ],
  employer_filing: (day, lang) => [
    'สปส. 1-03',
    '30',
    'สปส. 6-09',
    'สปส. 6-10',
    'สปส. 1-10',
    '15',
    '5%',
    '2%',
    'www.sso.go.th',
    formatDate(lang, '2020-03-12'),
    ...(day < '2026-01-01'
      ? ['15,000', '750']
      : day < '2029-01-01'
        ? ['17,500', '875']
        : ['20,000', '1,000']),
  ],
  policy_2024: (_d, lang) => [
    formatDate(lang, '2023-10-06'),
    formatDate(lang, '2023-10-01'),
    formatDate(lang, '2024-09-30'),
    'Micro Finance',
    'Best e-Service',
    'e-Claim',
    'Premium',
  ],
  hotline: () => ['1506', '24', '@ssothai'],
  which_card: (_d, lang) => [
    'สปส. 1-03',
    '13',
    '00',
    'Smart Visa',
    '1506',
    formatDate(lang, '2018-07-18'),
  ],
  lost_card: (_d, lang) => ['สปส. 9-02', '3', '15', '1506', formatDate(lang, '2018-07-18')],
  employer_not_paying: () => ['15', '2%', 'SSO Connect', '1506'],
};

/** The words that say "not confirmed" in each language. */
const NOT_CONFIRMED: Record<Lang, string> = {
  th: 'ยังไม่ได้',
  en: 'not confirmed',
  my: 'အတည်မပြုရသေး',
  km: 'មិនទាន់បានបញ្ជាក់',
  lo: 'ຍັງບໍ່ໄດ້',
};

describe('services topics', () => {
  it('are the ten topics of the brief, each with its key facts listed here', () => {
    expect(SERVICES_TOPICS.map((t) => t.id).sort()).toEqual(Object.keys(KEY_FACTS).sort());
    for (const t of SERVICES_TOPICS) expect(t.next.length, t.id).toBeLessThanOrEqual(6);
  });

  for (const t of SERVICES_TOPICS) {
    for (const day of DAYS) {
      const covered = t.rules.every((r) => anyRuleOn(r, day));
      it(`${t.id} has its rules on ${day}`, () => expect(covered).toBe(true));
      it.runIf(covered)(`${t.id} renders on ${day} in every language with its facts`, () => {
        for (const lang of LANGUAGES) {
          const r = render(t.id, lang, day);
          const all = [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
          expect(all, `${t.id} ${lang} ${day}`).not.toMatch(
            /\{\{|\}\}|undefined|NaN|knowledge\.|sources\./,
          );
          for (const n of KEY_FACTS[t.id]!(day, lang)) {
            // The whole number: not part of a longer one (17,500 does not count as 500).
            expect(r.body, `${t.id} ${lang} ${day}: ${n}`).toMatch(
              new RegExp(`(?<!\\d|\\d,)${escapeRegExp(n)}(?!\\d|,\\d)`),
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

  it('write no figure into the strings: amounts, days, dates, forms and sites come from the rules', () => {
    const allowed = new Set(['33', '39', '40', '1', '2', '3', '57', '2533', '1990']);
    for (const lang of LANGUAGES) {
      const bad: string[] = [];
      for (const [key, value] of strings(FILES[lang])) {
        if (key.startsWith('sources.')) continue;
        const bare = value.replace(/\{\{[^}]*\}\}/g, '');
        for (const n of bare.match(/\d+(?:[.,]\d+)*/g) ?? [])
          if (!allowed.has(n)) bad.push(`${key}: ${n}`);
        // Websites, the LINE account and form codes are verbatim facts, never typed in.
        for (const v of bare.match(/sso\.go\.th|doe\.go\.th|@ssothai|สปส\./g) ?? [])
          bad.push(`${key}: ${v}`);
      }
      expect(bad, lang).toEqual([]);
    }
  });

  it('have the same keys and placeholders in every language, in Unicode Burmese and one Khmer coeng', () => {
    const thStrings = strings(th);
    for (const lang of LANGUAGES) {
      const mine = strings(FILES[lang]);
      expect([...mine.keys()].sort(), lang).toEqual([...thStrings.keys()].sort());
      for (const [key, value] of thStrings) {
        // The fiscal year ({{fy}}) is named in the reader's era: B.E. in Thai, A.D. elsewhere.
        const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(new Set(names(mine.get(key)!)), `${lang} ${key}`).toEqual(new Set(names(value)));
      }
    }
    // Zawgyi puts its stacked forms in U+1060–U+1097; Unicode Burmese never needs them there.
    for (const value of strings(my).values()) expect(value).not.toMatch(/[\u1060-\u1097]/);
    // Khmer: subscript DA (្ដ), never subscript TA (្ត), and never អ្នកធានារ៉ាប់រង (= insurer).
    for (const value of strings(km).values()) {
      expect(value).not.toContain('\u17d2\u178f');
      expect(value).not.toContain('អ្នកធានារ៉ាប់រង');
    }
    // Lao: old age is ຊະລາພາບ, never ຜູ້ສູງອາຍຸ.
    for (const value of strings(lo).values()) expect(value).not.toContain('ຜູ້ສູງອາຍຸ');
  });

  it('say in words what the sources do not confirm, in every language', () => {
    const day = '2026-12-04';
    for (const lang of LANGUAGES) {
      for (const id of [
        'sso_connect',
        'e_self_service',
        'e_claim',
        'e_payment',
        'hotline',
        'which_card',
        'lost_card',
        'employer_not_paying',
      ]) {
        expect(render(id, lang, day).body.toLowerCase(), `${id} ${lang}`).toContain(
          NOT_CONFIRMED[lang],
        );
      }
    }
    const en = (id: string) => render(id, 'en', day);
    expect(en('sso_connect').body).toMatch(/pink-card or passport number is not confirmed/);
    expect(en('e_self_service').body).toMatch(/not confirmed here/);
    expect(en('hotline').body).toMatch(/every day, 24 hours a day/);
    expect(en('hotline').body).toMatch(/whether calls are free/);
    expect(en('hotline').body).toMatch(/opening hours are not confirmed/);
    expect(en('which_card').body).toMatch(/starting with 00 \(not confirmed/);
    expect(en('lost_card').body).toMatch(/not confirmed that the SSO still issues/);
    expect(en('employer_not_paying').body).toMatch(
      /count as paid by you from the day of the deduction/,
    );
    expect(en('policy_2024').body).toMatch(/no start date/);
    // The pink-card number and the old card form have no official source: the warning shows.
    expect(en('which_card').warning).toBeDefined();
    expect(en('lost_card').warning).toBeDefined();
    expect(en('hotline').warning).toBeUndefined();
  });

  it('cite the thaigov.go.th articles, the SSO and the government by name, official sources first', () => {
    const day = '2026-12-04';
    expect(citedSources(topic('sso_connect'), day)).toEqual(['thaigov_55847', 'sso']);
    expect(citedSources(topic('e_claim'), day)).toEqual(['thaigov_73012', 'thaigov_55847', 'doe']);
    expect(citedSources(topic('policy_2024'), day)).toEqual(['thaigov_73012']);
    expect(citedSources(topic('employer_filing'), day)).toEqual([
      'sso_contribution_notice_2558',
      'gcc_sso_employers_2567',
      'social_security_act',
    ]);
    expect(citedSources(topic('which_card'), day)).toEqual([
      'prd_foreign_workers',
      'nation_2018_migrant_cards',
      'unconfirmed',
    ]);
    for (const lang of LANGUAGES) {
      const footer = render('policy_2024', lang, day).footer.join('\n');
      expect(footer, lang).toContain('thaigov.go.th');
      expect(render('employer_filing', lang, day).footer.join('\n'), lang).toContain('sso.go.th');
    }
    expect(render('employer_filing', 'th', day).footer.join('\n')).toContain(
      'ประกาศสำนักงานประกันสังคม',
    );
  });

  it('date the employer answer from the wage ceiling in force', () => {
    expect(changedSince(topic('employer_filing'), '2025-03-01')).toBeUndefined();
    expect(changedSince(topic('employer_filing'), '2026-12-04')).toBe('2026-01-01');
    expect(changedSince(topic('employer_filing'), '2029-06-01')).toBe('2029-01-01');
    const th = render('employer_filing', 'th', '2026-12-04');
    expect(th.body).toContain('คิดจากค่าจ้างไม่เกิน 17,500 บาท คือไม่เกินคนละ 875 บาท');
    expect(th.footer[0]).toContain('ใช้ตั้งแต่ 1 ม.ค. 2569');
  });

  it('keep the Thai glosses migrant workers see on documents', () => {
    for (const lang of ['my', 'km', 'lo'] as const) {
      const card = render('which_card', lang, '2026-12-04').body;
      expect(card, lang).toContain('บัตรชมพู');
      expect(card, lang).toContain('มาตรา 33');
      expect(card, lang).toContain('กรมการปกครอง');
      expect(render('e_claim', lang, '2026-12-04').body, lang).toContain('กรมการจัดหางาน');
      expect(render('employer_not_paying', lang, '2026-12-04').body, lang).toContain(
        'พ.ร.บ.ประกันสังคม',
      );
    }
  });

  const CHOICES: [IntentName, Record<string, unknown>, string][] = [
    ['unknown', { topic: 'sso_connect' }, 'sso_connect'],
    ['contribution_balance', { topic: 'sso_connect' }, 'sso_connect'],
    ['hospital_rights', { topic: 'e_self_service' }, 'e_self_service'],
    ['my_claims', { topic: 'e_claim' }, 'e_claim'],
    ['benefit_info', { topic: 'e_claim' }, 'e_claim'],
    ['pay_contribution', { topic: 'e_payment', section: 33 }, 'e_payment'],
    ['pay_contribution', { topic: 'employer_filing' }, 'employer_filing'],
    ['contribution_balance', { topic: 'employer_filing', section: 33 }, 'employer_filing'],
    ['news', { topic: 'policy_2024' }, 'policy_2024'],
    ['unknown', { topic: 'policy_2024' }, 'policy_2024'],
    ['talk_to_staff', {}, 'hotline'],
    ['office_location', { topic: 'hotline' }, 'hotline'],
    ['unknown', { topic: 'which_card' }, 'which_card'],
    ['link_account', { topic: 'which_card' }, 'which_card'],
    ['hospital_rights', { topic: 'which_card', benefit: 'medical' }, 'which_card'],
    ['hospital_rights', { topic: 'lost_card' }, 'lost_card'],
    ['hospital_rights', { topic: 'lost_card', benefit: 'medical' }, 'lost_card'],
    ['unknown', { topic: 'lost_card' }, 'lost_card'],
    ['contribution_balance', { topic: 'employer_not_paying' }, 'employer_not_paying'],
    ['contribution_balance', { topic: 'employer_not_paying', section: 33 }, 'employer_not_paying'],
    ['talk_to_staff', { topic: 'employer_not_paying' }, 'employer_not_paying'],
  ];
  for (const [intent, entities, id] of CHOICES) {
    it(`choose ${id} for ${intent} ${JSON.stringify(entities)}`, () => {
      const choice = selectTopic(intent, ent(entities));
      expect(choice?.topic.id).toBe(id);
      expect(choice?.specific).toBe(Object.keys(entities).some((k) => k !== 'section'));
    });
  }

  it('choose the e-payment service for a plain "e-payment" question, unless another topic claims it', () => {
    // The contributions domain's payment-channel topic also lists topic e_payment and, coming
    // first, wins the tie; once it stops claiming it, "e-payment" must reach this topic.
    const rivals = TOPICS.filter(
      (t) => t.id !== 'e_payment' && t.match.topic?.includes('e_payment'),
    );
    const chosen = selectTopic('unknown', ent({ topic: 'e_payment' }))?.topic.id;
    expect(chosen).toBe(rivals.length > 0 ? rivals[0]!.id : 'e_payment');
    // Employers (section 33) get the e-payment service; section 39 and 40 payers asking how to
    // pay get their section's answer (cost, and how to keep paying).
    expect(selectTopic('unknown', ent({ topic: 'e_payment', section: 33 }))?.topic.id).toBe(
      'e_payment',
    );
    expect(
      selectTopic('pay_contribution', ent({ topic: 'e_payment', section: 39 }))?.topic.id,
    ).toBe('section39_cost_benefits');
    expect(
      selectTopic('pay_contribution', ent({ topic: 'e_payment', section: 40 }))?.topic.id,
    ).toBe('section40_join');
  });

  it('leave plain medical questions to the medical answers', () => {
    for (const intent of ['hospital_rights', 'unknown'] as const) {
      for (const section of [undefined, 33, 39, 40]) {
        const id = selectTopic(
          intent,
          ent(section ? { benefit: 'medical', section } : { benefit: 'medical' }),
        )?.topic.id;
        expect(['which_card', 'lost_card'], `${intent} ${section}`).not.toContain(id);
      }
    }
  });

  it('leave the personal intents their own defaults', () => {
    expect(selectTopic('contribution_balance', ent({}))?.topic.id).not.toBe('employer_not_paying');
    expect(selectTopic('my_claims', ent({}))).toBeUndefined();
    expect(selectTopic('news', ent({}))).toBeUndefined();
  });
});
