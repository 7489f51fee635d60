/**
 * The operators' guides name only commands that exist (the commands themselves are run by
 * test/entry/production-start.test.ts, test/store/backup.test.ts and the CLI tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const cliSource = readFileSync('src/cli/index.ts', 'utf8');
const commands = new Set(
  [...cliSource.matchAll(/^\s+'?([a-z][a-z-]*)'?: \(\) => import\(/gm)].map((m) => m[1]!),
);
const scripts = Object.keys(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts,
);

describe('docs/deploy-*.md', () => {
  for (const guide of ['docs/deploy-node.md']) {
    it(`${guide}: every CLI command and npm script it names exists`, () => {
      expect(existsSync(guide)).toBe(true);
      const text = readFileSync(guide, 'utf8');
      const named = [
        ...text.matchAll(/(?:node dist\/cli\/index\.js|npm run cli --) ([a-z][a-z-]*)/g),
      ].map((m) => m[1]!);
      expect(named.length).toBeGreaterThan(3);
      for (const name of named) expect(commands, `${guide}: ${name}`).toContain(name);
      for (const m of text.matchAll(/npm run ([a-z][a-z:-]*)/g)) {
        if (m[1] === 'cli') continue;
        expect(scripts, `${guide}: npm run ${m[1]}`).toContain(m[1]);
      }
      // Every backtick-quoted command name in the "Operators' commands" list exists too.
      const list = text.split("## 9. Operators' commands")[1] ?? '';
      for (const m of list.matchAll(/`([a-z][a-z-]*)(?: [a-z]+)?`/g)) {
        expect(commands, `${guide}: ${m[1]}`).toContain(m[1]!);
      }
    });
  }
});
