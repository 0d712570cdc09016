import { describeValue } from '../validate.js';

/**
 * Asserts the path of an inspection recording: a non-empty string or a `file:` URL.
 *
 * @throws TypeError for another type, RangeError for an empty string.
 */
export function assertRecordingPath(value: unknown, name: string): asserts value is string | URL {
  if (value instanceof URL || (typeof value === 'string' && value !== '')) return;
  const message = `Expected \`${name}\` to be a file path or a file URL, got ${describeValue(value)}`;
  throw typeof value === 'string' ? new RangeError(message) : new TypeError(message);
}
