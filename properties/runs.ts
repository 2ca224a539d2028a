/**
 * How many runs a property gets. `npm test` keeps the counts its suites name; a soak run
 * (`npm run soak`, KPM_SOAK_RUNS=N) gives every property N runs by default (vitest.setup.ts) and
 * scales the counts named here by N/100, the default's ratio, so the cheap and the costly
 * properties grow together.
 */
export const SOAK_RUNS = soakRuns(process.env.KPM_SOAK_RUNS);

function soakRuns(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`KPM_SOAK_RUNS must be a positive integer, not ${text}`);
  return n;
}

/** `n` runs, or in a soak run `n` scaled as the default count is (never fewer than `n`). */
export function runs(n: number): number {
  return SOAK_RUNS === null ? n : Math.max(n, Math.round((n * SOAK_RUNS) / 100));
}
