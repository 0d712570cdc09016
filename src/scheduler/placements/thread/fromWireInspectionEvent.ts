import type { InspectionEvent } from 'xstate';
import type { WireActorRef, WireInspectionEvent } from './laneThreadMessages.js';

/** The snapshot a rebuilt actor reference reports when its event carried none. */
const UNKNOWN_SNAPSHOT = Object.freeze({ status: 'active' });

/** An actor reference rebuilt from data: what inspectors read of a live actor. */
export interface InspectedActorRef extends WireActorRef {
  /** The snapshot the event carried, or `{ status: 'active' }`. */
  getSnapshot(): unknown;
}

/** How {@link fromWireInspectionEvent} rebuilds an event. */
export interface FromWireInspectionOptions {
  /**
   * Put before every session id (the actor's, its source's and the root's).
   * @remarks XState numbers the actors of each actor system from `x:0`: the actors of a lane
   * thread would share their session ids with those of the main thread's schedulers (and of an
   * earlier lane thread, after a restart), and an inspector would merge them.
   * @default ''
   */
  readonly sessionPrefix?: string;
}

function toActorRef(
  ref: WireActorRef,
  snapshot: unknown,
  sessionPrefix: string,
): InspectedActorRef {
  const inspected: InspectedActorRef = {
    id: ref.id,
    sessionId: sessionPrefix + ref.sessionId,
    getSnapshot: () => snapshot ?? UNKNOWN_SNAPSHOT,
  };
  if (ref.systemId !== undefined) return { ...inspected, systemId: ref.systemId };
  return inspected;
}

/**
 * An inspection event that crossed a thread (or was read from a recording) as plain data,
 * turned back into something an inspector can take.
 *
 * @remarks A wire event's actor references are data: `@statelyai/inspect` calls
 * `actorRef.getSnapshot()` on every `@xstate.actor` event, later, in a timer, where a
 * TypeError would be an uncaught exception. The rebuilt references answer with the snapshot
 * the event carried. An event whose actor reference already has `getSnapshot` (a live actor,
 * or an event rebuilt before) is returned as it is.
 *
 * @example
 * ```ts
 * import type { Observer, InspectionEvent } from 'xstate';
 * import { fromWireInspectionEvent } from './fromWireInspectionEvent.js';
 * import type { InspectionMessage } from './laneThreadMessages.js';
 *
 * declare const inspector: { inspect: Observer<InspectionEvent> };
 * declare const message: InspectionMessage; // from the lane thread
 * inspector.inspect.next?.(fromWireInspectionEvent(message.event, { sessionPrefix: 'urgent/' }));
 * ```
 */
export function fromWireInspectionEvent(
  wire: WireInspectionEvent | InspectionEvent,
  { sessionPrefix = '' }: FromWireInspectionOptions = {},
): InspectionEvent {
  const actorRef = wire.actorRef as Partial<InspectedActorRef>;
  if (typeof actorRef.getSnapshot === 'function') return wire as InspectionEvent;
  const data = wire as WireInspectionEvent;
  const rebuilt: Record<string, unknown> = {
    ...data,
    rootId: sessionPrefix + data.rootId,
    actorRef: toActorRef(data.actorRef, data.snapshot, sessionPrefix),
  };
  if (data.sourceRef !== undefined) {
    rebuilt['sourceRef'] = toActorRef(data.sourceRef, undefined, sessionPrefix);
  }
  return rebuilt as unknown as InspectionEvent;
}
