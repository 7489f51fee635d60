/** The intents of SPEC §3.4. The names are a contract: extend, never rename. */
export const INTENT_NAMES = [
  'contribution_balance',
  'hospital_rights',
  'unemployment_benefit',
  'office_location',
  'news',
  'link_account',
  'unlink_account',
  'change_language',
  'section40_info',
  'pay_contribution',
  'talk_to_staff',
  'greeting_help',
  'benefit_info',
  'my_claims',
  'notifications',
  'unknown',
] as const;
export type IntentName = (typeof INTENT_NAMES)[number];

export function isIntentName(value: unknown): value is IntentName {
  return typeof value === 'string' && (INTENT_NAMES as readonly string[]).includes(value);
}
