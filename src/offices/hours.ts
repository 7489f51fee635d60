/**
 * Opening hours and the open-now status in Asia/Bangkok, with Thai public holidays as dated data
 * (data/holidays/th-public-holidays.json). Hours are stored as JSON
 * `{"mon":[["08:30","16:30"]],…}` (a missing day = closed); `null` = not known, in which case
 * the status is computed against the usual government office hours and labelled as such.
 */
import holidayData from '../../data/holidays/th-public-holidays.json' with { type: 'json' };

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export type WeeklyHours = Partial<Record<Day, [string, string][]>>;

/** Usual Thai government office hours: Mon–Fri 08:30–16:30 (not confirmed for any office). */
export const USUAL_GOVERNMENT_HOURS: WeeklyHours = {
  mon: [['08:30', '16:30']],
  tue: [['08:30', '16:30']],
  wed: [['08:30', '16:30']],
  thu: [['08:30', '16:30']],
  fri: [['08:30', '16:30']],
};

export interface Holiday {
  date: string;
  name_th: string;
  name_en: string;
  confidence: string;
}

const HOLIDAYS = new Map<string, Holiday>(
  (holidayData.holidays as Holiday[]).map((h) => [h.date, h]),
);
const HOLIDAY_YEARS = new Set([...HOLIDAYS.keys()].map((d) => d.slice(0, 4)));

export function holidayOn(isoDate: string): Holiday | undefined {
  return HOLIDAYS.get(isoDate);
}

/** True when the holiday data covers the year (outside it, holidays are unknown). */
export function holidaysKnownFor(isoDate: string): boolean {
  return HOLIDAY_YEARS.has(isoDate.slice(0, 4));
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Parses stored hours; `undefined` when absent or malformed (treated as unknown). */
export function parseHours(json: string | null): WeeklyHours | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return isWeeklyHours(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isWeeklyHours(value: unknown): value is WeeklyHours {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const [day, ranges] of Object.entries(value)) {
    if (!(DAYS as readonly string[]).includes(day) || !Array.isArray(ranges)) return false;
    for (const r of ranges) {
      if (
        !Array.isArray(r) ||
        r.length !== 2 ||
        !TIME.test(r[0]) ||
        !TIME.test(r[1]) ||
        r[0] >= r[1]
      )
        return false;
    }
  }
  return true;
}

/**
 * `mon-fri 08:30-16:30; sat 08:30-12:00` (days: mon…sun, single or ranges, comma lists; several
 * ranges per day allowed) → WeeklyHours. Returns an error message instead when it cannot parse.
 */
export function parseHoursText(text: string): WeeklyHours | string {
  const out: WeeklyHours = {};
  for (const part of text
    .split(';')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const m = /^([a-z,\- ]+?)\s+((?:\d{2}:\d{2}-\d{2}:\d{2}\s*,?\s*)+)$/.exec(part);
    if (!m) return `cannot read "${part}"; write e.g. mon-fri 08:30-16:30; sat 08:30-12:00`;
    const days: Day[] = [];
    for (const d of m[1]!.split(',').map((s) => s.trim())) {
      const [from, to] = d.split('-').map((s) => s.trim()) as [string, string | undefined];
      const a = DAYS.indexOf(from as Day);
      const b = to === undefined ? a : DAYS.indexOf(to as Day);
      if (a < 0 || b < 0 || b < a) return `unknown day range "${d}"`;
      for (let i = a; i <= b; i++) days.push(DAYS[i]!);
    }
    const ranges = m[2]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((r) => r.split('-') as [string, string]);
    for (const day of days) out[day] = [...(out[day] ?? []), ...ranges];
  }
  if (!isWeeklyHours(out) || Object.keys(out).length === 0)
    return 'times must be HH:MM-HH:MM with the opening before the closing time';
  return out;
}

export interface BangkokNow {
  /** YYYY-MM-DD */
  date: string;
  day: Day;
  /** HH:MM */
  time: string;
}

export function bangkokNow(now: number): BangkokNow {
  const d = new Date(now + 7 * 3600_000);
  const iso = d.toISOString();
  return { date: iso.slice(0, 10), day: DAYS[(d.getUTCDay() + 6) % 7]!, time: iso.slice(11, 16) };
}

export type OpenState =
  | { state: 'open'; until: string }
  | { state: 'closed'; opens?: { day: Day; time: string } }
  | { state: 'holiday'; holiday: Holiday };

/** Open now? A dated public holiday closes the office whatever its weekly hours say. */
export function openState(hours: WeeklyHours, now: number): OpenState {
  const b = bangkokNow(now);
  const holiday = holidayOn(b.date);
  if (holiday) return { state: 'holiday', holiday };
  for (const [from, to] of hours[b.day] ?? []) {
    if (b.time >= from && b.time < to) return { state: 'open', until: to };
  }
  // The next opening this week (later today, or a following day), holidays aside.
  const later = (hours[b.day] ?? []).find(([from]) => from > b.time);
  if (later) return { state: 'closed', opens: { day: b.day, time: later[0] } };
  const start = DAYS.indexOf(b.day);
  for (let i = 1; i <= 7; i++) {
    const day = DAYS[(start + i) % 7]!;
    const first = hours[day]?.[0];
    if (first) return { state: 'closed', opens: { day, time: first[0] } };
  }
  return { state: 'closed' };
}

/** "mon-fri 08:30-16:30" style summary, grouping consecutive days with equal hours. */
export function describeHours(hours: WeeklyHours, dayName: (d: Day) => string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < DAYS.length) {
    const ranges = hours[DAYS[i]!];
    if (!ranges?.length) {
      i++;
      continue;
    }
    const key = JSON.stringify(ranges);
    let j = i;
    while (j + 1 < DAYS.length && JSON.stringify(hours[DAYS[j + 1]!]) === key) j++;
    const days = i === j ? dayName(DAYS[i]!) : `${dayName(DAYS[i]!)}–${dayName(DAYS[j]!)}`;
    parts.push(`${days} ${ranges.map(([a, b]) => `${a}–${b}`).join(', ')}`);
    i = j + 1;
  }
  return parts.join('; ');
}
