/** Every knowledge topic, in priority order (an earlier topic wins a tie). */
import type { Topic } from '../types.ts';
import { BENEFITS_TOPICS } from './benefits.ts';
import { CONTRIBUTIONS_TOPICS } from './contributions.ts';
import { MEDICAL_TOPICS } from './medical.ts';
import { OLD_AGE_UNEMPLOYMENT_TOPICS } from './old-age-unemployment.ts';
import { SERVICES_TOPICS } from './services.ts';

export const TOPICS: readonly Topic[] = [
  ...CONTRIBUTIONS_TOPICS,
  ...MEDICAL_TOPICS,
  ...BENEFITS_TOPICS,
  ...OLD_AGE_UNEMPLOYMENT_TOPICS,
  ...SERVICES_TOPICS,
];
