/**
 * What the global setup (`redisGlobalSetup.ts`) hands every test file about Redis, through
 * vitest's `provide`/`inject`. Read it with the helpers of `redis.ts`.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The Redis the tests share for this run (REDIS_URL, or a redis-server started for the run),
     * or undefined when there is none. Tests on it keep to their own keys: `uniqueQueueName`
     * and `deleteQueueKeys` in `redis.ts`.
     */
    redisUrl: string | undefined;
    /** Why there is no shared Redis, for the names of the skipped suites; undefined when there is. */
    redisMissingReason: string | undefined;
    /** The redis-server executable on PATH, for tests that start their own; undefined without one. */
    redisServerPath: string | undefined;
  }
}

/** Why private Redis instances cannot be started, for the names of the skipped suites. */
export const NO_REDIS_SERVER_REASON =
  'no redis-server on PATH: install it (Debian: apt-get install redis-server)';
