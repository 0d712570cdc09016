import { afterAll, beforeAll } from 'vitest';

/**
 * Records what escapes to the process (uncaught exceptions, unhandled rejections) while the
 * calling test file runs: the returned array holds them; clear it at the start of each run.
 */
export function recordEscapes(): unknown[] {
  const escaped: unknown[] = [];
  const onEscape = (error: unknown): void => {
    escaped.push(error);
  };
  beforeAll(() => {
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
  });
  afterAll(() => {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  });
  return escaped;
}
