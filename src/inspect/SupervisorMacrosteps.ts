import { ActorTable } from './ActorTable.js';

/** The fields of an inspection event this reads (live actors and wire data alike). */
export interface SupervisorEventFields {
  readonly type: string;
  readonly sourceRef?: object | null;
  readonly event?: { readonly type?: unknown };
  readonly snapshot?: { readonly status?: unknown } | null;
}

/** One event a supervisor was sent and has not finished processing. */
interface PendingMacrostep {
  /** The event's type, to match the snapshot that ends its macrostep. */
  readonly type: unknown;
  /** Whether its macrostep's events are dropped. */
  readonly dropped: boolean;
}

/**
 * The macrosteps of the lane supervisors that an inspection filter drops: those caused by an
 * event from a task actor it did not select (the `xstate.done.actor.task` of each task).
 *
 * @remarks XState 5 reports a supervisor's macrostep as an `@xstate.event` (whose `sourceRef`
 * is the task actor that sent it), emitted when the event is relayed; then, once the event is
 * processed, its `@xstate.action` and `@xstate.microstep` events, and an `@xstate.snapshot`
 * that ends it. Events of other actors come in between (an action that starts the next task),
 * and when the supervisor is busy, the relayed event waits in its mailbox: the macrostep in
 * progress ends first. So each supervisor has a queue, in mailbox order, of the events it was
 * sent: an action belongs to the oldest; a microstep or a snapshot to the oldest of its
 * event's type, and that snapshot removes it. An action carries no event, so an event queued
 * by XState itself (`xstate.stop`, never reported as an `@xstate.event`) lends its actions to
 * the oldest queued one.
 *
 * Memory: a queue is as long as the supervisor's mailbox, and is held from the supervisor's
 * creation to its final snapshot (by the actor, or by session id for wire data, bounded as
 * {@link ActorTable} bounds). A supervisor seen without its creation is judged event by event.
 */
export class SupervisorMacrosteps {
  readonly #queues = new ActorTable<PendingMacrostep[]>();

  /** Supervisors whose queue is held. */
  get size(): number {
    return this.#queues.size;
  }

  /**
   * Whether the event of a supervisor `ref` passes. `droppedSource` says whether an event
   * from `sourceRef` makes a macrostep to drop.
   */
  keeps(
    ref: object,
    fields: SupervisorEventFields,
    droppedSource: (sourceRef: object) => boolean,
  ): boolean {
    if (fields.type === '@xstate.actor') {
      this.#queues.set(ref, []);
      return true;
    }
    const queue = this.#queues.get(ref);
    switch (fields.type) {
      case '@xstate.event': {
        const source = fields.sourceRef;
        const dropped = typeof source === 'object' && source !== null && droppedSource(source);
        queue?.push({ type: fields.event?.type, dropped });
        return !dropped;
      }
      case '@xstate.action':
        return queue?.[0]?.dropped !== true;
      case '@xstate.microstep':
        return queue?.[indexOf(queue, fields)]?.dropped !== true;
      case '@xstate.snapshot': {
        if (queue === undefined) return true;
        const index = indexOf(queue, fields);
        const dropped = queue[index]?.dropped === true;
        if (index >= 0) queue.splice(index, 1);
        const status = fields.snapshot?.status;
        if (status !== undefined && status !== 'active') this.#queues.delete(ref);
        return !dropped;
      }
      default:
        return true;
    }
  }

  /** Forgets the supervisors of a lane thread that is gone (their session ids' prefix). */
  deleteSessions(prefix: string): void {
    this.#queues.deleteSessions(prefix);
  }
}

/** The oldest queued event of the type of the event `fields` is about; -1 if none. */
function indexOf(queue: readonly PendingMacrostep[], fields: SupervisorEventFields): number {
  const type = fields.event?.type;
  // Nearly always the oldest: the supervisor processes its mailbox in order.
  if (queue[0]?.type === type) return 0;
  return queue.findIndex((pending) => pending.type === type);
}
