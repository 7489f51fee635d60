import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knowledgeCatalogue } from '../../src/knowledge/catalogue.ts';
import { TOPICS } from '../../src/knowledge/topics/index.ts';

describe('docs/knowledge.md', () => {
  it('lists every topic with its rules and sources, as generated (npm run cli -- knowledge docs)', () => {
    const committed = readFileSync(new URL('../../docs/knowledge.md', import.meta.url), 'utf8');
    const day = /as of (\d{4}-\d{2}-\d{2})/.exec(committed)?.[1];
    expect(day).toBeDefined();
    expect(committed).toBe(knowledgeCatalogue(day!));
    for (const t of TOPICS) expect(committed).toContain(`\`${t.id}\``);
  });
});
