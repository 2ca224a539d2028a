/**
 * The visited set of the fast explorer: states bit-packed (packing.ts) into W words, kept twice:
 * - in an arena of W words per state, in insertion order, which is BFS order: the BFS queue, read
 *   sequentially;
 * - in an open-addressing hash table (linear probing) whose entries hold the packed words
 *   themselves beside the state id, so that a lookup touches one place in memory, hit or miss.
 * No strings, no per-state objects.
 *
 * Callers see unpacked fields only. When a field outgrows its bits (a block number beyond what was
 * foreseen), the whole set is repacked with a wider field: rare, and invisible to callers.
 */
import { bitsFor, Packing } from './packing.ts';

export class StateSet {
  count = 0;
  /** How many times a field had to be widened (and the set repacked). */
  widenings = 0;
  packing: Packing;
  arena: Uint32Array;
  /** The BFS tree: the state each state was first reached from, and the event index that did it. */
  parent: Int32Array;
  via: Int32Array;
  /** Entries of E = 1 + W words: [state id + 1 (0: empty), packed words...]. */
  private table: Uint32Array;
  private mask: number;
  /** The packed form of the last `find`; `add` stores it where that `find` stopped. */
  private packed: Uint32Array;
  private lastEntry = 0;
  /** The packed form of the state last `read`, the base of `findNear`. */
  private readId = -1;

  constructor(bits: readonly number[], capacity = 1 << 12) {
    this.packing = new Packing(bits);
    this.packed = new Uint32Array(this.packing.W);
    this.arena = new Uint32Array(capacity * this.packing.W);
    this.parent = new Int32Array(capacity);
    this.via = new Int32Array(capacity);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Uint32Array(size * (1 + this.packing.W));
    this.mask = size - 1;
  }

  /** The id of the state with these fields, or -1 (then `add` may follow). */
  find(fields: Uint32Array): number {
    let overflow = this.packing.pack(fields, this.packed);
    while (overflow >= 0) {
      this.widen(overflow, fields[overflow]);
      overflow = this.packing.pack(fields, this.packed);
    }
    return this.lookup();
  }

  /** As `find`, for fields that differ from the state last `read` at most in [lo, hi). */
  findNear(fields: Uint32Array, lo: number, hi: number): number {
    const W = this.packing.W;
    const base = this.readId * W;
    for (let k = 0; k < W; k++) this.packed[k] = this.arena[base + k];
    if (this.packing.packRange(fields, lo, hi, this.packed) >= 0) return this.find(fields);
    return this.lookup();
  }

  private lookup(): number {
    const { packed, table, mask } = this;
    const W = this.packing.W;
    const E = W + 1;
    let i = hashWords(packed, 0, W) & mask;
    for (;;) {
      const entry = i * E;
      const id = table[entry];
      if (id === 0) {
        this.lastEntry = entry;
        return -1;
      }
      let k = 0;
      while (k < W && table[entry + 1 + k] === packed[k]) k++;
      if (k === W) return id - 1;
      i = (i + 1) & mask;
    }
  }

  /** Adds the state the last `find` missed; returns its id. */
  add(parent: number, via: number): number {
    const id = this.count;
    if (id >= this.parent.length) this.growArrays();
    const W = this.packing.W;
    const base = id * W;
    const entry = this.lastEntry;
    this.table[entry] = id + 1;
    for (let k = 0; k < W; k++) {
      this.arena[base + k] = this.packed[k];
      this.table[entry + 1 + k] = this.packed[k];
    }
    this.parent[id] = parent;
    this.via[id] = via;
    this.count = id + 1;
    if (this.count * 2 > this.mask + 1) this.rebuildTable(2 * (this.mask + 1));
    return id;
  }

  /** Writes the fields of state `id` to `out`. */
  read(id: number, out: Uint32Array): Uint32Array {
    this.packing.unpack(this.arena, id * this.packing.W, out);
    this.readId = id;
    return out;
  }

  /** Bytes held by the arrays (for reports). */
  bytes(): number {
    return this.arena.byteLength + this.parent.byteLength + this.via.byteLength + this.table.byteLength;
  }

  private growArrays(): void {
    const cap = this.parent.length * 2;
    const arena = new Uint32Array(cap * this.packing.W);
    arena.set(this.arena);
    this.arena = arena;
    const parent = new Int32Array(cap);
    parent.set(this.parent);
    this.parent = parent;
    const via = new Int32Array(cap);
    via.set(this.via);
    this.via = via;
  }

  /** Field f must hold `value`: repack every state with a wider field (two spare bits). */
  private widen(f: number, value: number): void {
    this.widenings++;
    const bits = [...this.packing.bits];
    bits[f] = Math.min(32, bitsFor(value + 1) + 2);
    const old = this.packing;
    const packing = new Packing(bits);
    const fields = new Uint32Array(bits.length);
    const arena = new Uint32Array(this.parent.length * packing.W);
    const out = new Uint32Array(packing.W);
    for (let id = 0; id < this.count; id++) {
      old.unpack(this.arena, id * old.W, fields);
      packing.pack(fields, out);
      arena.set(out, id * packing.W);
    }
    this.packing = packing;
    this.packed = new Uint32Array(packing.W);
    this.arena = arena;
    this.rebuildTable(this.mask + 1);
  }

  /** A table of `size` entries, filled from the arena (sequential reads). */
  private rebuildTable(size: number): void {
    const W = this.packing.W;
    const E = W + 1;
    const table = new Uint32Array(size * E);
    const mask = size - 1;
    const arena = this.arena;
    for (let id = 0; id < this.count; id++) {
      const base = id * W;
      let i = hashWords(arena, base, W) & mask;
      while (table[i * E] !== 0) i = (i + 1) & mask;
      table[i * E] = id + 1;
      for (let k = 0; k < W; k++) table[i * E + 1 + k] = arena[base + k];
    }
    this.table = table;
    this.mask = mask;
  }
}

/** A 32-bit mix of words[base..base + W) (multiply-xorshift per word, murmur3 finaliser). */
export function hashWords(words: Uint32Array, base: number, W: number): number {
  let h = 0x9e3779b9 | 0;
  for (let k = base; k < base + W; k++) {
    h = Math.imul(h ^ words[k], 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
