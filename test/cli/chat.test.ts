import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sso-chat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chat(input: string, args: string[] = []) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'chat', ...args],
    {
      input,
      env: { PATH: process.env.PATH, DATABASE_PATH: join(dir, 'chat.sqlite'), LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return result;
}

describe('npm run cli -- chat', () => {
  it('shows replies readably: Flex as text with buttons, numbered quick replies, and taps', () => {
    const r = chat('/follow\nเมนู\n1\n/sticker\n/quit\n');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain('you> /follow');
    expect(out).toContain('ยินดีต้อนรับ');
    // The help menu is a Flex bubble: its texts and its buttons, numbered.
    expect(out).toMatch(/┌ ผู้ช่วยประกันสังคมทำอะไรได้บ้าง/);
    expect(out).toMatch(/\[1\] เงินสมทบของฉัน/);
    expect(out).toMatch(/quick replies: \[\d+\] /);
    // Picking "1" taps the first button (a postback), which is answered too.
    expect(out).toContain('(tapped "เงินสมทบของฉัน")');
    expect(out).toContain('สติกเกอร์');
  });

  it('speaks English to a user whose LINE profile is English', () => {
    const r = chat('/follow\n', ['--user', 'john', '--lang', 'en']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('welcome to the Social Security assistant');
  });
});
