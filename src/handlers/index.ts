/** Intent → handler. Every intent of SPEC §3.4 has exactly one entry. */
import type { IntentName } from '../intents.ts';
import type { IntentHandler } from './context.ts';
import { comingSoon, greetingHelp, unknownIntent } from './general.ts';

export const intentHandlers: Record<IntentName, IntentHandler> = {
  contribution_balance: comingSoon,
  hospital_rights: comingSoon,
  unemployment_benefit: comingSoon,
  office_location: comingSoon,
  news: comingSoon,
  link_account: comingSoon,
  unlink_account: comingSoon,
  change_language: comingSoon,
  section40_info: comingSoon,
  pay_contribution: comingSoon,
  talk_to_staff: comingSoon,
  greeting_help: greetingHelp,
  unknown: unknownIntent,
};
