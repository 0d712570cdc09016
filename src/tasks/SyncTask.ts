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
import type { TaskHandlerRef, TaskModuleRef, TaskOptions } from './types.js';
import { validateTaskOptions } from './validateTaskOptions.js';

/**
 * The key of the field that carries a SyncTask's types. Not exported, and the field never set:
 * nobody can read it, but `submitTask` and `result` still see the types through it.
 */
declare const taskTypes: unique symbol;

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
 * // Typed by hand here; `SyncTask.from<typeof import('./hash.js')>` reads the types from the module.
 * const hash = new SyncTask<[string], string>('hash', { module: new URL('./hash.js', import.meta.url) }, {
 *   timeoutMs: 2_000,
 * });
 * const id = scheduler.submitTask(hash, 'some input'); // TaskId<string>
 * ```
 */
export class SyncTask<TArgs extends readonly unknown[] = unknown[], TResult = unknown> {
  /** `'sync'`: runs on an executor thread. */
  readonly type = 'sync' as const;
  /** The name shown in records, tables and the inspector. */
  readonly name: string;
  /** The body: a module reference. */
  readonly run: TaskModuleRef | TaskHandlerRef;
  /** The validated, frozen options. */
  readonly options: Readonly<TaskOptions>;
  /** Carries the body's types for `submitTask` and `result`; never set. */
  declare readonly [taskTypes]?: (args: TArgs) => TResult;

  constructor(name: string, run: TaskModuleRef | TaskHandlerRef, options?: TaskOptions) {
    assertNonEmptyString(name, 'name');
    this.name = name;
    this.run = readTaskBody(run, { allowFunction: false }) as TaskModuleRef | TaskHandlerRef;
    this.options = readingCallerValue('options', () => validateTaskOptions(options));
    lockDefinition(this);
  }

  /**
   * A SyncTask typed from its module: its args and result are read from the named export's
   * {@link TaskFn} signature.
   *
   * @remarks `TModule` is the module's type (`typeof import('./hash.js')`); the reference must
   * name one of its exports that is a task body (`export` omitted: `default`), else it does not
   * compile. TypeScript cannot infer `TExport` from the reference once `TModule` is given, so
   * it defaults to the module's `default` export when that is a task body, else to its one
   * task export; to run another export, name it as the second type argument.
   * At run time this is `new SyncTask(name, run, options)`.
   * @typeParam TModule - the type of the module the reference loads.
   * @typeParam TExport - the export to run.
   * @throws TypeError/RangeError as the constructor.
   * @example
   * ```ts
   * // hash.ts: export function hash({ args: [text] }: TaskContext<[string]>): string { … }
   * import { SyncTask } from 'async-scheduler';
   *
   * const hash = SyncTask.from<typeof import('./hash.js')>('hash', {
   *   module: new URL('./hash.js', import.meta.url),
   *   export: 'hash',
   * }); // SyncTask<[string], string>
   * const twoExports = SyncTask.from<typeof import('./codec.js'), 'decode'>('decode', {
   *   module: new URL('./codec.js', import.meta.url),
   *   export: 'decode',
   * });
   * ```
   */
  static from<TModule, TExport extends TaskExportName<TModule> = DefaultTaskExport<TModule>>(
    name: string,
    run: TaskModuleRefTo<TExport>,
    options?: TaskOptions,
  ): SyncTask<TaskFnArgs<TModule[TExport]>, TaskFnResult<TModule[TExport]>> {
    return new SyncTask(name, run, options);
  }
}
