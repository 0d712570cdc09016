import type { InspectionEvent } from 'xstate';
import type { WireActorRef, WireInspectionEvent } from './laneThreadMessages.js';

interface ActorRefFields {
  id?: unknown;
  sessionId?: unknown;
  systemId?: unknown;
}

function toWireActorRef(ref: unknown): WireActorRef {
  const { id, sessionId, systemId } = (ref ?? {}) as ActorRefFields;
  const wire: { id: string; sessionId: string; systemId?: string } = {
    id: typeof id === 'string' ? id : '',
    sessionId: typeof sessionId === 'string' ? sessionId : '',
  };
  if (typeof systemId === 'string') wire.systemId = systemId;
  return wire;
}

/** The data of a snapshot, without its machine and methods. */
function toWireSnapshot(snapshot: unknown, withContext: boolean): unknown {
  const { status, value, context, output, error } = (snapshot ?? {}) as Record<string, unknown>;
  const wire: Record<string, unknown> = { status, value };
  if (withContext) wire['context'] = context;
  if (output !== undefined && withContext) wire['output'] = output;
  if (error !== undefined && withContext) wire['error'] = error;
  return wire;
}

/**
 * An XState inspection event as plain data that survives a structured clone.
 *
 * @param withPayload - false drops what may not clone (event payloads, snapshot contexts):
 * the fallback when the full event could not be posted (a result that is a function).
 */
export function toWireInspectionEvent(
  event: InspectionEvent,
  withPayload = true,
): WireInspectionEvent {
  const source = event as unknown as Record<string, unknown>;
  const wire: {
    -readonly [K in keyof WireInspectionEvent]: WireInspectionEvent[K];
  } = {
    type: event.type,
    rootId: event.rootId,
    actorRef: toWireActorRef(event.actorRef),
  };
  if ('sourceRef' in source && source['sourceRef'] !== undefined) {
    wire.sourceRef = toWireActorRef(source['sourceRef']);
  }
  if ('event' in source) {
    const inner = source['event'] as { type?: unknown } | undefined;
    wire.event = withPayload ? inner : { type: inner?.type };
  }
  if ('snapshot' in source) wire.snapshot = toWireSnapshot(source['snapshot'], withPayload);
  if ('action' in source) {
    const action = source['action'] as { type?: unknown; params?: unknown } | undefined;
    wire.action = withPayload
      ? { type: action?.type, params: action?.params }
      : { type: action?.type };
  }
  return wire;
}
