/**
 * `classify <text…>` prints one JSON line; `classify --jsonl` streams: one JSON line out for each
 * line in (plain text, or JSON with a `text` field), in order, in one process. National IDs are
 * printed masked: the output is a log line like any other.
 */
import { createInterface } from 'node:readline';
import { type Classification, classify, maskNationalId } from '../nlu/index.ts';

export function toJsonLine(result: Classification): string {
  const { intent, confidence, lang, entities } = result;
  const shown = entities.nationalId
    ? { ...entities, nationalId: maskNationalId(entities.nationalId) }
    : entities;
  return JSON.stringify({
    intent,
    confidence: Math.round(confidence * 1000) / 1000,
    lang,
    entities: shown,
  });
}

function textOf(line: string): string {
  if (line.startsWith('{')) {
    try {
      const parsed = JSON.parse(line) as { text?: unknown };
      if (typeof parsed.text === 'string') return parsed.text;
    } catch {
      // not JSON after all: classify the line as text
    }
  }
  return line;
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === '--jsonl') {
    const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let buffer = '';
    for await (const line of rl) {
      buffer += `${toJsonLine(classify(textOf(line)))}\n`;
      if (buffer.length > 64 * 1024) {
        if (!process.stdout.write(buffer))
          await new Promise((r) => process.stdout.once('drain', r));
        buffer = '';
      }
    }
    process.stdout.write(buffer);
    return 0;
  }
  const text = args.join(' ');
  if (text.trim() === '') {
    process.stderr.write('usage: npm run cli -- classify <text…> | classify --jsonl < lines\n');
    return 2;
  }
  process.stdout.write(`${toJsonLine(classify(text))}\n`);
  return 0;
}
