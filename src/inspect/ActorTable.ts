import type { InspectionEvent } from 'xstate';

/**
 * Most task actors known only as data (inspection events from a lane thread, whose actor
 * references are copies) whose selection is kept; past it the oldest is forgotten.
 *
 * @remarks Each entry is forgotten when its actor's final snapshot passes; the bound is for the
 * actors that never send one (those of a lane thread that crashed). About 100 bytes an entry.
 */
export const MAX_TRACKED_DATA_ACTORS = 100_000;

/** What a filter decided about one task actor. */
export interface ActorSelection {
  /** Whether its events pass; `undefined` while the filter waits for the task's name. */
  selected: boolean | undefined;
  /** Its creation event, held while `selected` is undecided. */
  held: InspectionEvent | undefined;
}

/** The fields of an actor reference a selection is keyed by. */
interface ActorRefKey {
  readonly sessionId?: unknown;
  readonly send?: unknown;
}

/**
 * The selections of the task actors a filter has seen and not yet forgotten.
 *
 * @remarks A live actor (in this thread) is keyed by the actor itself, in a WeakMap: one that
 * is dropped without a final snapshot is collected with its entry. An actor known as data is
 * keyed by its session id, in a Map bounded by {@link MAX_TRACKED_DATA_ACTORS}. (XState numbers
 * session ids per thread: data from two lane threads may share them, unless the host puts a
 * prefix before them.)
 */
export class ActorSelections {
  readonly #live = new WeakMap<object, ActorSelection>();
  readonly #data = new Map<string, ActorSelection>();
  readonly #maxData: number;
  /** Entries not yet forgotten explicitly (a collected live entry is still counted). */
  #count = 0;

  constructor(maxData = MAX_TRACKED_DATA_ACTORS) {
    this.#maxData = maxData;
  }

  /** How many selections are held: 0 once every actor seen has sent its final snapshot. */
  get size(): number {
    return this.#count;
  }

  /** The selection of the actor `ref` refers to, if it is held. */
  get(ref: object): ActorSelection | undefined {
    return isLive(ref) ? this.#live.get(ref) : this.#data.get(dataKey(ref));
  }

  /** Holds the selection of a new actor (forgetting the oldest data entry past the bound). */
  set(ref: object, selection: ActorSelection): void {
    this.#count++;
    if (isLive(ref)) {
      this.#live.set(ref, selection);
      return;
    }
    this.#data.set(dataKey(ref), selection);
    if (this.#data.size > this.#maxData) {
      // A Map iterates in insertion order: the first key is the oldest entry.
      const oldest = this.#data.keys().next().value as string;
      this.#data.delete(oldest);
      this.#count--;
    }
  }

  /** Forgets an actor's selection: it has sent its last event. */
  delete(ref: object): void {
    const deleted = isLive(ref) ? this.#live.delete(ref) : this.#data.delete(dataKey(ref));
    if (deleted) this.#count--;
  }
}

/** A live actor has methods; one that crossed a thread or was read from a file has none. */
function isLive(ref: object): boolean {
  return typeof (ref as ActorRefKey).send === 'function';
}

function dataKey(ref: object): string {
  const { sessionId } = ref as ActorRefKey;
  return typeof sessionId === 'string' ? sessionId : '';
}
