import {
  assertBoolean,
  assertKnownOptions,
  assertNonNegativeNumber,
  assertOptionalFunction,
  assertOptionsObject,
  assertWholeNumber,
  describeValue,
} from '../validate.js';
import type { RetryBackoff, RetryPolicy } from './retryPolicy.js';

const RETRY_OPTION_NAMES = [
  'attempts',
  'backoff',
  'retryOn',
] as const satisfies readonly (keyof RetryPolicy)[];
const BACKOFF_OPTION_NAMES = [
  'type',
  'delayMs',
  'maxDelayMs',
  'jitter',
] as const satisfies readonly (keyof RetryBackoff)[];

/**
 * Checks a retry policy once, where it is given (a task, a submit, a scheduler), and returns a
 * frozen copy with its backoff's defaults applied.
 *
 * @param name - the option's name for messages (`retry`, `options.retry`).
 * @throws TypeError/RangeError naming the bad or unknown field.
 */
export function validateRetryPolicy(value: unknown, name: string): RetryPolicy {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      `Expected \`${name}\` to be a retry policy ({ attempts, backoff?, retryOn? }), got ${describeValue(value)}`,
    );
  }
  const copy = { ...(value as RetryPolicy) };
  assertKnownOptions(copy, RETRY_OPTION_NAMES, `${name} option`);
  const { attempts, backoff, retryOn } = copy;
  assertWholeNumber(attempts, `${name}.attempts`, { min: 1 });
  assertOptionalFunction(retryOn, `${name}.retryOn`);
  const policy: { -readonly [K in keyof RetryPolicy]: RetryPolicy[K] } = { attempts };
  if (backoff !== undefined) policy.backoff = validateBackoff(backoff, `${name}.backoff`);
  if (retryOn !== undefined) policy.retryOn = retryOn;
  return Object.freeze(policy);
}

function validateBackoff(value: unknown, name: string): RetryBackoff {
  assertOptionsObject(value, name);
  const copy = { ...(value as RetryBackoff) };
  assertKnownOptions(copy, BACKOFF_OPTION_NAMES, `${name} option`);
  const { delayMs, maxDelayMs = Infinity, jitter = true } = copy;
  const type: unknown = copy.type ?? 'fixed';
  if (type !== 'fixed' && type !== 'exponential') {
    throw new TypeError(
      `Expected \`${name}.type\` to be 'fixed' or 'exponential', got ${describeValue(type)}`,
    );
  }
  assertNonNegativeNumber(delayMs, `${name}.delayMs`);
  if (maxDelayMs !== Infinity) assertNonNegativeNumber(maxDelayMs, `${name}.maxDelayMs`);
  assertBoolean(jitter, `${name}.jitter`);
  return Object.freeze({ type, delayMs, maxDelayMs, jitter });
}
