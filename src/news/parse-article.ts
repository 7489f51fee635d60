/**
 * Parses a news article saved as text from thaigov.go.th (the shape of ../shared/news-samples):
 *
 *   รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-<title>          ← the page title, with the site's prefix
 *   (blank lines)
 *   วันเสาร์ที่ 18 มิถุนายน 2565                    ← the Thai Buddhist-era date
 *   06/10/2566 · พิมพ์ · ...                          ← page furniture, optional
 *   <title again, once or twice>
 *   <lead paragraph> <body paragraphs…>
 *   ที่มา : https://www.thaigov.go.th/news/contents/details/55847
 *
 * No I/O: the CLI reads the file, the parser returns the fields or says which one is missing.
 */

export interface ParsedArticle {
  readonly title: string;
  /** YYYY-MM-DD (Gregorian). */
  readonly publishedDate: string;
  readonly summary: string;
  readonly body: string;
  readonly sourceUrl: string | null;
}

export class ArticleParseError extends Error {
  override readonly name = 'ArticleParseError';
}

const THAI_MONTHS: readonly (readonly string[])[] = [
  ['มกราคม', 'ม.ค.'],
  ['กุมภาพันธ์', 'ก.พ.'],
  ['มีนาคม', 'มี.ค.'],
  ['เมษายน', 'เม.ย.'],
  ['พฤษภาคม', 'พ.ค.'],
  ['มิถุนายน', 'มิ.ย.'],
  ['กรกฎาคม', 'ก.ค.'],
  ['สิงหาคม', 'ส.ค.'],
  ['กันยายน', 'ก.ย.'],
  ['ตุลาคม', 'ต.ค.'],
  ['พฤศจิกายน', 'พ.ย.'],
  ['ธันวาคม', 'ธ.ค.'],
];

const SITE_PREFIX = /^รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-/;
const SOURCE = /^ที่มา\s*[:：]\s*(\S+)/;
const FURNITURE = /^(พิมพ์|\.{3}|…|\d{1,2}\/\d{1,2}\/\d{4})$/;
const SUMMARY_CHARS = 200;

/**
 * A Thai date with a Buddhist-era year ("วันเสาร์ที่ 18 มิถุนายน 2565", "18 มิ.ย. 2565",
 * "วันที่ 6 ตุลาคม 2566") → "2022-06-18"; undefined when the text has no such date.
 */
export function parseThaiDate(text: string): string | undefined {
  const digits = text.replace(/[๐-๙]/g, (d) => String(d.charCodeAt(0) - 0x0e50));
  for (const [i, names] of THAI_MONTHS.entries()) {
    for (const name of names) {
      const at = digits.indexOf(name);
      if (at < 0) continue;
      const day = /(\d{1,2})\s*$/.exec(digits.slice(0, at));
      const year = /^\s*(?:พ\.ศ\.\s*)?(\d{4})/.exec(digits.slice(at + name.length));
      if (!day || !year) continue;
      const d = Number(day[1]);
      const be = Number(year[1]);
      const y = be > 2400 ? be - 543 : be;
      const iso = `${y}-${String(i + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const check = new Date(`${iso}T00:00:00Z`);
      if (Number.isNaN(check.getTime()) || check.getUTCDate() !== d) return undefined;
      return iso;
    }
  }
  return undefined;
}

/** The first `max` characters of a paragraph, cut at a space when there is one, with "…". */
export function summarise(text: string, max = SUMMARY_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function parseArticle(text: string): ParsedArticle {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim());
  const firstIdx = lines.findIndex((l) => l !== '');
  if (firstIdx < 0) throw new ArticleParseError('the file is empty');
  const title = lines[firstIdx]!.replace(SITE_PREFIX, '').trim();
  if (!title) throw new ArticleParseError('line 1 (the title) is empty');

  let publishedDate: string | undefined;
  let sourceUrl: string | null = null;
  const paragraphs: string[] = [];
  for (const line of lines.slice(firstIdx + 1)) {
    if (line === '') continue;
    const source = SOURCE.exec(line);
    if (source) {
      sourceUrl = parseSourceUrl(source[1]!);
      continue;
    }
    if (!publishedDate && paragraphs.length === 0) {
      const date = parseThaiDate(line);
      if (date && line.length < 60) {
        publishedDate = date;
        continue;
      }
    }
    if (FURNITURE.test(line)) continue;
    if (line === title && paragraphs.every((p) => p === title)) continue; // repeated headline
    paragraphs.push(line);
  }
  if (!publishedDate) {
    throw new ArticleParseError(
      'no publication date (a Thai date such as "วันเสาร์ที่ 18 มิถุนายน 2565") before the body',
    );
  }
  if (paragraphs.length === 0) throw new ArticleParseError('the article has no body');
  return {
    title,
    publishedDate,
    summary: summarise(paragraphs[0]!),
    body: paragraphs.join('\n'),
    sourceUrl,
  };
}

function parseSourceUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.toString();
  } catch {
    // fall through
  }
  throw new ArticleParseError(`"ที่มา" is not an http(s) URL: ${raw}`);
}
