import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report (KPM_VITEST_JSON) so that .ci/run can print its closing line.
const json = process.env.KPM_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts'],
    globalSetup: ['./vitest.seed.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // Vitest leaves one core free by default, which on a 2-core machine runs the files one after
    // another; the suites are CPU-bound and start after tsc and prettier, so use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A soak run (npm run soak) is as long as its KPM_SOAK_RUNS make it.
    // Vitest keeps every core busy already: kpm's own threads (random runs, report checks) would
    // only compete with it. The tests that are about those threads ask for them explicitly.
    env: { KPM_WORKERS: '0' },
    testTimeout: process.env.KPM_SOAK_RUNS ? 0 : 120_000,
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
