/**
 * Open-addressing hash table from non-negative 30-bit integer keys to row numbers, in typed
 * arrays (much faster than Map for the classifier's per-feature look-ups).
 */
export interface IntTable {
  keys: Int32Array;
  vals: Int32Array;
  mask: number;
  size: number;
}

export function newIntTable(capacity = 1024): IntTable {
  let n = 16;
  while (n < capacity * 2) n *= 2;
  return { keys: new Int32Array(n).fill(-1), vals: new Int32Array(n), mask: n - 1, size: 0 };
}

function slot(key: number, mask: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 0 & mask;
}

/** Row of `key`, or -1. */
export function tableGet(t: IntTable, key: number): number {
  const { keys, mask } = t;
  let i = slot(key, mask);
  for (;;) {
    const k = keys[i]!;
    if (k === key) return t.vals[i]!;
    if (k === -1) return -1;
    i = (i + 1) & mask;
  }
}

function grow(t: IntTable): void {
  const old = t;
  const bigger = newIntTable(old.keys.length);
  for (let i = 0; i < old.keys.length; i++) {
    const k = old.keys[i]!;
    if (k !== -1) tableSet(bigger, k, old.vals[i]!);
  }
  t.keys = bigger.keys;
  t.vals = bigger.vals;
  t.mask = bigger.mask;
}

/** Sets `key` → `val`. */
export function tableSet(t: IntTable, key: number, val: number): void {
  if ((t.size + 1) * 2 > t.keys.length) grow(t);
  const { keys, mask } = t;
  let i = slot(key, mask);
  for (;;) {
    const k = keys[i]!;
    if (k === key) {
      t.vals[i] = val;
      return;
    }
    if (k === -1) {
      keys[i] = key;
      t.vals[i] = val;
      t.size++;
      return;
    }
    i = (i + 1) & mask;
  }
}
