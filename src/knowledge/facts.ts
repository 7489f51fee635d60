/** Helpers for topics' `facts`: read a rule in force on a day, and build typed facts. */
import { anyRuleOn } from '../rules/index.ts';
import type { Fact, Facts, Topic } from './types.ts';

const lastFacts = new WeakMap<Topic, { day: string; facts: Facts }>();

/**
 * A topic's facts on `day`, computed once per topic and day (they depend only on the dated
 * rules, which do not change while the process runs).
 */
export function topicFacts(topic: Topic, day: string): Facts {
  const hit = lastFacts.get(topic);
  if (hit?.day === day) return hit.facts;
  const facts = topic.facts(day);
  lastFacts.set(topic, { day, facts });
  return facts;
}

/** The value of rule `key` in force on `day`; throws when the data has none (a test catches it). */
export function ruleValue(key: string, day: string): Readonly<Record<string, unknown>> {
  const entry = anyRuleOn(key, day);
  if (!entry) throw new RangeError(`knowledge: no ${key} rule in force on ${day}`);
  return entry.value;
}

/** The effective_from of rule `key` in force on `day`. */
export function ruleSince(key: string, day: string): string {
  const entry = anyRuleOn(key, day);
  if (!entry) throw new RangeError(`knowledge: no ${key} rule in force on ${day}`);
  return entry.effective_from;
}

/** A number field of a rule value (throws on a wrong shape, so a bad edit fails the tests). */
export function numberField(value: Readonly<Record<string, unknown>>, field: string): number {
  const v = value[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TypeError(`knowledge: field ${field} is not a number`);
  }
  return v;
}

type Value = Readonly<Record<string, unknown>>;

/** A non-blank string field (throws on a wrong shape, so a bad edit fails the tests). */
export function stringField(value: Value, field: string): string {
  const v = value[field];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new TypeError(`knowledge: field ${field} is not a string`);
  }
  return v;
}

/** A sub-object field of a rule value. */
export function objectField(value: Value, field: string): Value {
  const v = value[field];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError(`knowledge: field ${field} is not an object`);
  }
  return v as Value;
}

/** An array field of a rule value. */
export function arrayField(value: Value, field: string): readonly unknown[] {
  const v = value[field];
  if (!Array.isArray(v)) throw new TypeError(`knowledge: field ${field} is not an array`);
  return v;
}

/** A text field of rule `key` in force on `day` (a website, a form code), verbatim. */
export function ruleText(key: string, field: string, day: string): Fact {
  return verbatim(stringField(ruleValue(key, day), field));
}

export const baht = (thb: number): Fact => ({ kind: 'baht', thb });
export const num = (value: number): Fact => ({ kind: 'number', value });
export const percent = (value: number): Fact => ({ kind: 'percent', value });
export const date = (iso: string): Fact => ({ kind: 'date', iso });
export const month = (period: string): Fact => ({ kind: 'month', period });
export const year = (y: number): Fact => ({ kind: 'year', year: y });
export const verbatim = (value: string): Fact => ({ kind: 'text', value });
export const phrase = (key: string, values?: Record<string, Fact>): Fact =>
  values ? { kind: 't', key, values } : { kind: 't', key };

/** The SSO hotline number in force on `day` (rule contact.hotline), verbatim. */
export function hotline(day: string): Fact {
  const phone = ruleValue('contact.hotline', day).phone;
  if (typeof phone !== 'string' || phone === '') {
    throw new TypeError('knowledge: contact.hotline has no phone');
  }
  return verbatim(phone);
}
