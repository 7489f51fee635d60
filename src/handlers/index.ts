/** Intent → handler. Every intent of SPEC §3.4 has exactly one entry. */
import type { IntentName } from '../intents.ts';
import { linkAccount, unlinkAccount } from './account.ts';
import { myClaims } from './claims.ts';
import type { IntentHandler } from './context.ts';
import { greetingHelp, unknownIntent } from './general.ts';
import { benefitInfo } from './knowledge.ts';
import { contributionBalance, unemploymentBenefit } from './my-data.ts';
import { news } from './news.ts';
import { notifications } from './notifications.ts';
import { hospitalRightsOrNear, officeLocation } from './offices.ts';
import { changeLanguage, payContribution, section40Info, talkToStaff } from './services.ts';

export const intentHandlers: Record<IntentName, IntentHandler> = {
  contribution_balance: contributionBalance,
  hospital_rights: hospitalRightsOrNear,
  unemployment_benefit: unemploymentBenefit,
  office_location: officeLocation,
  news,
  link_account: linkAccount,
  unlink_account: unlinkAccount,
  change_language: changeLanguage,
  section40_info: section40Info,
  pay_contribution: payContribution,
  talk_to_staff: talkToStaff,
  greeting_help: greetingHelp,
  benefit_info: benefitInfo,
  my_claims: myClaims,
  notifications,
  unknown: unknownIntent,
};
