/**
 * Groups the questions the bot could not answer (the console's Unanswered page): by topic (the
 * closest intent, null when none was close), then by similarity within a topic, so staff see
 * "37 people asked about a lost card" instead of 37 lines.
 *
 * Similarity is the Jaccard index of the NLU's word tokens (src/nlu: Thai, Lao, Khmer and
 * Burmese are cut against the classifier's dictionary, since they have no spaces; particles and
 * fillers are dropped). Clustering is greedy, oldest question first: a question joins the
 * cluster whose first question (its seed) it is most similar to, if at least `threshold`, else
 * it starts a cluster. An inverted index from token to seeds limits the comparisons to seeds
 * sharing a token: at most O(n·k) for n questions and k clusters, far less in practice.
 * Processing oldest first keeps a cluster's seed (its key) stable while new questions arrive.
 */
import { isLang, type Lang } from '../nlu/lang.ts';
import { normalise } from '../nlu/normalise.ts';
import { words } from '../nlu/tokenise.ts';

export interface Question {
  readonly id: number;
  readonly at: number;
  readonly lang: string;
  /** Masked text (as stored). */
  readonly text: string;
  readonly topic: string | null;
}

export interface Cluster<Q extends Question = Question> {
  /** The id of its first question: stable while questions are added. */
  readonly key: number;
  readonly topic: string | null;
  readonly questions: Q[];
  /** The most asked wording (the earliest of equals). */
  example: string;
  readonly langs: string[];
  firstAt: number;
  lastAt: number;
}

export interface TopicGroup<Q extends Question = Question> {
  readonly topic: string | null;
  readonly count: number;
  /** Most asked first. */
  readonly clusters: Cluster<Q>[];
}

/** Questions at least this similar (Jaccard of word tokens) share a cluster. */
export const SIMILARITY_THRESHOLD = 0.4;

/** The same wording, whatever the case, spacing and Thai typing variants. */
export function wordingKey(text: string): string {
  return normalise(text).replace(/\s+/g, ' ').trim();
}

/** The distinct word tokens of a question. */
export function tokenSet(text: string, lang: string): Set<string> {
  const l: Lang = isLang(lang) ? lang : 'th';
  return new Set(words(normalise(text), l));
}

interface Building<Q extends Question> {
  cluster: Cluster<Q>;
  seedTokens: Set<string>;
  wordings: Map<string, { count: number; text: string }>;
}

/** Groups `questions` (any order) by topic, then by similarity; most asked first. */
export function clusterQuestions<Q extends Question>(
  questions: readonly Q[],
  threshold = SIMILARITY_THRESHOLD,
): TopicGroup<Q>[] {
  const byTopic = new Map<string | null, Q[]>();
  const ordered = [...questions].sort((a, b) => a.at - b.at || a.id - b.id);
  for (const q of ordered) {
    const list = byTopic.get(q.topic);
    if (list) list.push(q);
    else byTopic.set(q.topic, [q]);
  }
  const groups: TopicGroup<Q>[] = [];
  for (const [topic, list] of byTopic) {
    const clusters = clusterTopic(topic, list, threshold);
    groups.push({ topic, count: list.length, clusters });
  }
  return groups.sort(
    (a, b) => b.count - a.count || (a.topic ?? '\uffff').localeCompare(b.topic ?? '\uffff'),
  );
}

function clusterTopic<Q extends Question>(
  topic: string | null,
  questions: readonly Q[],
  threshold: number,
): Cluster<Q>[] {
  const built: Building<Q>[] = [];
  const byWording = new Map<string, number>();
  const index = new Map<string, number[]>();
  for (const q of questions) {
    const key = wordingKey(q.text);
    let target = byWording.get(key);
    if (target === undefined) {
      const tokens = tokenSet(q.text, q.lang);
      target = closest(built, index, tokens, threshold);
      if (target === undefined) {
        target = built.length;
        built.push({
          cluster: {
            key: q.id,
            topic,
            questions: [],
            example: q.text,
            langs: [],
            firstAt: q.at,
            lastAt: q.at,
          },
          seedTokens: tokens,
          wordings: new Map(),
        });
        for (const t of tokens) {
          const seeds = index.get(t);
          if (seeds) seeds.push(target);
          else index.set(t, [target]);
        }
      }
      byWording.set(key, target);
    }
    add(built[target]!, q, key);
  }
  for (const b of built) {
    let best: { count: number; text: string } | undefined;
    for (const w of b.wordings.values()) if (!best || w.count > best.count) best = w;
    if (best) b.cluster.example = best.text;
  }
  return built
    .map((b) => b.cluster)
    .sort((a, b) => b.questions.length - a.questions.length || b.lastAt - a.lastAt);
}

/** The most similar seed sharing a token with `tokens`, if similar enough. */
function closest<Q extends Question>(
  built: readonly Building<Q>[],
  index: ReadonlyMap<string, number[]>,
  tokens: ReadonlySet<string>,
  threshold: number,
): number | undefined {
  if (tokens.size === 0) return undefined;
  const shared = new Map<number, number>();
  for (const t of tokens) {
    for (const seed of index.get(t) ?? []) shared.set(seed, (shared.get(seed) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestScore = threshold;
  for (const [seed, n] of shared) {
    const score = n / (tokens.size + built[seed]!.seedTokens.size - n);
    if (score > bestScore || (score === bestScore && best === undefined)) {
      best = seed;
      bestScore = score;
    }
  }
  return best;
}

function add<Q extends Question>(b: Building<Q>, q: Q, key: string): void {
  const c = b.cluster;
  c.questions.push(q);
  if (!c.langs.includes(q.lang)) c.langs.push(q.lang);
  c.firstAt = Math.min(c.firstAt, q.at);
  c.lastAt = Math.max(c.lastAt, q.at);
  const w = b.wordings.get(key);
  if (w) w.count++;
  else b.wordings.set(key, { count: 1, text: q.text });
}

/**
 * A draft of training examples: one line per distinct wording, as JSON Lines
 * (`{"text","lang","intent","count"}`), most asked first. `text` is what goes into
 * locales/<lang>/intents.json under `intents.<intent>.examples`; `intent` is the topic, or ""
 * when the bot found none close (a maintainer picks one).
 */
export function trainingDraft(clusters: readonly Cluster[]): string {
  const lines = new Map<string, { text: string; lang: string; intent: string; count: number }>();
  for (const c of clusters) {
    for (const q of c.questions) {
      const key = `${c.topic ?? ''}\u0000${q.lang}\u0000${wordingKey(q.text)}`;
      const line = lines.get(key);
      if (line) line.count++;
      else
        lines.set(key, {
          text: q.text.replace(/\s+/g, ' ').trim(),
          lang: q.lang,
          intent: c.topic ?? '',
          count: 1,
        });
    }
  }
  return [...lines.values()]
    .sort((a, b) => b.count - a.count)
    .map((l) => `${JSON.stringify(l)}\n`)
    .join('');
}
