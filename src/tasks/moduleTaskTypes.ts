/**
 * Types that read a task's args and result from the module its body is in: what
 * `SyncTask.from` and `AsyncTask.from` use to type a module reference.
 */
import type { TaskContext } from './types.js';

/**
 * The names of the exports of module type `TModule` that are task bodies ({@link TaskFn}s).
 *
 * @typeParam TModule - the module's type, as `typeof import('./hash.js')`.
 */
export type TaskExportName<TModule> = {
  // A task body's shape, as far as the types can see: one context in, anything out.
  [K in keyof TModule]-?: TModule[K] extends (ctx: TaskContext<never>) => unknown ? K : never;
}[keyof TModule] &
  string;

/**
 * The args of the task body `TFn`.
 *
 * @remarks Not distributed over a union: for several bodies at once it is what every one of
 * them accepts (the intersection of their args), which is `never` when they differ.
 */
export type TaskFnArgs<TFn> = [TFn] extends [(ctx: TaskContext<infer TArgs>) => unknown]
  ? TArgs extends readonly unknown[]
    ? TArgs
    : never
  : never;

/** What the task body `TFn` resolves to. */
export type TaskFnResult<TFn> = [TFn] extends [(ctx: never) => infer TResult]
  ? Awaited<TResult>
  : never;

/**
 * A module reference to the export `TExport`: `export` may be left out only for `'default'`.
 *
 * @typeParam TExport - the export's name (a union gives a union of references).
 */
export type TaskModuleRefTo<TExport extends string> = TExport extends 'default'
  ? { readonly module: string | URL; readonly export?: 'default' }
  : { readonly module: string | URL; readonly export: TExport };

/**
 * The export `SyncTask.from<TModule>` runs when only the module's type is given: `'default'`
 * when that is a task body, else the module's task exports (exact when it has one).
 *
 * @typeParam TModule - the module's type, as `typeof import('./hash.js')`.
 */
export type DefaultTaskExport<TModule> =
  'default' extends TaskExportName<TModule> ? 'default' : TaskExportName<TModule>;
