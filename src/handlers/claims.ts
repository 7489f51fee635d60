/** `my_claims` (C14): the person's claims for every benefit. Placeholder until built. */
import { HOTLINE } from '../rules/index.ts';
import { choiceQuickReplies, type IntentHandler, text, withQuickReplies } from './context.ts';

export const myClaims: IntentHandler = async (ctx) =>
  withQuickReplies(
    [text(String(ctx.t('knowledge.common.claimsComing', { hotline: HOTLINE })))],
    choiceQuickReplies(ctx.t, ['unemployment_benefit', 'benefit_info', 'talk_to_staff']),
  );
