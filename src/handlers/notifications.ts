/** `notifications` (C14): opt in and out per category. Placeholder until built. */
import { choiceQuickReplies, type IntentHandler, text, withQuickReplies } from './context.ts';

export const notifications: IntentHandler = async (ctx) =>
  withQuickReplies(
    [text(String(ctx.t('knowledge.common.notificationsComing')))],
    choiceQuickReplies(ctx.t, ['news', 'benefit_info', 'greeting_help']),
  );
