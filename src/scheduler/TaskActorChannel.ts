import type { Clock } from '../clock.js';
import type { LaneCounters } from '../metrics/LaneCounters.js';
import type { TaskEvent } from '../machines/taskEvents.js';
import type { TaskMachineContext } from '../machines/taskMachine.js';
import { isFinished, TaskState } from '../taskState.js';
import type { TaskInfo } from '../tasks/types.js';
import { ENTRY_TIMESTAMP_KEY, type LiveTask } from './LiveTask.js';
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
}

/**
 * The one way a lane talks to its task actors: it sends an event, then reports the transition
 * the event caused and files the task when it is final.
 *
 * @remarks Every event a task actor receives comes through {@link TaskActorChannel.send}, so
 * reading the actor's snapshot after the send sees every transition (a subscription per actor
 * would cost a Set and a subscription for each of 100k queued tasks). When a send makes a task
 * final, XState tells the supervisor during the send; the supervisor calls
 * {@link TaskActorChannel.observeSending} first, so the task's final transition is reported
 * before its slot is reused.
 */
export class TaskActorChannel {
  readonly #options: TaskActorChannelOptions;
  /** The task whose event is being sent right now (sends nest through callbacks). */
  #sending: LiveTask | undefined;

  constructor(options: TaskActorChannelOptions) {
    this.#options = options;
  }

  /** Sends `event` to the task's actor and reports what it changed. */
  send(record: LiveTask, event: TaskEvent): void {
    const outer = this.#sending;
    this.#sending = record;
    try {
      record.actor.send(event);
    } finally {
      this.#sending = outer;
    }
    this.#observe(record);
  }

  /** Reports the transition of the task whose send is under way, if there is one. */
  observeSending(): void {
    if (this.#sending !== undefined) this.#observe(this.#sending);
  }

  #observe(record: LiveTask): void {
    const snapshot = record.actor.getSnapshot();
    this.#onTaskSnapshot(record, snapshot.value, snapshot.context);
  }

  /** Reports a task's transition, if the last send caused one, and files it when final. */
  #onTaskSnapshot(record: LiveTask, to: TaskState, context: TaskMachineContext): void {
    const from = record.state;
    if (to === from) return;
    record.state = to;
    const at = context.ts[ENTRY_TIMESTAMP_KEY[to as keyof typeof ENTRY_TIMESTAMP_KEY]] ?? 0;
    let buildInfo: () => TaskInfo;
    if (isFinished(to)) {
      this.#options.counters.taskFinished(to);
      if (from === TaskState.STARTED) this.#options.leftRunning(record, context.ts.start ?? at);
      if (record.timer !== undefined) this.#options.clock.clearTimeout(record.timer);
      record.timer = undefined;
      record.execution = undefined;
      const info = buildTaskInfo(record, to, context, at);
      this.#options.registry.finish(
        record,
        info,
        to === TaskState.DONE ? undefined : record.failure,
      );
      buildInfo = () => info;
    } else {
      buildInfo = () => buildTaskInfo(record, to, context, at);
    }
    this.#options.reporter.report({
      id: record.id,
      name: record.name,
      lane: record.lane,
      from,
      to,
      at,
      buildInfo,
      callbacks: record.callbacks,
    });
  }
}
