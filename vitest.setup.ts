import fc from 'fast-check';

// One seed for every property run, so that a failure replays exactly and test names stay stable.
// Override with KPM_SEED=<n> to explore other runs.
const seed = Number(process.env.KPM_SEED ?? 20261129);
fc.configureGlobal({ seed, numRuns: 100 });
