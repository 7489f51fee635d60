/**
 * The knowledge base as a whole: every topic renders in every language on several dates, within
 * LINE's limits, from the dated rules (no figures written into the locale strings), with a source
 * name in every language; every topic intent has a general answer; entities outrank intents.
 */
import { describe, expect, it } from 'vitest';
import { createI18n, LANGUAGES, type Lang } from '../../src/i18n.ts';
import { changedSince, citedSources, renderTopic, topicText } from '../../src/knowledge/render.ts';
import { selectTopic } from '../../src/knowledge/select.ts';
import { KNOWLEDGE_STRINGS } from '../../src/knowledge/strings.ts';
import { TOPICS } from '../../src/knowledge/topics/index.ts';
import { findLimitViolations } from '../../src/line/limits.ts';
import { anyRuleHistory, anyRuleOn, ruleKeys } from '../../src/rules/index.ts';

const i18n = createI18n();
const DAYS = ['2025-03-01', '2026-12-04', '2029-06-01', '2032-06-01'];
const at = (day: string) => Date.parse(`${day}T03:00:00Z`);

/** Every string under `knowledge.<topic>` and `sources` in one language's files. */
function strings(lang: Lang): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, node: unknown) => {
    if (typeof node === 'string') out.set(prefix, node);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(prefix ? `${prefix}.${k}` : k, v);
  };
  for (const file of KNOWLEDGE_STRINGS[lang]) walk('', file);
  return out;
}

describe('knowledge topics', () => {
  it('have unique ids, known rules and at least one way to be chosen', () => {
    const ids = TOPICS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = new Set(ruleKeys());
    for (const t of TOPICS) {
      expect(t.id).toMatch(/^[a-z0-9_]+$/);
      expect(t.rules.length, t.id).toBeGreaterThan(0);
      for (const r of t.rules) expect(keys.has(r), `${t.id}: rule ${r}`).toBe(true);
      const m = t.match;
      expect(
        (m.topic?.length ?? 0) +
          (m.benefit?.length ?? 0) +
          (m.cause?.length ?? 0) +
          (t.isDefault ? 1 : 0),
        t.id,
      ).toBeGreaterThan(0);
      expect(t.next.length, t.id).toBeLessThanOrEqual(6);
    }
  });

  it('exist in all five languages (no fallback to Thai)', () => {
    const th = strings('th');
    for (const lang of LANGUAGES) {
      const mine = strings(lang);
      const missing = [...th.keys()].filter((k) => !mine.has(k));
      expect(missing, lang).toEqual([]);
      for (const t of TOPICS) {
        expect(mine.has(`knowledge.${t.id}.title`), `${lang} ${t.id}.title`).toBe(true);
        expect(mine.has(`knowledge.${t.id}.body`), `${lang} ${t.id}.body`).toBe(true);
      }
    }
  });

  it('keep figures out of the locale strings (they come from data/rules)', () => {
    // Section and option numbers, the Act's year and section 57 are names, not figures.
    const allowed = new Set(['33', '39', '40', '1', '2', '3', '57', '2533', '1990']);
    const bad: string[] = [];
    for (const lang of LANGUAGES) {
      for (const [key, value] of strings(lang)) {
        if (key.startsWith('sources.')) continue;
        const bare = value.replace(/\{\{[^}]*\}\}/g, '');
        for (const n of bare.match(/\d+(?:[.,]\d+)*/g) ?? []) {
          if (!allowed.has(n)) bad.push(`${lang} ${key}: ${n}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('render on every date their rules cover, in every language, within LINE limits', () => {
    for (const t of TOPICS) {
      for (const day of DAYS) {
        if (t.rules.some((r) => !anyRuleOn(r, day))) continue;
        for (const lang of LANGUAGES) {
          const ctx = { t: i18n.t(lang), lang, now: at(day) };
          const r = topicText(ctx, t);
          const all = [r.title, r.body, ...r.footer, r.warning ?? ''].join('\n');
          expect(all, `${t.id} ${lang} ${day}`).not.toMatch(
            /\{\{|undefined|NaN|knowledge\.|sources\./,
          );
          expect(r.body.length, `${t.id} ${lang}`).toBeLessThanOrEqual(1500);
          const message = renderTopic(ctx, t, { seeMine: true });
          expect(findLimitViolations([message]), `${t.id} ${lang}`).toEqual([]);
        }
      }
    }
  });

  it('cite a source by name, official ones before unconfirmed ones', () => {
    for (const t of TOPICS) {
      const ids = citedSources(t, '2026-12-04');
      expect(ids.length, t.id).toBeGreaterThan(0);
      const u = ids.indexOf('unconfirmed');
      if (u >= 0) expect(u, t.id).toBe(ids.length - 1);
    }
    for (const key of ruleKeys()) {
      for (const entry of anyRuleHistory(key)) {
        expect(entry.cite, key).toBeDefined();
        for (const id of entry.cite ?? []) {
          for (const lang of LANGUAGES) {
            expect(strings(lang).has(`sources.${id}`), `${lang} sources.${id} (${key})`).toBe(true);
          }
        }
      }
    }
  });

  it('say since when a changed rule applies', () => {
    const ceiling = TOPICS.find((t) => t.rules.includes('s33.wage_ceiling'));
    if (ceiling) expect(changedSince(ceiling, '2026-12-04')).toBe('2026-01-01');
  });

  it('give every topic intent a general answer, and let a named subject outrank the intent', () => {
    for (const intent of [
      'contribution_balance',
      'hospital_rights',
      'unemployment_benefit',
      'benefit_info',
    ] as const) {
      const choice = selectTopic(intent, {});
      expect(choice, intent).toBeDefined();
      expect(choice!.specific).toBe(false);
    }
    const maternity = selectTopic('hospital_rights', { benefit: 'maternity' });
    expect(maternity?.topic.id).toBe('maternity_grant');
    expect(maternity?.specific).toBe(true);
    expect(selectTopic('news', {})).toBeUndefined();
  });
});
