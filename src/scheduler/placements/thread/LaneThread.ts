import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../../actors/workerEntry.js';
import { workerExecArgv } from '../../../actors/workerExecArgv.js';
import type {
  FromLaneThreadMessage,
  LaneThreadInit,
  ToLaneThreadMessage,
} from './laneThreadMessages.js';
import type { ThreadTask } from './ThreadTask.js';

/** What a {@link LaneThread} tells its host, until the host lets it go. */
export interface LaneThreadEvents {
  /** The thread sent `message`. */
  message(message: FromLaneThreadMessage): void;
  /**
   * The thread exited unasked; `lastError` is the uncaught error that ended it, if any, and
   * `ready` whether it had said `ready` (false: it never started, e.g. its entry did not load).
   */
  exit(exitCode: number, lastError: Error | undefined, ready: boolean): void;
}

/**
 * One lane thread: the worker thread running the lane's entry with `init` as its `workerData`,
 * the messages posted to it, and whether it keeps the process alive.
 *
 * @remarks Once its host lets it go ({@link LaneThread.terminate}), or it has exited, nothing it
 * still sends reaches the host: a replacement may be running already.
 *
 * @throws Error, when made, if the lane's entry is not built (run from the sources).
 */
export class LaneThread {
  /** The worker thread itself (its loop utilization is read from the main side). */
  readonly worker: Worker;
  /** True until the thread exits or is let go: only then are its events passed on. */
  #current = true;
  #lastError: Error | undefined;
  /** Whether the thread said `ready`: its entry loaded and its lane runs. */
  #ready = false;
  /** Whether the worker keeps the process alive: a new one does. */
  #referenced = true;

  constructor(init: LaneThreadInit, events: LaneThreadEvents) {
    const worker = new Worker(workerEntry('laneWorker', 'SchedulerThread'), {
      workerData: init,
      execArgv: workerExecArgv(),
    });
    this.worker = worker;
    worker.on('message', (message: FromLaneThreadMessage) => {
      if (message.type === 'ready') this.#ready = true;
      if (this.#current) events.message(message);
    });
    worker.on('error', (error: Error) => {
      if (this.#current) this.#lastError = error;
    });
    worker.on('exit', (exitCode: number) => {
      if (!this.#current) return;
      this.#current = false;
      events.exit(exitCode, this.#lastError, this.#ready);
    });
  }

  /** Posts `message` to the thread. */
  post(message: ToLaneThreadMessage): void {
    this.worker.postMessage(message);
  }

  /** Hands a task to the thread: its identity and body, which the thread's lane runs. */
  postSubmit(record: ThreadTask): void {
    this.post({
      type: 'submit',
      id: record.id,
      name: record.name,
      taskType: record.type,
      body: record.body,
      args: record.args,
      priority: record.priority,
      timeoutMs: record.timeoutMs,
      submittedAt: record.submittedAt,
      runAt: record.runAfter,
      retry: record.retry,
      attempt: record.attempt ?? 1,
    });
  }

  /** Makes the thread keep the process alive iff `busy` (it has work or owes an answer). */
  keepAlive(busy: boolean): void {
    if (busy === this.#referenced) return;
    this.#referenced = busy;
    if (busy) this.worker.ref();
    else this.worker.unref();
  }

  /**
   * Lets the thread go: what it sends from now on, its exit included, is ignored; resolves once
   * it has ended.
   */
  async terminate(): Promise<void> {
    this.#current = false;
    await this.worker.terminate();
  }
}
