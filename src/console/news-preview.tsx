/** @jsxImportSource hono/jsx */
/**
 * The console's LINE preview of a news push: the very messages a push job sends
 * (src/news/card.ts pushMessages → the Flex bubble of flex-templates/news-card.json), drawn as
 * HTML in the `line-phone` / `line-bubble` look. Nothing here restates the card: hero image,
 * texts and button labels are read from the Flex JSON, so what staff see is what users get.
 */
import type { FC } from 'hono/jsx';
import type { Deps } from '../deps.ts';
import type { Lang, Translate } from '../i18n.ts';
import type { Message } from '../line/limits.ts';
import { pushMessages } from '../news/card.ts';
import type { NewsItem } from '../store/news.ts';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The messages a push of `item` in `lang` sends (the same call the runner makes). */
export function previewMessages(deps: Deps, item: NewsItem, lang: Lang): Message[] {
  return pushMessages(item, lang, deps.i18n.t(lang));
}

/** One Flex component as HTML; unknown kinds are skipped (the news card uses few). */
const FlexNode: FC<{ node: unknown; t: Translate }> = ({ node, t }) => {
  if (!isObj(node)) return null;
  switch (node.type) {
    case 'box': {
      const contents = Array.isArray(node.contents) ? node.contents : [];
      return (
        <div class="flex-box">
          {contents.map((child) => (
            <FlexNode node={child} t={t} />
          ))}
        </div>
      );
    }
    case 'text': {
      const text = typeof node.text === 'string' ? node.text : '';
      const cls = node.weight === 'bold' ? 'title' : node.size === 'xxs' ? 'muted' : undefined;
      return <p class={cls}>{text}</p>;
    }
    case 'image':
      return typeof node.url === 'string' ? (
        <img src={node.url} alt={t('console.news.preview.image')} />
      ) : null;
    case 'button': {
      const action = isObj(node.action) ? node.action : {};
      const label = typeof action.label === 'string' ? action.label : '';
      const uri = typeof action.uri === 'string' ? action.uri : undefined;
      return (
        <span data-uri={uri} title={uri}>
          {label}
        </span>
      );
    }
    case 'separator':
      return <hr />;
    default:
      return null;
  }
};

/** The messages as a phone screen: notification text, the bubble, the quick-reply chips. */
export const LinePreview: FC<{
  messages: readonly Message[];
  t: Translate;
  languageName: string;
}> = ({ messages, t, languageName }) => (
  <div class="line-preview">
    <p class="hint">{t('console.news.preview.note', { language: languageName })}</p>
    <section class="line-phone" aria-label={t('console.news.preview.phone')}>
      {messages.map((raw) => {
        const m = raw as unknown as Json;
        const bubble = m.type === 'flex' && isObj(m.contents) ? m.contents : undefined;
        const quick =
          isObj(m.quickReply) && Array.isArray(m.quickReply.items) ? m.quickReply.items : [];
        return (
          <div class="line-message">
            {typeof m.altText === 'string' ? (
              <p class="line-alt">{t('console.news.preview.alt', { text: m.altText })}</p>
            ) : null}
            {bubble ? (
              <div class="line-bubble">
                {isObj(bubble.hero) ? <FlexNode node={bubble.hero} t={t} /> : null}
                {isObj(bubble.body) ? (
                  <div class="body">
                    <FlexNode node={bubble.body} t={t} />
                  </div>
                ) : null}
                {isObj(bubble.footer) ? (
                  <div class="footer">
                    <FlexNode node={bubble.footer} t={t} />
                  </div>
                ) : null}
              </div>
            ) : typeof m.text === 'string' ? (
              <div class="line-bubble">
                <div class="body">
                  <p>{m.text}</p>
                </div>
              </div>
            ) : null}
            {quick.length > 0 ? (
              <p class="line-quick">
                <span class="visually-hidden">{t('console.news.preview.quickReply')}: </span>
                {quick.map((q) => {
                  const action = isObj(q) && isObj(q.action) ? q.action : {};
                  return <span class="badge">{String(action.label ?? '')}</span>;
                })}
              </p>
            ) : null}
          </div>
        );
      })}
    </section>
  </div>
);
