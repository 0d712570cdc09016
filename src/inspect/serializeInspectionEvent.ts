import type { InspectionEvent } from 'xstate';
import { toErrorData } from '../errorData.js';
import type { WireInspectionEvent } from '../scheduler/placements/thread/laneThreadMessages.js';
import { toWireInspectionEvent } from '../scheduler/placements/thread/wireInspection.js';

/**
 * One line of an inspection recording: the event as data (as it crosses from a lane thread),
 * and when it was recorded.
 *
 * @remarks Actor references are `{ id, sessionId, systemId? }`; snapshots keep `status`,
 * `value`, `context` (and `output`/`error`). Values JSON cannot hold are replaced: a function by
 * `"[function name]"`, a bigint by `"12n"`, a symbol by its description, an Error by its name,
 * message and stack, a circular reference by `"[circular]"`. An event whose payload cannot be
 * serialized at all (a getter that throws) keeps its type and actors, and says why in
 * `payloadError`.
 */
export interface RecordedInspectionEvent extends WireInspectionEvent {
  /** When the event was recorded, epoch ms. */
  readonly at: number;
  /** Why the event's payload (its event, snapshot context, action params) was left out. */
  readonly payloadError?: string;
}

/**
 * A JSON.stringify replacer that never throws on a value JSON cannot hold.
 *
 * @remarks JSON.stringify calls a replacer with `this` set to the object holding the value, so
 * the objects above the current one are the stack of holders: a value already on it is a cycle.
 * A value seen twice in two branches is not a cycle, and is written twice.
 */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    switch (typeof value) {
      case 'bigint':
        return `${value.toString()}n`;
      case 'function':
        return `[function ${value.name === '' ? 'anonymous' : value.name}]`;
      case 'symbol':
        return value.toString();
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return value;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[circular]';
    ancestors.push(value);
    return value instanceof Error ? toErrorData(value) : value;
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'not serializable';
}

/** What each fallback keeps of an event, from everything to its type alone. */
const RENDERINGS: readonly ((
  event: InspectionEvent,
  at: number,
  payloadError: string,
) => object)[] = [
  (event, at) => ({ at, ...toWireInspectionEvent(event) }),
  (event, at, payloadError) => ({ at, ...toWireInspectionEvent(event, false), payloadError }),
  (event, at, payloadError) => {
    const { type } = event as { type?: unknown };
    return { at, type: typeof type === 'string' ? type : '', payloadError };
  },
];

/**
 * One inspection event as one line of JSON (without the newline). Never throws.
 *
 * @param at - when it happened, epoch ms.
 */
export function serializeInspectionEvent(event: InspectionEvent, at: number): string {
  let payloadError = '';
  for (const render of RENDERINGS) {
    try {
      return JSON.stringify(render(event, at, payloadError), safeReplacer());
    } catch (error) {
      payloadError = reasonOf(error);
    }
  }
  return JSON.stringify({ at, type: '', payloadError });
}
