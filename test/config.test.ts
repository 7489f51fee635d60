import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

const DEV = { NODE_ENV: 'development' } as const;
const SECRETS = {
  LINE_CHANNEL_SECRET: 's',
  LINE_CHANNEL_ACCESS_TOKEN: 't',
  AUDIT_PSEUDONYM_KEY: 'k',
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
} as const;

describe('parseConfig', () => {
  it('uses the SPEC defaults in development and warns once per defaulted secret', () => {
    const warnings: string[] = [];
    const config = parseConfig({ ...DEV }, { warn: (m) => warnings.push(m) });
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
      'SESSION_SECRET is not set; using the development default',
    ]);
  });

  it('refuses production without a long session secret (operator console), naming it', () => {
    const env = {
      NODE_ENV: 'production',
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      AUDIT_PSEUDONYM_KEY: 'k',
      PUBLIC_BASE_URL: 'https://bot.example',
    };
    expect(() => parseConfig(env)).toThrow(/^SESSION_SECRET: is required/);
    expect(() => parseConfig({ ...env, SESSION_SECRET: 'short' })).toThrow(
      /^SESSION_SECRET: must be at least 32 characters/,
    );
    expect(
      parseConfig({ ...env, SESSION_SECRET: 'x'.repeat(8) + 'y'.repeat(24) }).sessionSecret,
    ).toHaveLength(32);
  });

  it('refuses production without an audit pseudonym key, and never uses the channel secret for it', () => {
    const env = {
      NODE_ENV: 'production',
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      PUBLIC_BASE_URL: 'https://bot.example',
    };
    expect(() => parseConfig(env)).toThrow(/^AUDIT_PSEUDONYM_KEY/);
    const config = parseConfig({
      ...env,
      AUDIT_PSEUDONYM_KEY: 'k',
      SESSION_SECRET: 'z'.repeat(32),
    });
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

  it('fails closed: NODE_ENV unset or test has no secret defaults, and unset counts as production', () => {
    for (const env of [{}, { NODE_ENV: 'test' }]) {
      expect(() => parseConfig(env)).toThrow(/^LINE_CHANNEL_SECRET: is required/);
      expect(() => parseConfig({ ...env, LINE_CHANNEL_SECRET: 's' })).toThrow(
        /^LINE_CHANNEL_ACCESS_TOKEN: is required/,
      );
      expect(() =>
        parseConfig({ ...env, LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' }),
      ).toThrow(/^AUDIT_PSEUDONYM_KEY: is required/);
    }
    expect(() => parseConfig({})).toThrow(/NODE_ENV=unset, which counts as production/);
    // Unset is production: an https public origin is required too, and no demo data.
    expect(() => parseConfig({ ...SECRETS })).toThrow(/^PUBLIC_BASE_URL/);
    const unset = parseConfig({ ...SECRETS, PUBLIC_BASE_URL: 'https://bot.example' });
    expect(unset.nodeEnv).toBe('production');
    expect(unset.seedDemo).toBe(false);
  });

  it('seeds demo data by default only in development; elsewhere only with SEED_DEMO=1', () => {
    expect(parseConfig({ ...DEV }).seedDemo).toBe(true);
    expect(parseConfig({ ...DEV, SEED_DEMO: '0' }).seedDemo).toBe(false);
    expect(parseConfig({ NODE_ENV: 'test', ...SECRETS }).seedDemo).toBe(false);
    const prod = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://bot.example', ...SECRETS };
    expect(parseConfig(prod).seedDemo).toBe(false);
    expect(parseConfig({ ...prod, SEED_DEMO: '1' }).seedDemo).toBe(true);
  });

  it('wants a strong ADMIN_TOKEN outside development', () => {
    const prod = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://bot.example', ...SECRETS };
    expect(() => parseConfig({ ...prod, ADMIN_TOKEN: 'a'.repeat(20) })).toThrow(/at least 32/);
    expect(() => parseConfig({ ...prod, ADMIN_TOKEN: 'a'.repeat(40) })).toThrow(/predictable/);
    expect(() => parseConfig({ ...prod, ADMIN_TOKEN: 'abcd1234'.repeat(5) })).toThrow(
      /predictable/,
    );
    const token = 'q8Zk3vP1-xN7wR4tLb9cYh2mJs6dFg0aEu5o';
    expect(parseConfig({ ...prod, ADMIN_TOKEN: token }).adminToken).toBe(token);
    expect(parseConfig({ ...DEV, ADMIN_TOKEN: 'dev-admin-token-16' }).adminToken).toBe(
      'dev-admin-token-16',
    );
  });

  it('reads CLIENT_IP_HEADER as a lower-case header name', () => {
    expect(parseConfig({ ...DEV }).clientIpHeader).toBeUndefined();
    expect(parseConfig({ ...DEV, CLIENT_IP_HEADER: 'CF-Connecting-IP' }).clientIpHeader).toBe(
      'cf-connecting-ip',
    );
    expect(() => parseConfig({ ...DEV, CLIENT_IP_HEADER: 'x y' })).toThrow(/^CLIENT_IP_HEADER/);
  });

  it('names malformed values', () => {
    expect(() => parseConfig({ ...DEV, PORT: 'eighty' })).toThrow(/^PORT/);
    expect(() => parseConfig({ ...DEV, LINE_API_BASE_URL: 'ftp://x' })).toThrow(
      /^LINE_API_BASE_URL/,
    );
    expect(() => parseConfig({ ...DEV, LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL/);
    expect(() => parseConfig({ ...DEV, SEED_DEMO: 'maybe' })).toThrow(/^SEED_DEMO/);
    expect(() => parseConfig({ ...DEV, ADMIN_TOKEN: 'short' })).toThrow(/^ADMIN_TOKEN/);
    expect(() => parseConfig({ ...DEV, PROCESS_THREADS: 'many' })).toThrow(/^PROCESS_THREADS/);
    expect(() => parseConfig({ ...DEV, PROCESS_THREADS: '17' })).toThrow(/^PROCESS_THREADS/);
  });

  it('leaves the processing threads to the runtime unless PROCESS_THREADS says', () => {
    expect(parseConfig({ ...DEV }).processThreads).toBeUndefined();
    expect(parseConfig({ ...DEV, PROCESS_THREADS: '0' }).processThreads).toBe(0);
    expect(parseConfig({ ...DEV, PROCESS_THREADS: '2' }).processThreads).toBe(2);
  });

  it('keeps only the origin of base URLs', () => {
    expect(
      parseConfig({ ...DEV, LINE_API_BASE_URL: 'http://127.0.0.1:9999/some/path' }).lineApiBaseUrl,
    ).toBe('http://127.0.0.1:9999');
  });
});

describe('the server with a missing secret', () => {
  for (const nodeEnv of ['production', undefined]) {
    it(`NODE_ENV=${nodeEnv ?? 'unset'}: exits non-zero with one clear line naming the variable`, () => {
      const env: Record<string, string | undefined> = {
        PATH: process.env.PATH,
        DATABASE_PATH: ':memory:',
      };
      if (nodeEnv) env.NODE_ENV = nodeEnv;
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
        env,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^Configuration error: LINE_CHANNEL_SECRET: is required \(NODE_ENV=/,
      );
    });
  }
});
