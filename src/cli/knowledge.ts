/**
 * `npm run cli -- knowledge list | show <id> [--lang L] [--at YYYY-MM-DD] | docs`: what the bot
 * knows, one answer as a person would read it, and the operators' catalogue (docs/knowledge.md).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bangkokDate } from '../format.ts';
import { createI18n, LANGUAGES, type Lang } from '../i18n.ts';
import { knowledgeCatalogue } from '../knowledge/catalogue.ts';
import { topicText } from '../knowledge/render.ts';
import { topicById } from '../knowledge/select.ts';
import { TOPICS } from '../knowledge/topics/index.ts';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: 'string', default: 'th' }, at: { type: 'string' } },
  });
  const [sub, id] = positionals;
  const day = values.at ?? bangkokDate(Date.now());
  if (sub === 'list') {
    const t = createI18n().t('th');
    for (const topic of TOPICS)
      process.stdout.write(`${topic.id}\t${t(`knowledge.${topic.id}.title`)}\n`);
    return 0;
  }
  if (sub === 'show' && id) {
    const topic = topicById(id);
    const lang = values.lang as Lang;
    if (!topic || !LANGUAGES.includes(lang)) {
      process.stderr.write(`unknown topic "${id}" or language "${values.lang}"\n`);
      return 2;
    }
    const r = topicText(
      { t: createI18n().t(lang), lang, now: Date.parse(`${day}T03:00:00Z`) },
      topic,
    );
    process.stdout.write(`${r.title}\n\n${r.body}\n\n${r.footer.join('\n')}\n${r.warning ?? ''}\n`);
    return 0;
  }
  if (sub === 'docs') {
    writeFileSync(new URL('../../docs/knowledge.md', import.meta.url), knowledgeCatalogue(day));
    process.stdout.write('wrote docs/knowledge.md\n');
    return 0;
  }
  process.stderr.write(
    'usage: knowledge list | show <id> [--lang th] [--at YYYY-MM-DD] | docs [--at YYYY-MM-DD]\n',
  );
  return 2;
}
