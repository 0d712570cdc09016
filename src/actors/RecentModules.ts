/**
 * The task modules a pool ran lately, newest last, so a fresh thread can load them before its
 * first task: a spare thread that takes over from a terminated one then starts that task
 * without a cold `import()`.
 */
export class RecentModules {
  readonly #capacity: number;
  /** Insertion-ordered: the first entry is the least recently noted. */
  readonly #hrefs = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * Notes a run of the module at `href`.
   * @returns true when it was not among the recent ones (a thread should load it now).
   */
  note(href: string): boolean {
    if (this.#hrefs.has(href)) return false;
    this.#hrefs.add(href);
    if (this.#hrefs.size > this.#capacity) {
      const oldest = this.#hrefs.values().next().value;
      if (oldest !== undefined) this.#hrefs.delete(oldest);
    }
    return true;
  }

  /** The recent modules, least recent first. */
  list(): string[] {
    return [...this.#hrefs];
  }
}
