/**
 * The `async-scheduler` root entry point: schedulers, tasks, errors, states, the task machine
 * and `formatTasks`. The dashboard is in `async-scheduler/dashboard`, the inspection tools in
 * `async-scheduler/inspect`: a program that does not import them never loads them.
 *
 * @packageDocumentation
 * @module async-scheduler
 */
export { AsyncScheduler } from './scheduler/AsyncScheduler.js';
export { SchedulerThread } from './scheduler/SchedulerThread.js';
export type { SlowestOptions, StopOptions, WaitTaskOptions } from './scheduler/taskQueries.js';
export type { AsyncSchedulerOptions, InspectionObserver } from './scheduler/schedulerOptions.js';
export type { SchedulerThreadOptions } from './scheduler/schedulerThreadOptions.js';
export type { TaskId } from './scheduler/submit/TaskId.js';
export type { TaskHandle } from './scheduler/submit/TaskHandle.js';
export type { SubmitArguments, SubmitOptions } from './scheduler/submit/SubmitOptions.js';
export type {
  RepeatLimits,
  RepeatOptions,
  RepeatOverlap,
  RepeatTiming,
} from './scheduler/repeat/RepeatOptions.js';
export type { RepeatHandle } from './scheduler/repeat/RepeatSchedule.js';
export { AsyncTask } from './tasks/AsyncTask.js';
export { SyncTask } from './tasks/SyncTask.js';
export type {
  DefaultTaskExport,
  TaskExportName,
  TaskFnArgs,
  TaskFnResult,
  TaskModuleRefTo,
} from './tasks/moduleTaskTypes.js';
export type { RestartPolicy } from './actors/restartPolicy.js';
export type {
  TaskCallback,
  TaskCallbacks,
  TaskContext,
  TaskErrorData,
  TaskFn,
  TaskHandlerRef,
  TaskInfo,
  TaskModuleRef,
  TaskOptions,
  TaskTimestamps,
  TaskTransition,
  TaskType,
  TaskAttempt,
} from './tasks/types.js';
export type { RetryBackoff, RetryPolicy } from './tasks/retryPolicy.js';
export type { RateLimit } from './scheduler/lane/policy/StartRateLimit.js';
export { TaskState } from './taskState.js';
export { isFinished, isRunning, RUNNING_TAG, FINISHED_TAG } from './machines/taskLifecycle.js';
export type { FinalTaskState } from './machines/taskLifecycle.js';
export {
  SchedulerError,
  SchedulerErrorCode,
  UnknownTaskError,
  SchedulerStoppedError,
  TaskTimeoutError,
  TaskCanceledError,
  WorkerCrashedError,
  WaitTimeoutError,
  UnrecoverableError,
  QueueFullError,
} from './errors.js';
export type { SchedulerErrorOptions } from './errors.js';
export type { Clock, TimerHandle } from './clock.js';
export { taskMachine } from './machines/taskMachine.js';
export type { TaskMachine, TaskMachineContext } from './machines/taskMachine.js';
export type { TaskEvent } from './machines/taskEvents.js';
export { formatTasks } from './format/formatTasks.js';
export type { FormatTasksOptions } from './format/formatTasks.js';
export type {
  BlockingTask,
  LaneKind,
  LaneMetrics,
  LoopBlockedWarning,
  NotStartedWarning,
  Percentiles,
  SchedulerWarning,
} from './metrics/types.js';
