/**
 * `npm run cli -- richmenu <render|deploy|list|remove>`: the rich menu (docs/richmenu.md).
 * `render` draws assets/richmenu/<lang>/<menu>.png from src/richmenu/definition.ts (dev
 * dependencies); `deploy` sends the definition and the committed PNGs to LINE, idempotently.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../config.ts';
import { createI18n, LANGUAGES, type Lang } from '../i18n.ts';
import { createRichMenuApi, type RichMenuApi } from '../line/client.ts';
import { findRichMenuImageViolations } from '../line/limits.ts';
import {
  type BuiltMenu,
  buildAllMenus,
  RICH_MENU_PREFIX,
  richMenuAliasId,
} from '../richmenu/definition.ts';
import { deployRichMenus, type MenuWithImage, removeRichMenus } from '../richmenu/deploy.ts';

export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../assets/richmenu/', import.meta.url));

const USAGE = `usage: npm run cli -- richmenu <command>

  render [--out DIR] [--lang th,en]   draw DIR/<lang>/<menu>.png (default assets/richmenu)
  deploy [--lang th,en] [--default th] [--dir DIR]
                                      create/upload/alias/set-default on LINE; idempotent
  list                                the channel's rich menus, aliases and default
  remove                              delete the sso-* aliases and menus, unset the default
`;

export function imagePath(dir: string, menu: Pick<BuiltMenu, 'lang' | 'key'>): string {
  return join(dir, menu.lang, `${menu.key}.png`);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function parseLangs(value: string | undefined): Lang[] | string {
  if (!value) return [...LANGUAGES];
  const langs = value.split(',').filter(Boolean);
  const bad = langs.filter((l) => !(LANGUAGES as readonly string[]).includes(l));
  return bad.length > 0 ? `unknown language ${bad.join(', ')}` : (langs as Lang[]);
}

function api(): RichMenuApi {
  const config = parseConfig(process.env as Record<string, string | undefined>);
  return createRichMenuApi({
    channelAccessToken: config.channelAccessToken,
    apiBaseUrl: config.lineApiBaseUrl,
    dataApiBaseUrl: config.lineDataApiBaseUrl,
  });
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const langs = parseLangs(option(rest, '--lang'));
  if (typeof langs === 'string') {
    process.stderr.write(`${langs}\n\n${USAGE}`);
    return 2;
  }
  const i18n = createI18n();
  switch (sub) {
    case 'render': {
      const dir = resolve(option(rest, '--out') ?? DEFAULT_ASSETS_DIR);
      const { createRenderer } = await import('../richmenu/render.ts');
      const renderer = await createRenderer();
      for (const menu of buildAllMenus(i18n, langs)) {
        const png = renderer.png(menu);
        const file = imagePath(dir, menu);
        mkdirSync(join(dir, menu.lang), { recursive: true });
        writeFileSync(file, png);
        out(`${file}  ${(png.byteLength / 1024).toFixed(0)} KB`);
      }
      return 0;
    }
    case 'deploy': {
      const dir = resolve(option(rest, '--dir') ?? DEFAULT_ASSETS_DIR);
      const defaultLang = (option(rest, '--default') ??
        (langs.includes('th') ? 'th' : langs[0])) as Lang;
      if (!langs.includes(defaultLang)) {
        process.stderr.write(`--default ${defaultLang} is not among the deployed languages\n`);
        return 2;
      }
      const items: MenuWithImage[] = [];
      for (const menu of buildAllMenus(i18n, langs)) {
        const file = imagePath(dir, menu);
        if (!existsSync(file)) {
          process.stderr.write(`${file} is missing: run \`npm run cli -- richmenu render\`\n`);
          return 1;
        }
        const image = new Uint8Array(readFileSync(file));
        const problems = findRichMenuImageViolations(image, {
          width: menu.request.size?.width ?? 0,
          height: menu.request.size?.height ?? 0,
        });
        if (problems.length > 0) {
          process.stderr.write(`${file}: ${problems.join('; ')}\n`);
          return 1;
        }
        items.push({ menu, image });
      }
      const report = await deployRichMenus(
        api(),
        items,
        richMenuAliasId('my-services', defaultLang),
        out,
      );
      out(
        `done: ${report.created.length} created, ${report.unchanged.length} unchanged, ` +
          `${report.aliasesCreated.length + report.aliasesUpdated.length} aliases changed, ` +
          `default ${report.defaultSet ? 'set' : 'unchanged'}, ${report.deleted.length} stale deleted`,
      );
      return 0;
    }
    case 'list': {
      const line = api();
      const [menus, aliases, def] = await Promise.all([
        line.list(),
        line.listAliases(),
        line.getDefault(),
      ]);
      out(`rich menus (${menus.length}):`);
      for (const m of menus) {
        const aka = aliases
          .filter((a) => a.richMenuId === m.richMenuId)
          .map((a) => a.richMenuAliasId);
        out(
          `  ${m.richMenuId}  ${m.name}  "${m.chatBarText}"  ${m.size.width}x${m.size.height}  ${m.areas} areas` +
            `${m.richMenuId === def ? '  [default]' : ''}${aka.length ? `  aliases: ${aka.join(', ')}` : ''}`,
        );
      }
      out(`aliases (${aliases.length}):`);
      for (const a of aliases) out(`  ${a.richMenuAliasId} → ${a.richMenuId}`);
      out(`default: ${def ?? 'none'}`);
      return 0;
    }
    case 'remove': {
      const r = await removeRichMenus(api(), out);
      out(
        `done: ${r.aliases.length} aliases and ${r.menus.length} ${RICH_MENU_PREFIX}* menus deleted` +
          `${r.defaultCancelled ? ', default unset' : ''}`,
      );
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return sub ? 2 : 0;
  }
}
