import { defineConfig } from 'vitest/config';

// CI asks for a JSON report (KPM_VITEST_JSON) so that .ci/run can print its closing line.
const json = process.env.KPM_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
