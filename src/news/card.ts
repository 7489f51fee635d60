/** A news item as a Flex bubble (flex-templates/news-card.json), for the carousel and pushes. */
import type { messagingApi } from '@line/bot-sdk';
import { flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import { formatDate } from '../format.ts';
import type { Lang, Translate } from '../i18n.ts';
import type { Message } from '../line/limits.ts';
import type { NewsItem } from '../store/news.ts';

const TITLE_CHARS = 160;
const SUMMARY_CHARS = 240;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export function newsBubble(item: NewsItem, lang: Lang, t: Translate): messagingApi.FlexBubble {
  return renderFlex(
    templates.newsCard,
    {
      title: clip(item.title, TITLE_CHARS),
      summary: clip(item.summary || item.title, SUMMARY_CHARS),
      date: formatDate(lang, item.publishedDate),
      imageUrl: item.imageUrl ?? '',
      sourceUrl: item.sourceUrl ?? '',
    },
    t,
  ) as messagingApi.FlexBubble;
}

/** Quick replies under a news message: turn pushes off (or on), in the user's language. */
export function newsToggle(t: Translate, optedOut: boolean): messagingApi.QuickReplyItem {
  const sub = optedOut ? 'start' : 'stop';
  const label = String(t(optedOut ? 'news.startButton' : 'news.stopButton')).slice(0, 20);
  return {
    type: 'action',
    action: { type: 'postback', label, data: `action=news&sub=${sub}`, displayText: label },
  };
}

/** What a push job sends: one news card, with "stop news" one tap away. */
export function pushMessages(item: NewsItem, lang: Lang, t: Translate): Message[] {
  const message = flexMessage(
    String(t('news.pushAlt', { title: item.title })),
    newsBubble(item, lang, t),
  );
  return [{ ...message, quickReply: { items: [newsToggle(t, false)] } }];
}
