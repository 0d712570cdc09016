/**
 * Boundary checks: each throws a `TypeError` or `RangeError` whose message says what was
 * expected and what came, e.g. "Expected `timeoutMs` to be a finite number >= 0, got -1 (number)".
 */

/** What {@link describeValue} says of a value that throws when it is looked at. */
const UNREADABLE_VALUE = 'an object that throws when inspected (a Proxy with throwing traps?)';

/**
 * Renders a value and its type for an error message.
 *
 * @remarks Never throws: a revoked Proxy, or one whose `getPrototypeOf` trap throws, is
 * described as an object that throws when inspected.
 */
export function describeValue(value: unknown): string {
  try {
    return describeReadable(value);
  } catch {
    // The value itself threw (a trap, a getter): what it threw is the caller's to report.
    return UNREADABLE_VALUE;
  }
}

function describeReadable(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    return `an object (${prototype?.constructor?.name ?? 'no prototype'})`;
  }
  if (typeof value === 'symbol') return `${value.toString()} (symbol)`;
  // Only numbers, bigints and booleans are left.
  return `${(value as number).toString()} (${typeof value})`;
}

function expected(what: string, name: string, value: unknown): string {
  return `Expected \`${name}\` to be ${what}, got ${describeValue(value)}`;
}

/**
 * Reads (and checks) a value the caller handed in so that only a TypeError or a RangeError
 * escapes: when a getter or a Proxy trap of that value throws anything else, the call throws a
 * TypeError naming `name`, with what was thrown as its `cause`.
 *
 * @example
 * ```ts
 * import type { TaskOptions } from './tasks/types.js';
 * import { validateTaskOptions } from './tasks/validateTaskOptions.js';
 * import { readingCallerValue } from './validate.js';
 *
 * declare const raw: TaskOptions | undefined; // what the caller passed
 * const options = readingCallerValue('options', () => validateTaskOptions(raw));
 * ```
 * @throws TypeError/RangeError from `read`, or a TypeError for anything else it throws.
 */
export function readingCallerValue<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isBoundaryError(error)) throw error;
    throw new TypeError(
      `Expected \`${name}\` to be readable, but reading it threw: ${describeThrown(error)}`,
      { cause: error },
    );
  }
}

/** A TypeError or RangeError, asked without letting a hostile value throw. */
function isBoundaryError(error: unknown): boolean {
  try {
    return error instanceof TypeError || error instanceof RangeError;
  } catch {
    // `instanceof` ran a throwing trap: not one of ours.
    return false;
  }
}

/**
 * Any thrown value as text for a message, never throwing: an Error's message, any other
 * value's `String()`, or {@link describeValue}'s account of a value whose conversion throws.
 */
export function describeThrown(error: unknown): string {
  try {
    const text: unknown = error instanceof Error ? error.message : error;
    return String(text);
  } catch {
    // A trap or getter threw: say what can be said without reading it.
    return describeValue(error);
  }
}

/** Asserts a non-empty string. */
export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(expected('a non-empty string', name, value));
  if (value.trim() === '') throw new RangeError(expected('a non-empty string', name, value));
}

/** Asserts a boolean. */
export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(expected('a boolean', name, value));
}

/** Asserts a finite number (any sign). */
export function assertFiniteNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(expected('a finite number', name, value));
  if (!Number.isFinite(value)) throw new RangeError(expected('a finite number', name, value));
}

/** Asserts a finite number >= 0. */
export function assertNonNegativeNumber(value: unknown, name: string): asserts value is number {
  const what = 'a finite number >= 0';
  if (typeof value !== 'number') throw new TypeError(expected(what, name, value));
  if (!Number.isFinite(value) || value < 0) throw new RangeError(expected(what, name, value));
}

/** Asserts a whole number from `min` to `max` (when given), or `Infinity` when `allowInfinity`. */
export function assertWholeNumber(
  value: unknown,
  name: string,
  {
    min,
    max = Infinity,
    allowInfinity = false,
  }: { min: number; max?: number; allowInfinity?: boolean },
): asserts value is number {
  const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
  const what = `a whole number ${range}${allowInfinity ? ' (or Infinity)' : ''}`;
  if (typeof value !== 'number') throw new TypeError(expected(what, name, value));
  if (allowInfinity && value === Infinity) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(expected(what, name, value));
  }
}

/** Asserts a function, when given. */
export function assertOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(expected('a function', name, value));
  }
}

/** Asserts a plain object (or undefined) for an options bag. */
export function assertOptionsObject(value: unknown, name: string): void {
  if (
    value !== undefined &&
    (typeof value !== 'object' || value === null || Array.isArray(value))
  ) {
    throw new TypeError(expected('an options object', name, value));
  }
}

/**
 * Asserts that every own key of `options` is one of `known`: a misspelt option must not be
 * silently kept.
 *
 * @param what - what the keys are, for the message (`'scheduler option'`, `'task option'`).
 * @throws TypeError naming the first unknown key, and the known one it most likely meant (same
 * name in another case, or a known name it begins: `timeout` for `timeoutMs`).
 * @example
 * ```ts
 * import { assertKnownOptions } from './validate.js';
 *
 * assertKnownOptions({ timeout: 100 }, ['timeoutMs', 'priority'], 'task option');
 * // TypeError: Unknown task option `timeout` (did you mean `timeoutMs`?)
 * ```
 */
export function assertKnownOptions(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const meant = closestOption(key, known);
    const hint = meant === undefined ? '' : ` (did you mean \`${meant}\`?)`;
    throw new TypeError(`Unknown ${what} \`${key}\`${hint}`);
  }
}

/** The known option `key` was most likely meant as, if one is close enough to say. */
function closestOption(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  if (lower === '') return undefined;
  return known.find((name) => name.toLowerCase().startsWith(lower));
}
