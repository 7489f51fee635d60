/** NOTIFY_QUIET_HOURS and NOTIFY_PUSH_RATE, quiet-hour arithmetic, LINE's quota calls. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseQuietHours } from '../../src/config.ts';
import { createLineClient } from '../../src/line/client.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { inQuietHours, quietHoursEnd } from '../../src/notify/dates.ts';
import { zeroCounts } from '../../src/notify/plan.ts';
import { sha256, stableRetryKeySync } from '../../src/notify/retry-key.ts';
import { allocate, quotaState } from '../../src/notify/send.ts';
import { startLineMock } from '../helpers/line-mock.ts';
import { bkk } from './helpers.ts';

const DEV = { NODE_ENV: 'development' } as const;

describe('configuration', () => {
  it('defaults: quiet 21:00-08:00 Asia/Bangkok, 1,000 pushes a second', () => {
    const config = parseConfig({ ...DEV });
    expect(config.notifyQuietHours).toEqual({ from: 21 * 60, to: 8 * 60 });
    expect(config.notifyPushRate).toBe(1000);
  });

  it('reads and checks NOTIFY_QUIET_HOURS and NOTIFY_PUSH_RATE', () => {
    expect(parseQuietHours('22:30-06:00')).toEqual({ from: 22 * 60 + 30, to: 6 * 60 });
    expect(parseQuietHours('12:00-13:00')).toEqual({ from: 720, to: 780 });
    expect(parseQuietHours('off')).toBeNull();
    for (const bad of ['21-08', '25:00-08:00', '21:00-21:00', 'night']) {
      expect(() => parseQuietHours(bad), bad).toThrow(ConfigError);
    }
    expect(() => parseConfig({ ...DEV, NOTIFY_QUIET_HOURS: 'x' })).toThrow(/^NOTIFY_QUIET_HOURS/);
    expect(parseConfig({ ...DEV, NOTIFY_PUSH_RATE: '2000' }).notifyPushRate).toBe(2000);
    expect(() => parseConfig({ ...DEV, NOTIFY_PUSH_RATE: '2001' })).toThrow(/^NOTIFY_PUSH_RATE/);
    expect(() => parseConfig({ ...DEV, NOTIFY_PUSH_RATE: '0' })).toThrow(/^NOTIFY_PUSH_RATE/);
  });
});

describe('quiet hours', () => {
  const quiet = { from: 21 * 60, to: 8 * 60 };
  it('wraps midnight, in Bangkok time', () => {
    expect(inQuietHours(bkk('2026-03-10T20:59:00'), quiet)).toBe(false);
    expect(inQuietHours(bkk('2026-03-10T21:00:00'), quiet)).toBe(true);
    expect(inQuietHours(bkk('2026-03-11T03:00:00'), quiet)).toBe(true);
    expect(inQuietHours(bkk('2026-03-11T08:00:00'), quiet)).toBe(false);
    expect(inQuietHours(bkk('2026-03-11T03:00:00'), null)).toBe(false);
    expect(quietHoursEnd(bkk('2026-03-10T23:00:00'), quiet)).toBe(bkk('2026-03-11T08:00:00'));
    expect(quietHoursEnd(bkk('2026-03-11T01:00:00'), quiet)).toBe(bkk('2026-03-11T08:00:00'));
    const noon = { from: 12 * 60, to: 13 * 60 };
    expect(inQuietHours(bkk('2026-03-11T12:30:00'), noon)).toBe(true);
    expect(quietHoursEnd(bkk('2026-03-11T12:30:00'), noon)).toBe(bkk('2026-03-11T13:00:00'));
  });
});

describe('the quota', () => {
  it('keeps a reserve and gives what is left to the most valuable categories first', () => {
    expect(quotaState({ limit: null }, { totalUsage: 5 })).toEqual({
      limit: null,
      used: 5,
      reserve: 0,
      left: null,
    });
    expect(quotaState({ limit: 10_000 }, { totalUsage: 9_000 })).toEqual({
      limit: 10_000,
      used: 9_000,
      reserve: 100,
      left: 900,
    });
    expect(quotaState({ limit: 100 }, { totalUsage: 100 }).left).toBe(0);
    const due = { ...zeroCounts(), claim_decided: 3, payment_made: 4, hospital_window: 9 };
    expect(allocate(due, 5)).toMatchObject({
      claim_decided: 3,
      payment_made: 2,
      hospital_window: 0,
    });
    expect(allocate(due, null)).toEqual(due);
  });

  it('reads LINE quota and consumption (mock validates the calls)', async () => {
    const mock = await startLineMock();
    try {
      const line = createLineClient({
        channelAccessToken: 'dev-access-token',
        apiBaseUrl: mock.url,
      });
      expect(await line.getMessageQuota()).toEqual({ limit: null });
      mock.setQuota({ limit: 15_000, totalUsage: 120 });
      expect(await line.getMessageQuota()).toEqual({ limit: 15_000 });
      expect(await line.getMessageConsumption()).toEqual({ totalUsage: 120 });
      await line.push('U1', [{ type: 'text', text: 'hi' }], crypto.randomUUID());
      expect(await line.getMessageConsumption()).toEqual({ totalUsage: 121 });
      expect(mock.violations).toEqual([]);
    } finally {
      await mock.close();
    }
  });
});

describe('retry keys', () => {
  it('the synchronous key is stableRetryKey exactly', async () => {
    for (const purpose of [
      'notify:1',
      'notify:123456789',
      '',
      'x'.repeat(55),
      'x'.repeat(64),
      'ก'.repeat(40),
    ]) {
      expect(stableRetryKeySync(purpose)).toBe(await stableRetryKey(purpose));
    }
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'.repeat(50))),
    );
    expect(sha256(new TextEncoder().encode('abc'.repeat(50)))).toEqual(digest);
  });
});
