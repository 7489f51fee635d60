/**
 * Five languages, one set of keys: every locale file has exactly the keys and placeholders of
 * the Thai original, no empty strings, and button labels within LINE's limits; dates are
 * Buddhist-era in Thai and Gregorian elsewhere; answers render in every language within limits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { formatDate, formatPeriod } from '../../src/format.ts';
import { createI18n, LANGUAGES, SPOKEN } from '../../src/i18n.ts';
import { useAppAndMock } from '../helpers/app.ts';

const root = new URL('../../locales/', import.meta.url);
/** Per-language NLU data (examples, entity terms, place names), not translations of Thai. */
const DATA_FILES = new Set([
  'intents.json',
  'entities.json',
  'places.json',
  'romanised.json',
  'thai-script.json',
]);
const FILES = [
  ...readdirSync(new URL('th/', root)).filter((f) => f.endsWith('.json') && !DATA_FILES.has(f)),
  ...readdirSync(new URL('th/knowledge/', root)).map((f) => `knowledge/${f}`),
];

function load(lang: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${lang}/${file}`, root), 'utf8')) as Record<
    string,
    unknown
  >;
}

function flatten(obj: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof obj === 'string') out.set(prefix, obj);
  else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** The distinct placeholders (a translation may name a value once where Thai names it twice). */
const placeholders = (s: string) => [
  ...new Set([...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort()),
];

describe('locale files', () => {
  it('are spoken in all five languages', () => {
    expect([...SPOKEN].sort()).toEqual([...LANGUAGES].sort());
  });

  for (const file of FILES) {
    for (const lang of LANGUAGES.filter((l) => l !== 'th')) {
      it(`${lang}/${file} has the keys and placeholders of th/${file}`, () => {
        const th = flatten(load('th', file));
        const other = flatten(load(lang, file));
        expect([...other.keys()].sort()).toEqual([...th.keys()].sort());
        const mismatched = [...th].filter(
          ([k, v]) => placeholders(v).join() !== placeholders(other.get(k) ?? '').join(),
        );
        expect(mismatched.map(([k]) => k)).toEqual([]);
        const empty = [...other].filter(([, v]) => v.trim() === '').map(([k]) => k);
        expect(empty).toEqual([]);
      });
    }
  }

  it('keeps quick-reply labels within 20 characters in every language', () => {
    for (const lang of LANGUAGES) {
      const intents = flatten(load(lang, 'translation.json').intent);
      for (const [k, v] of intents) expect(v.length, `${lang} intent.${k}`).toBeLessThanOrEqual(20);
    }
  });
});

describe('translation lookups', () => {
  it('give what i18next gives for every key, language and value (the memoised fast path)', () => {
    const fast = createI18n();
    const plain = createI18n({ memoise: false });
    const values = ['๑,๒๓๔.๕๐ บาท', 0, 12.5, 'a{{b}}c', ''];
    let compared = 0;
    for (const lang of LANGUAGES) {
      const keys = new Map<string, string>();
      for (const file of FILES) for (const [k, v] of flatten(load('th', file))) keys.set(k, v);
      for (const [key, th] of [...keys, ['no.such.key', ''] as [string, string]]) {
        for (const value of values) {
          const options = Object.fromEntries(placeholders(th).map((p) => [p, value]));
          for (const [a, b] of [
            [fast.t(lang), plain.t(lang)],
            [fast.anyLang(lang), plain.anyLang(lang)],
          ] as const) {
            expect(a(key, options), `${lang} ${key}`).toBe(b(key, options));
            expect(a(key), `${lang} ${key} without values`).toBe(b(key));
            compared++;
          }
        }
        // Options i18next interprets still reach it (a count, a missing value).
        expect(fast.t(lang)(key, { count: 2 })).toBe(plain.t(lang)(key, { count: 2 }));
        expect(fast.t(lang)(key, {})).toBe(plain.t(lang)(key, {}));
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('dates', () => {
  it('are Buddhist-era in Thai and Gregorian in the other languages', () => {
    expect(formatDate('th', '2026-03-15')).toContain('2569');
    expect(formatPeriod('th', '2026-03')).toContain('2569');
    for (const lang of ['en', 'my', 'km', 'lo'] as const) {
      expect(formatDate(lang, '2026-03-15')).toContain('2026');
      expect(formatDate(lang, '2026-03-15')).not.toContain('2569');
    }
  });
});

describe('answers in every language', () => {
  const env = useAppAndMock();

  it('renders the main general answers within LINE limits in th, en, my, km and lo', async () => {
    const postbacks = [
      'action=greeting_help',
      'action=section40_info',
      'action=pay_contribution',
      'action=office_location&near=1',
      'action=news',
      'action=change_language',
      'action=talk_to_staff',
    ];
    for (const lang of LANGUAGES) {
      const userId = demoUserId(`lang-${lang}`);
      env.mock.setProfile(userId, { displayName: lang, language: lang });
      await env.app.post([events.follow({ userId })]);
      await env.app.settle();
      for (const data of postbacks) {
        const before = env.mock.replies().length;
        await env.app.post([events.postback({ userId }, data)]);
        await env.app.settle();
        expect(env.mock.replies().length, `${lang} ${data}`).toBe(before + 1);
      }
    }
    expect(env.mock.violations).toEqual([]);
  });
});
