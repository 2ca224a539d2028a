/**
 * Global setup: the fast-check seed of this run, printed once, and handed to every test file
 * (vitest.setup.ts). KPM_SEED picks it (default below); a shard (`vitest run --shard i/n`) runs
 * with a seed of its own, derived from that one and its index, so that the shards of a soak run
 * spread over several machines try different cases while each replays exactly from what it printed.
 */
import type { TestProject } from 'vitest/node';
import { derivedSeed } from './src/seeds.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kpmSeed: number;
  }
}

export const DEFAULT_SEED = 20261129;

export default function setup(project: TestProject): void {
  const base = Number(process.env.KPM_SEED ?? DEFAULT_SEED);
  if (!Number.isSafeInteger(base))
    throw new Error(`KPM_SEED must be an integer, not ${process.env.KPM_SEED}`);
  const shard = project.config.shard;
  const seed = shard && shard.count > 1 ? derivedSeed(base, shard.index - 1) : base;
  const where = shard && shard.count > 1 ? ` (shard ${shard.index}/${shard.count} of KPM_SEED=${base})` : '';
  const runs = process.env.KPM_SOAK_RUNS ? `, soak: ${process.env.KPM_SOAK_RUNS} runs per property` : '';
  console.log(`kpm: fast-check seed ${seed}${where}${runs}; replay with KPM_SEED=${seed}`);
  project.provide('kpmSeed', seed);
}
