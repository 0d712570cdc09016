import { assertNonEmptyString, readingCallerValue } from '../validate.js';
import { lockDefinition } from './lockDefinition.js';
import { readTaskBody } from './taskBody.js';
import type {
  DefaultTaskExport,
  TaskExportName,
  TaskFnArgs,
  TaskFnResult,
  TaskModuleRefTo,
} from './moduleTaskTypes.js';
import type { TaskFn, TaskHandlerRef, TaskModuleRef, TaskOptions } from './types.js';
import { validateTaskOptions } from './validateTaskOptions.js';

/**
 * A task whose body runs on its lane's event loop: I/O-bound work, `await`-heavy work.
 *
 * @remarks A task object is a definition: submit it as often as you like, each submission is a
 * separate run with its own id. Its body gets a {@link TaskContext} whose `signal` aborts on
 * timeout or cancel. Keep CPU-bound work out of it: it would block the loop (use `SyncTask`).
 *
 * @typeParam TArgs - the arguments `submitTask` passes to the body; inferred from the body's
 * `TaskContext<TArgs>` annotation (unannotated, a body takes `unknown[]`).
 * @typeParam TResult - what the body resolves to; inferred from the body.
 * @throws TypeError/RangeError for an empty name, a body that is neither a function nor a module
 * reference, or a bad option.
 * @example
 * ```ts
 * import { AsyncTask, type TaskContext } from 'async-scheduler';
 *
 * // AsyncTask<[string], { name: string }>: `submitTask(fetchUser, 'u1')`; `submitTask(fetchUser)` is a type error.
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
  readonly run: TaskFn<TArgs, TResult> | TaskModuleRef | TaskHandlerRef;
  /** The validated, frozen options. */
  readonly options: Readonly<TaskOptions>;

  constructor(
    name: string,
    run: TaskFn<TArgs, TResult> | TaskModuleRef | TaskHandlerRef,
    options?: TaskOptions,
  ) {
    assertNonEmptyString(name, 'name');
    this.name = name;
    this.run = readTaskBody(run, { allowFunction: true }) as
      TaskFn<TArgs, TResult> | TaskModuleRef | TaskHandlerRef;
    this.options = readingCallerValue('options', () => validateTaskOptions(options));
    lockDefinition(this);
  }

  /**
   * An AsyncTask whose body is a module reference, typed from its module: its args and result
   * are read from the named export's {@link TaskFn} signature.
   *
   * @remarks As `SyncTask.from`: `TModule` is `typeof import('./module.js')`; an export that is
   * not a task body does not compile; the export defaults to `default` (else the module's one
   * task export), and another one is named as the second type argument. At run time this is `new AsyncTask(name, run, options)`.
   * @typeParam TModule - the type of the module the reference loads.
   * @typeParam TExport - the export to run.
   * @throws TypeError/RangeError as the constructor.
   * @example
   * ```ts
   * import { AsyncTask } from 'async-scheduler';
   *
   * const ping = AsyncTask.from<typeof import('./ping.js')>('ping', {
   *   module: new URL('./ping.js', import.meta.url),
   * }); // typed from ping.js's default export
   * ```
   */
  static from<TModule, TExport extends TaskExportName<TModule> = DefaultTaskExport<TModule>>(
    name: string,
    run: TaskModuleRefTo<TExport>,
    options?: TaskOptions,
  ): AsyncTask<TaskFnArgs<TModule[TExport]>, TaskFnResult<TModule[TExport]>> {
    return new AsyncTask(name, run, options);
  }
}
