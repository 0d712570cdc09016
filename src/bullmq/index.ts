/**
 * The `async-scheduler/bullmq` entry point: a lane whose tasks are BullMQ jobs in Redis
 * (`BullMQScheduler`), and the worker processes that run them (`runWorker`).
 *
 * @remarks Needs the optional peer dependencies `bullmq` and `ioredis`; a program that does not
 * import this entry never loads them.
 * @example
 * ```ts
 * import { AsyncTask } from 'async-scheduler';
 * import { BullMQScheduler, runWorker } from 'async-scheduler/bullmq';
 *
 * const connection = 'redis://127.0.0.1:6379';
 * const worker = await runWorker({
 *   connection,
 *   queue: 'emails',
 *   handlers: { send: ({ args: [to] }) => `sent to ${String(to)}` },
 * });
 * const emails = new BullMQScheduler({ name: 'emails', connection, autoStart: true });
 * const send = new AsyncTask<[to: string], string>('send', { handler: 'send' });
 * console.log(await emails.submit(send, { args: ['ada@example.com'] }).result());
 * await emails.stop();
 * await worker.close();
 * ```
 * @packageDocumentation
 * @module async-scheduler/bullmq
 */
export { BullMQScheduler } from '../scheduler/BullMQScheduler.js';
export type { BullMQSchedulerOptions } from '../scheduler/placements/bullmq/bullmqSchedulerOptions.js';
export type {
  BullMQConnection,
  BullMQConnectionOptions,
} from '../scheduler/placements/bullmq/connection.js';
export {
  MAX_BULLMQ_LANE_PRIORITY,
  MIN_BULLMQ_LANE_PRIORITY,
} from '../scheduler/placements/bullmq/jobOptions.js';
export { runWorker } from '../worker/bullmq/runWorker.js';
export type { QueueWorker } from '../worker/bullmq/runWorker.js';
export type {
  RunWorkerOptions,
  WorkerHandler,
  WorkerHandlerFn,
} from '../worker/bullmq/runWorkerOptions.js';
