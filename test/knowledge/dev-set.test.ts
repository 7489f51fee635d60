/**
 * The knowledge dev set (test/fixtures/knowledge-dev.jsonl, written apart from the knowledge
 * base): each question, sent by a new unlinked user whose LINE profile is Thai, must be answered
 * in the question's language, with the facts it lists, and never with only the link wall.
 * Thresholds (issue 13): th/en ≥ 95 %, my/km/lo ≥ 90 %.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { detectLang } from '../../src/nlu/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

interface DevLine {
  text: string;
  lang: 'th' | 'en' | 'my' | 'km' | 'lo';
  facts: string[];
  topic?: string;
}

const load = (name: string): DevLine[] =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DevLine);
/**
 * The dev set (241 questions) was used once for error analysis (vocabulary and content gaps were
 * fixed as general terms, never by copying questions); the hold-out set (120 questions) was
 * written later by another author who saw neither the answers nor the dev set, and nothing was
 * tuned on it: its numbers are the honest ones.
 */
const SETS = { dev: load('knowledge-dev.jsonl'), holdout: load('knowledge-holdout.jsonl') };
const lines: (DevLine & { set: keyof typeof SETS })[] = [
  ...SETS.dev.map((l) => ({ ...l, set: 'dev' as const })),
  ...SETS.holdout.map((l) => ({ ...l, set: 'holdout' as const })),
];

/** Issue 13's bar, on the dev set. */
const THRESHOLD = { th: 0.95, en: 0.95, my: 0.9, km: 0.9, lo: 0.9 } as const;
/**
 * The hold-out set's floor: what it measured when it was first run (th 0.93, en 0.83, my 0.80,
 * km 0.95, lo 0.95), less a margin; a regression guard, not a target to tune to. Raise it only
 * with a new, untouched hold-out set.
 */
const HOLDOUT_FLOOR = { th: 0.85, en: 0.75, my: 0.75, km: 0.85, lo: 0.85 } as const;
/** 4 Dec 2026, 10:00 in Bangkok. */
const NOW = Date.parse('2026-12-04T03:00:00Z');

let mock: LineMock;
let app: TestApp;
const results: { line: DevLine & { set: keyof typeof SETS }; ok: boolean; why: string }[] = [];

type Sent = { type: string; text?: string; altText?: string; contents?: unknown };

/** The words a person reads, without the footer lines (sources and dates are in every answer). */
function visibleText(messages: Sent[]): string {
  return messages
    .map((m) => (m.type === 'text' ? m.text : JSON.stringify(m.contents ?? '')))
    .join('\n');
}

/** A number must stand alone ("3" is not in "1506" or "30"); other facts are substrings. */
function statesFact(body: string, fact: string): boolean {
  if (!/^[\d,.]+%?$/.test(fact)) return body.includes(fact);
  const escaped = fact.replace(/[.%]/g, (c) => `\\${c}`);
  return new RegExp(`(?<![\\d,.])${escaped}(?![\\d]|[,.]\\d)`).test(body);
}

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, clock: { now: () => NOW } });
  let n = 0;
  for (const line of lines) {
    const userId = demoUserId(`kdev-${++n}`);
    mock.setProfile(userId, { displayName: 'x', language: 'th' });
    const before = mock.replies().length;
    await app.post([events.text({ userId }, line.text)]);
    await app.settle();
    const reply = mock.replies()[before];
    if (!reply) {
      results.push({ line, ok: false, why: 'no reply' });
      continue;
    }
    const messages = (reply.body as { messages: Sent[] }).messages;
    const body = JSON.stringify(messages);
    const missing = line.facts.filter((f) => !statesFact(body, f));
    const first = messages[0]!;
    const firstText = first.type === 'text' ? first.text! : (first.altText ?? '');
    const lang =
      detectLang(firstText.replace(/[A-Za-z0-9.\-/:]+\.(?:go\.th|com|th)\S*/g, '')) ?? 'th';
    const linkWallOnly = messages.every((m) => JSON.stringify(m).includes('linkToken='));
    const why = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      lang !== line.lang ? `answered in ${lang}` : '',
      linkWallOnly ? 'link wall only' : '',
    ]
      .filter(Boolean)
      .join('; ');
    results.push({
      line,
      ok: why === '',
      why: why ? `${why} ← ${visibleText(messages).slice(0, 160)}` : '',
    });
  }
}, 300_000);

afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

for (const set of ['dev', 'holdout'] as const) {
  describe(`knowledge ${set} set`, () => {
    it('has questions in all five languages', () => {
      expect(SETS[set].length).toBeGreaterThanOrEqual(set === 'dev' ? 150 : 100);
      expect(new Set(SETS[set].map((l) => l.lang))).toEqual(
        new Set(['th', 'en', 'my', 'km', 'lo']),
      );
    });

    for (const lang of ['th', 'en', 'my', 'km', 'lo'] as const) {
      const bar = set === 'dev' ? THRESHOLD[lang] : HOLDOUT_FLOOR[lang];
      it(`answers ≥ ${bar * 100} % of the ${lang} questions with the required facts, in ${lang}`, () => {
        const mine = results.filter((r) => r.line.set === set && r.line.lang === lang);
        const passed = mine.filter((r) => r.ok).length;
        const rate = mine.length ? passed / mine.length : 0;
        const report = mine
          .filter((r) => !r.ok)
          .map((r) => `  ${JSON.stringify(r.line.text)} [${r.line.facts.join(', ')}]: ${r.why}`)
          .join('\n');
        console.log(
          `[knowledge ${set}] ${lang}: ${passed}/${mine.length} = ${rate.toFixed(3)}\n${report}`,
        );
        expect(rate, `${lang}: ${passed}/${mine.length}\n${report}`).toBeGreaterThanOrEqual(bar);
      });
    }
  });
}
