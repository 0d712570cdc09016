/**
 * What the cluster demo and its worker processes say to each other over their IPC channel,
 * and the Redis they both use unless told otherwise.
 */

/** The Redis the demo and its workers use when `REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** From a worker process to the demo. */
export type WorkerMessage =
  | {
      /** Connected to Redis and taking jobs. */
      readonly type: 'ready';
      readonly name: string;
      readonly pid: number;
      readonly concurrency: number;
    }
  | {
      /** Closed: its running jobs finished, its connections are shut. */
      readonly type: 'closed';
    };

/** From the demo to a worker process. */
export interface ParentMessage {
  /** Finish the running jobs, take no more, and exit. */
  readonly type: 'close';
}
