import { assertNonEmptyString, assertOptionsObject, describeValue } from '../validate.js';
import type { AsyncSchedulerOptions } from './schedulerOptions.js';

/**
 * Options of `new SchedulerThread({ name, ...options })`: AsyncScheduler's, with the lane's
 * name required.
 */
export interface SchedulerThreadOptions extends AsyncSchedulerOptions {
  /** The lane's name, in every TaskInfo and in the inspector. */
  name: string;
}

/**
 * The options of either form of the SchedulerThread constructor, `(name, options?)` or
 * `({ name, ...options })`, with the name checked.
 *
 * @throws TypeError for a missing name (or a second argument after an options object);
 * RangeError for an empty one.
 */
export function threadOptionsOf(nameOrOptions: unknown, options: unknown): SchedulerThreadOptions {
  if (typeof nameOrOptions === 'object' && nameOrOptions !== null) {
    assertOptionsObject(nameOrOptions, 'options');
    if (options !== undefined) {
      throw new TypeError(
        `Expected no second argument after an options object (give the name as \`options.name\`), got ${describeValue(options)}`,
      );
    }
    const given = nameOrOptions as Partial<SchedulerThreadOptions>;
    assertNonEmptyString(given.name, 'options.name');
    return given as SchedulerThreadOptions;
  }
  assertNonEmptyString(nameOrOptions, 'name');
  assertOptionsObject(options, 'options');
  return { ...(options as AsyncSchedulerOptions | undefined), name: nameOrOptions };
}
