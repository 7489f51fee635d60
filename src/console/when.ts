/**
 * Times for the console's pages, in Asia/Bangkok: "15 มี.ค. 2569 14:05" (Thai, Buddhist era) or
 * "15 Mar 2026, 14:05" (English); a <time> element's machine-readable value in ISO 8601.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(lang: 'th' | 'en', withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${withTime}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'th' ? 'th-TH-u-ca-buddhist-nu-latn' : 'en-GB', {
      timeZone: 'Asia/Bangkok',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

/** A moment (ms) as the reader says it, in Bangkok time. */
export function formatWhen(lang: 'th' | 'en', ms: number): string {
  return format(lang, true).format(new Date(ms));
}

/** A day (ms) as the reader says it, in Bangkok time. */
export function formatDay(lang: 'th' | 'en', ms: number): string {
  return format(lang, false).format(new Date(ms));
}

/** The `datetime` attribute of a <time> element. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
