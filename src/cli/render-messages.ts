/**
 * LINE messages as terminal text: Flex as indented text with its buttons, quick replies
 * numbered so the user can pick one by typing its number.
 */
import type { messagingApi } from '@line/bot-sdk';

export interface Choice {
  label: string;
  action: messagingApi.Action;
}

export interface Rendered {
  text: string;
  choices: Choice[];
}

export function renderMessages(messages: readonly messagingApi.Message[]): Rendered {
  const lines: string[] = [];
  const choices: Choice[] = [];
  const addChoice = (action: messagingApi.Action | undefined, fallback: string): string => {
    if (!action) return '';
    choices.push({ label: action.label ?? fallback, action });
    return `[${choices.length}] ${action.label ?? fallback}`;
  };

  for (const m of messages) {
    switch (m.type) {
      case 'text':
        lines.push(...(m as messagingApi.TextMessage).text.split('\n').map((l) => `  ${l}`));
        break;
      case 'flex': {
        const f = m as messagingApi.FlexMessage;
        lines.push(`  ┌ ${f.altText}`);
        renderFlexNode(f.contents, 1, lines, addChoice);
        lines.push('  └');
        break;
      }
      case 'location': {
        const l = m as messagingApi.LocationMessage;
        lines.push(`  📍 ${l.title}: ${l.address} (${l.latitude}, ${l.longitude})`);
        break;
      }
      case 'template': {
        const t = m as messagingApi.TemplateMessage;
        lines.push(`  ┌ ${t.altText}`);
        for (const a of (t.template as { actions?: messagingApi.Action[] }).actions ?? []) {
          lines.push(`  │ ${addChoice(a, 'open')}`);
        }
        lines.push('  └');
        break;
      }
      default:
        lines.push(`  (${m.type} message)`);
    }
    const items = m.quickReply?.items ?? [];
    if (items.length > 0) {
      lines.push(
        `  quick replies: ${items.map((i) => addChoice(i.action, i.action?.type ?? '?')).join('  ')}`,
      );
    }
  }
  return { text: lines.join('\n'), choices };
}

function renderFlexNode(
  node: unknown,
  depth: number,
  lines: string[],
  addChoice: (a: messagingApi.Action | undefined, fallback: string) => string,
): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  const pad = `  │${'  '.repeat(depth)}`;
  switch (n.type) {
    case 'carousel':
      (n.contents as unknown[]).forEach((b, i) => {
        lines.push(`${pad}── card ${i + 1} ──`);
        renderFlexNode(b, depth, lines, addChoice);
      });
      return;
    case 'bubble':
      for (const part of ['header', 'hero', 'body', 'footer'])
        renderFlexNode(n[part], depth, lines, addChoice);
      return;
    case 'box':
      for (const c of (n.contents as unknown[]) ?? [])
        renderFlexNode(c, depth + (n.layout === 'vertical' ? 0 : 1), lines, addChoice);
      return;
    case 'text': {
      const spans = n.contents as { text?: string }[] | undefined;
      const value = spans?.length ? spans.map((s) => s.text ?? '').join('') : String(n.text ?? '');
      lines.push(
        `${pad}${n.weight === 'bold' ? (value.toUpperCase() === value ? value : `**${value}**`) : value}`,
      );
      return;
    }
    case 'button':
      lines.push(`${pad}${addChoice(n.action as messagingApi.Action, 'button')}`);
      return;
    case 'image':
      lines.push(`${pad}(image)`);
      return;
    default:
      return;
  }
}
