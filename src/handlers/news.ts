/**
 * The news intent: the latest announcements as a carousel (those that concern the user when we
 * know their section and province), and "หยุดรับข่าว" / "รับข่าว" (stop / start news pushes).
 * The NLU classifies all of these as `news`; the postback `sub=stop|start` or the NLU's `news`
 * entity (words from locales/<lang>/entities.json) tell them apart.
 */
import type { messagingApi } from '@line/bot-sdk';
import { carousel, flexMessage } from '../flex/render.ts';
import { findLimitViolations, type Message } from '../line/limits.ts';
import { newsBubble, newsToggle } from '../news/card.ts';
import type { Entities } from '../nlu/entities.ts';
import { pseudonym, writeAudit } from '../store/audit.ts';
import { getNewsAudience, latestNewsFor, type NewsItem, setNewsOptOut } from '../store/news.ts';
import { type Ctx, type IntentHandler, MAIN_INTENTS, quickReplies, text } from './context.ts';

export const CAROUSEL_ITEMS = 12;

/**
 * `stop` / `start` / undefined (show the news) for a postback (`sub=stop|start`) or for the
 * NLU's `news` entity of a typed text (stop wins when both are said: "หยุดรับข่าว").
 */
export function newsSubcommand(
  entities: Entities | Readonly<Record<string, unknown>> | undefined,
  params?: Readonly<Record<string, string>>,
): 'stop' | 'start' | undefined {
  if (params?.sub === 'stop' || params?.sub === 'start') return params.sub;
  const news = (entities as Entities | undefined)?.news;
  return news === 'stop' || news === 'start' ? news : undefined;
}

export const news: IntentHandler = async (ctx, match) => {
  const sub = newsSubcommand(match.entities, match.params);
  if (sub) return toggle(ctx, sub);
  return latest(ctx);
};

async function toggle(ctx: Ctx, sub: 'stop' | 'start'): Promise<Message[]> {
  if (!ctx.userId) return [text(String(ctx.t('news.noUser')))];
  const optOut = sub === 'stop';
  await setNewsOptOut(ctx.deps.store, ctx.userId, optOut, ctx.now);
  return [
    {
      ...text(String(ctx.t(optOut ? 'news.stopped' : 'news.started'))),
      quickReply: { items: [newsToggle(ctx.t, optOut), ...mainItems(ctx)] },
    },
  ];
}

async function latest(ctx: Ctx): Promise<Message[]> {
  const { store } = ctx.deps;
  const audience = ctx.userId ? await getNewsAudience(store, ctx.userId) : undefined;
  if (audience && ctx.userId) {
    await writeAudit(store, {
      at: ctx.now,
      actor: await pseudonym(ctx.deps.config.auditPseudonymKey, ctx.userId),
      personId: audience.personId,
      action: 'read_news_targeting',
      purpose: 'news intent: show the items for the user section and province',
    });
  }
  const items = await latestNewsFor(store, audience ?? {}, CAROUSEL_ITEMS * 2);
  const optedOut = ctx.user?.newsOptOut ?? false;
  const qr = { items: [newsToggle(ctx.t, optedOut), ...mainItems(ctx)] };
  if (items.length === 0) return [{ ...text(String(ctx.t('news.none'))), quickReply: qr }];

  const ordered = preferLanguage(items, ctx.lang).slice(0, CAROUSEL_ITEMS);
  let bubbles = ordered.map((item) => newsBubble(item, ctx.lang, ctx.t));
  const alt = String(ctx.t('news.alt'));
  let message: messagingApi.FlexMessage = flexMessage(alt, carousel(bubbles));
  // Long titles could push 12 bubbles past LINE's 50 KB: drop the oldest until it fits.
  while (bubbles.length > 1 && findLimitViolations([message]).length > 0) {
    bubbles = bubbles.slice(0, -1);
    message = flexMessage(alt, carousel(bubbles));
  }
  return [{ ...message, quickReply: qr }];
}

/** Items available in the reader's language first (newest first within each group). */
function preferLanguage(items: readonly NewsItem[], lang: string): NewsItem[] {
  const mine = items.filter((i) => i.languages.includes(lang));
  const others = items.filter((i) => !i.languages.includes(lang));
  return [...mine, ...others];
}

function mainItems(ctx: Ctx): messagingApi.QuickReplyItem[] {
  return (
    quickReplies(
      ctx.t,
      MAIN_INTENTS.filter((i) => i !== 'news'),
    ).items ?? []
  );
}
