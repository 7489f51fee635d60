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

  it('links the demo migrant workers with a pink card or a passport and a link code', () => {
    const pink = chat(
      'ผูกบัญชี\n/link pink 0067102345674 1994-06-18 myan3-pnk47\nเงินสมทบของฉัน\n/quit\n',
      ['--user', 'aung'],
    );
    expect(pink.status).toBe(0);
    expect(pink.stdout).toContain('(the page accepted the details');
    expect(pink.stdout).toContain('0-0671-xxxxx-xx-4');
    expect(pink.stdout).not.toContain('0067102345674\n');
    const passport = chat('ผูกบัญชี\n/link passport KHM:N01234567 1997-02-03 KHMR4-PPT96\n/quit\n', [
      '--user',
      'sok',
    ]);
    expect(passport.status).toBe(0);
    expect(passport.stdout).toContain('0-0672-xxxxx-xx-1');
  });
});
