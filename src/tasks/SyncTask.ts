import { assertNonEmptyString, readingCallerValue } from '../validate.js';
import { lockDefinition } from './lockDefinition.js';
import { readTaskBody } from './taskBody.js';
import type { TaskModuleRef, TaskOptions } from './types.js';
import { validateTaskOptions } from './validateTaskOptions.js';

/**
 * A task whose body runs on one of the scheduler's executor threads (`worker_threads`), never
 * on the caller's loop: CPU-bound, blocking or untrusted-to-yield work.
 *
 * @remarks The body is a module reference, loaded in the thread; its export has the
 * {@link TaskFn} signature. Arguments and the result cross the thread boundary by structured
 * clone: a non-cloneable argument is refused at `submitTask`, a non-cloneable result ends the
 * task FAILED. A timeout or `cancelTask` of a running SyncTask terminates its thread, so the
 * work really stops, and a fresh thread takes its place at once. One task runs per thread at
 * a time; the scheduler's `threads` option sets how many threads there are.
 *
 * @typeParam TArgs - the arguments `submitTask` passes to the body.
 * @typeParam TResult - what the body returns.
 * @throws TypeError/RangeError for an empty name, a body that is not a module reference (a
 * function cannot cross threads), or a bad option.
 * @example
 * ```ts
 * import { SyncTask } from 'async-scheduler';
 *
 * // hash.js: export default ({ args: [text] }) => createHash('sha256').update(text).digest('hex');
 * const hash = new SyncTask('hash', { module: new URL('./hash.js', import.meta.url) }, {
 *   timeoutMs: 2_000,
 * });
 * const id = scheduler.submitTask(hash, 'some input');
 * ```
 */
export class SyncTask<TArgs extends readonly unknown[] = unknown[], TResult = unknown> {
  /** `'sync'`: runs on an executor thread. */
  readonly type = 'sync' as const;
  /** The name shown in records, tables and the inspector. */
  readonly name: string;
  /** The body: a module reference. */
  readonly run: TaskModuleRef;
  /** The validated, frozen options. */
  readonly options: Readonly<TaskOptions>;
  /** Carries the body's types for `submitTask` and `result`; never set. */
  declare readonly _types?: { args: TArgs; result: TResult };

  constructor(name: string, run: TaskModuleRef, options?: TaskOptions) {
    assertNonEmptyString(name, 'name');
    this.name = name;
    this.run = readTaskBody(run, { allowFunction: false }) as TaskModuleRef;
    this.options = readingCallerValue('options', () => validateTaskOptions(options));
    lockDefinition(this);
  }
}
