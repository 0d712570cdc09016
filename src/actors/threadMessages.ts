/**
 * The wire protocol between the main thread and an executor thread. Both sides import only
 * these types; nothing else crosses the boundary.
 */
import type { TaskErrorData } from '../tasks/types.js';

/** Main → thread: run one body. */
export interface RunMessage {
  readonly type: 'run';
  /** Unique per run within a pool; answers carry it back. */
  readonly runId: number;
  readonly taskId: string;
  readonly name: string;
  readonly lane: string;
  /** The module's URL (`file:` or a package specifier), resolved on the main side. */
  readonly moduleHref: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

/**
 * Main → thread: load these task modules now, before a task needs them (a spare thread warms up
 * with what the pool ran lately). A module that fails to load fails the task that runs it later.
 */
export interface PreloadMessage {
  readonly type: 'preload';
  readonly moduleHrefs: readonly string[];
}

/** Thread → main: the thread has loaded and takes work. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Thread → main: the body returned `value`. */
export interface DoneMessage {
  readonly type: 'done';
  readonly runId: number;
  readonly value: unknown;
}

/** Thread → main: the body threw, or its module or result failed. */
export interface FailMessage {
  readonly type: 'fail';
  readonly runId: number;
  readonly error: TaskErrorData;
  /** True when the thrown value was not an Error. */
  readonly nonError: boolean;
  /** The thrown non-Error value itself, when it could be cloned (else its text is in `error`). */
  readonly value?: unknown;
  /** The loader's error, when the task's module could not be loaded: the rebuilt error's `cause`. */
  readonly cause?: TaskErrorData;
}

/** Everything the main side sends. */
export type ToThreadMessage = RunMessage | PreloadMessage;
/** Everything a thread sends. */
export type FromThreadMessage = ReadyMessage | DoneMessage | FailMessage;
