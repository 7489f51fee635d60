/**
 * The training files, locales/<lang>/intents.json (the source of truth), as static JSON imports:
 * what `npm run build:data` compiles into src/generated/intent-model.ts and what the tests read.
 * The app does not import this module (it builds its model from the compiled data, compiled.ts),
 * so the raw files stay out of the Worker bundle.
 */
import en from '../../locales/en/intents.json' with { type: 'json' };
import km from '../../locales/km/intents.json' with { type: 'json' };
import lo from '../../locales/lo/intents.json' with { type: 'json' };
import my from '../../locales/my/intents.json' with { type: 'json' };
import th from '../../locales/th/intents.json' with { type: 'json' };
import type { Lang } from './lang.ts';
import type { TrainingFile } from './model.ts';

export const TRAINING: Readonly<Record<Lang, TrainingFile>> = {
  th: th as TrainingFile,
  en: en as TrainingFile,
  my: my as TrainingFile,
  km: km as TrainingFile,
  lo: lo as TrainingFile,
};
