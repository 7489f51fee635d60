/** Intent → handler. Every intent of SPEC §3.4 has exactly one entry. */
import type { IntentName } from '../intents.ts';
import { linkAccount, unlinkAccount } from './account.ts';
import type { IntentHandler } from './context.ts';
import { comingSoon, greetingHelp, unknownIntent } from './general.ts';
import { contributionBalance, hospitalRights, unemploymentBenefit } from './my-data.ts';

export const intentHandlers: Record<IntentName, IntentHandler> = {
  contribution_balance: contributionBalance,
  hospital_rights: hospitalRights,
  unemployment_benefit: unemploymentBenefit,
  office_location: comingSoon,
  news: comingSoon,
  link_account: linkAccount,
  unlink_account: unlinkAccount,
  change_language: comingSoon,
  section40_info: comingSoon,
  pay_contribution: comingSoon,
  talk_to_staff: comingSoon,
  greeting_help: greetingHelp,
  unknown: unknownIntent,
};
