import type * as WorkerThreads from 'node:worker_threads';

/*
 * Records every executor thread the library creates. A test file that needs it mocks the
 * module with this wrapper (the mock must sit in the test file, where vitest hoists it):
 *
 *   vi.mock('node:worker_threads', async (importOriginal) =>
 *     (await import('../support/workerRecorder.js')).recordingWorkerThreads(await importOriginal()));
 */

/** Every Worker constructed through the mocked module, in creation order. */
export const createdWorkers: WorkerThreads.Worker[] = [];

/** `node:worker_threads` with a Worker class that records its instances. */
export function recordingWorkerThreads(original: typeof WorkerThreads): typeof WorkerThreads {
  class RecordedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      createdWorkers.push(this);
    }
  }
  return { ...original, Worker: RecordedWorker };
}

/** The recorded threads still alive (a Worker's `threadId` is -1 once its thread has exited). */
export function liveWorkers(): WorkerThreads.Worker[] {
  return createdWorkers.filter((worker) => worker.threadId !== -1);
}
