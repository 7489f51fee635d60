/**
 * `npm run cli -- news import <file> [options]`: parses a thaigov.go.th-style article (title
 * line, Thai Buddhist-era date, body, "ที่มา :" URL) into DATABASE_PATH; importing the same
 * article again (same source URL) updates it. `news list` prints the latest items.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../config.ts';
import { ArticleParseError, parseArticle } from '../news/parse-article.ts';
import { listNews, type NewsInput, type SectionNo, upsertNewsBySource } from '../store/news.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';

const USAGE = `usage: npm run cli -- news import <file> [--section 33,39] [--province 10,50]
                                   [--lang th,en] [--topic NAME] [--image https://…] [--draft]
       npm run cli -- news list [--limit N]
`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') return importCommand(rest);
  if (sub === 'list') return listCommand(rest);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  return usage(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
}

function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function importCommand(args: string[]): Promise<number> {
  const files: string[] = [];
  const extra: Partial<NewsInput> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--')
      ? (arg.split(/=(.*)/s) as [string, string?])
      : [arg];
    const value = () => inline ?? args[++i];
    if (flag === '--section') {
      const sections = csv(value()).map(Number);
      if (sections.some((s) => ![33, 39, 40].includes(s)))
        return usage('--section takes 33, 39, 40');
      extra.targetSections = sections as SectionNo[];
    } else if (flag === '--province') {
      const provinces = csv(value());
      if (provinces.some((p) => !/^[1-9]\d$/.test(p)))
        return usage('--province takes 2-digit codes');
      extra.targetProvinces = provinces;
    } else if (flag === '--lang') {
      const langs = csv(value());
      if (langs.length === 0 || langs.some((l) => !['th', 'en', 'my', 'km', 'lo'].includes(l))) {
        return usage('--lang takes th, en, my, km, lo');
      }
      extra.languages = langs;
    } else if (flag === '--topic') {
      const topic = value() ?? '';
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(topic))
        return usage('--topic: lower-case letters, digits, - or _');
      extra.topic = topic;
    } else if (flag === '--image') {
      const image = value() ?? '';
      if (!image.startsWith('https://')) return usage('--image must be an https:// URL');
      extra.imageUrl = image;
    } else if (flag === '--draft') extra.status = 'draft';
    else if (flag.startsWith('--')) return usage(`unknown option ${flag}`);
    else files.push(arg);
  }
  if (files.length === 0) return usage('give at least one file');

  const parsed: { file: string; input: NewsInput }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      process.stderr.write(`${file}: cannot read the file\n`);
      return 1;
    }
    try {
      const article = parseArticle(text);
      parsed.push({ file, input: { ...article, ...extra } });
    } catch (err) {
      if (!(err instanceof ArticleParseError)) throw err;
      process.stderr.write(`${file}: ${err.message}; nothing was imported\n`);
      return 1;
    }
  }

  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    for (const { file, input } of parsed) {
      const { item, created } = await upsertNewsBySource(store, input, Date.now());
      process.stdout.write(
        `${file}: news ${item.id} ${created ? 'created' : 'updated'}: ${item.publishedDate} ${item.title}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

async function listCommand(args: string[]): Promise<number> {
  let limit = 20;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--limit' || arg.startsWith('--limit=')) {
      limit = Number(arg === '--limit' ? args[++i] : arg.slice(8));
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return usage('--limit: 1 to 500');
    } else return usage(`unknown argument "${arg}"`);
  }
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const items = await listNews(store, { limit });
    if (items.length === 0) process.stdout.write('no news items\n');
    for (const n of items) {
      const targets = [
        n.targetSections.length ? `sections ${n.targetSections.join('/')}` : '',
        n.targetProvinces.length ? `provinces ${n.targetProvinces.join('/')}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      process.stdout.write(
        `${String(n.id).padStart(5)}  ${n.publishedDate}  ${n.status.padEnd(9)} ${n.languages.join(',').padEnd(5)} ${n.title}${targets ? `  [${targets}]` : ''}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

function usage(problem: string): number {
  process.stderr.write(`news: ${problem}\n\n${USAGE}`);
  return 2;
}
