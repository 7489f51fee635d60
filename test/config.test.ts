import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

describe('parseConfig', () => {
  it('uses the SPEC defaults in development and warns once per defaulted secret', () => {
    const warnings: string[] = [];
    const config = parseConfig({}, { warn: (m) => warnings.push(m) });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databasePath: './data/sso-bot.sqlite',
      channelSecret: 'dev-channel-secret',
      channelAccessToken: 'dev-access-token',
      lineApiBaseUrl: 'https://api.line.me',
      lineDataApiBaseUrl: 'https://api-data.line.me',
      publicBaseUrl: 'http://localhost:3000',
      adminToken: undefined,
      seedDemo: true,
      logLevel: 'info',
    });
    expect(warnings).toEqual([
      'LINE_CHANNEL_SECRET is not set; using the development default',
      'LINE_CHANNEL_ACCESS_TOKEN is not set; using the development default',
      'AUDIT_PSEUDONYM_KEY is not set; using the development default',
    ]);
  });

  it('refuses production without an audit pseudonym key, and never uses the channel secret for it', () => {
    const env = {
      NODE_ENV: 'production',
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      PUBLIC_BASE_URL: 'https://bot.example',
    };
    expect(() => parseConfig(env)).toThrow(/^AUDIT_PSEUDONYM_KEY/);
    const config = parseConfig({ ...env, AUDIT_PSEUDONYM_KEY: 'k' });
    expect(config.auditPseudonymKey).toBe('k');
    expect(config.auditPseudonymKey).not.toBe(config.channelSecret);
  });

  it('refuses production without a channel secret, naming the variable', () => {
    const env = {
      NODE_ENV: 'production',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      PUBLIC_BASE_URL: 'https://bot.example',
    };
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(/^LINE_CHANNEL_SECRET/);
  });

  it('names malformed values', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^PORT/);
    expect(() => parseConfig({ LINE_API_BASE_URL: 'ftp://x' })).toThrow(/^LINE_API_BASE_URL/);
    expect(() => parseConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL/);
    expect(() => parseConfig({ SEED_DEMO: 'maybe' })).toThrow(/^SEED_DEMO/);
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(/^ADMIN_TOKEN/);
    expect(() => parseConfig({ PROCESS_THREADS: 'many' })).toThrow(/^PROCESS_THREADS/);
    expect(() => parseConfig({ PROCESS_THREADS: '17' })).toThrow(/^PROCESS_THREADS/);
  });

  it('leaves the processing threads to the runtime unless PROCESS_THREADS says', () => {
    expect(parseConfig({}).processThreads).toBeUndefined();
    expect(parseConfig({ PROCESS_THREADS: '0' }).processThreads).toBe(0);
    expect(parseConfig({ PROCESS_THREADS: '2' }).processThreads).toBe(2);
  });

  it('keeps only the origin of base URLs', () => {
    expect(
      parseConfig({ LINE_API_BASE_URL: 'http://127.0.0.1:9999/some/path' }).lineApiBaseUrl,
    ).toBe('http://127.0.0.1:9999');
  });
});

describe('npm start in production with a missing secret', () => {
  it('exits non-zero with one clear line naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_PATH: ':memory:' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'Configuration error: LINE_CHANNEL_SECRET: is required when NODE_ENV=production',
    );
  });
});
