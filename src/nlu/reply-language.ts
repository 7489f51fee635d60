/**
 * The language to answer a text in: the language it is written in, when that is clear enough
 * (a few words are not: "SSO 1506" says nothing; Lao typed in Thai letters is Lao), and
 * romanised Burmese/Khmer/Lao, which the bot cannot read reliably and answers with the language
 * picker. See detectReplyLang (lang.ts) for the thresholds.
 */
import { detectReplyLang, type Lang } from './lang.ts';

export interface WrittenLanguage {
  /** Set only when the detection is confident. */
  readonly lang?: Lang;
  readonly romanised?: Lang;
}

export function replyLanguage(text: string): WrittenLanguage {
  const r = detectReplyLang(text);
  if (!r) return {};
  return {
    ...(r.confident ? { lang: r.lang } : {}),
    ...(r.romanised ? { romanised: r.romanised } : {}),
  };
}
