import { performance } from 'node:perf_hooks';
import { isErrorSafely } from '../errorData.js';
import { describeThrown } from '../validate.js';
import type { TaskContext, TaskFn, TaskModuleRef } from '../tasks/types.js';
import type { Execution, ExecutionJob, ExecutionSink, TaskExecutor } from './executor.js';
import { describeModuleRef, loadTaskModule } from './loadTaskModule.js';
import { settleReturned } from './settleReturned.js';

/**
 * One run of a body on this loop: it is the body's {@link TaskContext} and its
 * {@link Execution} handle at once, so a run costs one allocation.
 *
 * @remarks The `AbortController` is created only when the body first reads `signal`: most
 * short bodies never do, and creating one per task would cost more than the rest of the run.
 */
class LoopRun<TJob extends ExecutionJob> implements TaskContext<readonly unknown[]>, Execution {
  readonly id: string;
  readonly name: string;
  readonly lane: string;
  readonly args: readonly unknown[];
  #controller: AbortController | undefined;
  #abortReason: Error | undefined;
  #reported = false;
  readonly #job: TJob;
  readonly #sink: ExecutionSink<TJob>;

  constructor(job: TJob, sink: ExecutionSink<TJob>) {
    this.id = job.id;
    this.name = job.name;
    this.lane = job.lane;
    this.args = job.args;
    this.#job = job;
    this.#sink = sink;
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#abortReason !== undefined && !this.#controller.signal.aborted) {
      this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  abort(reason: Error): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  run(fn: TaskFn<readonly unknown[]>): void {
    let returned: unknown;
    const thresholdMs = this.#sink.blockedThresholdMs;
    const timed = thresholdMs !== undefined && thresholdMs !== Infinity;
    const startedAt = timed ? performance.now() : 0;
    try {
      returned = fn(this);
    } catch (error) {
      if (timed) this.#reportBlocked(startedAt, thresholdMs);
      // Report on a later microtask: a lane must never see an outcome inside execute().
      queueMicrotask(() => {
        this.fail(error);
      });
      return;
    }
    if (timed) this.#reportBlocked(startedAt, thresholdMs);
    // A lane must never see an outcome inside execute(): settleReturned reports later.
    settleReturned(returned, this, this);
  }

  #reportBlocked(startedAt: number, thresholdMs: number): void {
    const blockedMs = performance.now() - startedAt;
    if (blockedMs >= thresholdMs) this.#sink.blocked?.(this.#job, blockedMs);
  }

  runModule(ref: TaskModuleRef): void {
    loadTaskModule(ref, this.name).then(
      (fn) => {
        if (this.#abortReason === undefined) this.run(fn);
      },
      (error: unknown) => {
        this.fail(
          isErrorSafely(error) === true
            ? error
            : new Error(`Could not load ${describeModuleRef(ref)}: ${describeThrown(error)}`),
        );
      },
    );
  }

  succeed(value: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#sink.succeed(this.#job, value);
  }

  fail(error: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#sink.fail(this.#job, error);
  }
}

/**
 * An executor that runs bodies on the caller's event loop: functions directly, module
 * references after a dynamic `import()` (cached by Node's module loader).
 *
 * @remarks A body that ignores its aborted signal cannot be stopped on this loop; the lane has
 * already ended the task and discards the late outcome. CPU-bound work belongs on a thread.
 */
export function fromLoop(): TaskExecutor {
  return {
    execute<TJob extends ExecutionJob>(job: TJob, sink: ExecutionSink<TJob>): Execution {
      const run = new LoopRun(job, sink);
      if (typeof job.body === 'function') run.run(job.body);
      else run.runModule(job.body);
      return run;
    },
  };
}
