export { AsyncScheduler } from './scheduler/AsyncScheduler.js';
export { SchedulerThread } from './scheduler/SchedulerThread.js';
export type { SlowestOptions, StopOptions, WaitTaskOptions } from './scheduler/taskQueries.js';
export type { AsyncSchedulerOptions, InspectionObserver } from './scheduler/schedulerOptions.js';
export type { SchedulerThreadOptions } from './scheduler/schedulerThreadOptions.js';
export { AsyncTask } from './tasks/AsyncTask.js';
export { SyncTask } from './tasks/SyncTask.js';
export type { RestartPolicy } from './actors/restartPolicy.js';
export type {
  TaskCallback,
  TaskCallbacks,
  TaskContext,
  TaskErrorData,
  TaskFn,
  TaskInfo,
  TaskModuleRef,
  TaskOptions,
  TaskTimestamps,
  TaskTransition,
  TaskType,
} from './tasks/types.js';
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
} from './errors.js';
export type { SchedulerErrorOptions } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { taskMachine } from './machines/taskMachine.js';
export type { TaskMachine, TaskMachineContext } from './machines/taskMachine.js';
export type { TaskEvent } from './machines/taskEvents.js';
export { formatTasks } from './format/formatTasks.js';
export type {
  BlockingTask,
  LaneKind,
  LaneMetrics,
  LoopBlockedWarning,
  NotStartedWarning,
  Percentiles,
  SchedulerWarning,
} from './metrics/types.js';
export { filterInspection } from './inspect/filterInspection.js';
export type { FilterInspectionOptions } from './inspect/filterInspection.js';
export type { TaskNameFilter } from './inspect/taskNameFilter.js';
export { createInspectionRecorder } from './inspect/createInspectionRecorder.js';
export type {
  InspectionRecorder,
  InspectionRecorderOptions,
} from './inspect/createInspectionRecorder.js';
export { readInspectionRecording, replayInspection } from './inspect/readInspectionRecording.js';
export type { RecordedInspectionEvent } from './inspect/serializeInspectionEvent.js';
export { serveDashboard } from './dashboard/serveDashboard.js';
export { DashboardListenError } from './dashboard/DashboardListenError.js';
export type { Dashboard, DashboardLane, DashboardOptions } from './dashboard/types.js';
