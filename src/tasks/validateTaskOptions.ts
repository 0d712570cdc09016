import {
  assertFiniteNumber,
  assertKnownOptions,
  assertNonNegativeNumber,
  assertOptionalFunction,
  assertOptionsObject,
} from '../validate.js';
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
] as const satisfies readonly TaskCallbackName[];

/** Every option name a task takes: anything else is refused, naming it. */
const TASK_OPTION_NAMES = [
  'timeoutMs',
  'priority',
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
  assertCallbacks(copy, 'options');
  return Object.freeze(copy);
}
