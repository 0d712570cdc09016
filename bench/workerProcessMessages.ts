/**
 * The IPC messages between the bench process and a worker process it spawned
 * (bench/bullmqWorkerProcess.ts): both sides import these types and nothing else of each other.
 */

/** The lane worker's handler name for the CPU body (args `[ms]`); a raw job's data is `{ ms }`. */
export const SPIN_HANDLER = 'spin';

/** Which kind of worker a process runs: `runWorker` (the lane's) or a raw BullMQ Worker. */
export type WorkerKind = 'lane' | 'raw';

/** What a worker process is told (its command line says which queue and kind). */
export type ToWorkerProcess =
  /** Report your CPU time so far. */
  | { readonly type: 'cpu' }
  /** Close the worker (finishing its running jobs), then exit. */
  | { readonly type: 'close' };

/** What a worker process says. */
export type FromWorkerProcess =
  /** Connected and taking jobs. */
  | { readonly type: 'ready' }
  /** Its CPU time so far (user + system), ms. */
  | { readonly type: 'cpu'; readonly cpuMs: number }
  /** Its worker closed; it exits next. */
  | { readonly type: 'closed' };
