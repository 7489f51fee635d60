/**
 * The knowledge base's strings (locales/<lang>/knowledge/*.json), bundled statically so the
 * Worker has them too. Each file holds `knowledge.<topic>` and `sources.<id>` entries; src/i18n.ts
 * merges them into the language's bundle.
 */

import enBenefits from '../../locales/en/knowledge/benefits.json' with { type: 'json' };
import enCommon from '../../locales/en/knowledge/common.json' with { type: 'json' };
import enContributions from '../../locales/en/knowledge/contributions.json' with { type: 'json' };
import enMedical from '../../locales/en/knowledge/medical.json' with { type: 'json' };
import enOldAgeUnemployment from '../../locales/en/knowledge/old-age-unemployment.json' with {
  type: 'json',
};
import enServices from '../../locales/en/knowledge/services.json' with { type: 'json' };
import kmBenefits from '../../locales/km/knowledge/benefits.json' with { type: 'json' };
import kmCommon from '../../locales/km/knowledge/common.json' with { type: 'json' };
import kmContributions from '../../locales/km/knowledge/contributions.json' with { type: 'json' };
import kmMedical from '../../locales/km/knowledge/medical.json' with { type: 'json' };
import kmOldAgeUnemployment from '../../locales/km/knowledge/old-age-unemployment.json' with {
  type: 'json',
};
import kmServices from '../../locales/km/knowledge/services.json' with { type: 'json' };
import loBenefits from '../../locales/lo/knowledge/benefits.json' with { type: 'json' };
import loCommon from '../../locales/lo/knowledge/common.json' with { type: 'json' };
import loContributions from '../../locales/lo/knowledge/contributions.json' with { type: 'json' };
import loMedical from '../../locales/lo/knowledge/medical.json' with { type: 'json' };
import loOldAgeUnemployment from '../../locales/lo/knowledge/old-age-unemployment.json' with {
  type: 'json',
};
import loServices from '../../locales/lo/knowledge/services.json' with { type: 'json' };
import myBenefits from '../../locales/my/knowledge/benefits.json' with { type: 'json' };
import myCommon from '../../locales/my/knowledge/common.json' with { type: 'json' };
import myContributions from '../../locales/my/knowledge/contributions.json' with { type: 'json' };
import myMedical from '../../locales/my/knowledge/medical.json' with { type: 'json' };
import myOldAgeUnemployment from '../../locales/my/knowledge/old-age-unemployment.json' with {
  type: 'json',
};
import myServices from '../../locales/my/knowledge/services.json' with { type: 'json' };
import thBenefits from '../../locales/th/knowledge/benefits.json' with { type: 'json' };
import thCommon from '../../locales/th/knowledge/common.json' with { type: 'json' };
import thContributions from '../../locales/th/knowledge/contributions.json' with { type: 'json' };
import thMedical from '../../locales/th/knowledge/medical.json' with { type: 'json' };
import thOldAgeUnemployment from '../../locales/th/knowledge/old-age-unemployment.json' with {
  type: 'json',
};
import thServices from '../../locales/th/knowledge/services.json' with { type: 'json' };
import type { Lang } from '../i18n.ts';

export const KNOWLEDGE_STRINGS: Readonly<Record<Lang, readonly Record<string, unknown>[]>> = {
  th: [thCommon, thContributions, thMedical, thBenefits, thOldAgeUnemployment, thServices],
  en: [enCommon, enContributions, enMedical, enBenefits, enOldAgeUnemployment, enServices],
  my: [myCommon, myContributions, myMedical, myBenefits, myOldAgeUnemployment, myServices],
  km: [kmCommon, kmContributions, kmMedical, kmBenefits, kmOldAgeUnemployment, kmServices],
  lo: [loCommon, loContributions, loMedical, loBenefits, loOldAgeUnemployment, loServices],
};
