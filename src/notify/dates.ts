/**
 * Calendar arithmetic for the notification engine, in Asia/Bangkok (UTC+7, no daylight saving):
 * days are `YYYY-MM-DD`, contribution periods `YYYY-MM`, instants ms since the epoch.
 */
import type { QuietHours } from '../config.ts';

const BANGKOK_OFFSET_MS = 7 * 3600_000;
export const DAY_MS = 24 * 3600_000;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The Bangkok calendar day of an instant. */
export function bangkokDay(at: number): string {
  return new Date(at + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes after Bangkok midnight of an instant (0–1439). */
export function bangkokMinuteOfDay(at: number): number {
  const d = new Date(at + BANGKOK_OFFSET_MS);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** The instant a Bangkok day starts (00:00 +07:00). */
export function bangkokMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00+07:00`);
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Months since year 0 of a period or a day. */
export function monthIndex(periodOrDay: string): number {
  return Number(periodOrDay.slice(0, 4)) * 12 + Number(periodOrDay.slice(5, 7)) - 1;
}

/** The period (`YYYY-MM`) of a month index. */
export function periodOf(index: number): string {
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

/** `period` plus `n` months. */
export function addMonths(period: string, n: number): string {
  return periodOf(monthIndex(period) + n);
}

/** The last day of a period (`2026-02` → `2026-02-28`). */
export function lastDayOf(period: string): string {
  const index = monthIndex(period) + 1;
  return addDays(`${periodOf(index)}-01`, -1);
}

/** Day `dayOfMonth` of a period, clamped to the month's last day. */
export function dayOf(period: string, dayOfMonth: number): string {
  const last = lastDayOf(period);
  return Number(last.slice(8, 10)) < dayOfMonth ? last : `${period}-${pad2(dayOfMonth)}`;
}

/** True when `at` falls in the quiet hours (Asia/Bangkok). */
export function inQuietHours(at: number, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const m = bangkokMinuteOfDay(at);
  return quiet.from < quiet.to ? m >= quiet.from && m < quiet.to : m >= quiet.from || m < quiet.to;
}

/** When the quiet hours around `at` end (`at` itself when it is not in quiet hours). */
export function quietHoursEnd(at: number, quiet: QuietHours | null): number {
  if (!quiet || !inQuietHours(at, quiet)) return at;
  const m = bangkokMinuteOfDay(at);
  const day = bangkokDay(at);
  // Before `to` today, or (quiet wrapping midnight, now before midnight) `to` tomorrow.
  const endDay = m < quiet.to ? day : addDays(day, 1);
  return bangkokMidnight(endDay) + quiet.to * 60_000;
}

/** `HH:MM-HH:MM` of quiet hours, for messages. */
export function formatQuietHours(quiet: QuietHours | null): string {
  if (!quiet) return 'off';
  const hm = (m: number) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
  return `${hm(quiet.from)}-${hm(quiet.to)}`;
}
