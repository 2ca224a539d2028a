/**
 * Bit-packing of a state's fields ([services, block of slot 0, block of slot 1, ...]) into as few
 * 32-bit words as their ranges allow: a field of n possible values takes ceil(log2 n) bits, and no
 * field straddles two words. Eight hosts of ~100 blocks each and a few services states fit in two
 * words instead of nine: less memory, fewer cache misses, cheaper hashing and comparing.
 */
export class Packing {
  /** Packed words per state. */
  readonly W: number;
  readonly word: Int32Array;
  readonly shift: Int32Array;
  /** The greatest value each field can hold. */
  readonly max: Uint32Array;

  constructor(readonly bits: readonly number[]) {
    const n = bits.length;
    this.word = new Int32Array(n);
    this.shift = new Int32Array(n);
    this.max = new Uint32Array(n);
    let word = 0;
    let used = 0;
    for (let f = 0; f < n; f++) {
      if (bits[f] > 32 || bits[f] < 0) throw new RangeError(`a field of ${bits[f]} bits`);
      if (used + bits[f] > 32) [word, used] = [word + 1, 0];
      this.word[f] = word;
      this.shift[f] = used;
      this.max[f] = bits[f] === 32 ? 0xffffffff : (1 << bits[f]) - 1;
      used += bits[f];
    }
    this.W = word + 1;
  }

  /** Packs `fields` into `out[0..W)`; returns -1, or the first field too large for its bits. */
  pack(fields: Uint32Array, out: Uint32Array): number {
    const { word, shift, max, W } = this;
    for (let w = 0; w < W; w++) out[w] = 0;
    for (let f = 0; f < fields.length; f++) {
      const v = fields[f];
      if (v > max[f]) return f;
      out[word[f]] |= v << shift[f];
    }
    return -1;
  }

  /**
   * Packs fields [lo, hi) into `out`, which holds a packed state whose other fields are to stay:
   * a successor that differs from its source in one host's block costs a field, not all.
   * Returns -1, or the first field too large for its bits.
   */
  packRange(fields: Uint32Array, lo: number, hi: number, out: Uint32Array): number {
    const { word, shift, max } = this;
    for (let f = lo; f < hi; f++) {
      const v = fields[f];
      if (v > max[f]) return f;
      out[word[f]] = (out[word[f]] & ~(max[f] << shift[f])) | (v << shift[f]);
    }
    return -1;
  }

  /** Unpacks the state at `words[base..base + W)` into `out`. */
  unpack(words: Uint32Array, base: number, out: Uint32Array): void {
    const { word, shift, max } = this;
    for (let f = 0; f < out.length; f++) out[f] = (words[base + word[f]] >>> shift[f]) & max[f];
  }
}

/** Bits for the values 0..count-1. */
export function bitsFor(count: number): number {
  let bits = 0;
  while (2 ** bits < count) bits++;
  return bits;
}
