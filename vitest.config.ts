import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // fast-check runs: 200 per property in CI (issue #2), fewer locally for a quick loop.
    env: { FC_NUM_RUNS: process.env['CI'] ? '200' : '100' },
  },
});
