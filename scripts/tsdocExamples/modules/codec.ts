/** The `./codec.js` task module the TSDoc examples name: two task exports, no default. */
import type { TaskContext } from 'async-scheduler';

export function encode({ args: [text] }: TaskContext<[string]>): string {
  return Buffer.from(text).toString('base64');
}

export function decode({ args: [base64] }: TaskContext<[string]>): string {
  return Buffer.from(base64, 'base64').toString();
}
