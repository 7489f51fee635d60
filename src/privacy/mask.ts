/**
 * Masks personal data in free text before it is stored (unanswered questions, staff-flag notes):
 * 13-digit national IDs in any form (Thai, Lao, Khmer, Myanmar or full-width digits; dots,
 * dashes, spaces, underscores or slashes between digits), the laser code on the back of the ID
 * card, dates (a birth date is a date), and Thai phone numbers. Digits are read as ASCII first,
 * so "๓๑๐๐๖๐๐๑๒๓๔๕๐" is caught like "3100600123450". Wages and the 1506 hotline stay.
 */

const NATIVE_DIGITS =
  /[\u0e50-\u0e59\u0ed0-\u0ed9\u17e0-\u17e9\u1040-\u1049\u1090-\u1099\uff10-\uff19]/g;
const DIGIT_ZERO = [0x0e50, 0x0ed0, 0x17e0, 0x1040, 0x1090, 0xff10];

function asciiDigits(text: string): string {
  return text.replace(NATIVE_DIGITS, (ch) => {
    const c = ch.charCodeAt(0);
    for (const zero of DIGIT_ZERO) if (c >= zero && c <= zero + 9) return String(c - zero);
    return ch;
  });
}

const SEP = '[\\s._\\-/\\u2010-\\u2015]';
/** Two Latin letters then 10 digits, separators allowed (ME0-1234567-89). */
const LASER = new RegExp(`(?<![A-Za-z])[A-Za-z]{2}${SEP}{0,2}(?:\\d${SEP}{0,2}){9}\\d(?!\\d)`, 'g');
/** 13 digits with at most two separator characters between any two. */
const NATIONAL_ID = new RegExp(`(?<!\\d)(?:\\d${SEP}{0,2}){12}\\d(?!\\d)`, 'g');
/** Thai phone numbers: 0X… (9–10 digits) or +66 …, separators allowed. */
const PHONE = new RegExp(
  `(?<![\\d+])(?:\\+?${SEP}?66${SEP}{0,2}|0)(?:\\d${SEP}{0,2}){7,8}\\d(?!\\d)`,
  'g',
);
const MONTHS =
  'มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม|' +
  'ม\\.ค|ก\\.พ|มี\\.ค|เม\\.ย|พ\\.ค|มิ\\.ย|ก\\.ค|ส\\.ค|ก\\.ย|ต\\.ค|พ\\.ย|ธ\\.ค|' +
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE_NUMERIC = new RegExp(
  `(?<![\\d+])(?:\\d{1,2}${SEP}{1,2}\\d{1,2}${SEP}{1,2}\\d{2,4}|\\d{4}${SEP}{1,2}\\d{1,2}${SEP}{1,2}\\d{1,2})(?!\\d)`,
  'g',
);
const DATE_WORDS = new RegExp(
  `(?<!\\d)\\d{1,2}\\s*(?:${MONTHS})\\.?\\s*(?:พ\\.ศ\\.|ค\\.ศ\\.)?\\s*\\d{2,4}(?!\\d)`,
  'giu',
);

export const MASKS = {
  nationalId: '[ID]',
  laserCode: '[LASER]',
  date: '[DATE]',
  phone: '[PHONE]',
} as const;

/** The text with personal data replaced by placeholders ([ID], [LASER], [DATE], [PHONE]). */
export function maskPersonalData(text: string): string {
  return asciiDigits(text)
    .replace(NATIONAL_ID, MASKS.nationalId)
    .replace(LASER, MASKS.laserCode)
    .replace(DATE_WORDS, MASKS.date)
    .replace(DATE_NUMERIC, MASKS.date)
    .replace(PHONE, MASKS.phone);
}
