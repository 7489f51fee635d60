/**
 * A small character trie for finding many fixed strings in short texts: one walk per start
 * position, no regex, no allocation per query.
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

/** Calls `hit(id)` for every occurrence of every key in `text` (a key may be reported twice). */
export function trieScan(root: TrieNode, text: string, hit: (id: number) => void): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let node = root.next.get(text.charCodeAt(i));
    let j = i + 1;
    while (node) {
      if (node.ids) for (const id of node.ids) hit(id);
      if (j >= n) break;
      node = node.next.get(text.charCodeAt(j++));
    }
  }
}
