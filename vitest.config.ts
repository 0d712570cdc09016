import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The run's Redis (REDIS_URL, or a redis-server started on a free port), for the BullMQ tests.
    globalSetup: ['test/support/redisGlobalSetup.ts'],
    // fast-check runs: 200 per property in CI (issue #2), fewer locally for a quick loop.
    env: { FC_NUM_RUNS: process.env['CI'] ? '200' : '100' },
  },
});
