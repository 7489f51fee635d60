/** Free text → IntentMatch, through the NLU (pure, no I/O). */
import type { IntentMatch } from './handlers/context.ts';
import type { Lang } from './i18n.ts';
import { isIntentName } from './intents.ts';
import { classify, replyLanguage } from './nlu/index.ts';

export function understand(text: string, lang: Lang): IntentMatch {
  const result = classify(text, { lang });
  const alternatives = (result.alternatives ?? [])
    .map((a: { intent: string } | string) => (typeof a === 'string' ? a : a.intent))
    .filter(isIntentName);
  const written = replyLanguage(text);
  return {
    intent: result.intent,
    confidence: result.confidence,
    entities: result.entities as Record<string, unknown>,
    alternatives,
    text,
    ...(written.lang ? { textLang: written.lang } : {}),
    ...(written.romanised ? { romanised: written.romanised } : {}),
  };
}
