/**
 * The knowledge base's shapes (SPEC C13). A topic is one general answer: its words live in
 * locales/<lang>/knowledge/<domain>.json (`knowledge.<id>.title` / `.body`, with `{{fact}}`
 * placeholders), its numbers in data/rules/*.json (read by `facts` on the day asked), and the
 * topic itself here: what selects it, which rules it cites, what to offer next.
 */
import type { IntentName } from '../intents.ts';
import type { Entities, TopicEntity } from '../nlu/entities.ts';

export type Section = 33 | 39 | 40;
export type Benefit = NonNullable<Entities['benefit']>;
export type Cause = NonNullable<Entities['cause']>;

/** A value for a `{{placeholder}}`, formatted in the reader's language by the renderer. */
export type Fact =
  | { readonly kind: 'baht'; readonly thb: number }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'percent'; readonly value: number }
  /** A calendar day, YYYY-MM-DD: Buddhist era in Thai. */
  | { readonly kind: 'date'; readonly iso: string }
  /** A month, YYYY-MM ("ตุลาคม 2568", "October 2025"). */
  | { readonly kind: 'month'; readonly period: string }
  /** A year (Gregorian): shown in the Buddhist era in Thai. */
  | { readonly kind: 'year'; readonly year: number }
  /** Verbatim (a website, a phone number, a form code): never translated. */
  | { readonly kind: 'text'; readonly value: string }
  /** A phrase from the locale (e.g. a list item), itself filled with facts. */
  | { readonly kind: 't'; readonly key: string; readonly values?: Readonly<Record<string, Fact>> };

export type Facts = Readonly<Record<string, Fact>>;

/**
 * The next useful step, as a quick reply: an intent (`action=<intent>`), or one of the
 * calculators / searches. `link_account` is shown as "see my own figures".
 */
export type NextStep =
  | IntentName
  | 'calc_contribution'
  | 'calc_unemployment'
  | 'calc_pension'
  | 'hospitals_near';

export interface TopicMatch {
  /** The `topic` entity values that select this topic (strongest signal). */
  readonly topic?: readonly TopicEntity[];
  /** The `benefit` entity values that select it. */
  readonly benefit?: readonly Benefit[];
  /** The `cause` entity values (unemployment causes). */
  readonly cause?: readonly Cause[];
  /** The intents it answers under; with `isDefault`, the answer when nothing more specific is said. */
  readonly intent?: readonly IntentName[];
  /** Every entity kind listed (topic, benefit, cause) must match, not any one of them. */
  readonly all?: boolean;
}

export interface Topic {
  /** Locale key stem `knowledge.<id>`; [a-z0-9_]+. */
  readonly id: string;
  readonly match: TopicMatch;
  /** The default answer for its intents (one per intent, or per intent and section). */
  readonly isDefault?: boolean;
  /** The sections the answer is about; a `section` entity prefers topics that name it. */
  readonly sections?: readonly Section[];
  /** Rule keys (data/rules) the answer states: cited as its source, dated, checked for confidence. */
  readonly rules: readonly string[];
  /** The placeholder values on `day` (YYYY-MM-DD, Bangkok). Throws if a rule is missing. */
  facts(day: string): Facts;
  /** Quick replies, best first (≤ 6). */
  readonly next: readonly NextStep[];
  /**
   * The personal answer a linked user in a 1:1 chat also gets (their own figures), if any.
   * Unlinked users get a "see my own figures" button instead.
   */
  readonly personal?:
    | 'contribution_balance'
    | 'hospital_rights'
    | 'unemployment_benefit'
    | 'my_claims';
  /** The topic states something no source confirms: always show the "not confirmed" note. */
  readonly unconfirmed?: boolean;
}
