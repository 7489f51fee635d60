/**
 * Dates and money for people: Thai dates in the Buddhist era, other languages Gregorian, all in
 * Asia/Bangkok; amounts in THB with the currency word from the locale (e.g. "1,750 บาท").
 */
import type { Lang, Translate } from './i18n.ts';

const LOCALE: Record<Lang, string> = {
  th: 'th-TH-u-ca-buddhist-nu-latn',
  en: 'en-GB',
  my: 'my-MM-u-nu-latn',
  km: 'km-KH-u-nu-latn',
  lo: 'lo-LA-u-nu-latn',
};

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateFormat(lang: Lang, kind: 'day' | 'month'): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE[lang], {
      timeZone: 'Asia/Bangkok',
      year: 'numeric',
      month: kind === 'day' ? 'short' : 'long',
      ...(kind === 'day' ? { day: 'numeric' } : {}),
    });
    cache.set(key, f);
  }
  return f;
}

/** `2026-03-15` → "15 มี.ค. 2569" (th) / "15 Mar 2026" (en). */
export function formatDate(lang: Lang, isoDate: string): string {
  return dateFormat(lang, 'day').format(new Date(`${isoDate.slice(0, 10)}T12:00:00+07:00`));
}

/** `2026-03` → "มีนาคม 2569" (th) / "March 2026" (en). */
export function formatPeriod(lang: Lang, period: string): string {
  return dateFormat(lang, 'month').format(new Date(`${period.slice(0, 7)}-15T12:00:00+07:00`));
}

/** A Gregorian year as the reader counts it: Buddhist era in Thai (2026 → 2569). */
export function formatYear(lang: Lang, year: number): string {
  return String(lang === 'th' ? year + 543 : year);
}

const plainNumber = new Intl.NumberFormat('en-US');

/** 1234.5 → "1,234.5" (en-US grouping; built once: a formatter costs more than the format). */
export function formatNumber(n: number): string {
  return plainNumber.format(n);
}

const numberFormat = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 2,
  minimumFractionDigits: 0,
});
const numberFormat2 = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 2,
  minimumFractionDigits: 2,
});

/** Satang → "1,750 บาท" / "1,750.50 THB", via the locale's `format.baht`. */
export function formatBaht(t: Translate, satang: number): string {
  const baht = satang / 100;
  const amount = Number.isInteger(baht) ? numberFormat.format(baht) : numberFormat2.format(baht);
  return String(t('format.baht', { amount }));
}

/** Today's date in Asia/Bangkok as YYYY-MM-DD. */
export function bangkokDate(now: number): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
}
