import fc from 'fast-check';
import { inject } from 'vitest';
import { SOAK_RUNS } from './properties/runs.ts';

// One seed for every property run (vitest.seed.ts picks and prints it: KPM_SEED, or a shard's own),
// so that a failure replays exactly and test names stay stable. A soak run gives each property
// KPM_SOAK_RUNS runs (properties/runs.ts).
fc.configureGlobal({ seed: inject('kpmSeed'), numRuns: SOAK_RUNS ?? 100 });
