/** @jsxImportSource hono/jsx */
/**
 * /console/richmenu: the rich menu as users see it, which of ours LINE is serving, and the deploy
 * (publisher and up; the same idempotent deploy as `npm run cli -- richmenu deploy`).
 *
 * The pictures are the PNGs `richmenu render` wrote to assets/richmenu/<lang>/<menu>.png; the
 * deploy uploads them, and its content hash covers them. Those are files: the Node server reads
 * them through `deps.richMenuImages` (its entry file provides the seam), a Worker has no file
 * system and no copy of them. So the preview is always drawn from the definition
 * (src/richmenu/definition.ts: the same areas and labels LINE gets), with the PNG underneath
 * where the server has it; and the deploy button is enabled only where the images are, with
 * the reason shown where they are not.
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { Csrf } from '../../console/layout.tsx';
import { cols, DataTable } from '../../console/ui.tsx';
import type { Deps, RichMenuImages } from '../../deps.ts';
import { LANGUAGES, type Lang } from '../../i18n.ts';
import {
  createRichMenuApi,
  type RichMenuAlias,
  type RichMenuApi,
  type RichMenuSummary,
} from '../../line/client.ts';
import { findRichMenuImageViolations } from '../../line/limits.ts';
import {
  type BuiltMenu,
  buildAllMenus,
  MENU_KEYS,
  type MenuKey,
  RICH_MENU_HEIGHT,
  RICH_MENU_PREFIX,
  RICH_MENU_WIDTH,
  richMenuAliasId,
  TAB_BAR_HEIGHT,
} from '../../richmenu/definition.ts';
import { deployedName, deployRichMenus, type MenuWithImage } from '../../richmenu/deploy.ts';
import {
  auditStaff,
  type ConsoleContext,
  type ConsoleEnv,
  can,
  consoleT,
  field,
  form,
  renderPage,
  requireRole,
} from './context.tsx';

export type { RichMenuImages } from '../../deps.ts';

/** The menu whose alias is the default for users with no per-user menu (as the CLI deploys). */
export const DEFAULT_MENU = { key: 'my-services', lang: 'th' } as const satisfies {
  key: MenuKey;
  lang: Lang;
};

/** LINE is asked for the live state on every view; the page does not wait longer. */
const LIVE_TIMEOUT_MS = 4000;

export const richmenuRoutes = new Hono<ConsoleEnv>();

function imagesOf(deps: Deps): RichMenuImages | undefined {
  return deps.richMenuImages;
}

function richMenuApi(deps: Deps, timeoutMs?: number): RichMenuApi {
  return createRichMenuApi({
    channelAccessToken: deps.config.channelAccessToken,
    apiBaseUrl: deps.config.lineApiBaseUrl,
    dataApiBaseUrl: deps.config.lineDataApiBaseUrl,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

type Live =
  | {
      status: 'ok';
      menus: RichMenuSummary[];
      aliases: RichMenuAlias[];
      defaultId: string | null;
    }
  | { status: 'unknown' };

async function readLive(deps: Deps): Promise<Live> {
  const api = richMenuApi(deps, LIVE_TIMEOUT_MS);
  try {
    const [menus, aliases, defaultId] = await Promise.all([
      api.list(),
      api.listAliases(),
      api.getDefault(),
    ]);
    return { status: 'ok', menus, aliases, defaultId };
  } catch (err) {
    deps.log.warn('console rich menu: could not read the live rich menus from LINE', {
      error: err instanceof Error ? err.message : String(err),
    });
    return { status: 'unknown' };
  }
}

/**
 * Every menu with its image, or why a deploy is not possible here: no images on this server,
 * or some not rendered (or not valid for LINE).
 */
async function menusWithImages(
  deps: Deps,
): Promise<{ items: MenuWithImage[] } | { missing: 'runtime' | string[] }> {
  const source = imagesOf(deps);
  if (!source) return { missing: 'runtime' };
  const items: MenuWithImage[] = [];
  const missing: string[] = [];
  for (const menu of buildAllMenus(deps.i18n)) {
    const image = await source.read(menu.lang, menu.key);
    const size = { width: menu.request.size?.width ?? 0, height: menu.request.size?.height ?? 0 };
    if (!image || findRichMenuImageViolations(image, size).length > 0) {
      missing.push(`${menu.lang}/${menu.key}.png`);
    } else {
      items.push({ menu, image });
    }
  }
  return missing.length > 0 ? { missing } : { items };
}

// ---- the page ---------------------------------------------------------------------------------

richmenuRoutes.get('/', async (c) => {
  const t = consoleT(c);
  const deps = c.get('deps');
  const asked = c.req.query('menu');
  const previewLang: Lang = (LANGUAGES as readonly string[]).includes(asked ?? '')
    ? (asked as Lang)
    : 'th';
  const [live, local] = await Promise.all([readLive(deps), menusWithImages(deps)]);
  const menus = buildAllMenus(deps.i18n);
  const hashes = new Map<string, string>(
    'items' in local ? local.items.map((i) => [i.menu.aliasId, deployedName(i)]) : [],
  );
  const noImagesHere = 'missing' in local && local.missing === 'runtime';
  const pngMissing = new Set(
    'missing' in local && Array.isArray(local.missing) ? local.missing : [],
  );
  const hasPng = (m: BuiltMenu) => !noImagesHere && !pngMissing.has(`${m.lang}/${m.key}.png`);
  return renderPage(c, {
    title: t('console.richmenu.title'),
    current: 'richmenu',
    body: (
      <>
        <h1>{t('console.richmenu.title')}</h1>
        <section aria-labelledby="live-h">
          <h2 id="live-h">{t('console.richmenu.live.title')}</h2>
          <LiveTable t={t} live={live} menus={menus} hashes={hashes} />
        </section>

        <section aria-labelledby="preview-h">
          <h2 id="preview-h">{t('console.richmenu.preview.title')}</h2>
          <nav aria-label={t('console.richmenu.preview.languages')}>
            <p class="actions">
              {LANGUAGES.map((l) => (
                <a
                  href={`/console/richmenu?menu=${l}`}
                  aria-current={l === previewLang ? 'true' : undefined}
                >
                  {t(`console.richmenu.langs.${l}`)}
                </a>
              ))}
            </p>
          </nav>
          {noImagesHere ? (
            <p class="flash info" data-images="none">
              {t('console.richmenu.preview.noImages')}
            </p>
          ) : null}
          <div class="grid2">
            {menus
              .filter((m) => m.lang === previewLang)
              .map((m) => (
                <MenuPreview t={t} menu={m} png={hasPng(m)} />
              ))}
          </div>
        </section>

        <section aria-labelledby="deploy-h">
          <h2 id="deploy-h">{t('console.richmenu.deploy.title')}</h2>
          <Deploy c={c} local={local} />
        </section>
      </>
    ),
  });
});

const LiveTable: FC<{
  t: ConsoleT;
  live: Live;
  menus: readonly BuiltMenu[];
  hashes: Map<string, string>;
}> = ({ t, live, menus, hashes }) => {
  if (live.status === 'unknown') {
    return (
      <p class="flash info" data-live="unknown">
        {t('console.richmenu.live.unknown')}
      </p>
    );
  }
  const byId = new Map(live.menus.map((m) => [m.richMenuId, m]));
  const aliasOf = new Map(live.aliases.map((a) => [a.richMenuAliasId, a.richMenuId]));
  const defaultMenu = live.defaultId ? byId.get(live.defaultId) : undefined;
  const defaultAlias = live.aliases.find((a) => a.richMenuId === live.defaultId);
  return (
    <>
      <p data-live-default={live.defaultId ?? 'none'}>
        {live.defaultId === null
          ? t('console.richmenu.live.noDefault')
          : defaultMenu?.name.startsWith(RICH_MENU_PREFIX)
            ? t('console.richmenu.live.default', {
                name: defaultAlias?.richMenuAliasId ?? defaultMenu.name.split('@')[0],
                id: live.defaultId,
              })
            : t('console.richmenu.live.foreignDefault', { id: live.defaultId })}
      </p>
      <DataTable
        caption={t('console.richmenu.live.title')}
        cols={cols(t, 'console.richmenu.live', 'alias menu version state')}
      >
        {menus.map((m) => {
          const id = aliasOf.get(m.aliasId);
          const served = id ? byId.get(id) : undefined;
          const local = hashes.get(m.aliasId);
          return (
            <tr data-alias={m.aliasId}>
              <th scope="row">
                <code>{m.aliasId}</code>
                {id && id === live.defaultId ? (
                  <>
                    {' '}
                    <span class="badge ok">{t('console.richmenu.live.isDefault')}</span>
                  </>
                ) : null}
              </th>
              <td>{id ? <code>{id}</code> : t('console.richmenu.live.notDeployed')}</td>
              <td>{served ? <code>{served.name}</code> : '–'}</td>
              <td>
                {!served ? (
                  <span class="badge warn">{t('console.richmenu.live.missing')}</span>
                ) : local === undefined ? (
                  <span class="badge">{t('console.richmenu.live.deployed')}</span>
                ) : local === served.name ? (
                  <span class="badge ok">{t('console.richmenu.live.upToDate')}</span>
                ) : (
                  <span class="badge warn">{t('console.richmenu.live.differs')}</span>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
};

type ConsoleT = ReturnType<typeof consoleT>;

/**
 * A font size at which `text` fits `width` (SVG units), at most `max`: the server cannot measure
 * glyphs, so this assumes a glyph about 0.6 em wide (Thai marks and Burmese stacks make the count
 * an overestimate, which only errs smaller).
 */
function fittedFontSize(text: string, width: number, max: number): number {
  return Math.min(max, Math.floor((width * 0.9) / (Math.max(1, [...text].length) * 0.6)));
}

/** Tile colours are the definition's; text on them is white (the renderer's choice too). */
const MenuPreview: FC<{ t: ConsoleT; menu: BuiltMenu; png: boolean }> = ({ t, menu, png }) => {
  const id = `rm-${menu.lang}-${menu.key}`;
  const summary = t('console.richmenu.preview.summary', {
    menu: menu.tabs.find((x) => x.active)?.label ?? menu.key,
    tabs: menu.tabs.map((x) => x.label).join(', '),
    tiles: menu.tiles.map((x) => x.title).join(', '),
  });
  return (
    <figure data-menu={menu.aliasId}>
      <figcaption>
        <h3>
          {menu.tabs.find((x) => x.active)?.label}{' '}
          <span class="muted">
            (<code>{menu.aliasId}</code>)
          </span>
        </h3>
      </figcaption>
      <svg
        viewBox={`0 0 ${RICH_MENU_WIDTH} ${RICH_MENU_HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title`}
        font-family="inherit"
      >
        <title id={`${id}-title`}>{summary}</title>
        {png ? (
          <image
            href={`/console/richmenu/image/${menu.lang}/${menu.key}.png`}
            x="0"
            y="0"
            width={RICH_MENU_WIDTH}
            height={RICH_MENU_HEIGHT}
          />
        ) : (
          <>
            <rect width={RICH_MENU_WIDTH} height={RICH_MENU_HEIGHT} fill="#f5f6f8" />
            {menu.tabs.map((tab) => (
              <>
                <rect
                  x={tab.bounds.x}
                  y={tab.bounds.y}
                  width={tab.bounds.width}
                  height={tab.bounds.height}
                  fill={tab.active ? '#0b5394' : '#dfe3ea'}
                />
                <text
                  x={tab.bounds.x + tab.bounds.width / 2}
                  y={tab.bounds.y + TAB_BAR_HEIGHT / 2 + 30}
                  text-anchor="middle"
                  font-size={fittedFontSize(tab.label, tab.bounds.width, 90)}
                  font-weight="700"
                  fill={tab.active ? '#ffffff' : '#1a1a1a'}
                >
                  {tab.label}
                </text>
              </>
            ))}
            {menu.tiles.map((tile) => {
              const cx = tile.bounds.x + tile.bounds.width / 2;
              return (
                <>
                  <circle cx={cx} cy={tile.bounds.y + 230} r="130" fill={tile.color} />
                  <text
                    x={cx}
                    y={tile.bounds.y + 480}
                    text-anchor="middle"
                    font-size={fittedFontSize(tile.title, tile.bounds.width, 88)}
                    font-weight="700"
                    fill="#1a1a1a"
                  >
                    {tile.title}
                  </text>
                  <text
                    x={cx}
                    y={tile.bounds.y + 580}
                    text-anchor="middle"
                    font-size={fittedFontSize(tile.hint, tile.bounds.width, 60)}
                    fill="#4d4d4d"
                  >
                    {tile.hint}
                  </text>
                </>
              );
            })}
          </>
        )}
        {/* The tap areas LINE gets (tabs and tiles), outlined over the picture. */}
        {[...menu.tabs, ...menu.tiles].map(({ bounds }) => (
          <rect
            x={bounds.x}
            y={bounds.y}
            width={bounds.width}
            height={bounds.height}
            fill="none"
            stroke="#767676"
            stroke-width="6"
          />
        ))}
      </svg>
      <ol>
        {menu.tabs.map((tab) => (
          <li>
            {tab.label}{' '}
            <span class="muted">
              {t('console.richmenu.preview.switch', {
                alias: richMenuAliasId(tab.key, menu.lang),
              })}
            </span>
          </li>
        ))}
        {menu.tiles.map((tile) => (
          <li>
            {tile.title}{' '}
            <span class="muted">{t('console.richmenu.preview.postback', { data: tile.data })}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
};

const Deploy: FC<{
  c: ConsoleContext;
  local: Awaited<ReturnType<typeof menusWithImages>>;
}> = ({ c, local }) => {
  const t = consoleT(c);
  if (!can(c, 'publisher')) return <p>{t('console.richmenu.deploy.needsPublisher')}</p>;
  const reason =
    'items' in local
      ? undefined
      : local.missing === 'runtime'
        ? t('console.richmenu.deploy.noImagesHere')
        : t('console.richmenu.deploy.missing', { files: local.missing.join(', ') });
  return (
    <form method="post" action="/console/richmenu/deploy" class="stack">
      <Csrf token={c.get('staff').csrf} />
      <p>
        {t('console.richmenu.deploy.what', {
          alias: richMenuAliasId(DEFAULT_MENU.key, DEFAULT_MENU.lang),
        })}
      </p>
      {reason ? (
        <p class="flash info" id="deploy-reason" data-deploy="disabled">
          {reason}
        </p>
      ) : null}
      <div>
        <label>
          <input type="checkbox" name="confirm" value="yes" required disabled={!!reason} />{' '}
          {t('console.richmenu.deploy.confirm')}
        </label>
      </div>
      <div class="actions">
        <button
          type="submit"
          disabled={!!reason}
          aria-describedby={reason ? 'deploy-reason' : undefined}
          data-confirm={t('console.richmenu.deploy.confirmAgain')}
        >
          {t('console.richmenu.deploy.submit')}
        </button>
      </div>
    </form>
  );
};

// ---- the PNGs (Node) --------------------------------------------------------------------------

richmenuRoutes.get('/image/:lang/:file', async (c) => {
  const lang = c.req.param('lang');
  const m = /^([a-z-]+)\.png$/.exec(c.req.param('file'));
  const key = m?.[1];
  const source = imagesOf(c.get('deps'));
  if (
    !source ||
    !(LANGUAGES as readonly string[]).includes(lang) ||
    !(MENU_KEYS as readonly string[]).includes(key ?? '')
  ) {
    return c.body(null, 404);
  }
  const png = await source.read(lang as Lang, key as MenuKey);
  if (!png) return c.body(null, 404);
  return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' });
});

// ---- the deploy -------------------------------------------------------------------------------

richmenuRoutes.post('/deploy', requireRole('publisher'), async (c) => {
  const deps = c.get('deps');
  const body = await form(c);
  if (field(body, 'confirm') !== 'yes') {
    return c.redirect('/console/richmenu?error=richmenu.deploy.notConfirmed', 303);
  }
  const local = await menusWithImages(deps);
  if (!('items' in local)) {
    return c.redirect('/console/richmenu?error=richmenu.deploy.unavailable', 303);
  }
  const log: string[] = [];
  try {
    const report = await deployRichMenus(
      richMenuApi(deps),
      local.items,
      richMenuAliasId(DEFAULT_MENU.key, DEFAULT_MENU.lang),
      (line) => log.push(line),
    );
    await auditStaff(c, 'richmenu.deploy', `richmenu:${RICH_MENU_PREFIX}*`, {
      created: report.created.length,
      unchanged: report.unchanged.length,
      aliases: report.aliasesCreated.length + report.aliasesUpdated.length,
      defaultSet: report.defaultSet,
      deleted: report.deleted.length,
    });
    deps.log.info('console: rich menu deployed', { lines: log });
    return c.redirect('/console/richmenu?ok=richmenu.deploy.done', 303);
  } catch (err) {
    deps.log.error('console: rich menu deploy failed', { error: err, lines: log });
    await auditStaff(c, 'richmenu.deploy', `richmenu:${RICH_MENU_PREFIX}*`, {
      failed: err instanceof Error ? err.message.slice(0, 300) : String(err),
      steps: log.length,
    });
    return c.redirect('/console/richmenu?error=richmenu.deploy.failed', 303);
  }
});
