/**
 * Idempotent rich-menu deployment. Each menu's LINE `name` carries a hash of its definition and
 * image (`sso-general-th@1a2b3c4d5e6f`): a menu that already exists with that name is reused, so
 * running deploy twice creates nothing (LINE allows 100 creations per hour). Aliases are created
 * or moved to the new menus, the default is set, then `sso-*` menus no alias points to are deleted.
 */
import { createHash } from 'node:crypto';
import type { RichMenuApi } from '../line/client.ts';
import { LineApiError } from '../line/client.ts';
import type { RichMenuRequest } from '../line/limits.ts';
import { type BuiltMenu, RICH_MENU_PREFIX } from './definition.ts';

export interface MenuWithImage {
  readonly menu: BuiltMenu;
  readonly image: Uint8Array;
}

export interface DeployReport {
  created: string[];
  unchanged: string[];
  aliasesCreated: string[];
  aliasesUpdated: string[];
  defaultSet: string | null;
  deleted: string[];
}

/** 12 hex digits of SHA-256 over the request (without its name) and the image bytes. */
export function contentHash(request: RichMenuRequest, image: Uint8Array): string {
  const { name: _name, ...rest } = request;
  return createHash('sha256')
    .update(JSON.stringify(rest))
    .update('\0')
    .update(image)
    .digest('hex')
    .slice(0, 12);
}

export function deployedName(item: MenuWithImage): string {
  return `${item.menu.request.name}@${contentHash(item.menu.request, item.image)}`;
}

export async function deployRichMenus(
  api: RichMenuApi,
  items: readonly MenuWithImage[],
  defaultAliasId: string,
  log: (line: string) => void = () => {},
): Promise<DeployReport> {
  const report: DeployReport = {
    created: [],
    unchanged: [],
    aliasesCreated: [],
    aliasesUpdated: [],
    defaultSet: null,
    deleted: [],
  };
  const existing = await api.list();
  const aliases = new Map((await api.listAliases()).map((a) => [a.richMenuAliasId, a.richMenuId]));
  const idByAlias = new Map<string, string>();

  for (const item of items) {
    const name = deployedName(item);
    const { aliasId } = item.menu;
    const found = existing.find((m) => m.name === name);
    let richMenuId: string;
    if (found && aliases.get(aliasId) === found.richMenuId) {
      report.unchanged.push(name);
      log(`unchanged ${name} (${found.richMenuId})`);
      idByAlias.set(aliasId, found.richMenuId);
      continue;
    }
    if (found) {
      // Created by an interrupted run: make sure it has its image, then point the alias at it.
      richMenuId = found.richMenuId;
      try {
        await api.setImage(richMenuId, item.image, item.menu.request.size);
      } catch (err) {
        if (!(err instanceof LineApiError && err.status === 400 && /already/i.test(err.body))) {
          throw err;
        }
      }
      log(`reusing ${name} (${richMenuId})`);
    } else {
      richMenuId = await api.create({ ...item.menu.request, name });
      await api.setImage(richMenuId, item.image, item.menu.request.size);
      report.created.push(name);
      log(`created ${name} (${richMenuId})`);
    }
    idByAlias.set(aliasId, richMenuId);
  }

  // Aliases after every menu exists (a tab switch must never point at a menu without image).
  for (const [aliasId, richMenuId] of idByAlias) {
    const current = aliases.get(aliasId);
    if (current === richMenuId) continue;
    if (current === undefined) {
      await api.createAlias(aliasId, richMenuId);
      report.aliasesCreated.push(aliasId);
      log(`alias ${aliasId} → ${richMenuId} (new)`);
    } else {
      await api.updateAlias(aliasId, richMenuId);
      report.aliasesUpdated.push(aliasId);
      log(`alias ${aliasId} → ${richMenuId} (was ${current})`);
    }
    aliases.set(aliasId, richMenuId);
  }

  const defaultId = idByAlias.get(defaultAliasId) ?? aliases.get(defaultAliasId);
  if (!defaultId) throw new Error(`no rich menu for the default alias ${defaultAliasId}`);
  const currentDefault = await api.getDefault();
  if (currentDefault !== defaultId) {
    await api.setDefault(defaultId);
    report.defaultSet = defaultId;
    log(`default rich menu ${defaultAliasId} (${defaultId})`);
  }

  // Our menus that no alias and not the default point to any more.
  const kept = new Set([...aliases.values(), defaultId]);
  for (const m of existing) {
    if (m.name.startsWith(RICH_MENU_PREFIX) && !kept.has(m.richMenuId)) {
      await api.delete(m.richMenuId);
      report.deleted.push(m.name);
      log(`deleted stale ${m.name} (${m.richMenuId})`);
    }
  }
  return report;
}

/** Deletes our aliases and `sso-*` menus, and the default if it is one of them. */
export async function removeRichMenus(
  api: RichMenuApi,
  log: (line: string) => void = () => {},
): Promise<{ aliases: string[]; menus: string[]; defaultCancelled: boolean }> {
  const out = { aliases: [] as string[], menus: [] as string[], defaultCancelled: false };
  const menus = (await api.list()).filter((m) => m.name.startsWith(RICH_MENU_PREFIX));
  const ours = new Set(menus.map((m) => m.richMenuId));
  for (const a of await api.listAliases()) {
    if (a.richMenuAliasId.startsWith(RICH_MENU_PREFIX) || ours.has(a.richMenuId)) {
      await api.deleteAlias(a.richMenuAliasId);
      out.aliases.push(a.richMenuAliasId);
      log(`deleted alias ${a.richMenuAliasId}`);
    }
  }
  const def = await api.getDefault();
  if (def && ours.has(def)) {
    await api.cancelDefault();
    out.defaultCancelled = true;
    log('default rich menu unset');
  }
  for (const m of menus) {
    await api.delete(m.richMenuId);
    out.menus.push(m.name);
    log(`deleted ${m.name} (${m.richMenuId})`);
  }
  return out;
}
