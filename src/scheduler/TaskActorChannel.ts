import type { Clock } from '../clock.js';
import type { TaskEvent } from '../machines/taskEvents.js';
import { waitingTransition } from '../machines/taskPassivation.js';
import type { LaneCounters } from '../metrics/LaneCounters.js';
import { TaskState } from '../taskState.js';
import {
  isFinished,
  isWaiting,
  stampKey,
  type StampedTaskState,
  type WaitingTaskState,
} from '../machines/taskLifecycle.js';
import type { LiveTask, TaskActor } from './LiveTask.js';
import { ReportedTransition } from './ReportedTransition.js';
import { buildTaskInfo } from './taskInfo.js';
import type { TaskRegistry } from './TaskRegistry.js';
import type { TransitionReporter } from './TransitionReporter.js';

/** What a {@link TaskActorChannel} works with. */
export interface TaskActorChannelOptions {
  readonly registry: TaskRegistry<LiveTask>;
  readonly reporter: TransitionReporter;
  readonly clock: Clock;
  /** Totals per final state. */
  readonly counters: LaneCounters;
  /** A task STARTED at `startedAt` reached a final state: its executor slot is free. */
  readonly leftRunning: (record: LiveTask, startedAt: number) => void;
  /** A task reached a final state and was reported and filed: the lane may start another. */
  readonly finished: () => void;
  /**
   * Restores the started actor of a passivated task waiting in `state` (an
   * `unobservedTaskMachine` actor): given by a lane that passivates, which creates its tasks
   * without an actor.
   */
  readonly activate?: ((state: WaitingTaskState) => TaskActor) | undefined;
}

/**
 * The one way a lane talks to its task actors: it sends an event, then records and reports the
 * transition the event caused, and files the task when it is final.
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

  /** Records the state `event` moved the task to, with its stamp and outcome, and reports it. */
  #moved(record: LiveTask, event: TaskEvent, from: TaskState, to: TaskState): void {
    if (to === from) return;
    record.state = to;
    const { at } = event;
    record.ts[stampKey(to as StampedTaskState)] = at;
    // The outcome a final state records comes with its event, as taskMachine's actions read it.
    if (event.type === 'task.done') record.result = event.result;
    if ('error' in event) record.error = event.error;
    if ('reason' in event) record.reason = event.reason;
    this.#report(record, from, to, at);
  }

  /** Reports a task's transition and, when it is final, files it and frees its slot. */
  #report(record: LiveTask, from: TaskState, to: TaskState, at: number): void {
    const { counters, leftRunning, clock, registry, reporter } = this.#options;
    if (isFinished(to)) {
      counters.taskFinished(to);
      // What metrics$ times, without building the info: as buildTaskInfo's runMs.
      let runMs: number | undefined;
      if (from === TaskState.STARTED) {
        const startedAt = record.ts.start ?? at;
        runMs = Math.max(0, at - startedAt);
        leftRunning(record, startedAt);
      }
      if (record.timer !== undefined) clock.clearTimeout(record.timer);
      record.timer = undefined;
      record.execution = undefined;
      const info = buildTaskInfo(record, to, record, at);
      registry.finish(record, info, to === TaskState.DONE ? undefined : record.failure, at);
      reporter.report(
        ReportedTransition.withInfo(record, from, to, at, info, runMs),
        record.callbacks,
      );
      this.#options.finished();
      return;
    }
    // Built on first read, maybe after the task moved on: it reads only what `to` had.
    const waitMs = to === TaskState.STARTED ? at - (record.ts.submit ?? at) : undefined;
    reporter.report(ReportedTransition.fromRecord(record, from, to, at, waitMs), record.callbacks);
  }
}
