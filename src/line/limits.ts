/**
 * LINE's message limits, checked before anything is sent: a violation is our bug and must never
 * reach LINE. https://developers.line.biz/en/reference/messaging-api/#message-objects
 */
import type { messagingApi } from '@line/bot-sdk';

export type Message = messagingApi.Message;

export const LIMITS = {
  messagesPerRequest: 5,
  textLength: 5000,
  altTextLength: 1500,
  quickReplyItems: 13,
  actionLabel: 20,
  flexButtonLabel: 40,
  postbackData: 300,
  bubbleBytes: 30 * 1024,
  carouselBytes: 50 * 1024,
  carouselBubbles: 12,
  multicastRecipients: 500,
} as const;

export class MessageLimitError extends Error {
  override readonly name = 'MessageLimitError';
  constructor(readonly violations: string[]) {
    super(`message breaks LINE limits: ${violations.join('; ')}`);
  }
}

/** Length in UTF-16 code units, as LINE counts. */
const len = (s: string) => s.length;
const byteLength = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;

export function findLimitViolations(messages: readonly Message[]): string[] {
  const out: string[] = [];
  if (messages.length === 0) out.push('no messages');
  if (messages.length > LIMITS.messagesPerRequest) {
    out.push(`${messages.length} messages > ${LIMITS.messagesPerRequest}`);
  }
  for (const [i, m] of messages.entries()) checkMessage(m, `messages[${i}]`, out);
  return out;
}

export function assertWithinLimits(messages: readonly Message[]): void {
  const violations = findLimitViolations(messages);
  if (violations.length > 0) throw new MessageLimitError(violations);
}

function checkMessage(m: Message, at: string, out: string[]): void {
  switch (m.type) {
    case 'text':
      if (!m.text) out.push(`${at}.text is empty`);
      else if (len(m.text) > LIMITS.textLength)
        out.push(`${at}.text ${len(m.text)} > ${LIMITS.textLength}`);
      break;
    case 'flex': {
      const flex = m as messagingApi.FlexMessage;
      if (!flex.altText || len(flex.altText) > LIMITS.altTextLength)
        out.push(`${at}.altText length`);
      const c = flex.contents;
      if (c.type === 'carousel') {
        if (c.contents.length > LIMITS.carouselBubbles)
          out.push(`${at} carousel has ${c.contents.length} bubbles`);
        if (byteLength(c) > LIMITS.carouselBytes) out.push(`${at} carousel > 50 KB`);
        for (const b of c.contents)
          if (byteLength(b) > LIMITS.bubbleBytes) out.push(`${at} bubble > 30 KB`);
      } else if (byteLength(c) > LIMITS.bubbleBytes) {
        out.push(`${at} bubble > 30 KB`);
      }
      walkActions(c, `${at}.contents`, out, true);
      break;
    }
    case 'template': {
      const t = m as messagingApi.TemplateMessage;
      if (!t.altText || len(t.altText) > 400) out.push(`${at}.altText length`);
      walkActions(t.template, `${at}.template`, out, false);
      break;
    }
    case 'location': {
      const l = m as messagingApi.LocationMessage;
      if (len(l.title) > 100) out.push(`${at}.title > 100`);
      if (len(l.address) > 100) out.push(`${at}.address > 100`);
      break;
    }
    default:
      break;
  }
  const items = m.quickReply?.items ?? [];
  if (items.length > LIMITS.quickReplyItems)
    out.push(`${at}.quickReply ${items.length} items > 13`);
  for (const [i, item] of items.entries()) {
    checkAction(item.action, `${at}.quickReply.items[${i}].action`, out, false);
  }
}

function walkActions(node: unknown, at: string, out: string[], inFlex: boolean): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walkActions(n, `${at}[${i}]`, out, inFlex);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'action' || key === 'defaultAction') {
      const isButton = inFlex && (node as { type?: string }).type === 'button';
      checkAction(value as messagingApi.Action, `${at}.${key}`, out, isButton);
    } else if (key === 'actions' && Array.isArray(value)) {
      for (const [i, a] of value.entries()) checkAction(a, `${at}.actions[${i}]`, out, false);
    } else if (typeof value === 'object') {
      walkActions(value, `${at}.${key}`, out, inFlex);
    }
  }
}

function checkAction(
  a: messagingApi.Action | undefined,
  at: string,
  out: string[],
  flexButton: boolean,
): void {
  if (!a) return;
  const max = flexButton ? LIMITS.flexButtonLabel : LIMITS.actionLabel;
  if (a.label !== undefined && len(a.label) > max) out.push(`${at}.label "${a.label}" > ${max}`);
  if (a.type === 'postback') {
    const p = a as messagingApi.PostbackAction;
    if (!p.data || len(p.data) > LIMITS.postbackData) out.push(`${at}.data length`);
    if (p.displayText !== undefined && len(p.displayText) > 300)
      out.push(`${at}.displayText > 300`);
  }
  if (a.type === 'message') {
    const t = (a as messagingApi.MessageAction).text;
    if (!t || len(t) > 300) out.push(`${at}.text length`);
  }
  if (a.type === 'uri') {
    const uri = (a as messagingApi.URIAction).uri ?? '';
    if (uri.length > 1000 || !/^(https?:|line:|tel:)/.test(uri)) out.push(`${at}.uri "${uri}"`);
  }
}

export type RichMenuRequest = messagingApi.RichMenuRequest;

/** https://developers.line.biz/en/reference/messaging-api/#rich-menu (SPEC §4). */
export const RICH_MENU_LIMITS = {
  minWidth: 800,
  maxWidth: 2500,
  minHeight: 250,
  minRatio: 1.45,
  areas: 20,
  chatBarText: 14,
  name: 300,
  imageBytes: 1024 * 1024,
  aliasId: /^[a-z0-9_-]{1,32}$/,
} as const;

export function isValidRichMenuAliasId(id: string): boolean {
  return RICH_MENU_LIMITS.aliasId.test(id);
}

/**
 * Everything LINE would refuse in a rich menu, and overlapping areas (LINE accepts them, but
 * then a tap hits whichever comes first: always our bug).
 */
export function findRichMenuViolations(menu: RichMenuRequest): string[] {
  const out: string[] = [];
  const R = RICH_MENU_LIMITS;
  const w = menu.size?.width ?? 0;
  const h = menu.size?.height ?? 0;
  if (w < R.minWidth || w > R.maxWidth)
    out.push(`size.width ${w} not in ${R.minWidth}-${R.maxWidth}`);
  if (h < R.minHeight) out.push(`size.height ${h} < ${R.minHeight}`);
  if (h > 0 && w / h < R.minRatio) out.push(`size ratio ${(w / h).toFixed(3)} < ${R.minRatio}`);
  if (!menu.name || len(menu.name) > R.name) out.push(`name length ${len(menu.name ?? '')}`);
  if (!menu.chatBarText || len(menu.chatBarText) > R.chatBarText) {
    out.push(`chatBarText "${menu.chatBarText ?? ''}" not 1-${R.chatBarText} characters`);
  }
  const areas = menu.areas ?? [];
  if (areas.length > R.areas) out.push(`${areas.length} areas > ${R.areas}`);
  for (const [i, area] of areas.entries()) {
    const at = `areas[${i}]`;
    const b = area.bounds;
    if (!b) {
      out.push(`${at}.bounds missing`);
      continue;
    }
    const { x = 0, y = 0, width = 0, height = 0 } = b;
    if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > w || y + height > h) {
      out.push(`${at}.bounds ${x},${y} ${width}x${height} outside ${w}x${h}`);
    }
    for (const [j, other] of areas.entries()) {
      if (j <= i || !other.bounds) continue;
      const o = other.bounds;
      const ox = o.x ?? 0;
      const oy = o.y ?? 0;
      if (
        x < ox + (o.width ?? 0) &&
        ox < x + width &&
        y < oy + (o.height ?? 0) &&
        oy < y + height
      ) {
        out.push(`${at} overlaps areas[${j}]`);
      }
    }
    const a = area.action;
    if (!a) {
      out.push(`${at}.action missing`);
      continue;
    }
    checkAction(a, `${at}.action`, out, false);
    if (a.type === 'richmenuswitch') {
      const s = a as messagingApi.RichMenuSwitchAction;
      if (!isValidRichMenuAliasId(s.richMenuAliasId ?? '')) {
        out.push(`${at}.action.richMenuAliasId "${s.richMenuAliasId ?? ''}"`);
      }
      if (!s.data || len(s.data) > LIMITS.postbackData) out.push(`${at}.action.data length`);
    }
  }
  return out;
}

export function assertRichMenuWithinLimits(menu: RichMenuRequest): void {
  const violations = findRichMenuViolations(menu);
  if (violations.length > 0) throw new MessageLimitError(violations);
}

/** PNG or JPEG of exactly the menu's size, ≤ 1 MB. */
export function findRichMenuImageViolations(
  image: Uint8Array,
  size: { width: number; height: number },
): string[] {
  const out: string[] = [];
  if (image.byteLength > RICH_MENU_LIMITS.imageBytes) {
    out.push(`image ${image.byteLength} bytes > ${RICH_MENU_LIMITS.imageBytes}`);
  }
  const dims = imageSize(image);
  if (!dims) out.push('image is neither PNG nor JPEG');
  else if (dims.width !== size.width || dims.height !== size.height) {
    out.push(`image ${dims.width}x${dims.height} != menu ${size.width}x${size.height}`);
  }
  return out;
}

/** Width and height from a PNG's IHDR or a JPEG's SOF marker. */
export function imageSize(
  buf: Uint8Array,
): { type: 'image/png' | 'image/jpeg'; width: number; height: number } | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(4) === 0x0d0a1a0a) {
    return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return undefined;
      const marker = buf[i + 1] ?? 0;
      const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isSof) {
        return { type: 'image/jpeg', height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
      }
      i += 2 + view.getUint16(i + 2);
    }
  }
  return undefined;
}
