/**
 * NLU throughput on one core, against a floor measured in the same run: the floor does the
 * least a keyword bot must do (lower-case the text and look for 13 keywords).
 */
import { readFileSync } from 'node:fs';
import { topicFacts } from '../src/knowledge/facts.ts';
import { selectTopic } from '../src/knowledge/select.ts';
import { classify } from '../src/nlu/index.ts';
import { now, round, summarise } from './stats.ts';

const KEYWORDS = [
  'เงินสมทบ',
  'โรงพยาบาล',
  'ว่างงาน',
  'สำนักงาน',
  'ข่าว',
  'ผูกบัญชี',
  'ยกเลิก',
  'ภาษา',
  'มาตรา 40',
  'จ่าย',
  'เจ้าหน้าที่',
  'สวัสดี',
  'hello',
];

function floorClassify(text: string): number {
  const t = text.toLowerCase();
  for (let i = 0; i < KEYWORDS.length; i++) if (t.includes(KEYWORDS[i]!)) return i;
  return -1;
}

function loadTexts(): string[] {
  const url = new URL('../test/fixtures/nlu-dev.jsonl', import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** The knowledge dev set's questions (general questions people ask). */
function loadQuestions(): string[] {
  const url = new URL('../test/fixtures/knowledge-dev.jsonl', import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** Classification, then the topic and its figures on a day: what a general answer needs. */
function classifyAndRetrieve(text: string): unknown {
  const c = classify(text);
  const choice = selectTopic(c.intent, c.entities);
  return choice ? topicFacts(choice.topic, '2026-12-04') : c;
}

function throughput(fn: (t: string) => unknown, texts: string[], minMs: number): number {
  let count = 0;
  const start = now();
  let sink = 0;
  while (now() - start < minMs) {
    for (const t of texts) {
      sink ^= fn(t) === undefined ? 0 : 1;
      count++;
    }
  }
  if (sink === 42) console.log('');
  return count / ((now() - start) / 1000);
}

export function benchNlu(durationMs = 3000) {
  const texts = loadTexts();
  for (let i = 0; i < 3; i++) for (const t of texts) classify(t); // warm up (and build the model)
  const floor = throughput(floorClassify, texts, durationMs / 3);
  const perSecond = throughput((t) => classify(t), texts, durationMs);
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const t of texts) {
      const s = now();
      classify(t);
      samples.push(now() - s);
    }
  }
  const longText = 'ขอสอบถามเรื่องเงินสมทบครับ '.repeat(200);
  const longSamples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = now();
    classify(longText);
    longSamples.push(now() - s);
  }
  const questions = [...loadQuestions(), ...texts];
  for (const q of questions) classifyAndRetrieve(q);
  const retrievePerSecond = throughput(classifyAndRetrieve, questions, durationMs);
  return {
    utterances: texts.length,
    knowledge: {
      questions: questions.length,
      classifyAndRetrievePerSecond: Math.round(retrievePerSecond),
      ratioToFloor: round(retrievePerSecond / floor, 4),
      target: '≥ 25,000 questions/s on one core',
      meetsTarget: retrievePerSecond >= 25_000,
    },
    classifyPerSecond: Math.round(perSecond),
    floorPerSecond: Math.round(floor),
    ratioToFloor: round(perSecond / floor, 4),
    latency: summarise(samples),
    longTextLatency: summarise(longSamples),
    target: '≥ 20,000 utterances/s on one core',
    meetsTarget: perSecond >= 20_000,
  };
}
