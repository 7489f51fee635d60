/**
 * Fills a Flex template (flex-templates/*.json, pasteable into LINE's Flex Message Simulator)
 * with data and translated strings. The template stays data: no Flex JSON is ever built by
 * concatenating strings.
 *
 * In any string value:  {{t:key}} → the translation (data are its interpolation values),
 *                       {{path.to.value}} → the data value.
 * In any array: an element {"$each": "path", "$template": {...}} repeats the template for each
 * item of the data array at path, with the item available as {{item.…}}.
 * In any object: "$if": "path" keeps the object only when the data value is truthy.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { Translate } from '../i18n.ts';

export type Data = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*(t:)?([\w.-]+)\s*\}\}/g;

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function lookup(data: Data, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function fillString(s: string, data: Data, t: Translate): string {
  return s.replace(PLACEHOLDER, (_m, isT: string | undefined, key: string) => {
    if (isT) return String(t(key, data as Record<string, string>));
    const v = lookup(data, key);
    if (v === undefined || v === null) throw new TemplateError(`no data for {{${key}}}`);
    return String(v);
  });
}

function fill(node: unknown, data: Data, t: Translate): unknown {
  if (typeof node === 'string') return fillString(node, data, t);
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const el of node) {
      if (el && typeof el === 'object' && '$each' in el) {
        const spec = el as { $each: string; $template: unknown };
        const items = lookup(data, spec.$each);
        if (!Array.isArray(items)) throw new TemplateError(`$each: ${spec.$each} is not an array`);
        for (const item of items) {
          const filled = fill(spec.$template, { ...data, item }, t);
          if (filled !== undefined) out.push(filled);
        }
        continue;
      }
      const filled = fill(el, data, t);
      if (filled !== undefined) out.push(filled);
    }
    return out;
  }
  if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (typeof obj.$if === 'string' && !lookup(data, obj.$if)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === '$if') continue;
      const filled = fill(v, data, t);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  return node;
}

export function renderFlex(
  template: unknown,
  data: Data,
  t: Translate,
): messagingApi.FlexContainer {
  return fill(template, data, t) as messagingApi.FlexContainer;
}

export function flexMessage(
  altText: string,
  contents: messagingApi.FlexContainer,
): messagingApi.FlexMessage {
  return { type: 'flex', altText: altText.slice(0, 1500), contents };
}

/** A carousel of already rendered bubbles (LINE allows 12). */
export function carousel(bubbles: messagingApi.FlexBubble[]): messagingApi.FlexCarousel {
  return { type: 'carousel', contents: bubbles.slice(0, 12) };
}
