import type { Clock } from '../../clock.js';
import type { TaskEvent } from '../../machines/taskEvents.js';
import { isFinished, isWaiting, type WaitingTaskState } from '../../machines/taskLifecycle.js';
import { waitingTransition } from '../../machines/taskPassivation.js';
import { TaskState } from '../../taskState.js';
import type { LiveTask, TaskActor } from './LiveTask.js';
import type { TaskLedger } from '../ledger/TaskLedger.js';

/** What a {@link TaskActorChannel} works with. */
export interface TaskActorChannelOptions {
  /** Where each transition is recorded and reported. */
  readonly ledger: TaskLedger<LiveTask>;
  readonly clock: Clock;
  /** A task STARTED at `startedAt` reached a final state: its executor slot is free. */
  readonly leftRunning: (record: LiveTask, startedAt: number) => void;
  /** A task reached a final state and was reported and filed: the lane may start another. */
  readonly finished: () => void;
  /**
   * A task took the retry edge (STARTED → SCHEDULED) and was reported: the lane queues it
   * again (its slot is free already).
   */
  readonly retried: (record: LiveTask) => void;
  /**
   * Restores the started actor of a passivated task waiting in `state` (an
   * `unobservedTaskMachine` actor): given by a lane that passivates, which creates its tasks
   * without an actor.
   */
  readonly activate?: ((state: WaitingTaskState) => TaskActor) | undefined;
}

/**
 * The one way a lane talks to its task actors: it sends an event, then hands the transition
 * the event caused to the lane's ledger, and frees the slot of a task that ended.
 *
 * @remarks Every event a task actor receives comes through {@link TaskActorChannel.send}, so
 * reading the actor's state after the send sees every transition (a subscription per actor
 * would cost a Set and a subscription for each of 100k queued tasks). The event that moved the
 * actor carries the stamp and the outcome the new state records.
 */
export class TaskActorChannel {
  readonly #options: TaskActorChannelOptions;

  constructor(options: TaskActorChannelOptions) {
    this.#options = options;
  }

  /**
   * Sends `event` to the task's actor and records and reports what it changed.
   *
   * @remarks A passivated actor (its task waits) stays so while the event keeps its task
   * waiting: the machine's own answer for its state and the event's type says where it goes.
   * An event that would start or end the task restores the actor first, which then takes it.
   */
  send(record: LiveTask, event: TaskEvent): void {
    const from = record.state;
    let actor = record.actor;
    if (actor === undefined) {
      if (!isWaiting(from)) throw new Error(`task ${record.id} has no actor in ${from}`);
      const next = waitingTransition(from, event.type);
      if (isWaiting(next)) {
        this.#moved(record, event, from, next);
        return;
      }
      const { activate } = this.#options;
      if (activate === undefined) throw new Error(`task ${record.id} has no actor to restore`);
      actor = record.actor = activate(from);
    }
    actor.send(event);
    this.#moved(record, event, from, actor.getSnapshot().value);
  }

  /** Hands the state `event` moved the task to to the ledger; frees a final task's slot first. */
  #moved(record: LiveTask, event: TaskEvent, from: TaskState, to: TaskState): void {
    if (to === from) return;
    const { ledger, leftRunning, clock } = this.#options;
    const retry = event.type === 'task.retry';
    if (!isFinished(to) && !retry) {
      ledger.enter(record, to, event);
      return;
    }
    if (from === TaskState.STARTED) leftRunning(record, record.ts.start ?? event.at);
    if (record.timer !== undefined) clock.clearTimeout(record.timer);
    record.timer = undefined;
    record.execution = undefined;
    if (retry) {
      ledger.retry(record, event);
      this.#options.retried(record);
      return;
    }
    ledger.enter(record, to, event);
    this.#options.finished();
  }
}
