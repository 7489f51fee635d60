/** The 13 intents the NLU can return. The order is the class order used by the classifier. */
export const INTENTS = [
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
  'unknown',
] as const;

export type Intent = (typeof INTENTS)[number];

const INTENT_SET: ReadonlySet<string> = new Set(INTENTS);

export function isIntent(value: string): value is Intent {
  return INTENT_SET.has(value);
}
