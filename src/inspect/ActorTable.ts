/**
 * Most actors known only as data (inspection events from a lane thread, whose actor references
 * are copies) an {@link ActorTable} holds; past it the oldest is forgotten.
 *
 * @remarks An entry is forgotten when its actor sends its last event; the bound is for the
 * actors that never send one (those of a lane thread that crashed and was not replaced).
 * About 100 bytes an entry.
 */
export const MAX_TRACKED_DATA_ACTORS = 100_000;

/** The fields of an actor reference an entry is keyed by. */
interface ActorRefKey {
  readonly sessionId?: unknown;
  readonly send?: unknown;
}

/**
 * What an inspection filter holds about some actors, keyed by actor.
 *
 * @remarks A live actor (in this thread) is keyed by the actor itself, in a WeakMap: one that
 * is dropped without a last event is collected with its entry. An actor known as data is
 * keyed by its session id, in a Map bounded by {@link MAX_TRACKED_DATA_ACTORS}, whose entries
 * of a replaced lane thread can be forgotten at once ({@link ActorTable.deleteSessions}).
 * (XState numbers session ids per thread: the host puts a prefix before them.)
 */
export class ActorTable<TValue> {
  readonly #live = new WeakMap<object, TValue>();
  readonly #data = new Map<string, TValue>();
  readonly #maxData: number;
  /** Entries not yet forgotten explicitly (a collected live entry is still counted). */
  #count = 0;

  constructor(maxData = MAX_TRACKED_DATA_ACTORS) {
    this.#maxData = maxData;
  }

  /** How many entries are held: 0 once every actor seen has sent its last event. */
  get size(): number {
    return this.#count;
  }

  /** The entry of the actor `ref` refers to, if it is held. */
  get(ref: object): TValue | undefined {
    return isLive(ref) ? this.#live.get(ref) : this.#data.get(dataKey(ref));
  }

  /** Holds the entry of a new actor (forgetting the oldest data entry past the bound). */
  set(ref: object, value: TValue): void {
    this.#count++;
    if (isLive(ref)) {
      this.#live.set(ref, value);
      return;
    }
    this.#data.set(dataKey(ref), value);
    if (this.#data.size > this.#maxData) {
      // A Map iterates in insertion order: the first key is the oldest entry.
      const oldest = this.#data.keys().next().value as string;
      this.#data.delete(oldest);
      this.#count--;
    }
  }

  /** Forgets an actor's entry: it has sent its last event. */
  delete(ref: object): void {
    const deleted = isLive(ref) ? this.#live.delete(ref) : this.#data.delete(dataKey(ref));
    if (deleted) this.#count--;
  }

  /**
   * Forgets the entries of every data actor whose session id starts with `prefix`: those of a
   * lane thread that is gone, whose actors will send nothing more.
   */
  deleteSessions(prefix: string): void {
    for (const key of this.#data.keys()) {
      if (key.startsWith(prefix)) {
        this.#data.delete(key);
        this.#count--;
      }
    }
  }
}

/** Whether `ref` is a live actor: it has methods; one that crossed a thread or was read from a file has none. */
export function isLive(ref: object): boolean {
  return typeof (ref as ActorRefKey).send === 'function';
}

function dataKey(ref: object): string {
  const { sessionId } = ref as ActorRefKey;
  return typeof sessionId === 'string' ? sessionId : '';
}
