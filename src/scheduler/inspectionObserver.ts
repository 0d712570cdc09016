import type { InspectionEvent } from 'xstate';
import { describeValue } from '../validate.js';
import type { InspectionObserver } from './schedulerOptions.js';

/** An inspection observer as one function. */
export type InspectionNext = (event: InspectionEvent) => void;

/**
 * Asserts an XState inspection observer: a function, or an object with a `next` method.
 *
 * @throws TypeError naming `name` and what came.
 */
export function assertInspectionObserver(
  value: unknown,
  name: string,
): asserts value is InspectionObserver {
  if (typeof value === 'function') return;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function'
  ) {
    return;
  }
  throw new TypeError(
    `Expected \`${name}\` to be a function or an observer with \`next\`, got ${describeValue(value)}`,
  );
}

/** The observer as one function (an observer object is called as `observer.next(event)`). */
export function toInspectionNext(observer: InspectionObserver): InspectionNext {
  if (typeof observer === 'function') return observer;
  return (event) => {
    observer.next?.(event);
  };
}
