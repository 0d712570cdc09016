import type { SchedulerError } from '../errors.js';
import { describeValue } from '../validate.js';

/** Most distinct messages the default reporter prints; past them it stays quiet. */
export const MAX_DISTINCT_REPORTS = 100;

/**
 * The default `onError` of the inspection helpers: `console.error`, once per distinct message.
 *
 * @remarks A predicate that throws on every event would otherwise print thousands of lines a
 * second; the first of each kind says enough. The count of distinct messages is bounded too.
 */
export function reportOncePerMessage(): (error: SchedulerError) => void {
  const seen = new Set<string>();
  return (error) => {
    const { cause } = error;
    const key = `${error.message}: ${cause instanceof Error ? cause.message : describeValue(cause)}`;
    if (seen.has(key) || seen.size >= MAX_DISTINCT_REPORTS) return;
    seen.add(key);
    console.error(error);
  };
}
