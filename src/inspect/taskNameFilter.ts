import { assertNonEmptyString, describeValue } from '../validate.js';

/** Which task names an inspection filter keeps: the name, a RegExp, or a predicate. */
export type TaskNameFilter = string | RegExp | ((name: string) => boolean);

/** A {@link TaskNameFilter} as one predicate. */
export type NameMatcher = (name: string) => boolean;

/**
 * Validates a {@link TaskNameFilter} and turns it into a predicate (`undefined` stays so).
 *
 * @remarks A RegExp is copied without its `g` and `y` flags: with them, `test()` starts where
 * the last match ended and would skip every other task of the same name.
 * @throws TypeError for another type, RangeError for an empty name.
 */
export function toNameMatcher(taskName: unknown): NameMatcher | undefined {
  if (taskName === undefined) return undefined;
  if (typeof taskName === 'string') {
    assertNonEmptyString(taskName, 'taskName');
    return (name) => name === taskName;
  }
  if (taskName instanceof RegExp) {
    const pattern = new RegExp(taskName.source, taskName.flags.replace(/[gy]/g, ''));
    return (name) => pattern.test(name);
  }
  if (typeof taskName === 'function') return taskName as NameMatcher;
  throw new TypeError(
    `Expected \`taskName\` to be a string, a RegExp or a function, got ${describeValue(taskName)}`,
  );
}
