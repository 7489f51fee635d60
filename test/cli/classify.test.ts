import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'classify', ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH },
  });

describe('npm run cli -- classify', () => {
  it('prints one JSON line with the SPEC fields', () => {
    const r = cli(['เงินสมทบเดือนล่าสุดเข้ายัง']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out)).toEqual(['intent', 'confidence', 'lang', 'entities']);
    expect(out.intent).toBe('contribution_balance');
    expect(out.lang).toBe('th');
    expect(out.confidence).toBeGreaterThan(0);
    expect(out.confidence).toBeLessThanOrEqual(1);
  });

  it('streams --jsonl in order, plain text or {"text":…}, and masks national IDs', () => {
    const input = `${[
      'ประกันสังคมเชียงใหม่อยู่ไหน',
      JSON.stringify({ text: 'my id is 1-1037-02071-81-1 please link' }),
      'hello',
      '',
    ].join('\n')}\n`;
    const r = cli(['--jsonl'], input);
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({
      intent: 'office_location',
      entities: { province: { code: '50' } },
    });
    expect(out[1].entities.nationalId).toBe('1-1037-xxxxx-xx-1');
    expect(r.stdout).not.toContain('1103702071811');
    expect(out[2].intent).toBe('greeting_help');
    expect(out[3].intent).toBe('unknown');
  });

  it('explains its usage when given no text', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage');
  });
});
