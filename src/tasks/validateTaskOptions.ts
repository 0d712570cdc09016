import {
  assertFiniteNumber,
  assertKnownOptions,
  assertNonNegativeNumber,
  assertOptionalFunction,
  assertOptionsObject,
} from '../validate.js';
import { validateRetryPolicy } from './validateRetryPolicy.js';
import type { TaskCallbackName, TaskCallbacks, TaskOptions } from './types.js';

/** The callback option names, in lifecycle order. */
export const CALLBACK_NAMES = [
  'onSubmit',
  'onSchedule',
  'onStart',
  'onDone',
  'onError',
  'onTimeout',
  'onCancel',
  'onRetry',
] as const satisfies readonly TaskCallbackName[];

/** Every option name a task takes: anything else is refused, naming it. */
const TASK_OPTION_NAMES = [
  'timeoutMs',
  'priority',
  'delayMs',
  'retry',
  ...CALLBACK_NAMES,
] as const satisfies readonly (keyof TaskOptions)[];

/** Asserts every `on*` option present is a function. */
export function assertCallbacks(options: TaskCallbacks, owner: string): void {
  for (const name of CALLBACK_NAMES) assertOptionalFunction(options[name], `${owner}.${name}`);
}

/**
 * Validates task options once, at construction, and returns a frozen copy.
 *
 * @throws TypeError/RangeError naming the bad option, TypeError naming an unknown one.
 */
export function validateTaskOptions(options: TaskOptions | undefined): Readonly<TaskOptions> {
  assertOptionsObject(options, 'options');
  const copy: TaskOptions = { ...options };
  assertKnownOptions(copy, TASK_OPTION_NAMES, 'task option');
  if (copy.timeoutMs !== undefined) assertNonNegativeNumber(copy.timeoutMs, 'timeoutMs');
  if (copy.priority !== undefined) assertFiniteNumber(copy.priority, 'priority');
  if (copy.delayMs !== undefined) assertNonNegativeNumber(copy.delayMs, 'delayMs');
  if (copy.retry !== undefined) copy.retry = validateRetryPolicy(copy.retry, 'retry');
  assertCallbacks(copy, 'options');
  return Object.freeze(copy);
}
