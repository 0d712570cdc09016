/** The `./hash.js` task module the TSDoc examples name: a SHA-256 of a text, in hex. */
import { createHash } from 'node:crypto';
import type { TaskContext } from 'async-scheduler';

export function hash({ args: [text] }: TaskContext<[string]>): string {
  return createHash('sha256').update(text).digest('hex');
}
