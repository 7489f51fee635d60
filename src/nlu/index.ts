/**
 * NLU public API: normalisation, language detection, tokenisation, entity extraction and intent
 * classification. Pure functions, no I/O, no network; the model is built from bundled JSON.
 */
export {
  type Alternative,
  type Classification,
  type ClassifyHint,
  classify,
  MAX_INPUT_CHARS,
  setModel,
  warmUp,
} from './classify.ts';
export {
  BENEFIT_ENTITIES,
  type BenefitEntity,
  CAUSE_ENTITIES,
  type CauseEntity,
  type Entities,
  extractEntities,
  extractEntitiesNormalised,
  isValidNationalId,
  maskNationalId,
  type Section,
  TOPIC_ENTITIES,
  type TopicEntity,
  warmUpEntities,
} from './entities.ts';
export { INTENTS, type Intent, isIntent } from './intents.ts';
export { detectLang, detectReplyLang, isLang, LANGS, type Lang, type ReplyLang } from './lang.ts';
export { DEFAULT_OPTIONS, type ModelOptions, type TrainingFile } from './model.ts';
export { normalise } from './normalise.ts';
export { findProvince, PROVINCES, type Province, provinceByCode } from './provinces.ts';
export { replyLanguage, type WrittenLanguage } from './reply-language.ts';
export { detectRomanised } from './romanised.ts';
export { MAX_FEATURE_CHARS, tokenise, words } from './tokenise.ts';
export { isZawgyi, zawgyiToUnicode } from './zawgyi.ts';
