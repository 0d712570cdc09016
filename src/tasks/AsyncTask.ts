import { assertNonEmptyString, readingCallerValue } from '../validate.js';
import { lockDefinition } from './lockDefinition.js';
import { readTaskBody } from './taskBody.js';
import type { TaskFn, TaskModuleRef, TaskOptions } from './types.js';
import { validateTaskOptions } from './validateTaskOptions.js';

/**
 * A task whose body runs on its lane's event loop: I/O-bound work, `await`-heavy work.
 *
 * @remarks A task object is a definition: submit it as often as you like, each submission is a
 * separate run with its own id. Its body gets a {@link TaskContext} whose `signal` aborts on
 * timeout or cancel. Keep CPU-bound work out of it: it would block the loop (use `SyncTask`).
 *
 * @typeParam TArgs - the arguments `submitTask` passes to the body.
 * @typeParam TResult - what the body resolves to.
 * @throws TypeError/RangeError for an empty name, a body that is neither a function nor a module
 * reference, or a bad option.
 * @example
 * ```ts
 * import { AsyncTask, type TaskContext } from 'async-scheduler';
 *
 * const fetchUser = new AsyncTask(
 *   'fetch-user',
 *   async ({ args: [id], signal }: TaskContext<[string]>) => {
 *     const res = await fetch(`https://api.example.com/users/${id}`, { signal });
 *     return (await res.json()) as { name: string };
 *   },
 *   { timeoutMs: 5_000, priority: 1 },
 * );
 * ```
 */
export class AsyncTask<TArgs extends readonly unknown[] = unknown[], TResult = unknown> {
  /** `'async'`: runs on its lane's event loop. */
  readonly type = 'async' as const;
  /** The name shown in records, tables and the inspector. */
  readonly name: string;
  /** The body. */
  readonly run: TaskFn<TArgs, TResult> | TaskModuleRef;
  /** The validated, frozen options. */
  readonly options: Readonly<TaskOptions>;

  constructor(name: string, run: TaskFn<TArgs, TResult> | TaskModuleRef, options?: TaskOptions) {
    assertNonEmptyString(name, 'name');
    this.name = name;
    this.run = readTaskBody(run, { allowFunction: true }) as TaskFn<TArgs, TResult> | TaskModuleRef;
    this.options = readingCallerValue('options', () => validateTaskOptions(options));
    lockDefinition(this);
  }
}
