/**
 * The session prefix a SchedulerThread's host puts before its actors' session ids:
 * `<lane>#<n>/`, for the n-th thread of that lane (the lane name may hold `#` and `/`).
 */
const THREAD_SESSION_PREFIX = /^(.*)#(\d+)\/$/;

/**
 * The lane-thread generations whose inspection events a filter has seen, to tell when a lane
 * thread was replaced.
 *
 * @remarks A lane thread that crashes never sends its actors' last events, so a filter would
 * hold their entries until its bound pushed them out. Its replacement's events carry the next
 * generation's prefix: from then on nothing more comes from the old one, and its entries can go.
 * Events of other shapes (a live actor, a session id without such a prefix) are ignored.
 */
export class ThreadGenerations {
  /** The newest generation seen of each lane. */
  readonly #newest = new Map<string, number>();
  /** The prefix of the last session id read: most events repeat it, and are skipped cheaply. */
  #lastPrefix = '';

  /**
   * Reads the session id of an event's actor; returns the prefix of the generation it
   * replaces, if it is the first event seen of a newer generation of its lane.
   */
  replaced(sessionId: string): string | undefined {
    const end = sessionId.lastIndexOf('/') + 1;
    if (end === 0) return undefined;
    if (end === this.#lastPrefix.length && sessionId.startsWith(this.#lastPrefix)) return undefined;
    const prefix = sessionId.slice(0, end);
    this.#lastPrefix = prefix;
    const match = THREAD_SESSION_PREFIX.exec(prefix);
    if (match === null) return undefined;
    const lane = match[1] as string;
    const generation = Number(match[2]);
    const newest = this.#newest.get(lane);
    if (newest !== undefined && generation <= newest) return undefined;
    this.#newest.set(lane, generation);
    return newest === undefined ? undefined : `${lane}#${newest}/`;
  }
}
