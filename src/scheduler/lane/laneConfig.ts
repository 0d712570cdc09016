import type { InspectionEvent, Observer } from 'xstate';
import type { PooledExecutor, PooledExecutorEvents, TaskExecutor } from '../../actors/executor.js';
import type { Clock } from '../../clock.js';
import type { LaneKind } from '../../metrics/types.js';
import type { RetryPolicy } from '../../tasks/retryPolicy.js';
import type { TaskCallbacks, TaskFn, TaskModuleRef, TaskType } from '../../tasks/types.js';
import type { LiveTask } from './LiveTask.js';
import type { RateLimit } from './policy/StartRateLimit.js';
import type { TaskLedger } from '../ledger/TaskLedger.js';

/** Everything a lane is built from, validated by the facade. */
export interface LaneConfig {
  readonly lane: string;
  readonly concurrency: number;
  /** Where the lane records its tasks and reports their transitions. */
  readonly ledger: TaskLedger<LiveTask>;
  readonly clock: Clock;
  /** Runs AsyncTask bodies; at most `concurrency` at once. */
  readonly executor: TaskExecutor;
  /** Creates SyncTask's executor on the first SyncTask; absent: SyncTasks are refused. */
  readonly createSyncExecutor?: ((events: PooledExecutorEvents) => PooledExecutor) | undefined;
  /** A body that keeps the loop busy this long is reported on `warnings$`, ms; 0: never. */
  readonly slowTaskMs: number;
  /** Whose loop the lane runs on: the caller's, or a SchedulerThread's own thread. */
  readonly kind: LaneKind;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
  /** The retry policy of tasks that have none of their own; absent: no retries. */
  readonly retry?: RetryPolicy | undefined;
  /** At most `max` starts in any `perMs` window; absent: no limit. */
  readonly rateLimit?: RateLimit | undefined;
}

/** What the engine needs of a submitted task definition. */
export interface TaskDefinition {
  readonly name: string;
  readonly type: TaskType;
  readonly run: TaskFn<never> | TaskModuleRef;
  readonly options: Readonly<
    TaskCallbacks & { timeoutMs?: number; priority?: number; delayMs?: number; retry?: RetryPolicy }
  >;
}

/** One run's own options, which replace its task's (`submit()`'s). */
export interface RunOptions {
  readonly priority?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** The idempotency key it was submitted with. */
  readonly key?: string | undefined;
  /** Not started before this long after its submit, ms (replaces the task's `delayMs`). */
  readonly delayMs?: number | undefined;
  /** Not started before this epoch ms (replaces any `delayMs`). */
  readonly runAt?: number | undefined;
  /** This run's retry policy (replaces the task's and the scheduler's). */
  readonly retry?: RetryPolicy | undefined;
  /** The `repeat()` schedule it is an occurrence of. */
  readonly repeatId?: string | undefined;
}
