/**
 * A small character trie for finding many fixed strings in short texts: built with Maps, then
 * frozen into typed arrays (compileTrie) that the scans walk, one walk per start position, no
 * regex, no allocation per query.
 */
export interface TrieNode {
  next: Map<number, TrieNode>;
  /** Ids of the strings that end here. */
  ids?: number[];
}

export function newTrie(): TrieNode {
  return { next: new Map() };
}

export function trieAdd(root: TrieNode, key: string, id: number): void {
  let node = root;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    let n = node.next.get(c);
    if (!n) {
      n = newTrie();
      node.next.set(c, n);
    }
    node = n;
  }
  if (node.ids) node.ids.push(id);
  else node.ids = [id];
}

/**
 * A trie frozen into typed arrays for the hot scan (no Map look-ups): a direct table for the
 * first character, then each node's children as a sorted run of (char, node) pairs.
 */
export interface CompactTrie {
  /** First character → node, or -1 (characters past its end: -1 too, see compactStart). */
  readonly first: Int32Array;
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly childChar: Uint16Array;
  readonly childNode: Int32Array;
  readonly idStart: Int32Array;
  readonly idCount: Int32Array;
  readonly ids: Int32Array;
}

export function compileTrie(root: TrieNode): CompactTrie {
  const nodes: TrieNode[] = [];
  const index = new Map<TrieNode, number>();
  const visit = (n: TrieNode) => {
    index.set(n, nodes.length);
    nodes.push(n);
    for (const child of n.next.values()) visit(child);
  };
  for (const child of root.next.values()) visit(child);
  const N = nodes.length;
  const childStart = new Int32Array(N);
  const childCount = new Int32Array(N);
  const idStart = new Int32Array(N);
  const idCount = new Int32Array(N);
  let edges = 0;
  let idTotal = 0;
  for (const n of nodes) {
    edges += n.next.size;
    idTotal += n.ids?.length ?? 0;
  }
  const childChar = new Uint16Array(edges);
  const childNode = new Int32Array(edges);
  const ids = new Int32Array(idTotal);
  let e = 0;
  let d = 0;
  nodes.forEach((n, i) => {
    childStart[i] = e;
    const kids = [...n.next.entries()].sort((a, b) => a[0] - b[0]);
    childCount[i] = kids.length;
    for (const [c, child] of kids) {
      childChar[e] = c;
      childNode[e++] = index.get(child)!;
    }
    idStart[i] = d;
    idCount[i] = n.ids?.length ?? 0;
    for (const id of n.ids ?? []) ids[d++] = id;
  });
  // as long as the highest first character needs (Khmer: 6 K entries, not 64 K)
  const first = new Int32Array(Math.max(0, ...root.next.keys()) + 1).fill(-1);
  for (const [c, child] of root.next) first[c] = index.get(child)!;
  return { first, childStart, childCount, childChar, childNode, idStart, idCount, ids };
}

/** The node of the one-character prefix `c`, or -1. */
export function compactStart(t: CompactTrie, c: number): number {
  return c < t.first.length ? t.first[c]! : -1;
}

/** The child of `node` for character `c`, or -1. */
export function compactStep(t: CompactTrie, node: number, c: number): number {
  let lo = t.childStart[node]!;
  let hi = lo + t.childCount[node]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = t.childChar[mid]!;
    if (m === c) return t.childNode[mid]!;
    if (m < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
