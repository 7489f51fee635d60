/**
 * Open-addressing hash table from non-negative 30-bit integer keys to row numbers, in one typed
 * array of (key, value) pairs so that a look-up touches a single cache line (much faster than a
 * Map for the classifier's per-feature look-ups).
 */
export interface IntTable {
  /** [key0, val0, key1, val1, ...]; key -1 = empty slot. */
  slots: Int32Array;
  /** number of slots − 1 (a power of two minus one) */
  mask: number;
  size: number;
}

export function newIntTable(capacity = 1024): IntTable {
  let n = 16;
  while (n < capacity * 2) n *= 2;
  const slots = new Int32Array(n * 2);
  for (let i = 0; i < slots.length; i += 2) slots[i] = -1;
  return { slots, mask: n - 1, size: 0 };
}

function slot(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
}

/** Row of `key`, or -1. */
export function tableGet(t: IntTable, key: number): number {
  const { slots, mask } = t;
  let i = slot(key, mask);
  for (;;) {
    const k = slots[i * 2]!;
    if (k === key) return slots[i * 2 + 1]!;
    if (k === -1) return -1;
    i = (i + 1) & mask;
  }
}

function grow(t: IntTable): void {
  const old = t.slots;
  const bigger = newIntTable(t.mask + 1);
  for (let i = 0; i < old.length; i += 2) {
    const k = old[i]!;
    if (k !== -1) tableSet(bigger, k, old[i + 1]!);
  }
  t.slots = bigger.slots;
  t.mask = bigger.mask;
}

/** Sets `key` → `val`. */
export function tableSet(t: IntTable, key: number, val: number): void {
  if ((t.size + 1) * 2 > t.mask + 1) grow(t);
  const { slots, mask } = t;
  let i = slot(key, mask);
  for (;;) {
    const k = slots[i * 2]!;
    if (k === key) {
      slots[i * 2 + 1] = val;
      return;
    }
    if (k === -1) {
      slots[i * 2] = key;
      slots[i * 2 + 1] = val;
      t.size++;
      return;
    }
    i = (i + 1) & mask;
  }
}
