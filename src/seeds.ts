/**
 * Seeds derived from one seed, for runs that must be independent yet replay exactly: each random
 * search past the bound (one per undecided property, whichever worker thread runs it), each shard
 * of the property suites. A 32-bit mix (murmur3's finaliser) of the seed and the index.
 */
export function derivedSeed(seed: number, index: number): number {
  let x = (seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
