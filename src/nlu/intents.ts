/**
 * The 13 intents the NLU can return: the SPEC §3.4 list in src/intents.ts. The order is the class
 * order used by the classifier.
 */
import { INTENT_NAMES, type IntentName } from '../intents.ts';

export const INTENTS = INTENT_NAMES;
export type Intent = IntentName;

const INTENT_SET: ReadonlySet<string> = new Set(INTENTS);

export function isIntent(value: string): value is Intent {
  return INTENT_SET.has(value);
}
