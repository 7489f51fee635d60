/**
 * Which topic answers a question: the NLU's intent and entities (topic, benefit, cause, section)
 * score the topics; an entity that names the subject outweighs the intent, so a question the
 * classifier put under a neighbouring intent still gets the right answer. Pure and cheap: the
 * candidates come from indexes built once, and a call allocates nothing.
 */
import type { IntentName } from '../intents.ts';
import type { Entities } from '../nlu/entities.ts';
import { TOPICS } from './topics/index.ts';
import type { Topic } from './types.ts';

export interface TopicChoice {
  readonly topic: Topic;
  /** Selected by what the question named (topic, benefit or cause), not only by its intent. */
  readonly specific: boolean;
}

const W_TOPIC = 7;
const W_BENEFIT = 6;
const W_CAUSE = 6;
const W_INTENT = 1;
const W_DEFAULT = 0.5;
const W_SECTION = 2;
const W_OTHER_SECTION = -5;

function index<K extends string>(
  pick: (t: Topic) => readonly K[] | undefined,
): ReadonlyMap<K, readonly number[]> {
  const map = new Map<K, number[]>();
  TOPICS.forEach((t, i) => {
    for (const k of pick(t) ?? []) map.set(k, [...(map.get(k) ?? []), i]);
  });
  return map;
}

const BY_TOPIC = index((t) => t.match.topic);
const BY_BENEFIT = index((t) => t.match.benefit);
const BY_CAUSE = index((t) => t.match.cause);
const BY_INTENT = index((t) => t.match.intent);

/** The answers, built once: selecting a topic allocates nothing (it runs on every question). */
const CHOICES: readonly (readonly [TopicChoice, TopicChoice])[] = TOPICS.map((topic) => [
  Object.freeze({ topic, specific: false }),
  Object.freeze({ topic, specific: true }),
]);

/** Scratch: CANDIDATE[i] === stamp when topic i is a candidate of the current call. */
const CANDIDATE = new Float64Array(TOPICS.length);
let stamp = 0;

function mark(ids: readonly number[] | undefined): void {
  if (ids) for (const i of ids) CANDIDATE[i] = stamp;
}

/** Whether the topic's list for one entity kind, if it has one, names the value found. */
function listed<K extends string>(list: readonly K[] | undefined, found: K | undefined): boolean {
  return list === undefined || (found !== undefined && list.includes(found));
}

/** The best topic for an intent and its entities, or undefined when none fits. */
export function selectTopic(
  intent: IntentName,
  entities: Readonly<Entities>,
): TopicChoice | undefined {
  stamp++;
  if (entities.topic) mark(BY_TOPIC.get(entities.topic));
  if (entities.benefit) mark(BY_BENEFIT.get(entities.benefit));
  if (entities.cause) mark(BY_CAUSE.get(entities.cause));
  mark(BY_INTENT.get(intent));
  let best = -1;
  let bestScore = 0;
  let bestSpecific = false;
  // candidates in TOPICS order: on a tie the first listed wins
  for (let i = 0; i < TOPICS.length; i++) {
    if (CANDIDATE[i] !== stamp) continue;
    const t = TOPICS[i]!;
    const m = t.match;
    let score = 0;
    let specific = false;
    if (entities.topic && m.topic?.includes(entities.topic)) {
      score += W_TOPIC;
      specific = true;
    }
    if (entities.benefit && m.benefit?.includes(entities.benefit)) {
      score += W_BENEFIT;
      specific = true;
    }
    if (entities.cause && m.cause?.includes(entities.cause)) {
      score += W_CAUSE;
      specific = true;
    }
    if (
      m.all &&
      !(
        listed(m.topic, entities.topic) &&
        listed(m.benefit, entities.benefit) &&
        listed(m.cause, entities.cause)
      )
    ) {
      continue;
    }
    if (m.intent?.includes(intent)) score += W_INTENT + (t.isDefault ? W_DEFAULT : 0);
    if (entities.section !== undefined && t.sections) {
      score += t.sections.includes(entities.section) ? W_SECTION : W_OTHER_SECTION;
    }
    // By intent alone only the intent's default answers.
    if (!specific && !t.isDefault) continue;
    if (score > bestScore) {
      best = i;
      bestScore = score;
      bestSpecific = specific;
    }
  }
  return best >= 0 ? CHOICES[best]![bestSpecific ? 1 : 0] : undefined;
}

/** A topic by id (postbacks `action=benefit_info&topic=<id>`). */
export function topicById(id: string): Topic | undefined {
  return TOPICS.find((t) => t.id === id);
}
